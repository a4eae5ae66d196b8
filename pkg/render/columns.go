package render

import (
	"math"
	"strconv"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/rule"
)

// column is one field of a pupil record in the machine formats. put writes
// the pupil's value to a cellWriter, typed, so that no value is boxed in an
// interface on the way to the CSV and JSON writers; get gives it as a
// value, for the writers that take one.
type column struct {
	name string
	put  func(p *analysis.Pupil, w cellWriter)
	kind kind
}

// get is the column's value: string, int, float64, bool, or nil for not
// applicable.
func (c column) get(p *analysis.Pupil) any {
	var a anyCell
	c.put(p, &a)
	return a.v
}

// cellWriter takes one cell's value. Text is given as it is: the CSV
// writer neutralises it, the JSON writers escape it.
type cellWriter interface {
	putNull()
	putText(s string)
	putInt(n int)
	putFloat(f float64)
	putBool(b bool)
	putDate(d register.Day) // yyyy-mm-dd, as register.Day.ISO writes it
	putList(l []string)     // a list of text (the writer may not keep l)
}

// anyCell is a cellWriter that keeps the value as get gives it.
type anyCell struct{ v any }

func (a *anyCell) putNull()               { a.v = nil }
func (a *anyCell) putText(s string)       { a.v = s }
func (a *anyCell) putInt(n int)           { a.v = n }
func (a *anyCell) putFloat(f float64)     { a.v = f }
func (a *anyCell) putBool(b bool)         { a.v = b }
func (a *anyCell) putDate(d register.Day) { a.v = isoDay(d) }
func (a *anyCell) putList(l []string)     { a.v = append(make([]string, 0, len(l)), l...) }

// pct rounds a percentage to two decimal places for output. Thresholds are
// never decided on this value (see metrics.Figures.Persistent).
func pct(x float64) float64 { return math.Round(x*100) / 100 }

// putFigurePct writes a pupil's rate over possible sessions, or null (an
// empty cell) when the pupil had no possible session: 0% would read as
// perfect attendance.
func putFigurePct(w cellWriter, p *analysis.Pupil, n int) {
	if p.Figures.Possible == 0 {
		w.putNull()
		return
	}
	w.putFloat(pct(p.Figures.Pct(n)))
}

// putDateOrNull writes a pupil's date, or null when there is none (a
// pupil given only as session counts).
func putDateOrNull(w cellWriter, d register.Day) {
	if d == 0 {
		w.putNull()
		return
	}
	w.putDate(d)
}

// isoDay is d.ISO() without fmt: two dates a pupil in every machine
// format.
func isoDay(d register.Day) string {
	if b, ok := appendISODay(nil, d); ok {
		return string(b)
	}
	return d.ISO()
}

// appendISODay appends d as yyyy-mm-dd, digits only, and reports whether
// it could: a year outside 0 to 9999 is left to register.Day.ISO.
func appendISODay(b []byte, d register.Day) ([]byte, bool) {
	y, m, dd := d.Civil()
	if y < 0 || y > 9999 {
		return b, false
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+dd/10), byte('0'+dd%10)), true
}

func date(d interface{ ISO() string }, zero bool) string {
	if zero {
		return ""
	}
	return d.ISO()
}

