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
// the indicators the rules read (filled once per row, typed).
type record struct {
	p    *analysis.Pupil
	res  *analysis.Result
	vals metrics.Values
	ids  []string // the fired factor ids, reused from row to row
}

// load fills the record's indicators for p.
func (r *record) load(res *analysis.Result, p *analysis.Pupil) {
	r.p, r.res = p, res
	res.IndicatorValues(p, &r.vals)
}

// analystColumn is one of the columns after the established ones: rank,
// the fired factor ids, and every indicator the rules can read.
type analystColumn struct {
	name string
	kind kind
	put  func(r *record, w cellWriter)
}

// get is the column's value for the record, as column.get gives it.
func (c analystColumn) get(r *record) any {
	var a anyCell
	c.put(r, &a)
	return a.v
}

// indicatorColumn is the indicator an analyst column shows.
type indicatorColumn struct {
	id      metrics.ID
	na      func(p *analysis.Pupil, v *metrics.Values, id metrics.ID) bool // nil: always applicable
	pattern bool                                                           // measured by the patterns stage
}

// null says when the column's cell is null: a group row, a pattern in a
// run without rules, or a value that does not apply to the pupil.
func (c *indicatorColumn) null(r *record) bool {
	return r.p.Aggregate || (c.pattern && r.res.Rules == nil) || (c.na != nil && c.na(r.p, &r.vals, c.id))
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
	out := map[string]bool{"siblings_pa": true, "siblings_sa": true}
	for _, ind := range metrics.IndicatorsIn(metrics.GroupPatterns) {
		out[ind.Name] = true
	}
	return out
}()

// notApplicable says when an indicator has no meaningful value for a pupil:
// its denominator is zero, or it uses -1 for "none". The rules read the
// sentinel; an analyst should read a null.
var notApplicable = map[string]func(p *analysis.Pupil, v *metrics.Values, id metrics.ID) bool{
	"recent_absence_pct":  func(p *analysis.Pupil, _ *metrics.Values, _ metrics.ID) bool { return p.Patterns.RecentPossible == 0 },
	"earlier_absence_pct": func(p *analysis.Pupil, _ *metrics.Values, _ metrics.ID) bool { return p.Patterns.EarlierPossible == 0 },
	"trend_pts": func(p *analysis.Pupil, _ *metrics.Values, _ metrics.ID) bool {
		return p.Patterns.RecentPossible == 0 || p.Patterns.EarlierPossible == 0
	},
	"illness_share":       func(p *analysis.Pupil, _ *metrics.Values, _ metrics.ID) bool { return p.Patterns.AbsenceSessions == 0 },
	"monday_friday_share": func(p *analysis.Pupil, _ *metrics.Values, _ metrics.ID) bool { return p.Patterns.AbsenceSessions == 0 },
	"days_since_action":   minusOne,
	"days_since_contact":  minusOne,
	"nc_year":             minusOne,
}

func minusOne(_ *analysis.Pupil, v *metrics.Values, id metrics.ID) bool { return v.Int(id) < 0 }

func buildAnalystColumns() []analystColumn {
	cols := []analystColumn{
		{name: "rank", kind: kInt, put: func(r *record, w cellWriter) {
			if r.p.Rank == 0 {
				w.putNull()
				return
			}
			w.putInt(r.p.Rank)
		}},
		{name: "factor_ids", kind: kStrings, put: func(r *record, w cellWriter) {
			r.ids = appendFiredIDs(r.ids[:0], r.p)
			w.putList(r.ids)
		}},
	}
	have := map[string]bool{}
	for _, c := range pupilColumns {
		have[c.name] = true
	}
	ids := map[string]metrics.ID{}
	for i, ind := range metrics.Indicators {
		ids[ind.Name] = metrics.ID(i)
	}
	sample := analysis.Schema(nil).Vars
	names := make([]string, 0, len(sample))
	for name := range sample {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		id, ok := ids[name]
		if have[name] || !ok {
			continue
		}
		var k kind
		switch metrics.Indicators[id].Kind {
		case metrics.Int:
			k = kInt
		case metrics.Float:
			k = kFloat
		case metrics.Bool:
			k = kBool
		case metrics.Text:
			k = kString
		default:
			continue // the codes map, the actions functions
		}
		ic := &indicatorColumn{id, notApplicable[name], patternVars[name]}
		var put func(r *record, w cellWriter)
		switch k {
		case kInt:
			put = func(r *record, w cellWriter) { w.putInt(r.vals.Int(id)) }
		case kFloat:
			put = func(r *record, w cellWriter) { w.putFloat(pct(r.vals.Float(id))) }
		case kBool:
			put = func(r *record, w cellWriter) { w.putBool(r.vals.Bool(id)) }
		default:
			put = func(r *record, w cellWriter) { w.putText(r.vals.Text(id)) }
		}
		cols = append(cols, analystColumn{name: name, kind: k, put: func(r *record, w cellWriter) {
			if ic.null(r) {
				w.putNull()
				return
			}
			put(r, w)
		}})
	}
	return cols
}

// appendFiredIDs appends the ids of the fired factors, in the order they
// fired; ids is never nil (an empty list, not a null).
func appendFiredIDs(ids []string, p *analysis.Pupil) []string {
	if ids == nil {
		ids = make([]string, 0, 8)
	}
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
