package metrics

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

func TestPersistentAndSevereBoundaries(t *testing.T) {
	// DfE: persistent absence is absence of 10% or more of the pupil's own
	// possible sessions, severe 50% or more (reference §0 rule 4), decided on
	// whole session counts, never on a rounded percentage.
	tests := []struct {
		name                   string
		possible, auth, unauth int
		persistent, severe     bool
		approaching            bool
	}{
		{"9 of 90 is exactly 10%: persistent", 90, 9, 0, true, false, false},
		{"8 of 90 is 8.9%: not persistent", 90, 8, 0, false, false, true},
		{"7 of 90 is 7.8%: not even approaching", 90, 7, 0, false, false, false},
		{"45 of 90 is exactly 50%: severe", 90, 20, 25, true, true, false},
		{"44 of 90 is 48.9%: not severe", 90, 44, 0, true, false, false},
		{"1 of 10 is 10%", 10, 0, 1, true, false, false},
		{"1 of 11 is 9.09%", 11, 1, 0, false, false, true},
		{"1 of 3 is 33.3%", 3, 1, 0, true, false, false},
		{"2 of 3 is 66.7%", 3, 0, 2, true, true, false},
		{"1 of 2 is 50%", 2, 1, 0, true, true, false},
		{"19 of 190 is 10%", 190, 10, 9, true, false, false},
		{"18 of 190 is 9.47%", 190, 9, 9, false, false, true},
		{"95 of 190 is 50%", 190, 0, 95, true, true, false},
		{"94 of 190 is 49.5%", 190, 94, 0, true, false, false},
		{"38 of 380 is 10%", 380, 38, 0, true, false, false},
		{"37 of 380 is 9.74%", 380, 37, 0, false, false, true},
		{"8 of 100 is exactly 8%: approaching", 100, 8, 0, false, false, true},
		{"7 of 100 is 7%", 100, 7, 0, false, false, false},
		{"all absent", 4, 2, 2, true, true, false},
		{"none absent", 380, 0, 0, false, false, false},
		{"0 possible: nothing to measure", 0, 0, 0, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Figures{Possible: tt.possible, Present: tt.possible - tt.auth - tt.unauth, Authorised: tt.auth, Unauthorised: tt.unauth}
			if got := f.Persistent(); got != tt.persistent {
				t.Errorf("Persistent() = %v, want %v", got, tt.persistent)
			}
			if got := f.Severe(); got != tt.severe {
				t.Errorf("Severe() = %v, want %v", got, tt.severe)
			}
			if got := f.Approaching(); got != tt.approaching {
				t.Errorf("Approaching() = %v, want %v", got, tt.approaching)
			}
			if got := f.Assessable(); got != (tt.possible > 0) {
				t.Errorf("Assessable() = %v", got)
			}
		})
	}
}

func TestPct(t *testing.T) {
	f := Figures{Possible: 90, Authorised: 9, Unauthorised: 3, Present: 78}
	if got := f.Pct(f.Absent()); got != 100*12.0/90 {
		t.Errorf("Pct(absent) = %v, want %v", got, 100*12.0/90)
	}
	if got := f.Pct(f.Attended()); got != 100*78.0/90 {
		t.Errorf("Pct(attended) = %v", got)
	}
	if got := (Figures{}).Pct(0); got != 0 {
		t.Errorf("Pct with no possible sessions = %v, want 0", got)
	}
}

// pupil builds one pupil's register from (date, session, code) marks.
func pupil(t *testing.T, marks ...any) *register.Pupil {
	t.Helper()
	b := register.NewBuilder(quality.New())
	p := b.Pupil([]byte("P"))
	for i := 0; i+2 < len(marks); i += 3 {
		id, ok := mark.Lookup(marks[i+2].(string))
		if !ok {
			t.Fatalf("no code %q", marks[i+2])
		}
		b.Q.MarksRead++
		if !b.Mark(p, marks[i].(register.Day), marks[i+1].(register.Session), id, quality.Loc{}) {
			t.Fatalf("mark %v not used", marks[i:i+3])
		}
	}
	return p
}

// figuresView drops the per-code array for comparison.
type figuresView struct {
	Possible, Present, AEA, Authorised, Unauthorised, Missing, CovidX int
	Codes                                                             map[string]int
}

