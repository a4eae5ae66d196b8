package metrics

import (
	"strconv"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// Figures are one pupil's (or one group's) session counts.
type Figures struct {
	Possible     int
	Present      int
	AEA          int
	Authorised   int
	Unauthorised int
	Missing      int
	CovidX       int        // legacy X counted as possible but neither attendance nor absence
	Codes        CodeCounts // sessions per mark.ID
}

// Absent is authorised plus unauthorised absence.
func (f Figures) Absent() int { return f.Authorised + f.Unauthorised }

// Attended is present plus approved educational activity.
func (f Figures) Attended() int { return f.Present + f.AEA }

// Assessable reports whether there is anything to measure against.
func (f Figures) Assessable() bool { return f.Possible > 0 }

// Persistent is DfE's persistent absence: absence of 10% or more of the
// pupil's own possible sessions, decided on whole counts.
func (f Figures) Persistent() bool { return f.Possible > 0 && 10*f.Absent() >= f.Possible }

// Severe is DfE's severe absence: 50% or more.
func (f Figures) Severe() bool { return f.Possible > 0 && 2*f.Absent() >= f.Possible }

// Approaching is absence of 8% or more that is not yet persistent: the band
// where early support can still stop a pupil becoming persistently absent.
func (f Figures) Approaching() bool {
	return f.Possible > 0 && 100*f.Absent() >= 8*f.Possible && !f.Persistent()
}

// Pct returns n as a percentage of possible sessions (0 when none).
func (f Figures) Pct(n int) float64 {
	if f.Possible == 0 {
		return 0
	}
	return 100 * float64(n) / float64(f.Possible)
}

// Add sums another set of figures into f: group totals are summed sessions,
// never averaged rates. Figures are values: adding to a copy leaves the
// original as it was, however its code counts are kept (see CodeCounts).
func (f *Figures) Add(o Figures) {
	f.addSessions(o)
	f.Codes.AddAll(&o.Codes)
}

// addSessions sums the session counts, not the code counts.
func (f *Figures) addSessions(o Figures) {
	f.Possible += o.Possible
	f.Present += o.Present
	f.AEA += o.AEA
	f.Authorised += o.Authorised
	f.Unauthorised += o.Unauthorised
	f.Missing += o.Missing
	f.CovidX += o.CovidX
}

// CodeCounts returns the codes used, code → sessions, for output.
func (f Figures) CodeCounts() map[string]int {
	out := map[string]int{}
	for i := 1; i < codeSlots; i++ {
		if n := f.Codes.Get(mark.ID(i)); n > 0 {
			out[mark.Get(mark.ID(i)).Code] = n
		}
	}
	return out
}

// FromCounts derives figures from sessions per code, with the same rules as
// from marks. covidX is how many of the X sessions count as possible.
func FromCounts(codes []int, covidX int) Figures {
	var f Figures
	for i, n := range codes {
		if i == 0 || n == 0 {
			continue
		}
		f.Codes.Add(mark.ID(i), n)
		switch mark.Get(mark.ID(i)).Category {
		case mark.Present:
			f.Present += n
		case mark.AEA:
			f.AEA += n
		case mark.Authorised:
			f.Authorised += n
		case mark.Unauthorised:
			f.Unauthorised += n
		case mark.Missing:
			f.Missing += n
		}
	}
	f.CovidX = covidX
	f.Possible = f.Present + f.AEA + f.Authorised + f.Unauthorised + f.CovidX
	return f
}

// Compute counts one pupil's sessions between from and to inclusive (zero
// means open-ended).
func Compute(p *register.Pupil, from, to register.Day) Figures {
	if !p.HasMarks() {
		if p.CodesCover || p.Declared == nil {
			return FromCounts(p.Counts, 0)
		}
		return FromTotals(p.Counts, p.Declared)
	}
	var codes [codeSlots]int // on the stack: nothing allocated per pupil
	p.Count(from, to, codes[:])
	codes[0] = 0 // sessions with no mark
	covidX := 0
	if codes[mark.XID] > 0 {
		// X is rare: only then are its dates read, for the COVID-era meaning.
		p.Each(func(d register.Day, _ register.Session, id mark.ID) {
			if id == mark.XID && (from == 0 || d >= from) && (to == 0 || d <= to) && mark.CategoryOn(id, d.Time()) == mark.CovidX {
				covidX++
			}
		})
	}
	return FromCounts(codes[:], covidX)
}

// FromTotals derives figures from a summary row's declared totals, for rows
// whose code counts do not include the present marks (an export with
// "Possible", "Authorised", "Unauthorised" and perhaps a few absence codes).
// Authorised and unauthorised absence come from the totals where given, else
// from the codes; attendance is what remains of the possible sessions.
func FromTotals(codes []int, totals map[string]int) Figures {
	byCodes := FromCounts(codes, 0)
	f := Figures{Codes: byCodes.Codes, Possible: totals["possible"]}
	f.Authorised = byCodes.Authorised
	if v, ok := totals["authorised"]; ok {
		f.Authorised = v
	}
	f.Unauthorised = byCodes.Unauthorised
	if v, ok := totals["unauthorised"]; ok {
		f.Unauthorised = v
	}
	f.AEA = totals["aea"]
	attended := f.Possible - f.Absent()
	if v, ok := totals["attended"]; ok {
		attended = v
	}
	f.Present = attended - f.AEA
	if v, ok := totals["present"]; ok {
		f.Present = v
	}
	f.Missing = byCodes.Missing
	return f
}

// DefaultMinSessions is the guard below which a pupil's figures are not
// treated as enough data to rank on: 40 sessions is four school weeks, so a
// pupil with two weeks of data is not ranked like one with a year.
const DefaultMinSessions = 40

// AddVars puts the figures into a rules environment under their indicator
// names. Percentages are for comparison in rules only; the persistent and
// severe flags are decided on whole counts.
func (f Figures) AddVars(vars map[string]any, minSessions int) {
	var v Values
	f.PutValues(&v, minSessions)
	v.addGroup(vars, GroupFigures)
	f.AddCodes(vars)
}

// PutValues writes the figures' single-valued indicators (all but codes)
// into v.
func (f Figures) PutValues(v *Values, minSessions int) {
	v.SetInt(IndPossibleSessions, f.Possible)
	v.SetInt(IndPresentSessions, f.Present)
	v.SetInt(IndAEASessions, f.AEA)
	v.SetInt(IndAuthorisedAbsence, f.Authorised)
	v.SetInt(IndUnauthorisedAbsence, f.Unauthorised)
	v.SetInt(IndAbsenceSessions, f.Absent())
	v.SetInt(IndMissingMarks, f.Missing)
	v.SetFloat(IndAbsencePct, f.Pct(f.Absent()))
	v.SetFloat(IndAuthorisedPct, f.Pct(f.Authorised))
	v.SetFloat(IndUnauthorisedPct, f.Pct(f.Unauthorised))
	v.SetFloat(IndAttendancePct, f.Pct(f.Attended()))
	v.SetBool(IndPersistentAbsence, f.Persistent())
	v.SetBool(IndSevereAbsence, f.Severe())
	v.SetBool(IndAssessable, f.Assessable())
	v.SetBool(IndEnoughData, f.Possible >= minSessions && f.Possible > 0)
	v.SetBool(IndApproachingPersistent, f.Approaching())
}

// AddCodes puts the codes indicator, sessions per code, into a rules
// environment. The map is reused from one pupil to the next when the
// caller reuses vars: rules read it during evaluation only.
func (f Figures) AddCodes(vars map[string]any) {
	codes, ok := vars["codes"].(map[string]int)
	if !ok {
		codes = make(map[string]int, mark.NumIDs)
	}
	for _, c := range table {
		codes[c.Code] = f.Codes.Get(c.ID)
	}
	vars["codes"] = codes
}

// table is the code table, read once.
var table = mark.Table()

// AddEvidence gives the figures' indicators their sentences: every one in
// the indicator table but codes, whose evidence is the code's value. It is
// AppendEvidence for every name in figureEvidenceNames.
func (f Figures) AddEvidence(ev map[string]string) {
	var b []byte
	for _, name := range figureEvidenceNames {
		b, _ = f.AppendEvidence(b[:0], name)
		ev[name] = string(b)
	}
}

// figureEvidenceNames are the indicators AddEvidence gives a sentence.
var figureEvidenceNames = [...]string{
	"absence_pct", "absence_sessions", "persistent_absence", "severe_absence", "approaching_persistent", "attendance_pct",
	"unauthorised_absence", "unauthorised_pct", "authorised_absence", "authorised_pct",
	"missing_marks", "possible_sessions", "enough_data", "assessable", "present_sessions", "aea_sessions",
}

// AppendEvidence appends the sentence of one figures indicator (see
// AddEvidence) to b, and reports whether name is one; see
// Patterns.AppendEvidence for why one at a time.
func (f *Figures) AppendEvidence(b []byte, name string) ([]byte, bool) {
	ofPossible := func(b []byte, n int64, what string) []byte {
		b = append(strconv.AppendInt(b, n, 10), what...)
		b = append(strconv.AppendInt(b, int64(f.Possible), 10), " possible ("...)
		return append(appendPct(b, f.Pct(int(n))), ')')
	}
	switch name {
	case "absence_pct", "absence_sessions", "persistent_absence", "severe_absence", "approaching_persistent", "attendance_pct":
		b = append(strconv.AppendInt(b, int64(f.Absent()), 10), " of "...)
		b = append(strconv.AppendInt(b, int64(f.Possible), 10), " possible sessions absent ("...)
		return append(appendPct(b, f.Pct(f.Absent())), ')'), true
	case "unauthorised_absence", "unauthorised_pct":
		return ofPossible(b, int64(f.Unauthorised), " unauthorised sessions of "), true
	case "authorised_absence", "authorised_pct":
		return ofPossible(b, int64(f.Authorised), " authorised sessions of "), true
	case "missing_marks":
		return append(strconv.AppendInt(b, int64(f.Missing), 10), " sessions with no mark"...), true
	case "possible_sessions", "enough_data", "assessable":
		return append(strconv.AppendInt(b, int64(f.Possible), 10), " possible sessions"...), true
	case "present_sessions":
		b = append(strconv.AppendInt(b, int64(f.Present), 10), " sessions present of "...)
		return append(strconv.AppendInt(b, int64(f.Possible), 10), " possible"...), true
	case "aea_sessions":
		b = append(strconv.AppendInt(b, int64(f.AEA), 10), " sessions of approved educational activity of "...)
		return append(strconv.AppendInt(b, int64(f.Possible), 10), " possible"...), true
	}
	return b, false
}
