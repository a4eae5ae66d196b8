package cohort

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// NotPublished marks a benchmark rate the source does not give (DfE's
// year-to-date files have no severe absence rate): shown empty, never 0.
const NotPublished = -1.0

// maxEESBytes bounds a DfE benchmark file: the national, regional and LA
// rows of every phase for a year are a few megabytes.
const maxEESBytes = 256 << 20

// Phases are the education phases DfE's files publish, as they spell them.
var Phases = []string{"Total", "Primary", "Secondary", "Special"}

// ReadEES picks a benchmark from one of DfE's own published attendance
// files (explore-education-statistics CSVs such as EES_ytd_data.csv or the
// annual pupil absence data): the row of the given area (England, a region
// or a local authority, by name or code) and phase (Total, Primary,
// Secondary or Special), of the latest time period in the file. Rates are
// the file's own percentages (overall, authorised, unauthorised absence;
// pa_perc; a severe rate only where the file has one).
func ReadEES(path, area, phase string) (Benchmark, error) {
	fail := func(format string, a ...any) (Benchmark, error) {
		return Benchmark{}, fmt.Errorf("--benchmarks %s: "+format, append([]any{path}, a...)...)
	}
	st, err := os.Stat(path)
	if err != nil {
		return fail("cannot read: %v", errors.Unwrap(err))
	}
	if !st.Mode().IsRegular() {
		return fail("not a regular file")
	}
	if st.Size() > maxEESBytes {
		return fail("%d bytes, more than the %d a DfE benchmark file can be", st.Size(), maxEESBytes)
	}
	f, err := os.Open(path)
	if err != nil {
		return fail("cannot read: %v", errors.Unwrap(err))
	}
	defer f.Close()
	r := csv.NewReader(io.LimitReader(f, maxEESBytes))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return fail("no header row")
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"time_period", "geographic_level", "education_phase", "overall_absence_perc", "authorised_absence_perc", "unauthorised_absence_perc"} {
		if _, ok := col[need]; !ok {
			return fail("no %s column: expected a DfE attendance or absence file from explore-education-statistics (or a YAML list of benchmarks)", need)
		}
	}
	if area == "" {
		area = "England"
	}
	wantPhase := ""
	for _, p := range Phases {
		if strings.EqualFold(p, phase) {
			wantPhase = p
		}
	}
	if wantPhase == "" {
		return fail("phase %q: expected one of %s", phase, strings.Join(Phases, ", "))
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	matches := func(rec []string) bool {
		switch strings.ToLower(get(rec, "geographic_level")) {
		case "national":
			return strings.EqualFold(area, get(rec, "country_name")) || strings.EqualFold(area, get(rec, "country_code"))
		case "regional":
			return strings.EqualFold(area, get(rec, "region_name")) || strings.EqualFold(area, get(rec, "region_code"))
		case "local authority":
			return strings.EqualFold(area, get(rec, "la_name")) || strings.EqualFold(area, get(rec, "new_la_code")) || strings.EqualFold(area, get(rec, "old_la_code"))
		}
		return false
	}
	var best []string
	bestLine, line := 0, 1
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return fail("line %d: %v", line, err)
		}
		if !strings.EqualFold(get(rec, "education_phase"), wantPhase) || !matches(rec) {
			continue
		}
		if best == nil || get(rec, "time_period") > get(best, "time_period") {
			best, bestLine = rec, line
		}
	}
	if best == nil {
		return fail("no row for area %q and phase %s (areas are England, a region or a local authority, by name or code)", area, wantPhase)
	}
	rate := func(name string, optional bool) (float64, error) {
		s := get(best, name)
		if s == "" && optional {
			return NotPublished, nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || v < 0 || v > 100 {
			if optional && (s == "c" || s == "x" || s == "z" || s == "low") {
				return NotPublished, nil // suppressed or not applicable
			}
			return 0, fmt.Errorf("--benchmarks %s: line %d: %s is %q, expected a percentage", path, bestLine, name, s)
		}
		return v, nil
	}
	b := Benchmark{}
	for _, x := range []struct {
		name     string
		to       *float64
		optional bool
	}{
		{"overall_absence_perc", &b.Overall, false},
		{"authorised_absence_perc", &b.Authorised, false},
		{"unauthorised_absence_perc", &b.Unauthorised, false},
		{"pa_perc", &b.Persistent, true},
		{"sa_perc", &b.Severe, true},
	} {
		v, err := rate(x.name, x.optional)
		if err != nil {
			return Benchmark{}, err
		}
		*x.to = v
	}
	period := get(best, "time_period")
	if len(period) == 6 {
		period = period[:4] + "/" + period[4:]
	}
	place := get(best, "la_name")
	switch strings.ToLower(get(best, "geographic_level")) {
	case "national":
		place = get(best, "country_name")
	case "regional":
		place = get(best, "region_name")
	}
	what := get(best, "time_identifier")
	if what == "" {
		what = "time period"
	}
	b.Name = fmt.Sprintf("%s %s %s", place, strings.ToLower(wantPhase), period)
	if wantPhase == "Total" {
		b.Name = fmt.Sprintf("%s %s", place, period)
	}
	b.Source = fmt.Sprintf("DfE, explore-education-statistics file %s, line %d (%s, %s, %s %s)", baseName(path), bestLine, place, wantPhase, what, period)
	return b, nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// PhaseOf is the DfE phase that fits a set of national curriculum years
// (reception is 0; -1 is unknown): Primary for years up to 6, Secondary for
// 7 and above, Total for a mix or when any year is unknown.
func PhaseOf(years []int) string {
	prim, sec := false, false
	for _, y := range years {
		switch {
		case y < 0:
			return "Total"
		case y <= 6:
			prim = true
		default:
			sec = true
		}
	}
	switch {
	case prim && !sec:
		return "Primary"
	case sec && !prim:
		return "Secondary"
	}
	return "Total"
}

// MarshalJSON writes a rate the source does not publish as null, never -1.
func (b Benchmark) MarshalJSON() ([]byte, error) {
	rate := func(v float64) *float64 {
		if v < 0 {
			return nil
		}
		return &v
	}
	return json.Marshal(struct {
		Name         string   `json:"name"`
		Overall      *float64 `json:"overall_absence_pct"`
		Authorised   *float64 `json:"authorised_absence_pct"`
		Unauthorised *float64 `json:"unauthorised_absence_pct"`
		Persistent   *float64 `json:"persistent_absence_pct"`
		Severe       *float64 `json:"severe_absence_pct"`
		Source       string   `json:"source"`
	}{b.Name, rate(b.Overall), rate(b.Authorised), rate(b.Unauthorised), rate(b.Persistent), rate(b.Severe), b.Source})
}