// pupilColumns is the stable schema of a pupil record, in output order. The
// README documents every name; change both together.
var pupilColumns = []column{
	{"pupil_id", func(p *analysis.Pupil, w cellWriter) { w.putText(p.ID) }, kString},
	{"surname", func(p *analysis.Pupil, w cellWriter) { w.putText(p.Info.Surname) }, kString},
	{"forename", func(p *analysis.Pupil, w cellWriter) { w.putText(p.Info.Forename) }, kString},
	{"year_group", func(p *analysis.Pupil, w cellWriter) { w.putText(p.Info.YearGroup) }, kString},
	{"reg_group", func(p *analysis.Pupil, w cellWriter) { w.putText(p.Info.RegGroup) }, kString},
	{"school", func(p *analysis.Pupil, w cellWriter) { w.putText(p.Info.School) }, kString},
	{"first_date", func(p *analysis.Pupil, w cellWriter) { putDateOrNull(w, p.First) }, kDate},
	{"last_date", func(p *analysis.Pupil, w cellWriter) { putDateOrNull(w, p.Last) }, kDate},
	{"possible_sessions", func(p *analysis.Pupil, w cellWriter) { w.putInt(p.Figures.Possible) }, kInt},
	{"present_sessions", func(p *analysis.Pupil, w cellWriter) { w.putInt(p.Figures.Present) }, kInt},
	{"aea_sessions", func(p *analysis.Pupil, w cellWriter) { w.putInt(p.Figures.AEA) }, kInt},
	{"authorised_absence", func(p *analysis.Pupil, w cellWriter) { w.putInt(p.Figures.Authorised) }, kInt},
	{"unauthorised_absence", func(p *analysis.Pupil, w cellWriter) { w.putInt(p.Figures.Unauthorised) }, kInt},
	{"absence_sessions", func(p *analysis.Pupil, w cellWriter) { w.putInt(p.Figures.Absent()) }, kInt},
	{"missing_marks", func(p *analysis.Pupil, w cellWriter) { w.putInt(p.Figures.Missing) }, kInt},
	{"absence_pct", func(p *analysis.Pupil, w cellWriter) { putFigurePct(w, p, p.Figures.Absent()) }, kFloat},
	{"authorised_pct", func(p *analysis.Pupil, w cellWriter) { putFigurePct(w, p, p.Figures.Authorised) }, kFloat},
	{"unauthorised_pct", func(p *analysis.Pupil, w cellWriter) { putFigurePct(w, p, p.Figures.Unauthorised) }, kFloat},
	{"attendance_pct", func(p *analysis.Pupil, w cellWriter) { putFigurePct(w, p, p.Figures.Attended()) }, kFloat},
	{"persistent_absence", func(p *analysis.Pupil, w cellWriter) { w.putBool(p.PA()) }, kBool},
	{"severe_absence", func(p *analysis.Pupil, w cellWriter) { w.putBool(p.SA()) }, kBool},
	{"assessable", func(p *analysis.Pupil, w cellWriter) { w.putBool(p.Figures.Assessable()) }, kBool},
	{"tier", func(p *analysis.Pupil, w cellWriter) { w.putText(outcome(p).Tier) }, kString},
	{"score", func(p *analysis.Pupil, w cellWriter) { w.putInt(outcome(p).Score) }, kInt},
	{"risk_points", func(p *analysis.Pupil, w cellWriter) { w.putInt(outcome(p).RiskPoints) }, kInt},
	{"protective_points", func(p *analysis.Pupil, w cellWriter) { w.putInt(outcome(p).ProtectivePoints) }, kInt},
	{"change", func(p *analysis.Pupil, w cellWriter) { w.putText(strings.Join(p.Changes, " ")) }, kString},
	// Absence by cause (sessions), then what the judgement read: the age
	// status and its basis, and the support state.
	{"unexplained_sessions", func(p *analysis.Pupil, w cellWriter) { w.putInt(p.Causes.Unexplained) }, kInt},
	{"unauthorised_known_sessions", func(p *analysis.Pupil, w cellWriter) { w.putInt(p.Causes.UnauthorisedKnown) }, kInt},
	{"authorised_known_sessions", func(p *analysis.Pupil, w cellWriter) { w.putInt(p.Causes.AuthorisedKnown) }, kInt},
	{"no_education_sessions", func(p *analysis.Pupil, w cellWriter) { w.putInt(p.Causes.NoEducation) }, kInt},
	{"off_site_sessions", func(p *analysis.Pupil, w cellWriter) { w.putInt(p.Causes.OffSite) }, kInt},
	{"age_status", func(p *analysis.Pupil, w cellWriter) { w.putText(ageText(p)) }, kString},
	{"support_state", func(p *analysis.Pupil, w cellWriter) { w.putText(p.Support) }, kString},
	// The actions log (--actions): the latest action up to the last day,
	// and --hide-actioned's verdict.
	{"last_action", func(p *analysis.Pupil, w cellWriter) { w.putText(lastAction(p)) }, kString},
	{"action_status", func(p *analysis.Pupil, w cellWriter) { w.putText(p.ActionStatus) }, kString},
}

