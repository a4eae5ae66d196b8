package register

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCanonicalID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"A100000000001", "A100000000001"},
		{"a100000000001", "A100000000001"},
		{"  A100000000001\t", "A100000000001"},
		{"\u00a0A1\u00a0", "A1"}, // Excel's non-breaking spaces
		{"12.0", "12"},           // a spreadsheet number
		{"12.000", "12"},
		{"0012", "0012"}, // leading zeros are part of the id
		{"0012.0", "0012"},
		{"12.5", "12.5"}, // not a whole number: left as written
		{"12.", "12."},
		{".0", ".0"},
		{"ab-12.c", "AB-12.C"},
		{"zoë", "ZOë"}, // only a-z is folded
		{"", ""},
	}
	for _, tc := range tests {
		if got := CanonicalID(tc.in); got != tc.want {
			t.Errorf("CanonicalID(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := string(canonicalBytes([]byte(tc.in))); got != tc.want {
			t.Errorf("canonicalBytes(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := CanonicalID(tc.want); got != tc.want {
			t.Errorf("CanonicalID(%q) = %q: not idempotent", tc.want, got)
		}
	}
}

// TestBuilderCanonicalIDs: one pupil however the export writes the id, and
// found by Get in any of those forms.
func TestBuilderCanonicalIDs(t *testing.T) {
	b := NewBuilder(nil)
	for _, id := range []string{"a1", "A1", " A1 ", "a1", "12.0", "12", "0012"} {
		b.Pupil([]byte(id))
	}
	var ids []string
	for _, p := range b.Reg.Pupils() {
		ids = append(ids, p.ID)
	}
	if d := cmp.Diff([]string{"0012", "12", "A1"}, ids); d != "" {
		t.Errorf("pupils (-want +got):\n%s", d)
	}
	if b.Reg.Get("a1") == nil || b.Reg.Get("12.0") == nil {
		t.Error("Get does not fold the id")
	}
}

func TestAcademicYear(t *testing.T) {
	tests := []struct {
		day        Day
		year       string
		start, end string
	}{
		{MustDay(2024, 9, 1), "2024/25", "01/09/2024", "31/08/2025"},
		{MustDay(2025, 8, 31), "2024/25", "01/09/2024", "31/08/2025"},
		{MustDay(2024, 8, 31), "2023/24", "01/09/2023", "31/08/2024"},
		{MustDay(2000, 1, 10), "1999/00", "01/09/1999", "31/08/2000"},
	}
	for _, tc := range tests {
		y := YearOf(tc.day)
		if got := [3]string{y.String(), y.Start().UK(), y.End().UK()}; got != [3]string{tc.year, tc.start, tc.end} {
			t.Errorf("%s: got %v, want %s %s %s", tc.day.UK(), got, tc.year, tc.start, tc.end)
		}
	}
}
