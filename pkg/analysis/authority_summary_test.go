package analysis

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAuthoritySummaryBySchool: the summary layout (counts, no dates) keys
// pupils as the marks layout does. Oak's and elm's summaries share
// admission number 1001 (Oak's school from its School column, elm's from
// the file name); a UPN is in Oak's and the PRU's (the PRU's school from
// its title row). Every enrolment's figures in the authority run are those
// of its own school's run, the two 1001s are two children, and the UPN is
// one child whose figures are the two schools' counts added.
func TestAuthoritySummaryBySchool(t *testing.T) {
	run := func(files ...string) *Result {
		t.Helper()
		res, err := Run(Input{Files: authorityFiles(files...), NoRules: true})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	const dual = "C823200112001"
	type key struct{ school, id string }
	all := run("summary/oak.csv", "summary/elm.csv", "summary/riverside-pru.csv")
	got := map[key]figs{}
	for _, p := range all.Enrolments {
		got[key{p.Info.School, p.ID}] = figsOf(p)
	}
	own := map[key]figs{}
	for school, file := range map[string]string{"Oak Primary": "summary/oak.csv", "elm": "summary/elm.csv", "Riverside PRU": "summary/riverside-pru.csv"} {
		for _, p := range run(file).Enrolments {
			own[key{school, p.ID}] = figsOf(p)
		}
	}
	if diff := cmp.Diff(own, got); diff != "" {
		t.Errorf("authority run's enrolments (-own school's run +authority run):\n%s", diff)
	}
	want := map[key]figs{
		{"Oak Primary", "1001"}: {90, 2, 0, false, false},
		{"elm", "1001"}:         {90, 0, 30, true, false},
		{"Oak Primary", "1002"}: {90, 7, 10, true, false},
		{"Oak Primary", dual}:   {36, 0, 9, true, false},
		{"Riverside PRU", dual}: {54, 0, 14, true, false},
		{"elm", "1003"}:         {90, 2, 0, false, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("enrolment figures (-want +got):\n%s", diff)
	}

	// The child view: five children, the UPN once with both schools'
	// sessions (Oak's declared totals and the PRU's code counts added; the
	// PRU's D is no possible session there).
	children := map[key]figs{}
	for _, p := range all.All {
		if _, dup := children[key{p.Info.School, p.ID}]; dup {
			t.Errorf("%s at %s listed twice", p.ID, p.Info.School)
		}
		children[key{p.Info.School, p.ID}] = figsOf(p)
	}
	wantChildren := map[key]figs{
		{"Oak Primary", "1001"}:               {90, 2, 0, false, false},
		{"elm", "1001"}:                       {90, 0, 30, true, false},
		{"Oak Primary", "1002"}:               {90, 7, 10, true, false},
		{"Oak Primary + Riverside PRU", dual}: {90, 0, 23, true, false},
		{"elm", "1003"}:                       {90, 2, 0, false, false},
	}
	if diff := cmp.Diff(wantChildren, children); diff != "" {
		t.Errorf("children (-want +got):\n%s", diff)
	}
	// The headline counts each session once: the children's sum.
	if all.Totals.Possible != 450 || all.Totals.Unauthorised != 63 {
		t.Errorf("headline possible %d unauthorised %d, want 450 and 63", all.Totals.Possible, all.Totals.Unauthorised)
	}
	q := all.Quality
	if q.RowsRead != 6 || q.RowsUsed != 6 {
		t.Errorf("rows read %d used %d, want 6 and 6", q.RowsRead, q.RowsUsed)
	}

	// The same export given twice is still refused row by row, and a UPN
	// keeps its one enrolment per school.
	twice := run("summary/oak.csv", "summary/riverside-pru.csv", "summary/riverside-pru.csv")
	if n := twice.Quality.Rejection("duplicate_row"); n != 1 {
		t.Errorf("duplicate_row %d, want 1 (the PRU's row given twice)", n)
	}
	for _, p := range twice.All {
		if p.ID == dual && p.Figures.Possible != 90 {
			t.Errorf("the UPN's child view with a file given twice: %d possible, want 90", p.Figures.Possible)
		}
	}
}

// TestAuthoritySummaryWithMarks: a UPN with session marks at Oak (marks
// export) and a summary row at the PRU cannot be one child's figures
// (undated counts added to dated marks): whichever file comes first, the
// marks stand, the summary row is rejected with its place, and the PRU
// has no enrolment for the child.
func TestAuthoritySummaryWithMarks(t *testing.T) {
	const dual = "C823200112001"
	for _, files := range [][]string{
		authorityFiles("oak.csv", "summary/riverside-pru.csv"),
		authorityFiles("summary/riverside-pru.csv", "oak.csv"),
	} {
		res, err := Run(Input{Files: files, NoRules: true})
		if err != nil {
			t.Fatal(err)
		}
		q := res.Quality
		if q.Rejection("mixed_layouts") != 1 || q.RowsRejected != 1 || q.RowsRead != q.RowsUsed+q.RowsRejected {
			t.Errorf("%v: mixed_layouts %d, rows %d read %d used %d rejected", files, q.Rejection("mixed_layouts"), q.RowsRead, q.RowsUsed, q.RowsRejected)
		}
		for _, r := range q.Rejections() {
			if r.Key == "mixed_layouts" {
				if w := r.Examples[0].Where + " " + r.Examples[0].Detail; !strings.HasSuffix(w, "riverside-pru.csv:3 this UPN has session marks at Oak Primary; its summary counts are not added to them") {
					t.Errorf("%v: rejection at %q", files, w)
				}
			}
		}
		var at []string
		for _, p := range res.Enrolments {
			if p.ID == dual {
				at = append(at, p.Info.School)
				if p.Figures.Possible != 28 {
					t.Errorf("%v: %s at %s has %d possible, want Oak's marks' 28", files, dual, p.Info.School, p.Figures.Possible)
				}
			}
		}
		if diff := cmp.Diff([]string{"Oak Primary"}, at); diff != "" {
			t.Errorf("%v: the child's enrolments (-want +got):\n%s", files, diff)
		}
	}
}