// lastAction is the pupil's latest recorded action, "" when none.
func lastAction(p *analysis.Pupil) string {
	if len(p.Actions) == 0 {
		return ""
	}
	return p.Actions[len(p.Actions)-1].String()
}

// ageText is the pupil's compulsory-school-age status with its basis,
// empty for group rows.
func ageText(p *analysis.Pupil) string {
	if p.Aggregate || p.Age.Status == "" {
		return ""
	}
	return p.Age.String()
}

var noOutcome rule.Outcome

// outcome returns the pupil's rules outcome, or an empty one (no tier, score
// 0) for group rows and runs without rules.
func outcome(p *analysis.Pupil) *rule.Outcome {
	if p.Outcome == nil {
		return &noOutcome
	}
	return p.Outcome
}

// factorsText is the fired factors as one cell: "label [evidence; ...]",
// risk factors first, protective ones marked, joined by sep (" | " in CSV,
// a line break in a wrapped spreadsheet cell).
func factorsText(p *analysis.Pupil, sep string) string {
	return string(appendFactors(nil, p, sep))
}

// appendFactors appends factorsText(p, sep) to b.
func appendFactors(b []byte, p *analysis.Pupil, sep string) []byte {
	o := outcome(p)
	for i, f := range o.Fired {
		if i > 0 {
			b = append(b, sep...)
		}
		if f.Factor.Kind == "protective" {
			b = append(b, "protective: "...)
		}
		b = append(b, f.Factor.Label...)
		if ev := o.Evidence(i); len(ev) > 0 {
			b = append(b, " ["...)
			for k, e := range ev {
				if k > 0 {
					b = append(b, "; "...)
				}
				b = append(b, e...)
			}
			b = append(b, ']')
		}
	}
	return b
}

// stepsText is the next steps as one cell, joined by sep.
func stepsText(p *analysis.Pupil, sep string) string {
	return string(appendSteps(nil, p, sep))
}

// appendSteps appends stepsText(p, sep) to b.
func appendSteps(b []byte, p *analysis.Pupil, sep string) []byte {
	for i, s := range outcome(p).Steps {
		if i > 0 {
			b = append(b, sep...)
		}
		b = append(b, s.Text...)
	}
	return b
}

