package quality

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCell(t *testing.T) {
	tests := []struct {
		in, cell, short string
	}{
		// Values a date, session, mark or count column should hold are
		// quoted, so the user sees what was wrong.
		{"31/02/2024", `"31/02/2024"`, `"31/02/2024"`},
		{"2024-13-01", `"2024-13-01"`, `"2024-13-01"`},
		{"Q9", `"Q9"`, `"Q9"`},
		{"@", `"@"`, `"@"`},
		{"N ", `"N "`, `"N "`},
		{"5.5", `"5.5"`, `"5.5"`},
		{"", `""`, `""`},
		{"03/09/2024 lunchtime", `"03/09/2024 lunchtime"`, `"03/09/2024 lunch"...`},
		{"ÉÉÉÉÉÉÉÉ1", `"ÉÉÉÉÉÉÉÉ1"`, `"ÉÉÉÉÉÉÉÉ"...`},
		// Words are withheld: a name in the wrong column must not reach a log.
		{"Smith", Withheld, Withheld},
		{"O'Brien-Nakamura", Withheld, Withheld},
		{"Smith, John", Withheld, Withheld},
		{"Siobhán", Withheld, Withheld},
		{"St. John", Withheld, Withheld},
		{"Zoe\u0308", Withheld, Withheld},
		{"WU", Withheld, Withheld},
		{"Evening", Withheld, Withheld},
	}
	for _, tt := range tests {
		if got := Cell(tt.in); got != tt.cell {
			t.Errorf("Cell(%q) = %s, want %s", tt.in, got, tt.cell)
		}
		if got := Short(tt.in); got != tt.short {
			t.Errorf("Short(%q) = %s, want %s", tt.in, got, tt.short)
		}
	}
}

func TestUnknownWithheldCode(t *testing.T) {
	q := New()
	l := Loc{File: "r.csv", Line: 2}
	q.Reject("unknown_code", l, Cell("Q9"))
	q.Reject("unknown_code", l, Cell("Smith"))
	q.Reject("unknown_code", l, Cell("Jones"))
	if diff := cmp.Diff(map[string]int{"Q9": 1, Withheld: 2}, q.UnknownCodes()); diff != "" {
		t.Errorf("unknown codes (-want +got):\n%s", diff)
	}
}

func TestRewrite(t *testing.T) {
	q := New()
	l := Loc{File: "r.csv", Line: 7}
	q.Reject("bad_date", l, Short("A123456789012"))
	q.Reject("bad_count", l, Short("x1")+" in I")
	q.Reject("unknown_code", l, Cell("A123456789012"))
	q.Reject("unknown_code", l, Cell("Smith"))
	q.Find("weekend_mark", l, "07/09/2024 AM /")
	q.Rewrite(func(v string) (string, bool) {
		if v == "A123456789012" {
			return "P-0123456789abcdef", true
		}
		return Withheld, false
	})
	var got []string
	for _, r := range append(q.Rejections(), q.Findings()...) {
		for _, e := range r.Examples {
			got = append(got, r.Key+" "+e.Detail)
		}
	}
	want := []string{
		`unknown_code "P-0123456789abcdef"`,
		"unknown_code " + Withheld,
		`bad_count ` + Withheld + ` in I`,
		`bad_date "P-0123456789abcdef"`,
		"weekend_mark 07/09/2024 AM /",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("details (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"P-0123456789abcdef": 1, Withheld: 1}, q.UnknownCodes()); diff != "" {
		t.Errorf("unknown codes (-want +got):\n%s", diff)
	}
}
