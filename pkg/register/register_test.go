package register

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
)

func TestDayOf(t *testing.T) {
	tests := []struct {
		y, m, d int
		ok      bool
	}{
		{2024, 9, 3, true},
		{2024, 2, 29, true},  // 2024 is a leap year
		{2025, 2, 29, false}, // 2025 is not
		{2025, 2, 28, true},
		{2000, 2, 29, true},  // divisible by 400: leap
		{1900, 2, 29, false}, // divisible by 100 only: not leap
		{2100, 2, 29, false},
		{2025, 4, 31, false},
		{2025, 4, 30, true},
		{2025, 12, 31, true},
		{2025, 1, 32, false},
		{2025, 0, 1, false},
		{2025, 13, 1, false},
		{2025, 1, 0, false},
		{2025, -1, 1, false},
		{1900, 1, 1, true}, // the supported range is 1900-2200
		{1899, 12, 31, false},
		{2200, 12, 31, true},
		{2201, 1, 1, false},
		{0, 1, 1, false},
	}
	for _, tt := range tests {
		d, ok := DayOf(tt.y, tt.m, tt.d)
		if ok != tt.ok {
			t.Errorf("DayOf(%d, %d, %d) ok = %v, want %v", tt.y, tt.m, tt.d, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		// The day number is days since 1970-01-01, as the time package counts.
		want := Day(time.Date(tt.y, time.Month(tt.m), tt.d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
		if d != want {
			t.Errorf("DayOf(%d, %d, %d) = %d, want %d", tt.y, tt.m, tt.d, d, want)
		}
	}
	if d := MustDay(1970, 1, 1); d != 0 {
		t.Errorf("MustDay(1970, 1, 1) = %d, want 0", d)
	}
}

func TestMustDayPanicsOnImpossibleDate(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustDay(2025, 2, 29) did not panic")
		}
	}()
	MustDay(2025, 2, 29)
}

// TestCivilRoundTrip walks every day of the supported range and checks the
// day number, Civil, Weekday, Time and the formats against the time package.
func TestCivilRoundTrip(t *testing.T) {
	first, last := MustDay(1900, 1, 1), MustDay(2200, 12, 31)
	tm := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := first; d <= last; d++ {
		y, m, dd := d.Civil()
		if y != tm.Year() || m != int(tm.Month()) || dd != tm.Day() {
			t.Fatalf("Day(%d).Civil() = %04d-%02d-%02d, want %s", d, y, m, dd, tm.Format("2006-01-02"))
		}
		back, ok := DayOf(y, m, dd)
		if !ok || back != d {
			t.Fatalf("DayOf(Civil(%d)) = %d, %v", d, back, ok)
		}
		if w := d.Weekday(); w != tm.Weekday() {
			t.Fatalf("%s: Weekday() = %v, want %v", tm.Format("2006-01-02"), w, tm.Weekday())
		}
		if !d.Time().Equal(tm) {
			t.Fatalf("Day(%d).Time() = %v, want %v", d, d.Time(), tm)
		}
		if got := DayFromTime(tm); got != d {
			t.Fatalf("DayFromTime(%v) = %d, want %d", tm, got, d)
		}
		tm = tm.AddDate(0, 0, 1)
	}
}

func TestDayFormatsAndWeeks(t *testing.T) {
	d := MustDay(2024, 9, 3) // a Tuesday
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"ISO", d.ISO(), "2024-09-03"},
		{"UK", d.UK(), "03/09/2024"},
		{"Short", d.Short(), "03/09"},
		{"Weekday", d.Weekday(), time.Tuesday},
		{"Monday", d.Monday(), MustDay(2024, 9, 2)},
		{"Monday of a Monday", MustDay(2024, 9, 2).Monday(), MustDay(2024, 9, 2)},
		{"Monday of a Sunday", MustDay(2024, 9, 8).Monday(), MustDay(2024, 9, 2)},
		{"Monday before 1970", MustDay(1969, 12, 31).Monday(), MustDay(1969, 12, 29)},
		{"Weekend Saturday", MustDay(2024, 9, 7).Weekend(), true},
		{"Weekend Sunday", MustDay(2024, 9, 8).Weekend(), true},
		{"Weekend Friday", MustDay(2024, 9, 6).Weekend(), false},
		{"Weekend Monday", MustDay(2024, 9, 9).Weekend(), false},
		{"Weekday before 1970", MustDay(1969, 12, 31).Weekday(), time.Wednesday},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestSessionString(t *testing.T) {
	if AM.String() != "AM" || PM.String() != "PM" {
		t.Errorf("AM, PM = %q, %q", AM.String(), PM.String())
	}
}

func code(t *testing.T, c string) mark.ID {
	t.Helper()
	id, ok := mark.Lookup(c)
	if !ok {
		t.Fatalf("no code %q", c)
	}
	return id
}

// offer is one mark handed to the builder, as a reader would: counted as
// read first.
type offer struct {
	pupil string
	day   Day
	sess  Session
	code  string
}

type marked struct {
	Day  string
	Sess string
	Code string
}

func marksOf(p *Pupil) []marked {
	var out []marked
	p.Each(func(d Day, s Session, id mark.ID) {
		out = append(out, marked{d.ISO(), s.String(), mark.Get(id).Code})
	})
	return out
}

type account struct {
	Read, Used, Rejected   int
	Duplicate, Conflicting int
	Rejections             map[string]int
	Findings               map[string]int
	StrictFailures         int
}

func accountOf(q *quality.Report) account {
	a := account{Read: q.MarksRead, Used: q.MarksUsed, Rejected: q.MarksRejected,
		Duplicate: q.DuplicateMarks, Conflicting: q.ConflictingMarks,
		Rejections: map[string]int{}, Findings: map[string]int{}, StrictFailures: q.StrictFailures()}
	for _, r := range q.Rejections() {
		a.Rejections[r.Key] = r.Count
	}
	for _, r := range q.Findings() {
		a.Findings[r.Key] = r.Count
	}
	return a
}

func TestBuilder(t *testing.T) {
	mon, tue := MustDay(2024, 9, 2), MustDay(2024, 9, 3)
	sat := MustDay(2024, 9, 7)
	tests := []struct {
		name     string
		from, to Day
		offers   []offer
		want     map[string][]marked
		acct     account
		used     []bool
	}{
		{
			name:   "different sessions are all used",
			offers: []offer{{"A", mon, AM, "/"}, {"A", mon, PM, `\`}, {"A", tue, AM, "I"}},
			want:   map[string][]marked{"A": {{"2024-09-02", "AM", "/"}, {"2024-09-02", "PM", `\`}, {"2024-09-03", "AM", "I"}}},
			acct:   account{Read: 3, Used: 3},
			used:   []bool{true, true, true},
		},
		{
			// The same file given twice must not double anyone's absence.
			name:   "same mark again is a duplicate, counted once",
			offers: []offer{{"A", mon, AM, "O"}, {"A", mon, AM, "O"}},
			want:   map[string][]marked{"A": {{"2024-09-02", "AM", "O"}}},
			acct:   account{Read: 2, Used: 1, Rejected: 1, Duplicate: 1, Rejections: map[string]int{"duplicate_mark": 1}, StrictFailures: 1},
			used:   []bool{true, false},
		},
		{
			name:   "lower-case code is the same code: duplicate",
			offers: []offer{{"A", mon, AM, "I"}, {"A", mon, AM, "i"}},
			want:   map[string][]marked{"A": {{"2024-09-02", "AM", "I"}}},
			acct:   account{Read: 2, Used: 1, Rejected: 1, Duplicate: 1, Rejections: map[string]int{"duplicate_mark": 1}, StrictFailures: 1},
			used:   []bool{true, false},
		},
		{
			name:   "conflict keeps the better mark when it comes second",
			offers: []offer{{"A", mon, AM, "O"}, {"A", mon, AM, "I"}},
			want:   map[string][]marked{"A": {{"2024-09-02", "AM", "I"}}},
			acct:   account{Read: 2, Used: 1, Rejected: 1, Conflicting: 1, Rejections: map[string]int{"conflicting_mark": 1}, StrictFailures: 1},
			used:   []bool{true, false},
		},
		{
			name:   "conflict keeps the better mark when it comes first",
			offers: []offer{{"A", mon, AM, "I"}, {"A", mon, AM, "O"}},
			want:   map[string][]marked{"A": {{"2024-09-02", "AM", "I"}}},
			acct:   account{Read: 2, Used: 1, Rejected: 1, Conflicting: 1, Rejections: map[string]int{"conflicting_mark": 1}, StrictFailures: 1},
			used:   []bool{true, false},
		},
		{
			name:   "a real mark beats a missing mark",
			offers: []offer{{"A", mon, PM, "-"}, {"A", mon, PM, "N"}},
			want:   map[string][]marked{"A": {{"2024-09-02", "PM", "N"}}},
			acct:   account{Read: 2, Used: 1, Rejected: 1, Conflicting: 1, Rejections: map[string]int{"conflicting_mark": 1}, Findings: map[string]int{"missing_mark": 1}, StrictFailures: 1},
			used:   []bool{true, false},
		},
		{
			name:   "the same session of another pupil is not a duplicate",
			offers: []offer{{"A", mon, AM, "O"}, {"B", mon, AM, "O"}, {"A", mon, AM, "O"}},
			want:   map[string][]marked{"A": {{"2024-09-02", "AM", "O"}}, "B": {{"2024-09-02", "AM", "O"}}},
			acct:   account{Read: 3, Used: 2, Rejected: 1, Duplicate: 1, Rejections: map[string]int{"duplicate_mark": 1}, StrictFailures: 1},
			used:   []bool{true, true, false},
		},
		{
			// --from/--to are inclusive; a date outside is an expected
			// rejection that --strict does not fail on.
			name: "window bounds are inclusive",
			from: tue, to: MustDay(2024, 9, 4),
			offers: []offer{{"A", mon, PM, "O"}, {"A", tue, AM, "/"}, {"A", MustDay(2024, 9, 4), PM, `\`}, {"A", MustDay(2024, 9, 5), AM, "O"}},
			want:   map[string][]marked{"A": {{"2024-09-03", "AM", "/"}, {"2024-09-04", "PM", `\`}}},
			acct:   account{Read: 4, Used: 2, Rejected: 2, Rejections: map[string]int{"outside_window": 2}},
			used:   []bool{false, true, true, false},
		},
		{
			name:   "open-ended window from a date",
			from:   tue,
			offers: []offer{{"A", mon, AM, "O"}, {"A", MustDay(2030, 1, 1), AM, "/"}},
			want:   map[string][]marked{"A": {{"2030-01-01", "AM", "/"}}},
			acct:   account{Read: 2, Used: 1, Rejected: 1, Rejections: map[string]int{"outside_window": 1}},
			used:   []bool{false, true},
		},
		{
			name:   "findings do not reject: legacy, missing, weekend, COVID X",
			offers: []offer{{"A", mon, AM, "H"}, {"A", mon, PM, "-"}, {"A", sat, AM, "/"}, {"A", sat, PM, "#"}, {"A", MustDay(2021, 1, 5), AM, "X"}, {"A", MustDay(2023, 1, 5), AM, "X"}},
			want: map[string][]marked{"A": {{"2021-01-05", "AM", "X"}, {"2023-01-05", "AM", "X"},
				{"2024-09-02", "AM", "H"}, {"2024-09-02", "PM", "-"}, {"2024-09-07", "AM", "/"}, {"2024-09-07", "PM", "#"}}},
			acct: account{Read: 6, Used: 6, Findings: map[string]int{"legacy_code": 1, "missing_mark": 1, "weekend_mark": 1, "covid_x": 1}},
			used: []bool{true, true, true, true, true, true},
		},
		{
			// The array grows backwards and forwards; Each stays in date order.
			name:   "marks offered out of date order",
			offers: []offer{{"A", MustDay(2024, 9, 20), PM, "G"}, {"A", mon, AM, "/"}, {"A", MustDay(2024, 10, 1), AM, "L"}, {"A", MustDay(2024, 8, 30), PM, "Z"}},
			want: map[string][]marked{"A": {{"2024-08-30", "PM", "Z"}, {"2024-09-02", "AM", "/"},
				{"2024-09-20", "PM", "G"}, {"2024-10-01", "AM", "L"}}},
			acct: account{Read: 4, Used: 4},
			used: []bool{true, true, true, true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := quality.New()
			b := NewBuilder(q)
			b.From, b.To = tt.from, tt.to
			var used []bool
			for i, o := range tt.offers {
				q.MarksRead++
				p := b.Pupil([]byte(o.pupil))
				used = append(used, b.Mark(p, o.day, o.sess, code(t, o.code), quality.Loc{File: "f.csv", Line: i + 2}))
			}
			got := map[string][]marked{}
			for _, p := range b.Reg.Pupils() {
				got[p.ID] = marksOf(p)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("register (-want +got):\n%s", diff)
			}
			want := tt.acct
			if want.Rejections == nil {
				want.Rejections = map[string]int{}
			}
			if want.Findings == nil {
				want.Findings = map[string]int{}
			}
			if diff := cmp.Diff(want, accountOf(q)); diff != "" {
				t.Errorf("account (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.used, used); diff != "" {
				t.Errorf("Mark results (-want +got):\n%s", diff)
			}
			if err := q.Balanced(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestBuilderConflictOrderIndependent: whichever order two term files come
// in, the register is the same.
func TestBuilderConflictOrderIndependent(t *testing.T) {
	d := MustDay(2024, 9, 2)
	codes := []string{"/", "L", "V", "I", "C1", "O", "U", "D", "X", "#", "-", "H", "J"}
	for _, a := range codes {
		for _, c := range codes {
			var kept [2]string
			for k, order := range [][2]string{{a, c}, {c, a}} {
				b := NewBuilder(quality.New())
				p := b.Pupil([]byte("A"))
				for _, m := range order {
					b.Q.MarksRead++
					b.Mark(p, d, AM, code(t, m), quality.Loc{File: "f"})
				}
				kept[k] = mark.Get(p.Mark(d, AM)).Code
			}
			if kept[0] != kept[1] {
				t.Errorf("%s then %s keeps %s; %s then %s keeps %s", a, c, kept[0], c, a, kept[1])
			}
		}
	}
}

func TestBuilderExamples(t *testing.T) {
	q := quality.New()
	b := NewBuilder(q)
	p := b.Pupil([]byte("A"))
	d := MustDay(2024, 9, 2)
	for i, c := range []string{"O", "O", "I"} {
		q.MarksRead++
		b.Mark(p, d, AM, code(t, c), quality.Loc{File: "t1.csv", Line: 10 + i})
	}
	var got []quality.Example
	for _, r := range q.Rejections() {
		got = append(got, r.Examples...)
	}
	// Both reasons have one example; reasons are sorted by count then key,
	// so the conflict (line 12, I after O) comes before the duplicate (line 11).
	want := []quality.Example{
		{Loc: quality.Loc{File: "t1.csv", Line: 12}, Where: "t1.csv:12", Detail: "02/09/2024 AM: O and I, kept I"},
		{Loc: quality.Loc{File: "t1.csv", Line: 11}, Where: "t1.csv:11", Detail: "02/09/2024 AM O"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("examples (-want +got):\n%s", diff)
	}
}

func TestPupilAccessors(t *testing.T) {
	b := NewBuilder(quality.New())
	p := b.Pupil([]byte("A"))
	if p.HasMarks() {
		t.Fatal("new pupil has marks")
	}
	d1, d2 := MustDay(2024, 9, 2), MustDay(2024, 9, 13)
	b.Mark(p, d2, AM, code(t, "/"), quality.Loc{})
	b.Mark(p, d1, PM, code(t, "N"), quality.Loc{})
	first, last := p.Span()
	if first != d1 || last != d2 {
		t.Errorf("Span() = %s, %s; want %s, %s", first.ISO(), last.ISO(), d1.ISO(), d2.ISO())
	}
	if got := p.Mark(d1, AM); got != 0 {
		t.Errorf("Mark on an unmarked session = %d, want 0", got)
	}
	if got := p.Mark(d1-5, AM); got != 0 {
		t.Errorf("Mark before the span = %d, want 0", got)
	}
	if got := p.Mark(d2+5, PM); got != 0 {
		t.Errorf("Mark after the span = %d, want 0", got)
	}
	if got := p.Mark(d1, PM); got != code(t, "N") {
		t.Errorf("Mark(d1, PM) = %d, want N", got)
	}
	// The same id twice is the same pupil; ids are copied, not aliased.
	id := []byte("B")
	pb := b.Pupil(id)
	id[0] = 'C'
	if b.Pupil([]byte("B")) != pb || pb.ID != "B" {
		t.Error("pupil B not found again by id")
	}
	if b.Pupil([]byte("A")) != p {
		t.Error("pupil A not found again after another pupil")
	}
	if got := b.Reg.Len(); got != 2 {
		t.Errorf("Len() = %d, want 2", got)
	}
	f, l, ok := b.Reg.Span()
	if !ok || f != d1 || l != d2 {
		t.Errorf("Register.Span() = %s, %s, %v", f.ISO(), l.ISO(), ok)
	}
	b.SetInfo(p, Info{Surname: "First", Forename: "Ann"})
	b.SetInfo(p, Info{Surname: "Second", YearGroup: "7"})
	if diff := cmp.Diff(Info{Surname: "First", Forename: "Ann", YearGroup: "7"}, p.Info); diff != "" {
		t.Errorf("SetInfo: first non-empty value wins (-want +got):\n%s", diff)
	}
}

// TestWeekdayIndex: the weekday numbering the mark store uses counts
// Monday to Friday only, gives a weekend day the next Monday's number, and
// round-trips every weekday from 1900 to 2200.
func TestWeekdayIndex(t *testing.T) {
	prev := weekdayIndex(MustDay(1900, 1, 1) - 1)
	for d := MustDay(1900, 1, 1); d <= MustDay(2200, 12, 31); d++ {
		w := weekdayIndex(d)
		step := w - prev
		if d.Weekend() {
			if d.Weekday() == time.Saturday && step != 1 || d.Weekday() == time.Sunday && step != 0 {
				t.Fatalf("%s: index %d after %d", d.ISO(), w, prev)
			}
			if w != weekdayIndex(d.Monday()+7) {
				t.Fatalf("%s: index %d is not the next Monday's", d.ISO(), w)
			}
		} else {
			if step != 1 && !(d.Weekday() == time.Monday && step == 0) {
				t.Fatalf("%s: index %d after %d", d.ISO(), w, prev)
			}
			if got := weekdayDay(w); got != d {
				t.Fatalf("weekdayDay(%d) = %s, want %s", w, got.ISO(), d.ISO())
			}
		}
		prev = w
	}
}

// TestWeekendMarks: marks on a Saturday or Sunday are kept beside the
// weekday array and come back in date order, at either edge of the span,
// including a weekend mark weeks before the first weekday one.
func TestWeekendMarks(t *testing.T) {
	b := NewBuilder(quality.New())
	p := b.Pupil([]byte("A"))
	sat, sun := MustDay(2024, 9, 14), MustDay(2024, 9, 15)
	mon, fri := MustDay(2024, 9, 16), MustDay(2024, 9, 20)
	early, late := MustDay(2024, 8, 31), MustDay(2024, 9, 22) // a Saturday, a Sunday
	for _, o := range []struct {
		d Day
		s Session
		c string
	}{{sun, PM, "/"}, {mon, AM, "/"}, {sat, AM, "L"}, {fri, PM, "N"}, {sun, AM, "B"}, {late, AM, "/"}, {early, PM, "#"}, {MustDay(2024, 9, 2), AM, "I"}} {
		if !b.Mark(p, o.d, o.s, code(t, o.c), quality.Loc{}) {
			t.Fatalf("mark %s %s not used", o.d.ISO(), o.s)
		}
	}
	want := []marked{
		{"2024-08-31", "PM", "#"}, {"2024-09-02", "AM", "I"}, {"2024-09-14", "AM", "L"}, {"2024-09-15", "AM", "B"}, {"2024-09-15", "PM", "/"},
		{"2024-09-16", "AM", "/"}, {"2024-09-20", "PM", "N"}, {"2024-09-22", "AM", "/"},
	}
	if diff := cmp.Diff(want, marksOf(p)); diff != "" {
		t.Errorf("Each (-want +got):\n%s", diff)
	}
	if first, last := p.Span(); first != early || last != late {
		t.Errorf("Span() = %s, %s; want %s, %s", first.ISO(), last.ISO(), early.ISO(), late.ISO())
	}
	if got, want := p.Mark(sun, AM), code(t, "B"); got != want {
		t.Errorf("Mark(Sunday AM) = %d, want %d", got, want)
	}
	if got := p.Mark(sat, PM); got != 0 {
		t.Errorf("Mark(Saturday PM) = %d, want 0", got)
	}
	if got, want := p.Mark(fri, PM), code(t, "N"); got != want {
		t.Errorf("Mark(Friday PM) = %d, want %d", got, want)
	}
	// Only weekend marks: the pupil has marks and a span.
	q := b.Pupil([]byte("B"))
	b.Mark(q, sat, AM, code(t, "/"), quality.Loc{})
	if f, l := q.Span(); !q.HasMarks() || f != sat || l != sat {
		t.Errorf("weekend only: HasMarks %v, Span %s to %s", q.HasMarks(), f.ISO(), l.ISO())
	}
	b.Finish(ByExtent)
	if diff := cmp.Diff(want, marksOf(p)); diff != "" {
		t.Errorf("after Finish (-want +got):\n%s", diff)
	}
	// Count agrees with Each, whole and within windows that start and end
	// on weekends and weekdays.
	for _, w := range [][2]Day{{0, 0}, {sat, 0}, {0, sun}, {mon, fri}, {MustDay(2024, 9, 3), sat}, {late, late}, {fri + 1, fri + 1}} {
		got := make([]int, mark.NumIDs)
		p.Count(w[0], w[1], got)
		got[0] = 0
		want := make([]int, mark.NumIDs)
		p.Each(func(d Day, _ Session, id mark.ID) {
			if (w[0] == 0 || d >= w[0]) && (w[1] == 0 || d <= w[1]) {
				want[id]++
			}
		})
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Count(%s, %s) (-Each +Count):\n%s", w[0].ISO(), w[1].ISO(), diff)
		}
	}
}

// TestMarksSizedToReach checks how a pupil's weekday array is sized while a
// file is read (Pupil.slotNear): in a file grouped by pupil the later
// pupils' arrays run to the day the register already reaches, so they are
// made once, with nothing to give back; in a file ordered by date they run
// to the end of the academic year, and Finish copies them into arrays of
// their size. Either way every mark reads back.
func TestMarksSizedToReach(t *testing.T) {
	type row struct {
		id string
		d  Day
		s  Session
	}
	days := func(from Day, n int) []Day { // n weekdays from a Monday
		var out []Day
		for d := from; len(out) < n; d++ {
			if w := d.Weekday(); w != time.Saturday && w != time.Sunday {
				out = append(out, d)
			}
		}
		return out
	}
	term := days(MustDay(2024, 9, 2), 60)
	grouped := func(ids ...string) []row {
		var rows []row
		for _, id := range ids {
			for _, d := range term {
				rows = append(rows, row{id, d, AM}, row{id, d, PM})
			}
		}
		return rows
	}
	byDate := func(ids ...string) []row {
		var rows []row
		for _, d := range term {
			for _, id := range ids {
				rows = append(rows, row{id, d, AM}, row{id, d, PM})
			}
		}
		return rows
	}
	late := append(grouped("A"), grouped("B")...) // B runs past A's last day
	for _, d := range days(term[len(term)-1]+1, 5) {
		late = append(late, row{"B", d, AM})
	}
	yearEnd := 2 * (weekdayIndex(YearOf(term[0]).End()+1) - weekdayIndex(term[0]))
	tests := []struct {
		name string
		rows []row
		// capB is B's array's capacity before Finish; copied says Finish
		// gives back its room (copies it).
		capB   int
		copied bool
	}{
		{"grouped by pupil: sized to the register's reach", grouped("A", "B"), 2 * len(term), false},
		{"ordered by date: to the end of the year", byDate("A", "B"), yearEnd, true},
		{"a pupil past the reach grows to the end of the year", late, yearEnd, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := NewBuilder(quality.New())
			present, _ := mark.Lookup("/")
			want := map[string]int{}
			for _, r := range tc.rows {
				if !b.Mark(b.Pupil([]byte(r.id)), r.d, r.s, present, quality.Loc{}) {
					t.Fatalf("mark %v refused", r)
				}
				want[r.id]++
			}
			pb := b.Pupil([]byte("B"))
			if got := cap(pb.marks); got != tc.capB {
				t.Errorf("B's array before Finish: capacity %d, want %d", got, tc.capB)
			}
			before := &pb.marks[0]
			b.Finish(ByExtent)
			if copied := &pb.marks[0] != before; copied != tc.copied {
				t.Errorf("Finish copied B's array: %v, want %v", copied, tc.copied)
			}
			got := map[string]int{}
			for _, id := range []string{"A", "B"} {
				b.Pupil([]byte(id)).Each(func(Day, Session, mark.ID) { got[id]++ })
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("marks read back (-want +got):\n%s", diff)
			}
		})
	}
}
