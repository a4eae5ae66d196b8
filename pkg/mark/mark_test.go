package mark

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// wantCategory is the DfE category of every code, written out by hand from
// the attendance reference (§1.1 codes in force since August 2024, §1.3
// legacy codes, §1.4 the missing mark), not copied from the table under test.
var wantCategory = map[string]Category{
	"/": Present, `\`: Present, "L": Present,
	"K": AEA, "V": AEA, "P": AEA, "W": AEA, "B": AEA,
	"C": Authorised, "C1": Authorised, "C2": Authorised, "E": Authorised, "I": Authorised,
	"J1": Authorised, "M": Authorised, "R": Authorised, "S": Authorised, "T": Authorised,
	"G": Unauthorised, "N": Unauthorised, "O": Unauthorised, "U": Unauthorised,
	"D": NotPossible, "X": NotPossible, "Q": NotPossible,
	"Y1": NotPossible, "Y2": NotPossible, "Y3": NotPossible, "Y4": NotPossible,
	"Y5": NotPossible, "Y6": NotPossible, "Y7": NotPossible,
	"Z": NotPossible, "#": NotPossible,
	// Legacy codes, counted as DfE still counts them.
	"H": Authorised, "F": Authorised, "J": AEA, "Y": NotPossible,
	"-": Missing,
}

var wantLegacy = map[string]bool{"H": true, "F": true, "J": true, "Y": true}

func TestTableCategories(t *testing.T) {
	got := map[string]Category{}
	gotLegacy := map[string]bool{}
	for _, c := range Table() {
		if _, dup := got[c.Code]; dup {
			t.Errorf("code %q appears twice in the table", c.Code)
		}
		got[c.Code] = c.Category
		if c.Legacy {
			gotLegacy[c.Code] = true
		}
		if c.Meaning == "" {
			t.Errorf("code %q has no meaning", c.Code)
		}
	}
	if diff := cmp.Diff(wantCategory, got); diff != "" {
		t.Errorf("code categories (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantLegacy, gotLegacy); diff != "" {
		t.Errorf("legacy codes (-want +got):\n%s", diff)
	}
}

func TestCategoryPossibleAndAbsent(t *testing.T) {
	// Reference §0 rule 2: possible = present + AEA + authorised +
	// unauthorised (+ COVID-era X); §1.4: a missing mark is not possible.
	tests := []struct {
		c                Category
		possible, absent bool
		short, long      string
	}{
		{Present, true, false, "present", "present"},
		{AEA, true, false, "aea", "approved educational activity"},
		{Authorised, true, true, "authorised", "authorised absence"},
		{Unauthorised, true, true, "unauthorised", "unauthorised absence"},
		{NotPossible, false, false, "not_possible", "not a possible session"},
		{CovidX, true, false, "covid_x", "not counted (COVID-19 X, possible session)"},
		{Missing, false, false, "missing", "missing mark"},
		{0, false, false, "unknown", "unknown"},
		{Category(200), false, false, "unknown", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.short, func(t *testing.T) {
			if got := tt.c.Possible(); got != tt.possible {
				t.Errorf("Possible() = %v, want %v", got, tt.possible)
			}
			if got := tt.c.Absent(); got != tt.absent {
				t.Errorf("Absent() = %v, want %v", got, tt.absent)
			}
			if got := tt.c.Short(); got != tt.short {
				t.Errorf("Short() = %q, want %q", got, tt.short)
			}
			if got := tt.c.String(); got != tt.long {
				t.Errorf("String() = %q, want %q", got, tt.long)
			}
		})
	}
}

func TestIDs(t *testing.T) {
	tab := Table()
	if NumIDs != len(tab)+1 {
		t.Errorf("NumIDs = %d, want %d", NumIDs, len(tab)+1)
	}
	for i, c := range tab {
		if c.ID != ID(i+1) {
			t.Errorf("code %q has ID %d, want %d", c.Code, c.ID, i+1)
		}
		if got := Get(c.ID); got.Code != c.Code {
			t.Errorf("Get(%d).Code = %q, want %q", c.ID, got.Code, c.Code)
		}
	}
	for name, tt := range map[string]struct {
		id   ID
		code string
	}{"MissingID": {MissingID, "-"}, "XID": {XID, "X"}, "ZID": {ZID, "Z"}} {
		if tt.id == 0 || Get(tt.id).Code != tt.code {
			t.Errorf("%s does not name code %q", name, tt.code)
		}
	}
	// Table returns a copy: changing it must not change the package's table.
	tab[0].Code = "changed"
	if Table()[0].Code != "/" {
		t.Error("Table() returned the package's own slice")
	}
}

func id(t *testing.T, code string) ID {
	t.Helper()
	for _, c := range Table() {
		if c.Code == code {
			return c.ID
		}
	}
	t.Fatalf("no code %q in the table", code)
	return 0
}

func TestLookup(t *testing.T) {
	tests := []struct {
		raw    string
		want   string // code found; "" with ok false for not a code
		wantOK bool
	}{
		{"/", "/", true},
		{`\`, `\`, true},
		{"I", "I", true},
		{"i", "I", true},
		{" i ", "I", true},
		{"\tL\t", "L", true},
		{"L\r", "L", true},
		{"c1", "C1", true},
		{"C1 ", "C1", true},
		{" c2", "C2", true},
		{"j1", "J1", true},
		{"J", "J", true},
		{"y7", "Y7", true},
		{"Y", "Y", true},
		{"#", "#", true},
		{"-", "-", true},
		// A blank mark is the missing mark, however it is padded.
		{"", "-", true},
		{"   ", "-", true},
		{"\t", "-", true},
		// Not codes.
		{"Q9", "", false},
		{"Y8", "", false},
		{"C3", "", false},
		{"A", "", false},
		{"NN", "", false},
		{"/\\", "", false},
		{"@", "", false},
		{"7", "", false},
		{"ill", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, ok := Lookup(tt.raw)
			if ok != tt.wantOK {
				t.Fatalf("Lookup(%q) ok = %v, want %v", tt.raw, ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if got != id(t, tt.want) {
				t.Errorf("Lookup(%q) = %q, want %q", tt.raw, Get(got).Code, tt.want)
			}
			if b, bok := LookupBytes([]byte(tt.raw)); b != got || bok != ok {
				t.Errorf("LookupBytes(%q) = %d, %v; Lookup gives %d, %v", tt.raw, b, bok, got, ok)
			}
		})
	}
}

// TestLookupBytesAgreesForEveryCode checks the allocation-free hot path
// against Lookup for every code, in upper and lower case, bare and padded.
func TestLookupBytesAgreesForEveryCode(t *testing.T) {
	for _, c := range Table() {
		for _, s := range []string{c.Code, strings.ToLower(c.Code)} {
			for _, pad := range []string{"%s", " %s", "%s ", "\t%s\t", "%s\r", "  %s  "} {
				raw := strings.Replace(pad, "%s", s, 1)
				want, wantOK := Lookup(raw)
				got, gotOK := LookupBytes([]byte(raw))
				if got != want || gotOK != wantOK {
					t.Errorf("LookupBytes(%q) = %d, %v; Lookup = %d, %v", raw, got, gotOK, want, wantOK)
				}
				if !gotOK || got != c.ID {
					t.Errorf("LookupBytes(%q) = %d, %v; want code %q (%d)", raw, got, gotOK, c.Code, c.ID)
				}
			}
		}
	}
}

// modelLookup is how a register mark should be read, written independently
// of the code under test: trim white space, upper-case ASCII letters only
// (a code is ASCII; "ı" and "ſ" are not I and S), and match the code exactly.
func modelLookup(raw string) (ID, bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return MissingID, true
	}
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	for _, c := range Table() {
		if c.Code == string(b) {
			return c.ID, true
		}
	}
	return 0, false
}

// TestLookupExhaustively compares Lookup and the allocation-free LookupBytes
// with the model on every one- and two-byte input and on some longer ones:
// the hot path must never read a cell differently from Lookup, and neither
// may take a non-ASCII letter for a code.
func TestLookupExhaustively(t *testing.T) {
	var badLookup, badBytes []string
	check := func(b []byte) {
		want, wantOK := modelLookup(string(b))
		if got, ok := Lookup(string(b)); got != want || ok != wantOK {
			badLookup = append(badLookup, string(b))
		}
		if got, ok := LookupBytes(b); got != want || ok != wantOK {
			badBytes = append(badBytes, string(b))
		}
	}
	for i := 0; i < 256; i++ {
		check([]byte{byte(i)})
		for j := 0; j < 256; j++ {
			check([]byte{byte(i), byte(j)})
		}
	}
	for _, s := range []string{"I\n", "\nI", "C1\n", "\vN", "I\u00a0", "\u00a0c2", "ı", "ſ", "\u212a", "C1\r\n", " y7\t"} {
		check([]byte(s))
	}
	for name, bad := range map[string][]string{"Lookup": badLookup, "LookupBytes": badBytes} {
		if len(bad) > 0 {
			n := len(bad)
			sort.Slice(bad, func(i, j int) bool { return len(strings.TrimSpace(bad[i])) > len(strings.TrimSpace(bad[j])) })
			t.Errorf("%s reads %d inputs differently from the model, such as %q", name, n, bad[:min(n, 12)])
		}
	}
}

func TestLookupBytesDoesNotAllocate(t *testing.T) {
	inputs := [][]byte{[]byte("/"), []byte("i"), []byte("C1"), []byte("y7"), []byte(" N "), []byte("")}
	allocs := testing.AllocsPerRun(100, func() {
		for _, b := range inputs {
			LookupBytes(b)
		}
	})
	if allocs != 0 {
		t.Errorf("LookupBytes allocates %.1f times per run, want 0", allocs)
	}
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func TestCategoryOn(t *testing.T) {
	x := id(t, "X")
	tests := []struct {
		name string
		code string
		day  time.Time
		want Category
	}{
		// X counted as a possible session only in 2020/21 and 2021/22
		// (reference §1.3), i.e. 1 Sep 2020 to 31 Aug 2022 inclusive.
		{"X day before 2020/21", "X", day(2020, 8, 31), NotPossible},
		{"X first day of 2020/21", "X", day(2020, 9, 1), CovidX},
		{"X mid 2021", "X", day(2021, 3, 8), CovidX},
		{"X last day of 2021/22", "X", day(2022, 8, 31), CovidX},
		{"X first day of 2022/23", "X", day(2022, 9, 1), NotPossible},
		{"X in 2024/25", "X", day(2024, 9, 3), NotPossible},
		{"X in 2019", "X", day(2019, 11, 4), NotPossible},
		// Only X depends on the date.
		{"I in 2020/21", "I", day(2021, 1, 4), Authorised},
		{"D in 2020/21", "D", day(2021, 1, 4), NotPossible},
		{"Y in 2020/21", "Y", day(2021, 1, 4), NotPossible},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.code == "X" && id(t, tt.code) != x {
				t.Fatal("XID mismatch")
			}
			if got := CategoryOn(id(t, tt.code), tt.day); got != tt.want {
				t.Errorf("CategoryOn(%s, %s) = %v, want %v", tt.code, tt.day.Format("02/01/2006"), got, tt.want)
			}
		})
	}
}

func TestBetter(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		// Arbor's best-mark hierarchy: present > AEA > authorised >
		// unauthorised > not possible > missing.
		{"/", "V", true},
		{"V", "/", false},
		{"L", "B", true},
		{"B", "I", true},
		{"I", "B", false},
		{"J", "C1", true}, // legacy J is AEA
		{"H", "O", true},  // legacy H is authorised
		{"C2", "G", true},
		{"G", "C2", false},
		{"U", "D", true},
		{"D", "U", false},
		{"N", "#", true},
		{"#", "-", true},
		{"-", "#", false},
		{"-", "Z", false},
		{"Z", "-", true},
		{"O", "-", true},
		// X is not possible whatever the date; it ranks with D, Q, Y*.
		{"X", "O", false},
		{"X", "-", true},
		// Ties within a category are broken by table order, so the result
		// never depends on which mark was read first.
		{"/", `\`, true},
		{`\`, "/", false},
		{"I", "M", true},
		{"M", "I", false},
		{"G", "N", true},
		{"D", "X", true},
		{"X", "D", false},
		// A mark never beats itself.
		{"I", "I", false},
		{"-", "-", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			if got := Better(id(t, tt.a), id(t, tt.b)); got != tt.want {
				t.Errorf("Better(%s, %s) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// TestBetterIsStrictTotalOrder: for any two different marks exactly one wins,
// and the order is transitive, so the kept mark does not depend on the order
// in which conflicting files were read.
func TestBetterIsStrictTotalOrder(t *testing.T) {
	tab := Table()
	for _, a := range tab {
		if Better(a.ID, a.ID) {
			t.Errorf("Better(%s, %s) = true", a.Code, a.Code)
		}
		for _, b := range tab {
			if a.ID == b.ID {
				continue
			}
			if Better(a.ID, b.ID) == Better(b.ID, a.ID) {
				t.Errorf("Better(%s, %s) and Better(%s, %s) agree", a.Code, b.Code, b.Code, a.Code)
			}
			for _, c := range tab {
				if Better(a.ID, b.ID) && Better(b.ID, c.ID) && !Better(a.ID, c.ID) {
					t.Errorf("not transitive: %s > %s > %s but not %s > %s", a.Code, b.Code, c.Code, a.Code, c.Code)
				}
			}
		}
	}
}
