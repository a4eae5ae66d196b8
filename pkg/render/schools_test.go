package render

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

func authorityRun(t *testing.T, names ...string) *analysis.Result {
	t.Helper()
	var files []string
	for _, n := range names {
		files = append(files, "../../testdata/authority/"+n)
	}
	res, err := analysis.Run(analysis.Input{Files: files})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestTableSchoolColumn: an authority's list names each pupil's school, so
// Oak Primary's and elm's admission number 1001 can be told apart; a run
// of one school has no School column.
func TestTableSchoolColumn(t *testing.T) {
	var b bytes.Buffer
	if err := Table(&b, authorityRun(t, "oak.csv", "elm.csv"), TableOptions{Width: 120}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "│ School ") {
		t.Errorf("no School column:\n%s", out)
	}
	for _, want := range []string{"│ 1001          │ Ava Dunn   │ elm ", "│ 1001          │ Sara Ahmed │ Oak Primary "} {
		if !strings.Contains(out, want) {
			t.Errorf("no row %q in:\n%s", want, out)
		}
	}
	b.Reset()
	if err := Table(&b, authorityRun(t, "oak.csv"), TableOptions{Width: 120}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "School") {
		t.Errorf("a School column for one school:\n%s", b.String())
	}
}

// TestOutstandingSchools: the outstanding list's CSV always has a school
// column; its terminal table names the school when the items span several.
func TestOutstandingSchools(t *testing.T) {
	res := authorityRun(t, "ash.csv", "birch.csv")
	items := res.Outstanding("")
	var c bytes.Buffer
	if err := OutstandingCSV(&c, items); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"pupil_id", "surname", "forename", "year_group", "school", "tier", "kind", "due", "detail"}, recs[0]); d != "" {
		t.Errorf("header (-want +got):\n%s", d)
	}
	schools := map[string]string{}
	for _, r := range recs[1:] {
		schools[r[0]+" "+r[6]] = r[4]
	}
	// No context file: no plan is known for any severely absent pupil.
	want := map[string]string{"U823300113001 left_roll": "Ash Primary", "A823300113005 severe_no_plan": "Ash Primary",
		"D823300113007 severe_no_plan": "Ash Primary", "P823300113006 severe_no_plan": "Birch Academy"}
	if d := cmp.Diff(want, schools); d != "" {
		t.Errorf("schools (-want +got):\n%s", d)
	}
	var tb bytes.Buffer
	if err := OutstandingTable(&tb, items); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tb.String(), "P823300113006  Eve Jones              Birch Academy        urgent") {
		t.Errorf("table without the school:\n%s", tb.String())
	}
}

// TestXLSXCohortBySchool: an authority's workbook summarises each school's
// enrolments (as summary --by school does), with a total row; a school's
// own workbook is by year group.
func TestXLSXCohortBySchool(t *testing.T) {
	f, _ := xtWrite(t, authorityRun(t, "oak.csv", "elm.csv", "riverside-pru.csv"), nil, nil)
	rows := xtRows(t, f, sheetCohort)
	var got []string
	for _, r := range rows[1:] {
		if len(r) == 0 || r[0] == "" {
			break
		}
		got = append(got, r[0]+" "+r[1])
	}
	// The total counts enrolments: the dual-registered child is at Oak and
	// the PRU; the mistyped UPN's file names no school.
	want := []string{"All pupils 7", "(blank) 1", "Oak Primary 3", "Riverside PRU 1", "elm 2"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("cohort rows (-want +got):\n%s", d)
	}
	f, _ = xtWrite(t, authorityRun(t, "oak.csv"), nil, nil)
	if rows := xtRows(t, f, sheetCohort); len(rows) < 3 || rows[2][0] != "5" {
		t.Errorf("one school's cohort sheet %q, want year group 5 after the total", rows)
	}
}
