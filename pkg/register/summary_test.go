package register_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

func codes(t *testing.T, counts map[string]int) []int {
	t.Helper()
	out := make([]int, mark.NumIDs)
	for code, n := range counts {
		id, ok := mark.Lookup(code)
		if !ok {
			t.Fatalf("no code %q", code)
		}
		out[id] += n
	}
	return out
}

// TestSummaryKeys: summary rows are keyed as marks rows are. A local id is
// keyed by the row's school, else --school, else the file's; a UPN is one
// child at every school, each enrolment with its own counts, and the
// child's figures are the sum of the enrolments' (by metrics' own rules,
// whichever mix of code counts and declared totals the schools sent).
func TestSummaryKeys(t *testing.T) {
	const upn = "C823200112001"
	byCodes := func(t *testing.T) []int { return codes(t, map[string]int{"/": 20, `\`: 20, "O": 14, "D": 36, "M": 2}) }
	tests := []struct {
		name string
		// each row: school column, --school, file school, and how the
		// counts are given
		rows     []summaryRow
		children map[string]metrics.Figures // school + ":" + id
		rejected int
	}{
		{
			name: "local id at two schools",
			rows: []summaryRow{
				{id: "1001", row: "Oak Primary", totals: map[string]int{"possible": 90, "authorised": 2, "unauthorised": 0}},
				{id: "1001", file: "elm", totals: map[string]int{"possible": 80, "authorised": 0, "unauthorised": 30}},
				{id: "1001", flag: "Ash Primary", file: "ash", totals: map[string]int{"possible": 70, "authorised": 1, "unauthorised": 1}},
			},
		},
		{
			name: "local id twice at one school",
			rows: []summaryRow{
				{id: "1001", row: "Oak Primary", totals: map[string]int{"possible": 90, "authorised": 2}},
				{id: " 1001 ", flag: "Oak Primary", file: "oak2", totals: map[string]int{"possible": 90, "authorised": 2}},
			},
			rejected: 1,
		},
		{
			name: "UPN at two schools, totals and codes",
			rows: []summaryRow{
				{id: upn, row: "Oak Primary", totals: map[string]int{"possible": 36, "unauthorised": 9, "aea": 2}},
				{id: upn, row: "Riverside PRU", codes: byCodes, present: true},
			},
		},
		{
			name: "UPN at two schools, codes and codes",
			rows: []summaryRow{
				{id: upn, row: "Oak Primary", codes: byCodes, present: true},
				{id: upn, file: "pru", codes: func(t *testing.T) []int { return codes(t, map[string]int{"/": 10, "I": 3}) }, present: true},
			},
		},
		{
			name: "UPN at two schools, attended totals",
			rows: []summaryRow{
				{id: upn, row: "Oak Primary", totals: map[string]int{"possible": 36, "attended": 30, "authorised": 4, "unauthorised": 2}},
				{id: upn, row: "Elm", totals: map[string]int{"possible": 20, "present": 15, "aea": 1, "authorised": 4}},
			},
		},
		{
			name: "UPN twice at one school",
			rows: []summaryRow{
				{id: upn, row: "Oak Primary", totals: map[string]int{"possible": 36, "unauthorised": 9}},
				{id: upn, flag: "Oak Primary", totals: map[string]int{"possible": 36, "unauthorised": 9}},
			},
			rejected: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := quality.New()
			b := register.NewBuilder(q)
			want := map[string]metrics.Figures{}
			for _, r := range tt.rows {
				b.School, b.FileSchool = r.flag, r.file
				var c []int
				if r.codes != nil {
					c = r.codes(t)
				} else {
					c = make([]int, mark.NumIDs)
				}
				if !b.Summary(r.id, register.Info{School: r.row}, c, r.totals, r.present, false, quality.Loc{File: "x.csv", Line: 2}) {
					continue
				}
				school := r.row
				if school == "" {
					school = r.flag
				}
				if school == "" && !register.UPNShaped(register.CanonicalID(r.id)) {
					school = r.file
				}
				// The enrolment's figures as a run of its school alone
				// would give them.
				one := register.NewBuilder(quality.New())
				one.Summary(r.id, register.Info{}, c, r.totals, r.present, false, quality.Loc{})
				f := metrics.Compute(one.Reg.Pupils()[0], 0, 0)
				k := register.CanonicalID(r.id)
				if !register.UPNShaped(k) {
					k = school + ":" + k
				}
				if old, ok := want[k]; ok {
					f = add(old, f)
				}
				want[k] = f
			}
			if n := q.Rejection("duplicate_row"); n != tt.rejected {
				t.Errorf("duplicate_row %d, want %d", n, tt.rejected)
			}
			got := map[string]metrics.Figures{}
			for _, p := range b.Reg.Pupils() {
				k := p.ID
				if !register.UPNShaped(k) {
					k = p.Info.School + ":" + k
				}
				got[k] = metrics.Compute(p, 0, 0)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("children's figures (-sum of their schools' +child view):\n%s", diff)
			}
		})
	}
}

type summaryRow struct {
	id, row, flag, file string
	codes               func(*testing.T) []int
	totals              map[string]int
	present             bool
}

// add is two enrolments' figures together.
func add(a, b metrics.Figures) metrics.Figures {
	var codes metrics.CodeCounts // a's own copy, however its counts are kept
	codes.AddAll(&a.Codes)
	a.Codes = codes
	a.Add(b)
	return a
}