// N writes a count with its noun: "1 pupil", "2 pupils".
func N(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// formatCell renders a value for CSV.
func formatCell(v any) string {
	switch x := v.(type) {
	case string:
		return Neutralise(x)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// Neutralise stops a spreadsheet from taking a text cell for a formula
// (CSV injection): a cell beginning with =, +, -, @, a tab, a carriage
// return or a line feed gets a leading apostrophe, which Excel and
// LibreOffice show as text and do not evaluate. So does one beginning with
// spaces before one of those (some importers trim them), or with the
// full-width forms of = + - @ (which some locales' spreadsheets read as the
// ASCII ones). Only text cells pass through here; numbers are written as
// numbers.
func Neutralise(s string) string {
	if neutralNeeded(s) {
		return "'" + s
	}
	return s
}

// neutralNeeded reports whether Neutralise puts an apostrophe before s.
func neutralNeeded[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	// Most cells begin with a letter or a digit: decided on one byte.
	if c := s[0]; c > ' ' && c < 0x80 && c != '=' && c != '+' && c != '-' && c != '@' {
		return false
	}
	// The spaces and no-break spaces before the first other character
	// (strings.TrimLeft(s, " \u00a0")).
	i := 0
	for i < len(s) {
		if s[i] == ' ' {
			i++
		} else if s[i] == 0xc2 && i+1 < len(s) && s[i+1] == 0xa0 {
			i += 2
		} else {
			break
		}
	}
	t := s[i:]
	if len(t) == 0 {
		return false
	}
	switch t[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return true
	}
	for _, p := range fullWidthSigns {
		if len(t) >= len(p) && string(t[:len(p)]) == p {
			return true
		}
	}
	return false
}

// fullWidthSigns are the full-width forms of = + - @.
var fullWidthSigns = [...]string{"\uff1d", "\uff0b", "\uff0d", "\uff20"}

// moveColumns are the children on the move (analysis.LeftRoll, Move,
// Pupil.JoinedAbsent) as fields of the pupil record, after every other
// column so that none of theirs moves. roll_status is null for group rows
// and pupils given only as counts (no marks: nothing to tell), and every
// other field is null where its finding does not apply. A child who moved
// more than once has the latest move here; the workbook's On the move
// sheet lists every one.
var moveColumns = []analystColumn{
	{name: "roll_status", kind: kString, put: func(r *record, w cellWriter) {
		if st := rollStatus(r.p); st != "" {
			w.putText(st)
		} else {
			w.putNull()
		}
	}},
	{name: "left_school", kind: kString, put: leftField(func(l *analysis.LeftRoll, w cellWriter) { w.putText(l.School) })},
	{name: "left_on", kind: kDate, put: leftField(func(l *analysis.LeftRoll, w cellWriter) { w.putDate(l.LastDay) })},
	{name: "school_days_since_left", kind: kInt, put: leftField(func(l *analysis.LeftRoll, w cellWriter) { w.putInt(l.SchoolDaysAfter) })},
	{name: "left_unexplained_sessions", kind: kInt, put: leftField(func(l *analysis.LeftRoll, w cellWriter) { w.putInt(l.Unexplained) })},
	{name: "left_absent_sessions", kind: kInt, put: leftField(func(l *analysis.LeftRoll, w cellWriter) { w.putInt(l.Absent) })},
	{name: "left_possible_sessions", kind: kInt, put: leftField(func(l *analysis.LeftRoll, w cellWriter) { w.putInt(l.Possible) })},
	{name: "moved_from_school", kind: kString, put: moveField(func(m *analysis.Move, w cellWriter) { w.putText(m.From) })},
	{name: "moved_to_school", kind: kString, put: moveField(func(m *analysis.Move, w cellWriter) { w.putText(m.To) })},
	{name: "moved_on", kind: kDate, put: moveField(func(m *analysis.Move, w cellWriter) { w.putDate(m.Joined) })},
	{name: "gap_school_days", kind: kInt, put: moveField(func(m *analysis.Move, w cellWriter) { w.putInt(m.GapDays) })},
	{name: "joined_never_attended", kind: kBool, put: func(r *record, w cellWriter) {
		if rollStatus(r.p) == "" {
			w.putNull()
			return
		}
		w.putBool(r.p.JoinedAbsent)
	}},
	{name: "joined_on", kind: kDate, put: func(r *record, w cellWriter) {
		if !r.p.JoinedAbsent {
			w.putNull()
			return
		}
		putDateOrNull(w, r.p.Joined)
	}},
}

// Roll statuses: a child who left the roll (analysis.LeftRoll: on no other
// school's roll in the run after), one who moved school in the run and is
// on the new school's roll, and everyone else.
const (
	rollLeft  = "left"
	rollMoved = "moved"
	rollOn    = "on_roll"
)

// rollStatus is a pupil's roll status, or "" (not known: null) for a group
// row or a pupil given only as counts.
func rollStatus(p *analysis.Pupil) string {
	switch {
	case p.Aggregate || p.First == 0:
		return ""
	case p.Left != nil:
		return rollLeft
	case len(p.Moves) > 0:
		return rollMoved
	}
	return rollOn
}

func leftField(put func(l *analysis.LeftRoll, w cellWriter)) func(r *record, w cellWriter) {
	return func(r *record, w cellWriter) {
		if r.p.Left == nil {
			w.putNull()
			return
		}
		put(r.p.Left, w)
	}
}

func moveField(put func(m *analysis.Move, w cellWriter)) func(r *record, w cellWriter) {
	return func(r *record, w cellWriter) {
		if len(r.p.Moves) == 0 {
			w.putNull()
			return
		}
		put(&r.p.Moves[len(r.p.Moves)-1], w)
	}
}
