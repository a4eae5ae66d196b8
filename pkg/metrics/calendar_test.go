package metrics

import (
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// testDay returns a date in 2025, the year every test register is set in.
func testDay(dd, mm int) register.Day { return register.MustDay(2025, mm, dd) }

// schoolDays returns the Mondays to Fridays from..to, leaving out closed days.
func schoolDays(from, to register.Day, closed ...register.Day) []register.Day {
	var out []register.Day
	for d := from; d <= to; d++ {
		if !d.Weekend() && !slices.Contains(closed, d) {
			out = append(out, d)
		}
	}
	return out
}

// testMarks is one pupil's register written by hand: day → AM and PM codes, ""
// for no session.
type testMarks map[register.Day][2]string

// fill sets the same codes on every day given.
func (m testMarks) fill(days []register.Day, am, pm string) testMarks {
	for _, d := range days {
		m[d] = [2]string{am, pm}
	}
	return m
}

// on sets one day's codes.
func (m testMarks) on(d register.Day, am, pm string) testMarks {
	m[d] = [2]string{am, pm}
	return m
}

// presentOn is a pupil present in every session of the days given.
func presentOn(days []register.Day) testMarks { return testMarks{}.fill(days, "/", `\`) }

// testRegister turns hand-written registers into a register, through the same
// Builder the ingest stage uses.
func testRegister(t testing.TB, pupils map[string]testMarks) *register.Register {
	t.Helper()
	b := register.NewBuilder(quality.New())
	ids := make([]string, 0, len(pupils))
	for id := range pupils {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		p := b.Pupil([]byte(id))
		m := pupils[id]
		days := make([]register.Day, 0, len(m))
		for d := range m {
			days = append(days, d)
		}
		slices.Sort(days)
		for _, d := range days {
			for s, code := range m[d] {
				if code == "" {
					continue
				}
				mid, ok := mark.Lookup(code)
				if !ok {
					t.Fatalf("bad code %q in test register", code)
				}
				if !b.Mark(p, d, register.Session(s), mid, quality.Loc{}) {
					t.Fatalf("mark %s %d %s not used", d.UK(), s, code)
				}
			}
		}
	}
	return b.Reg
}

func TestNewCalendar(t *testing.T) {
	// Spring 2025: half term 17-21/02 has no marks at all, 03/03 is an INSET
	// day coded # for everyone, 04/03 is closed for pupil A only (a partial
	// closure), and B has a D on 05/03 that no one else is marked on.
	halfTerm := schoolDays(testDay(17, 2), testDay(21, 2))
	term := schoolDays(testDay(10, 2), testDay(7, 3), halfTerm...)
	reg := testRegister(t, map[string]testMarks{
		"A": presentOn(term).on(testDay(3, 3), "#", "#").on(testDay(4, 3), "#", "#"),
		"B": presentOn(term).on(testDay(3, 3), "#", "#").on(testDay(5, 3), "D", "D"),
		// C is read from the summary layout in real life; here a pupil whose
		// only marks are not possible sessions must add no school day.
		"C": testMarks{}.on(testDay(8, 3), "X", "X"),
	})
	cal := NewCalendar(reg)

	wantDays := schoolDays(testDay(10, 2), testDay(7, 3), append(halfTerm, testDay(3, 3))...)
	if diff := cmp.Diff(wantDays, cal.Days()); diff != "" {
		t.Errorf("Days() (-want +got):\n%s", diff)
	}
	if got, want := cal.Weeks(), 3; got != want { // 10/02, 24/02, 03/03
		t.Errorf("Weeks() = %d, want %d", got, want)
	}
	if got, ok := cal.Last(); !ok || got != testDay(7, 3) {
		t.Errorf("Last() = %s, %v", got.UK(), ok)
	}
	if got, ok := cal.First(); !ok || got != testDay(10, 2) {
		t.Errorf("First() = %s, %v", got.UK(), ok)
	}

	type lookup struct {
		Count      int
		Index      int
		School     bool
		Week       int
		SchoolWeek bool
	}
	for _, tc := range []struct {
		d    register.Day
		want lookup
	}{
		{testDay(9, 2), lookup{Count: 0, Index: -1, Week: -1}},                                 // before the calendar
		{testDay(10, 2), lookup{Count: 1, Index: 0, School: true, Week: 0, SchoolWeek: true}},  // first day
		{testDay(15, 2), lookup{Count: 5, Index: -1, Week: 0, SchoolWeek: true}},               // Saturday of a school week
		{testDay(19, 2), lookup{Count: 5, Index: -1, Week: -1}},                                // half term
		{testDay(24, 2), lookup{Count: 6, Index: 5, School: true, Week: 1, SchoolWeek: true}},  // back after half term
		{testDay(3, 3), lookup{Count: 10, Index: -1, Week: 2, SchoolWeek: true}},               // INSET: not a school day
		{testDay(4, 3), lookup{Count: 11, Index: 10, School: true, Week: 2, SchoolWeek: true}}, // partial closure: still a school day
		{testDay(5, 3), lookup{Count: 12, Index: 11, School: true, Week: 2, SchoolWeek: true}}, // A present, B dual registered
		{testDay(8, 3), lookup{Count: 14, Index: -1, Week: 2, SchoolWeek: true}},               // X only: not a school day
		{testDay(1, 6), lookup{Count: 14, Index: -1, Week: -1}},                                // after the calendar
	} {
		var got lookup
		got.Count = cal.CountTo(tc.d)
		got.Index, got.School = cal.Index(tc.d)
		got.Week, got.SchoolWeek = cal.WeekIndex(tc.d)
		if got.School != cal.IsSchoolDay(tc.d) {
			t.Errorf("%s: IsSchoolDay disagrees with Index", tc.d.UK())
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.d.UK(), diff)
		}
	}

	if got := cal.WeekStart(2); got != testDay(4, 3) {
		t.Errorf("WeekStart(2) = %s, want 04/03/2025", got.UK())
	}
	if got := cal.WeekFirstIndex(1); got != 5 {
		t.Errorf("WeekFirstIndex(1) = %d, want 5", got)
	}
	if got := cal.WeekOf(10); got != 2 {
		t.Errorf("WeekOf(10) = %d, want 2", got)
	}
	if got := cal.Day(5); got != testDay(24, 2) || got.Weekday() != time.Monday {
		t.Errorf("Day(5) = %s", got.UK())
	}
}

func TestNewCalendarEmpty(t *testing.T) {
	cal := NewCalendar(register.New())
	if cal.Len() != 0 || cal.Weeks() != 0 || cal.CountTo(testDay(1, 1)) != 0 {
		t.Errorf("empty calendar has days: %d, %d", cal.Len(), cal.Weeks())
	}
	if _, ok := cal.Last(); ok {
		t.Error("Last() ok on an empty calendar")
	}
	if _, ok := cal.WeekIndex(testDay(1, 1)); ok {
		t.Error("WeekIndex ok on an empty calendar")
	}
	if _, ok := cal.Index(testDay(1, 1)); ok {
		t.Error("Index ok on an empty calendar")
	}
}

// COVID-era X (2020/21-2021/22) is a possible session, so a day on which
// everyone has it is a school day; today's X is not.
func TestNewCalendarCovidX(t *testing.T) {
	covid := register.MustDay(2021, 1, 11)
	now := register.MustDay(2025, 1, 13)
	reg := testRegister(t, map[string]testMarks{"A": testMarks{}.on(covid, "X", "X").on(now, "X", "X")})
	cal := NewCalendar(reg)
	if diff := cmp.Diff([]register.Day{covid}, cal.Days()); diff != "" {
		t.Errorf("Days() (-want +got):\n%s", diff)
	}
}

// TestCalendarsPerSchool: Oak is closed 17-21/02 (half term) and Elm
// 24-28/02; a child at both (dual registered, present at each on its own
// days) counts the union. Each school's calendar is its own days only.
func TestCalendarsPerSchool(t *testing.T) {
	from, to := testDay(10, 2), testDay(7, 3)
	oakHalf := schoolDays(testDay(17, 2), testDay(21, 2))
	elmHalf := schoolDays(testDay(24, 2), testDay(28, 2))
	oakDays := schoolDays(from, to, oakHalf...)
	elmDays := schoolDays(from, to, elmHalf...)
	b := register.NewBuilder(quality.New())
	present, _ := mark.Lookup("/")
	presentPM, _ := mark.Lookup(`\`)
	add := func(school, id string, days []register.Day) {
		p := b.PupilAt([]byte(id), school, quality.Loc{})
		for _, d := range days {
			b.Mark(p, d, register.AM, present, quality.Loc{})
			b.Mark(p, d, register.PM, presentPM, quality.Loc{})
		}
	}
	const dual = "C823200112001"
	add("Oak", "1001", oakDays)
	add("Elm", "1001", elmDays)
	add("Oak", dual, oakDays[:5])
	add("Elm", dual, elmDays[5:])
	reg := b.Reg
	cs := NewCalendars(reg)
	if cs.Schools() != 2 {
		t.Fatalf("%d school calendars, want 2", cs.Schools())
	}
	weeks := map[string]int{}
	days := map[string][]register.Day{}
	for _, p := range reg.Pupils() {
		c := cs.For(p)
		weeks[p.Info.School+"/"+p.ID] = c.Weeks()
		days[p.Info.School+"/"+p.ID] = c.Days()
	}
	want := map[string]int{"Oak/1001": 3, "Elm/1001": 3, "Oak + Elm/" + dual: 4}
	if diff := cmp.Diff(want, weeks); diff != "" {
		t.Errorf("school weeks (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(oakDays, days["Oak/1001"]); diff != "" {
		t.Errorf("Oak's days (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(elmDays, days["Elm/1001"]); diff != "" {
		t.Errorf("Elm's days (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(schoolDays(from, to), days["Oak + Elm/"+dual]); diff != "" {
		t.Errorf("the dual child's days (-want +got):\n%s", diff)
	}
	if got := cs.All().Weeks(); got != 4 {
		t.Errorf("all schools together: %d weeks, want 4", got)
	}
}
