package render

import (
	"sort"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/metrics"
)

// SchemaVersion is the version of the pupil record in the machine formats
// (JSON, JSON Lines, Parquet, and `attendrisk schema`). It goes up when a
// field is removed, renamed or changes type; new fields only add to it in
// the minor part.
const SchemaVersion = "2.1"

// kind is a field's type in every machine format: CSV text, a JSON type,
// a Parquet physical and logical type, a JSON Schema type.
type kind int

const (
	kString kind = iota
	kInt
	kFloat
	kBool
	kDate    // yyyy-mm-dd; a Parquet DATE
	kStrings // a list: |-separated in CSV, an array in JSON
)

// jsonType is the kind's JSON Schema type.
func (k kind) jsonType() string {
	switch k {
	case kInt:
		return "integer"
	case kFloat:
		return "number"
	case kBool:
		return "boolean"
	case kStrings:
		return "array"
	}
	return "string"
}

// record is one pupil's row as the analyst columns read it: the pupil, and
// the indicators the rules read (filled once per row).
type record struct {
	p    *analysis.Pupil
	res  *analysis.Result
	vars map[string]any
}

// load fills the record's indicators for p.
func (r *record) load(res *analysis.Result, p *analysis.Pupil) {
	r.p, r.res = p, res
	if r.vars == nil {
		r.vars = make(map[string]any, 96)
	}
	res.Indicators(p, r.vars)
}

// analystColumn is one of the columns after the established ones: rank,
// the fired factor ids, and every indicator the rules can read.
type analystColumn struct {
	name string
	kind kind
	get  func(r *record) any // nil: not applicable (null, an empty cell)
}

// analystColumns come after every established column (whose order
// analysts' spreadsheets depend on), in every machine format. The
// indicators are derived from the rules' own schema (analysis.Schema), so
// a new indicator becomes a column with the name the rules know it by;
// the ones that are already established columns under the same name, and
// the ones that are not single values (the codes map, which has its own
// columns, and the actions functions), are not repeated.
var analystColumns = append(buildAnalystColumns(), moveColumns...)

// patternVars are the indicators measured by the patterns stage, which a
// run without rules (--no-rules) does not compute: null there, not 0.
var patternVars = func() map[string]bool {
	vars := map[string]any{}
	metrics.Patterns{}.AddVars(vars)
	out := map[string]bool{"siblings_pa": true, "siblings_sa": true}
	for k := range vars {
		out[k] = true
	}
	return out
}()

// notApplicable says when an indicator has no meaningful value for a pupil:
// its denominator is zero, or it uses -1 for "none". The rules read the
// sentinel; an analyst should read a null.
var notApplicable = map[string]func(p *analysis.Pupil, v any) bool{
	"recent_absence_pct":  func(p *analysis.Pupil, _ any) bool { return p.Patterns.RecentPossible == 0 },
	"earlier_absence_pct": func(p *analysis.Pupil, _ any) bool { return p.Patterns.EarlierPossible == 0 },
	"trend_pts": func(p *analysis.Pupil, _ any) bool {
		return p.Patterns.RecentPossible == 0 || p.Patterns.EarlierPossible == 0
	},
	"illness_share":       func(p *analysis.Pupil, _ any) bool { return p.Patterns.AbsenceSessions == 0 },
	"monday_friday_share": func(p *analysis.Pupil, _ any) bool { return p.Patterns.AbsenceSessions == 0 },
	"days_since_action":   minusOne,
	"days_since_contact":  minusOne,
	"nc_year":             minusOne,
}

func minusOne(_ *analysis.Pupil, v any) bool { n, ok := v.(int); return ok && n < 0 }

func buildAnalystColumns() []analystColumn {
	cols := []analystColumn{
		{"rank", kInt, func(r *record) any {
			if r.p.Rank == 0 {
				return nil
			}
			return r.p.Rank
		}},
		{"factor_ids", kStrings, func(r *record) any { return firedIDs(r.p) }},
	}
	have := map[string]bool{}
	for _, c := range pupilColumns {
		have[c.name] = true
	}
	sample := analysis.Schema(nil).Vars
	names := make([]string, 0, len(sample))
	for name := range sample {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if have[name] {
			continue
		}
		var k kind
		switch sample[name].(type) {
		case int:
			k = kInt
		case float64:
			k = kFloat
		case bool:
			k = kBool
		case string:
			k = kString
		default:
			continue // the codes map, the actions functions
		}
		name, na, pattern := name, notApplicable[name], patternVars[name]
		cols = append(cols, analystColumn{name, k, func(r *record) any {
			if r.p.Aggregate || (pattern && r.res.Rules == nil) {
				return nil
			}
			v := r.vars[name]
			if na != nil && na(r.p, v) {
				return nil
			}
			if f, ok := v.(float64); ok {
				return pct(f)
			}
			return v
		}})
	}
	return cols
}

// firedIDs is the ids of the fired factors, in the order they fired.
func firedIDs(p *analysis.Pupil) []string {
	ids := make([]string, 0, len(outcome(p).Fired))
	for _, f := range outcome(p).Fired {
		ids = append(ids, f.Factor.ID)
	}
	return ids
}

// csvValue renders an analyst column's value for CSV: a list joined by |.
func csvValue(v any) string {
	if l, ok := v.([]string); ok {
		out := make([]string, len(l))
		for i, s := range l {
			out[i] = Neutralise(s)
		}
		return strings.Join(out, "|")
	}
	return formatCell(v)
}

// flatNames is every column name of the flat record (CSV, Parquet), in
// order.
func flatNames() []string {
	var out []string
	for _, c := range pupilColumns {
		out = append(out, c.name)
	}
	out = append(out, "factors", "next_steps", "rules_name", "rules_version", "rules_hash")
	out = append(out, codeColumns()...)
	for _, c := range analystColumns {
		out = append(out, c.name)
	}
	return out
}
