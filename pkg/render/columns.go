package render

import (
	"math"
	"strconv"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/rule"
)

// column is one field of a pupil record in the machine formats.
type column struct {
	name string
	get  func(p *analysis.Pupil) any // string, int, float64, bool, or nil for not applicable
	kind kind
}

// pct rounds a percentage to two decimal places for output. Thresholds are
// never decided on this value (see metrics.Figures.Persistent).
func pct(x float64) float64 { return math.Round(x*100) / 100 }

// figurePct is a pupil's rate over possible sessions, or nil (null, an
// empty cell) when the pupil had no possible session: 0% would read as
// perfect attendance.
func figurePct(p *analysis.Pupil, n int) any {
	if p.Figures.Possible == 0 {
		return nil
	}
	return pct(p.Figures.Pct(n))
}

// dateOrNull is a pupil's date as yyyy-mm-dd, or nil when there is none
// (a pupil given only as session counts).
func dateOrNull(d register.Day) any {
	if d == 0 {
		return nil
	}
	return isoDay(d)
}

// isoDay is d.ISO() without fmt: two dates a pupil in every machine
// format.
func isoDay(d register.Day) string {
	y, m, dd := d.Civil()
	if y < 0 || y > 9999 {
		return d.ISO()
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + dd/10), byte('0' + dd%10)}
	return string(b[:])
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
	{"pupil_id", func(p *analysis.Pupil) any { return p.ID }, kString},
	{"surname", func(p *analysis.Pupil) any { return p.Info.Surname }, kString},
	{"forename", func(p *analysis.Pupil) any { return p.Info.Forename }, kString},
	{"year_group", func(p *analysis.Pupil) any { return p.Info.YearGroup }, kString},
	{"reg_group", func(p *analysis.Pupil) any { return p.Info.RegGroup }, kString},
	{"school", func(p *analysis.Pupil) any { return p.Info.School }, kString},
	{"first_date", func(p *analysis.Pupil) any { return dateOrNull(p.First) }, kDate},
	{"last_date", func(p *analysis.Pupil) any { return dateOrNull(p.Last) }, kDate},
	{"possible_sessions", func(p *analysis.Pupil) any { return p.Figures.Possible }, kInt},
	{"present_sessions", func(p *analysis.Pupil) any { return p.Figures.Present }, kInt},
	{"aea_sessions", func(p *analysis.Pupil) any { return p.Figures.AEA }, kInt},
	{"authorised_absence", func(p *analysis.Pupil) any { return p.Figures.Authorised }, kInt},
	{"unauthorised_absence", func(p *analysis.Pupil) any { return p.Figures.Unauthorised }, kInt},
	{"absence_sessions", func(p *analysis.Pupil) any { return p.Figures.Absent() }, kInt},
	{"missing_marks", func(p *analysis.Pupil) any { return p.Figures.Missing }, kInt},
	{"absence_pct", func(p *analysis.Pupil) any { return figurePct(p, p.Figures.Absent()) }, kFloat},
	{"authorised_pct", func(p *analysis.Pupil) any { return figurePct(p, p.Figures.Authorised) }, kFloat},
	{"unauthorised_pct", func(p *analysis.Pupil) any { return figurePct(p, p.Figures.Unauthorised) }, kFloat},
	{"attendance_pct", func(p *analysis.Pupil) any { return figurePct(p, p.Figures.Attended()) }, kFloat},
	{"persistent_absence", func(p *analysis.Pupil) any { return p.PA() }, kBool},
	{"severe_absence", func(p *analysis.Pupil) any { return p.SA() }, kBool},
	{"assessable", func(p *analysis.Pupil) any { return p.Figures.Assessable() }, kBool},
	{"tier", func(p *analysis.Pupil) any { return outcome(p).Tier }, kString},
	{"score", func(p *analysis.Pupil) any { return outcome(p).Score }, kInt},
	{"risk_points", func(p *analysis.Pupil) any { return outcome(p).RiskPoints }, kInt},
	{"protective_points", func(p *analysis.Pupil) any { return outcome(p).ProtectivePoints }, kInt},
	{"change", func(p *analysis.Pupil) any { return strings.Join(p.Changes, " ") }, kString},
	// Absence by cause (sessions), then what the judgement read: the age
	// status and its basis, and the support state.
	{"unexplained_sessions", func(p *analysis.Pupil) any { return p.Causes.Unexplained }, kInt},
	{"unauthorised_known_sessions", func(p *analysis.Pupil) any { return p.Causes.UnauthorisedKnown }, kInt},
	{"authorised_known_sessions", func(p *analysis.Pupil) any { return p.Causes.AuthorisedKnown }, kInt},
	{"no_education_sessions", func(p *analysis.Pupil) any { return p.Causes.NoEducation }, kInt},
	{"off_site_sessions", func(p *analysis.Pupil) any { return p.Causes.OffSite }, kInt},
	{"age_status", func(p *analysis.Pupil) any { return ageText(p) }, kString},
	{"support_state", func(p *analysis.Pupil) any { return p.Support }, kString},
	// The actions log (--actions): the latest action up to the last day,
	// and --hide-actioned's verdict.
	{"last_action", func(p *analysis.Pupil) any { return lastAction(p) }, kString},
	{"action_status", func(p *analysis.Pupil) any { return p.ActionStatus }, kString},
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
	var parts []string
	o := outcome(p)
	for i, f := range o.Fired {
		s := f.Factor.Label
		if f.Factor.Kind == "protective" {
			s = "protective: " + s
		}
		if ev := o.Evidence(i); len(ev) > 0 {
			s += " [" + strings.Join(ev, "; ") + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, sep)
}

