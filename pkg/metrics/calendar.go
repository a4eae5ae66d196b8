package metrics

import (
	"slices"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// Calendar is the school calendar read from the register itself: exports
// carry no term dates, so a school day is any day on which at least one
// pupil has a mark that is a possible session. Weekends, bank holidays and
// whole-school closures (#) therefore drop out without a holiday list, and a
// partial closure (# for one year group while others are taught) stays a
// school day, on which the closed pupils simply have no possible session.
//
// A school week is a week (Monday to Sunday) with at least one school day.
// This is the statutory meaning used by the penalty-notice threshold ("10
// sessions in a rolling 10 school-week period", where a school week is any
// week with at least one school session), so half-term weeks do not count
// towards a window.
//
// Memory is a few int32 per calendar day in the register's span, never per
// pupil or per session.
type Calendar struct {
	first register.Day // first calendar day covered by upto
	// upto[d-first] is the number of school days on or before d: it turns
	// any date into a school-day index in O(1).
	upto []int32
	days []register.Day // school days, in order
	week []int32        // week[i] is the school-week index of days[i]
	// weekStart[w] is the index in days of the first school day of week w.
	weekStart []int32
}

// NewCalendar derives one calendar from every pupil's session marks, as if
// the register were one school. Pupils read from the summary layout (counts
// without dates) add nothing. An authority run uses NewCalendars instead.
func NewCalendar(reg *register.Register) *Calendar {
	first, last, ok := reg.Span()
	if !ok {
		return &Calendar{}
	}
	school := make([]bool, int(last-first)+1)
	for _, p := range reg.Pupils() {
		markSchoolDays(school, first, p)
	}
	return fromSchoolDays(first, school)
}

// Calendars are each school's own calendar, by the school's name as the
// register has it (Info.School; "" for a run with no schools).
type Calendars map[string]*Calendar

// NewCalendars derives each school's calendar from its own enrolments' marks
// (reference §3: a school week is a week with a session for that school).
// Half-terms, INSET days and bank holidays differ between schools, and none
// of them may move another school's 10-school-week or 20-school-day windows:
// a pupil's run in an authority gives the figures their own school's run
// gives.
func NewCalendars(reg *register.Register) Calendars {
	type acc struct {
		first, last register.Day
		ps          []*register.Pupil
	}
	by := map[string]*acc{}
	for _, e := range reg.Enrolments() {
		if !e.HasMarks() {
			continue
		}
		f, l := e.Span()
		a := by[e.Info.School]
		if a == nil {
			a = &acc{first: f, last: l}
			by[e.Info.School] = a
		}
		a.first, a.last = min(a.first, f), max(a.last, l)
		a.ps = append(a.ps, e)
	}
	out := make(Calendars, len(by))
	for name, a := range by {
		school := make([]bool, int(a.last-a.first)+1)
		for _, e := range a.ps {
			markSchoolDays(school, a.first, e)
		}
		out[name] = fromSchoolDays(a.first, school)
	}
	return out
}

// For returns the calendar of a pupil (an enrolment, or a child's combined
// view): the calendar of the pupil's school, or for a child on several rolls
// (dual registration, a move) the days on which any of those schools was
// open, so that a window never skips a day the child was expected at one of
// them. Calendars of school sets are made once and kept in the map under the
// set's key.
func (cs Calendars) For(p *register.Pupil) *Calendar {
	es := p.Enrolments()
	if len(es) == 1 {
		if c := cs[es[0].Info.School]; c != nil {
			return c
		}
		return &Calendar{}
	}
	names := make([]string, 0, len(es))
	for _, e := range es {
		names = append(names, e.Info.School)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 1 {
		return cs.For(es[0])
	}
	key := "\x00" + strings.Join(names, "\x00") // never a school's name
	if c := cs[key]; c != nil {
		return c
	}
	c := mergeCalendars(cs, names)
	cs[key] = c
	return c
}

// mergeCalendars is the calendar whose school days are those of any of the
// named schools.
func mergeCalendars(cs Calendars, names []string) *Calendar {
	var first, last register.Day
	ok := false
	for _, n := range names {
		c := cs[n]
		if c == nil || len(c.days) == 0 {
			continue
		}
		f, l := c.days[0], c.days[len(c.days)-1]
		if !ok || f < first {
			first = f
		}
		if !ok || l > last {
			last = l
		}
		ok = true
	}
	if !ok {
		return &Calendar{}
	}
	school := make([]bool, int(last-first)+1)
	for _, n := range names {
		if c := cs[n]; c != nil {
			for _, d := range c.days {
				school[d-first] = true
			}
		}
	}
	return fromSchoolDays(first, school)
}

// markSchoolDays sets school[d-first] for every day on which p has a mark
// that is a possible session.
func markSchoolDays(school []bool, first register.Day, p *register.Pupil) {
	if !p.HasMarks() {
		return
	}
	pf, pl := p.Span()
	for d := pf; d <= pl; d++ {
		if school[d-first] {
			continue // already known: no need to read this pupil's day
		}
		if countsAsPossible(p.Mark(d, register.AM), d) || countsAsPossible(p.Mark(d, register.PM), d) {
			school[d-first] = true
		}
	}
}

// fromSchoolDays builds the calendar whose school days are the set entries
// of school, school[0] being day first.
func fromSchoolDays(first register.Day, school []bool) *Calendar {
	cal := &Calendar{first: first, upto: make([]int32, len(school))}
	count := 0
	for i, s := range school {
		if s {
			count++
		}
		cal.upto[i] = int32(count)
	}
	cal.days = make([]register.Day, 0, count)
	cal.week = make([]int32, 0, count)
	w := int32(-1)
	var monday register.Day
	for i, s := range school {
		if !s {
			continue
		}
		d := first + register.Day(i)
		if m := d.Monday(); w < 0 || m != monday {
			w++
			monday = m
			cal.weekStart = append(cal.weekStart, int32(len(cal.days)))
		}
		cal.days = append(cal.days, d)
		cal.week = append(cal.week, w)
	}
	return cal
}

// countsAsPossible reports whether a stored mark is a possible session on day d.
// Only X depends on the date, so the costly date conversion is done for X
// alone.
func countsAsPossible(id mark.ID, d register.Day) bool {
	if id == 0 {
		return false
	}
	if id == mark.XID {
		return mark.CategoryOn(id, d.Time()).Possible()
	}
	return mark.Get(id).Category.Possible()
}

// Len returns the number of school days.
func (c *Calendar) Len() int { return len(c.days) }

// Weeks returns the number of school weeks.
func (c *Calendar) Weeks() int { return len(c.weekStart) }

// Days returns the school days in order (a copy).
func (c *Calendar) Days() []register.Day {
	out := make([]register.Day, len(c.days))
	copy(out, c.days)
	return out
}

// Day returns the i-th school day (0-based).
func (c *Calendar) Day(i int) register.Day { return c.days[i] }

// First returns the first school day; ok is false for an empty calendar.
func (c *Calendar) First() (d register.Day, ok bool) {
	if len(c.days) == 0 {
		return 0, false
	}
	return c.days[0], true
}

// Last returns the last school day; ok is false for an empty calendar.
func (c *Calendar) Last() (d register.Day, ok bool) {
	if len(c.days) == 0 {
		return 0, false
	}
	return c.days[len(c.days)-1], true
}

// CountTo returns the number of school days on or before d, so the index of
// the last school day on or before d is CountTo(d)-1 (-1 when there is none).
func (c *Calendar) CountTo(d register.Day) int {
	switch {
	case len(c.days) == 0 || d < c.first:
		return 0
	case int(d-c.first) >= len(c.upto):
		return len(c.days)
	}
	return int(c.upto[d-c.first])
}

// Index returns the school-day index of d, and false when d is not a school
// day.
func (c *Calendar) Index(d register.Day) (int, bool) {
	i := c.CountTo(d) - 1
	if i < 0 || c.days[i] != d {
		return -1, false
	}
	return i, true
}

// IsSchoolDay reports whether d is a school day.
func (c *Calendar) IsSchoolDay(d register.Day) bool {
	_, ok := c.Index(d)
	return ok
}

// WeekIndex returns the index of the school week containing d (any day of
// the week, school day or not), and false when d's week has no school day.
func (c *Calendar) WeekIndex(d register.Day) (int, bool) {
	mon := d.Monday()
	i := c.CountTo(mon+6) - 1 // last school day on or before that Sunday
	if i < 0 || c.days[i] < mon {
		return -1, false
	}
	return int(c.week[i]), true
}

// WeekOf returns the school-week index of the i-th school day.
func (c *Calendar) WeekOf(i int) int { return int(c.week[i]) }

// WeekStart returns the first school day of school week w.
func (c *Calendar) WeekStart(w int) register.Day { return c.days[c.weekStart[w]] }

// WeekFirstIndex returns the school-day index of the first school day of
// school week w.
func (c *Calendar) WeekFirstIndex(w int) int { return int(c.weekStart[w]) }