func view(f Figures) figuresView {
	return figuresView{f.Possible, f.Present, f.AEA, f.Authorised, f.Unauthorised, f.Missing, f.CovidX, f.CodeCounts()}
}

func TestCompute(t *testing.T) {
	d := register.MustDay
	am, pm := register.AM, register.PM
	sep := d(2024, 9, 2)
	tests := []struct {
		name     string
		marks    []any
		from, to register.Day
		want     figuresView
	}{
		{
			name:  "every category since 2024",
			marks: []any{sep, am, "/", sep, pm, `\`, sep + 1, am, "L", sep + 1, pm, "V", sep + 2, am, "I", sep + 2, pm, "C2", sep + 3, am, "O", sep + 3, pm, "U"},
			// possible 8 = present 3 + AEA 1 + authorised 2 + unauthorised 2
			want: figuresView{Possible: 8, Present: 3, AEA: 1, Authorised: 2, Unauthorised: 2,
				Codes: map[string]int{"/": 1, `\`: 1, "L": 1, "V": 1, "I": 1, "C2": 1, "O": 1, "U": 1}},
		},
		{
			name:  "D, Z, #, Q, Y1-Y7 and today's X are not possible sessions",
			marks: []any{sep, am, "D", sep, pm, "Z", sep + 1, am, "#", sep + 1, pm, "Q", sep + 2, am, "Y1", sep + 2, pm, "Y7", sep + 3, am, "X", sep + 3, pm, "Y", sep + 4, am, "/"},
			want:  figuresView{Possible: 1, Present: 1, Codes: map[string]int{"D": 1, "Z": 1, "#": 1, "Q": 1, "Y1": 1, "Y7": 1, "X": 1, "Y": 1, "/": 1}},
		},
		{
			name:  "missing marks are counted but are not possible sessions or absence",
			marks: []any{sep, am, "-", sep, pm, "-", sep + 1, am, "/", sep + 1, pm, "N"},
			want:  figuresView{Possible: 2, Present: 1, Unauthorised: 1, Missing: 2, Codes: map[string]int{"-": 2, "/": 1, "N": 1}},
		},
		{
			// X in 2020/21 and 2021/22 was a possible session, but neither
			// attendance nor absence (reference §1.3).
			name: "COVID-era X is a possible session, not absence",
			marks: []any{d(2021, 1, 4), am, "X", d(2021, 1, 4), pm, "X", d(2022, 8, 31), am, "X", d(2022, 9, 1), am, "X",
				d(2020, 8, 31), am, "X", d(2021, 1, 5), am, "/"},
			// 3 X in the COVID years + 1 present = 4 possible; absence 0.
			want: figuresView{Possible: 4, Present: 1, CovidX: 3, Codes: map[string]int{"X": 5, "/": 1}},
		},
		{
			name:  "legacy codes count as DfE counts them",
			marks: []any{sep, am, "H", sep, pm, "F", sep + 1, am, "J", sep + 1, pm, "J1"},
			// H and F authorised, J AEA, J1 authorised: possible 4.
			want: figuresView{Possible: 4, AEA: 1, Authorised: 3, Codes: map[string]int{"H": 1, "F": 1, "J": 1, "J1": 1}},
		},
		{
			name:  "only not-possible marks: not assessable",
			marks: []any{sep, am, "#", sep, pm, "#", sep + 1, am, "-"},
			want:  figuresView{Missing: 1, Codes: map[string]int{"#": 2, "-": 1}},
		},
		{
			name:  "the window is inclusive at both ends",
			marks: []any{sep, am, "O", sep + 1, am, "I", sep + 1, pm, "/", sep + 2, am, "/", sep + 3, am, "G"},
			from:  sep + 1, to: sep + 2,
			want: figuresView{Possible: 3, Present: 2, Authorised: 1, Codes: map[string]int{"I": 1, "/": 2}},
		},
		{
			name:  "an open-ended window",
			marks: []any{sep, am, "O", sep + 10, am, "I"},
			from:  sep + 1,
			want:  figuresView{Possible: 1, Authorised: 1, Codes: map[string]int{"I": 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Compute(pupil(t, tt.marks...), tt.from, tt.to)
			if diff := cmp.Diff(tt.want, view(f)); diff != "" {
				t.Errorf("Compute (-want +got):\n%s", diff)
			}
			if f.Possible != f.Present+f.AEA+f.Authorised+f.Unauthorised+f.CovidX {
				t.Errorf("possible %d is not present + AEA + absence + COVID X", f.Possible)
			}
		})
	}
}

func TestComputeFromCounts(t *testing.T) {
	codes := make([]int, mark.NumIDs)
	set := func(code string, n int) {
		id, _ := mark.Lookup(code)
		codes[id] = n
	}
	set("/", 80)
	set(`\`, 80)
	set("I", 10)
	set("G", 8)
	set("D", 5)
	set("-", 2)
	p := &register.Pupil{ID: "S", Counts: codes}
	want := figuresView{Possible: 178, Present: 160, Authorised: 10, Unauthorised: 8, Missing: 2,
		Codes: map[string]int{"/": 80, `\`: 80, "I": 10, "G": 8, "D": 5, "-": 2}}
	if diff := cmp.Diff(want, view(Compute(p, 0, 0))); diff != "" {
		t.Errorf("Compute from counts (-want +got):\n%s", diff)
	}
	// Declared totals, when the codes do not include the present marks.
	q := &register.Pupil{ID: "T", Counts: make([]int, mark.NumIDs), Declared: map[string]int{"possible": 100, "authorised": 6, "unauthorised": 4}}
	got := Compute(q, 0, 0)
	if got.Possible != 100 || got.Absent() != 10 || got.Present != 90 || !got.Persistent() {
		t.Errorf("from totals: %+v", view(got))
	}
}

func TestAddSumsSessions(t *testing.T) {
	// Group figures are summed sessions, never averaged rates: a pupil
	// with 1 of 2 absent and one with 0 of 98 give 1 of 100 (1%), not 25%.
	a := FromCounts(counts(t, map[string]int{"/": 1, "O": 1}), 0)
	b := FromCounts(counts(t, map[string]int{"/": 90, "V": 8, "#": 4}), 0)
	c := Figures{Possible: 3, CovidX: 3, Codes: FromCounts(counts(t, map[string]int{"X": 3}), 0).Codes}
	var total Figures
	total.Add(a)
	total.Add(b)
	total.Add(c)
	want := figuresView{Possible: 103, Present: 91, AEA: 8, Unauthorised: 1, CovidX: 3,
		Codes: map[string]int{"/": 91, "O": 1, "V": 8, "#": 4, "X": 3}}
	if diff := cmp.Diff(want, view(total)); diff != "" {
		t.Errorf("Add (-want +got):\n%s", diff)
	}
	if got := total.Pct(total.Absent()); got != 100.0/103 {
		t.Errorf("group absence %v%%, want %v%%", got, 100.0/103)
	}
	// Adding figures without codes leaves the codes alone.
	total.Add(Figures{Possible: 2, Authorised: 2})
	if total.Possible != 105 || total.Authorised != 2 || total.CodeCounts()["/"] != 91 {
		t.Errorf("after adding counts only: %+v", view(total))
	}
}

func counts(t *testing.T, m map[string]int) []int {
	t.Helper()
	out := make([]int, mark.NumIDs)
	for c, n := range m {
		id, ok := mark.Lookup(c)
		if !ok {
			t.Fatalf("no code %q", c)
		}
		out[id] = n
	}
	return out
}

func TestAddVars(t *testing.T) {
	f := FromCounts(counts(t, map[string]int{"/": 81, "I": 5, "O": 4}), 0)
	vars := map[string]any{}
	f.AddVars(vars, 40)
	want := map[string]any{
		"possible_sessions": 90, "present_sessions": 81, "aea_sessions": 0,
		"authorised_absence": 5, "unauthorised_absence": 4, "absence_sessions": 9, "missing_marks": 0,
		"persistent_absence": true, "severe_absence": false, "assessable": true, "enough_data": true,
		"approaching_persistent": false,
	}
	for k, v := range want {
		if !cmp.Equal(vars[k], v) {
			t.Errorf("vars[%q] = %v, want %v", k, vars[k], v)
		}
	}
	if got := vars["absence_pct"].(float64); got != 10 {
		t.Errorf("absence_pct = %v, want 10", got)
	}
	codes := vars["codes"].(map[string]int)
	if codes["O"] != 4 || codes["G"] != 0 || len(codes) != mark.NumIDs-1 {
		t.Errorf("codes = %v: want every code, O=4, G=0", codes)
	}
	vars2 := map[string]any{}
	FromCounts(counts(t, map[string]int{"/": 30}), 0).AddVars(vars2, 40)
	if vars2["enough_data"] != false {
		t.Error("30 possible sessions is enough data with a minimum of 40")
	}
}

// TestCodeCountsWiden: a pupil's counts are kept in 16 bits; a count past
// that (an area's summary row, a cohort's totals) moves every count to the
// wide array without losing any, and a copy made before keeps its own.
func TestCodeCountsWiden(t *testing.T) {
	slash, _ := mark.Lookup("/")
	absent, _ := mark.Lookup("O")
	var c CodeCounts
	c.Add(slash, 65_000)
	c.Add(absent, 7)
	before := c
	c.Add(slash, 536)
	c.Add(slash, 1_000_000_000_000)
	if got, want := c.Get(slash), 1_000_000_065_536; got != want {
		t.Errorf("/ = %d, want %d", got, want)
	}
	if got := c.Get(absent); got != 7 {
		t.Errorf("O = %d after widening, want 7", got)
	}
	if got := before.Get(slash); got != 65_000 {
		t.Errorf("copy taken before widening: / = %d, want 65000", got)
	}
	if got := c.Get(mark.ID(codeSlots)); got != 0 {
		t.Errorf("an id out of range = %d, want 0", got)
	}
	var total Figures
	total.Add(FromCounts(c.Slice(), 0))
	total.Add(FromCounts(counts(t, map[string]int{"/": 4}), 0))
	if got, want := total.Codes.Get(slash), 1_000_000_065_540; got != want || total.Present != want {
		t.Errorf("totals: / = %d, present %d, want %d", got, total.Present, want)
	}
	if (&CodeCounts{}).Any() || !c.Any() {
		t.Error("Any is wrong")
	}
}

// A copy of figures whose counts are wide (a cohort's or an area's total)
// is a value like any other: adding to the original, or to the copy, leaves
// the other as it was. (A written shared array made the school's total
// change with a group's.)
func TestWideCountsAreValues(t *testing.T) {
	slash, _ := mark.Lookup("/")
	var total Figures
	total.Add(FromCounts(counts(t, map[string]int{"/": 60_000}), 0))
	total.Add(FromCounts(counts(t, map[string]int{"/": 10_000}), 0)) // now wide
	copyOf := total
	total.Add(FromCounts(counts(t, map[string]int{"/": 5}), 0))
	copyOf.Add(FromCounts(counts(t, map[string]int{"/": 1}), 0))
	total.Codes.Add(slash, 100)
	if got := copyOf.Codes.Get(slash); got != 70_001 {
		t.Errorf("copy: / = %d, want 70001", got)
	}
	if got := total.Codes.Get(slash); got != 70_105 {
		t.Errorf("original: / = %d, want 70105", got)
	}
}

// Sum gives what Figures.Add of every pupil gives, wide counts included.
func TestSumEqualsAdd(t *testing.T) {
	var added Figures
	var sum Sum
	for i := 0; i < 300; i++ {
		f := FromCounts(counts(t, map[string]int{"/": 300, "\\": 290, "O": i % 7, "I": i % 3, "X": 1}), 1)
		added.Add(f)
		sum.Add(f)
	}
	if d := cmp.Diff(added, sum.Figures()); d != "" {
		t.Errorf("Sum (-Add +Sum):\n%s", d)
	}
	total := sum.Figures()
	if got := total.Codes.Get(mustID(t, "/")); got != 90_000 {
		t.Errorf("/ = %d, want 90000", got)
	}
}

func mustID(t *testing.T, code string) mark.ID {
	t.Helper()
	id, ok := mark.Lookup(code)
	if !ok {
		t.Fatalf("no code %q", code)
	}
	return id
}
