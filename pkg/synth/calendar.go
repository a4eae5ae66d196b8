package synth

import "time"

// Term is one of the three terms of the English school year.
type Term uint8

// The terms, in order.
const (
	Autumn Term = iota
	Spring
	Summer
)

func (t Term) String() string {
	switch t {
	case Autumn:
		return "autumn"
	case Spring:
		return "spring"
	case Summer:
		return "summer"
	}
	return "unknown"
}

// Day is one school day: a weekday in term time on which the register is
// taken twice (AM and PM). INSET days are school days in the register (every
// pupil is marked # for both sessions) but pupils do not attend.
type Day struct {
	Date  time.Time // midnight UTC
	Term  Term
	INSET bool
}

// Calendar is the list of school days of one academic year, in date order.
// Session i of the year is day i/2, AM when i is even and PM when it is odd.
type Calendar struct {
	Days []Day

	dateText  []string // "dd/mm/yyyy" per day, computed once for the writers
	termFirst [3]int   // first day index of each term
	termLast  [3]int   // last day index of each term
}

// Sessions is the number of register sessions in the year (two per day).
func (c *Calendar) Sessions() int { return 2 * len(c.Days) }

// Index returns the index of the school day on date t, or false when t is not
// a school day (a weekend, holiday or bank holiday).
func (c *Calendar) Index(t time.Time) (int, bool) {
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	lo, hi := 0, len(c.Days)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if c.Days[m].Date.Before(t) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(c.Days) && c.Days[lo].Date.Equal(t) {
		return lo, true
	}
	return 0, false
}

// onOrAfter returns the first school day on or after t (len(Days) if none).
func (c *Calendar) onOrAfter(t time.Time) int {
	for i, d := range c.Days {
		if !d.Date.Before(t) {
			return i
		}
	}
	return len(c.Days)
}

// DateText returns day i's date as dd/mm/yyyy, the form MIS exports use.
func (c *Calendar) DateText(i int) string { return c.dateText[i] }

// TermDays returns the first and last day index of term t.
func (c *Calendar) TermDays(t Term) (first, last int) { return c.termFirst[t], c.termLast[t] }

// SessionHeader returns the grid column header of session s, such as
// "02/09/2024 AM".
func (c *Calendar) SessionHeader(s int) string {
	if s%2 == 0 {
		return c.dateText[s/2] + " AM"
	}
	return c.dateText[s/2] + " PM"
}

func ymd(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// span is an inclusive range of dates.
type span struct{ from, to time.Time }

func (s span) contains(t time.Time) bool { return !t.Before(s.from) && !t.After(s.to) }

// The 2024/25 year follows a common English local-authority pattern (each LA
// and academy trust sets its own dates, so there is no single national
// calendar). Terms run 2 Sep 2024 to 22 Jul 2025: 195 weekdays in term time
// once holidays and the one term-time bank holiday are removed, of which 5
// are INSET days, leaving the statutory minimum of 190 pupil days (380
// sessions, reference §0 rule 1).
var (
	terms2024 = [3]span{
		Autumn: {ymd(2024, time.September, 2), ymd(2024, time.December, 20)},
		Spring: {ymd(2025, time.January, 6), ymd(2025, time.April, 4)},
		Summer: {ymd(2025, time.April, 22), ymd(2025, time.July, 22)},
	}
	// Half-terms fall inside terms. Christmas (23 Dec to 3 Jan) and Easter
	// (7 to 21 Apr, which holds Good Friday 18 Apr and Easter Monday 21 Apr)
	// are the gaps between terms, so they need no entry.
	halfTerms2024 = []span{
		{ymd(2024, time.October, 28), ymd(2024, time.November, 1)},
		{ymd(2025, time.February, 17), ymd(2025, time.February, 21)},
		{ymd(2025, time.May, 26), ymd(2025, time.May, 30)}, // holds the spring bank holiday, 26 May
	}
	// The early May bank holiday is the only bank holiday that falls in term
	// time in 2024/25; the summer one (26 Aug 2024) is before term starts.
	bankHolidays2024 = []time.Time{ymd(2025, time.May, 5)}
	// INSET days: the first two days of the year, the Friday before October
	// half-term, the first day of spring term and the first day after May
	// half-term.
	inset2024 = []time.Time{
		ymd(2024, time.September, 2), ymd(2024, time.September, 3),
		ymd(2024, time.October, 25),
		ymd(2025, time.January, 6),
		ymd(2025, time.June, 2),
	}
)

// AcademicYear2024 returns the 2024/25 calendar: 195 school days (390
// sessions) from Monday 2 September 2024 to Tuesday 22 July 2025, weekdays
// only, without the October, February and May half-terms, Christmas, Easter
// and the early May bank holiday, and with 5 INSET days.
func AcademicYear2024() *Calendar {
	c := &Calendar{}
	for t, term := range terms2024 {
		c.termFirst[t] = len(c.Days)
		for d := term.from; !d.After(term.to); d = d.AddDate(0, 0, 1) {
			if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
				continue
			}
			if closed(d) {
				continue
			}
			inset := false
			for _, i := range inset2024 {
				inset = inset || i.Equal(d)
			}
			c.Days = append(c.Days, Day{Date: d, Term: Term(t), INSET: inset})
			c.dateText = append(c.dateText, d.Format("02/01/2006"))
		}
		c.termLast[t] = len(c.Days) - 1
	}
	return c
}

func closed(d time.Time) bool {
	for _, h := range halfTerms2024 {
		if h.contains(d) {
			return true
		}
	}
	for _, b := range bankHolidays2024 {
		if b.Equal(d) {
			return true
		}
	}
	return false
}
