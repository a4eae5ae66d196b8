package register

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
)

// TestSummaryRowsGiveWayToMarks: a UPN's summary row is rejected when any
// export gives the child session marks, in either order and at the same
// school or another; the child keeps the marks' enrolments only.
func TestSummaryRowsGiveWayToMarks(t *testing.T) {
	const upn = "C823200112001"
	present, _ := mark.Lookup("/")
	tests := []struct {
		name         string
		summaryFirst bool
		summarySch   string
		marksSch     string
		want         []string // the child's enrolments' schools
	}{
		{"marks first, other school", false, "PRU", "Oak", []string{"Oak"}},
		{"summary first, other school", true, "PRU", "Oak", []string{"Oak"}},
		{"summary first, same school", true, "Oak", "Oak", []string{"Oak"}},
		{"summary first, file naming no school", true, "PRU", "", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := quality.New()
			b := NewBuilder(q)
			summary := func() {
				b.BeginFile("pru.csv", time.Time{}, "pru")
				codes := make([]int, mark.NumIDs)
				codes[present] = 10
				q.RowsRead++
				if b.Summary(upn, Info{School: tt.summarySch}, codes, map[string]int{}, true, false, quality.Loc{File: "pru.csv", Line: 2}) {
					q.RowsUsed++
				}
			}
			marks := func() {
				b.BeginFile("oak.csv", time.Time{}, "oak")
				p := b.PupilAt([]byte(upn), tt.marksSch, quality.Loc{})
				q.RowsRead++
				q.MarksRead++
				if b.Mark(p, MustDay(2024, 9, 2), AM, present, quality.Loc{File: "oak.csv", Line: 2}) {
					q.RowsUsed++
				}
			}
			if tt.summaryFirst {
				summary()
				marks()
			} else {
				marks()
				summary()
			}
			b.Finish(ByExtent)
			if n := q.Rejection("mixed_layouts"); n != 1 {
				t.Errorf("mixed_layouts %d, want 1", n)
			}
			if q.RowsRead != 2 || q.RowsUsed != 1 || q.RowsRejected != 1 {
				t.Errorf("rows %d read, %d used, %d rejected; want 2, 1, 1", q.RowsRead, q.RowsUsed, q.RowsRejected)
			}
			ps := b.Reg.Pupils()
			if len(ps) != 1 {
				t.Fatalf("%d children, want 1", len(ps))
			}
			var got []string
			for _, e := range ps[0].Enrolments() {
				got = append(got, e.Info.School)
				if e.Counts != nil || !e.HasMarks() {
					t.Errorf("enrolment at %q: counts %v, marks %v", e.Info.School, e.Counts != nil, e.HasMarks())
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("enrolments (-want +got):\n%s", diff)
			}
			if len(b.Reg.Enrolments()) != len(tt.want) {
				t.Errorf("%d enrolments in the register, want %d", len(b.Reg.Enrolments()), len(tt.want))
			}
		})
	}
}
