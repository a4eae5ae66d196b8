package ingest

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/attendrisk/attendrisk/pkg/mark"
)

// Profile describes one MIS's export: which column is which, the layout,
// the date order, and the school's local codes with the DfE code each one
// stands for. --profile applies it.
type Profile struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Layout      string            `yaml:"layout"`
	Sheet       string            `yaml:"sheet"`
	Columns     map[string]string `yaml:"columns"`
	DateOrder   string            `yaml:"date_order"` // dmy (default), ymd or mdy
	LocalCodes  map[string]string `yaml:"local_codes"`
	// School names the school of rows that name none (as --school does).
	School string `yaml:"school"`
}

// ParseProfile reads a profile strictly: an unknown key, field, layout or
// DfE code is an error naming the file and line.
func ParseProfile(file string, data []byte) (*Profile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	switch Layout(p.Layout) {
	case LayoutAuto, LayoutMarks, LayoutGrid, LayoutSummary:
	default:
		return nil, fmt.Errorf("%s: layout %q: expected marks, grid or summary", file, p.Layout)
	}
	switch p.DateOrder {
	case "", "dmy", "ymd", "mdy":
	default:
		return nil, fmt.Errorf("%s: date_order %q: expected dmy, ymd or mdy", file, p.DateOrder)
	}
	for f := range p.Columns {
		if _, ok := aliases[Field(f)]; !ok {
			return nil, fmt.Errorf("%s: columns: unknown field %q", file, f)
		}
	}
	for local, dfe := range p.LocalCodes {
		if _, ok := mark.Lookup(dfe); !ok {
			return nil, fmt.Errorf("%s: local_codes: %q maps to %q, which is not a DfE code (see attendrisk codes)", file, local, dfe)
		}
		if strings.TrimSpace(local) == "" {
			return nil, fmt.Errorf("%s: local_codes: a local code cannot be blank", file)
		}
	}
	return &p, nil
}

// Apply sets the options the profile describes. Flags given on the command
// line win over the profile, so the caller applies them afterwards.
func (p *Profile) Apply(o *Options) {
	if p.Layout != "" {
		o.Layout = Layout(p.Layout)
	}
	if p.Sheet != "" {
		o.Sheet = p.Sheet
	}
	if len(p.Columns) > 0 {
		if o.Map == nil {
			o.Map = map[Field]string{}
		}
		for f, h := range p.Columns {
			if _, set := o.Map[Field(f)]; !set {
				o.Map[Field(f)] = h
			}
		}
	}
	if p.DateOrder != "" {
		o.DateOrder = DateOrder(p.DateOrder)
	}
	if p.School != "" && o.School == "" {
		o.School = strings.TrimSpace(p.School)
		o.SchoolFrom = SchoolFromProfile
	}
	if len(p.LocalCodes) > 0 {
		o.LocalCodes = map[string]mark.ID{}
		for local, dfe := range p.LocalCodes {
			id, _ := mark.Lookup(dfe)
			o.LocalCodes[strings.ToUpper(strings.TrimSpace(local))] = id
		}
	}
}

// LocalCodeList returns the profile's local codes as "local → DfE" lines.
func (p *Profile) LocalCodeList() []string {
	var out []string
	for l, d := range p.LocalCodes {
		out = append(out, l+" → "+d)
	}
	sort.Strings(out)
	return out
}