// stepsText is the next steps as one cell, joined by sep.
func stepsText(p *analysis.Pupil, sep string) string {
	var parts []string
	for _, s := range outcome(p).Steps {
		parts = append(parts, s.Text)
	}
	return strings.Join(parts, sep)
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
	if s == "" {
		return s
	}
	// Most cells begin with a letter or a digit: decided on one byte.
	if c := s[0]; c > ' ' && c < 0x80 && c != '=' && c != '+' && c != '-' && c != '@' {
		return s
	}
	t := strings.TrimLeft(s, " \u00a0")
	if t == "" {
		return s
	}
	switch t[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	for _, p := range []string{"\uff1d", "\uff0b", "\uff0d", "\uff20"} {
		if strings.HasPrefix(t, p) {
			return "'" + s
		}
	}
	return s
}

// moveColumns are the children on the move (analysis.LeftRoll, Move,
// Pupil.JoinedAbsent) as fields of the pupil record, after every other
// column so that none of theirs moves. roll_status is null for group rows
// and pupils given only as counts (no marks: nothing to tell), and every
// other field is null where its finding does not apply. A child who moved
// more than once has the latest move here; the workbook's On the move
// sheet lists every one.
var moveColumns = []analystColumn{
	{"roll_status", kString, func(r *record) any { return rollStatus(r.p) }},
	{"left_school", kString, leftField(func(l *analysis.LeftRoll) any { return l.School })},
	{"left_on", kDate, leftField(func(l *analysis.LeftRoll) any { return l.LastDay.ISO() })},
	{"school_days_since_left", kInt, leftField(func(l *analysis.LeftRoll) any { return l.SchoolDaysAfter })},
	{"left_unexplained_sessions", kInt, leftField(func(l *analysis.LeftRoll) any { return l.Unexplained })},
	{"left_absent_sessions", kInt, leftField(func(l *analysis.LeftRoll) any { return l.Absent })},
	{"left_possible_sessions", kInt, leftField(func(l *analysis.LeftRoll) any { return l.Possible })},
	{"moved_from_school", kString, moveField(func(m analysis.Move) any { return m.From })},
	{"moved_to_school", kString, moveField(func(m analysis.Move) any { return m.To })},
	{"moved_on", kDate, moveField(func(m analysis.Move) any { return m.Joined.ISO() })},
	{"gap_school_days", kInt, moveField(func(m analysis.Move) any { return m.GapDays })},
	{"joined_never_attended", kBool, func(r *record) any {
		if rollStatus(r.p) == nil {
			return nil
		}
		return r.p.JoinedAbsent
	}},
	{"joined_on", kDate, func(r *record) any {
		if !r.p.JoinedAbsent {
			return nil
		}
		return dateOrNull(r.p.Joined)
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

// rollStatus is a pupil's roll status, or nil (not known) for a group row
// or a pupil given only as counts.
func rollStatus(p *analysis.Pupil) any {
	switch {
	case p.Aggregate || p.First == 0:
		return nil
	case p.Left != nil:
		return rollLeft
	case len(p.Moves) > 0:
		return rollMoved
	}
	return rollOn
}

func leftField(get func(l *analysis.LeftRoll) any) func(r *record) any {
	return func(r *record) any {
		if r.p.Left == nil {
			return nil
		}
		return get(r.p.Left)
	}
}

func moveField(get func(m analysis.Move) any) func(r *record) any {
	return func(r *record) any {
		if len(r.p.Moves) == 0 {
			return nil
		}
		return get(r.p.Moves[len(r.p.Moves)-1])
	}
}
