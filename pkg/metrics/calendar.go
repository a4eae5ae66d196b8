package metrics

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/worker"
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

// NewCalendar derives one calendar from every pupil's session marks, all
// schools together. Pupils read from the summary layout (counts without
// dates) add nothing. An authority's patterns use NewCalendars instead, so
// that one school's half-term is not another's school week.
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

// markSchoolDays sets school[d-first] for every day on which p has a
// possible session.
func markSchoolDays(school []bool, first register.Day, p *register.Pupil) {
	if !p.HasMarks() {
		return
	}
	pf, pl := p.Span()
	for d := pf; d <= pl; d++ {
		if school[d-first] {
			continue // already known: no need to read this pupil's day
		}
		if am, pm := p.Sessions(d); countsAsPossible(am, d) || countsAsPossible(pm, d) {
			school[d-first] = true
		}
	}
}

// fromSchoolDays builds the calendar of the days marked in school, which
// starts on first.
func fromSchoolDays(first register.Day, school []bool) *Calendar {
	cal := &Calendar{first: first}
	cal.upto = make([]int32, len(school))
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

// Calendars is each school's own calendar (reference §3: a school week is a
// week with a session for that school), so the 10-school-week, 10-day and
// 20-day windows of a pupil are counted on their own school's days, and
// another school's half-term, INSET day (#) or bank holiday changes nothing
// for them.
//
// Which calendar is a pupil's (For):
//   - an enrolment at one school: that school's calendar, read from the
//     marks of every enrolment at that school. Enrolments with no school
//     (a UPN in a file that names none) share the calendar of the other
//     school-less enrolments.
//   - the child view of a dual-registered or moved child: the union of the
//     calendars of the schools they were on roll at. The child view's marks
//     are the schools' marks combined, so a day is a school day for the
//     child when any of their schools was open; for a child who moved, the
//     first school's days before the move and the second's after are the
//     child's school days, and neither school's holidays hide the other's
//     open days.
//
// Memory is one calendar per school (a few int32 per calendar day), plus
// one per distinct set of schools a dual-registered child is on roll at:
// never per pupil.
type Calendars struct {
	all      *Calendar
	bySchool map[string]*Calendar
	// union holds the child views' calendars, keyed by the child view's
	// school (the schools joined by " + ").
	union map[string]*Calendar
}

// NewCalendars derives every school's calendar from the register. Every
// calendar For can return is built here, so For may be called from many
// goroutines at once.
func NewCalendars(reg *register.Register) *Calendars {
	return NewCalendarsOf(reg, reg.Pupils())
}

// NewCalendarsOf is NewCalendars given reg.Pupils(), for a caller that
// already has them (the analysis's pupils, before ranking): Pupils and
// Enrolments each sort the whole register, which on an authority's year
// cost as much as reading every school's days. The enrolments are the
// pupils' own (a child view's are its schools'), and each school's days are
// read on its own core: a school day is a day any enrolment there has a
// possible session on, whichever order they are read in.
func NewCalendarsOf(reg *register.Register, pupils []*register.Pupil) *Calendars {
	cs := &Calendars{bySchool: map[string]*Calendar{}, union: map[string]*Calendar{}}
	first, last, ok := reg.Span()
	if !ok {
		cs.all = &Calendar{}
		return cs
	}
	n := int(last-first) + 1
	bySchool := map[string][]*register.Pupil{}
	var schools []string
	enrol := func(e *register.Pupil) {
		if _, seen := bySchool[e.Info.School]; !seen {
			schools = append(schools, e.Info.School)
		}
		bySchool[e.Info.School] = append(bySchool[e.Info.School], e)
	}
	for _, p := range pupils {
		if !p.Combined() {
			enrol(p)
			continue
		}
		for _, e := range p.Enrolments() {
			enrol(e)
		}
	}
	marked := make([][]bool, len(schools))
	var next atomic.Int64
	var wg sync.WaitGroup
	caught := make([]worker.Catch, runtime.GOMAXPROCS(0))
	for w := range caught {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer caught[w].Catch() // a panic reaches the caller, as in analysis's workers
			for i := int(next.Add(1) - 1); i < len(schools); i = int(next.Add(1) - 1) {
				d := make([]bool, n)
				for _, e := range bySchool[schools[i]] {
					markSchoolDays(d, first, e)
				}
				marked[i] = d
			}
		}()
	}
	wg.Wait()
	worker.Rethrow(caught)
	days := make(map[string][]bool, len(schools))
	all := make([]bool, n)
	for i, school := range schools {
		d := marked[i]
		days[school] = d
		cs.bySchool[school] = fromSchoolDays(first, d)
		for i, s := range d {
			all[i] = all[i] || s
		}
	}
	cs.all = fromSchoolDays(first, all)
	for _, p := range pupils {
		if !p.Combined() {
			continue
		}
		if _, ok := cs.union[p.Info.School]; ok {
			continue
		}
		u := make([]bool, n)
		for _, e := range p.Enrolments() {
			for i, s := range days[e.Info.School] {
				u[i] = u[i] || s
			}
		}
		cs.union[p.Info.School] = fromSchoolDays(first, u)
	}
	return cs
}

// All returns the calendar of every school together: a day is a school day
// when any school has a possible session on it.
func (cs *Calendars) All() *Calendar { return cs.all }

// For returns the calendar a pupil's patterns are counted on (see
// Calendars): the enrolment's own school's, or for the child view of a
// dual-registered or moved child, the union of their schools'.
func (cs *Calendars) For(p *register.Pupil) *Calendar {
	if p.Combined() {
		if c := cs.union[p.Info.School]; c != nil {
			return c
		}
		return cs.all
	}
	if c := cs.bySchool[p.Info.School]; c != nil {
		return c
	}
	return cs.all
}

// Schools returns the number of school calendars.
func (cs *Calendars) Schools() int { return len(cs.bySchool) }

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
