package render

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

// The Outstanding sheet, read back: written only with an actions log, after
// the priority list, listing what `attendrisk outstanding` lists (the same
// computation) with the header frozen and filtered and every text cell
// neutralised.
func TestXLSXOutstandingSheet(t *testing.T) {
	_, f, _ := xtDefault(t)
	if got, _ := f.GetSheetIndex(sheetOutstanding); got >= 0 {
		t.Errorf("Outstanding sheet without an actions log (index %d)", got)
	}

	log := filepath.Join(t.TempDir(), "actions.csv")
	// SEV0001: a contract whose review fell due before the data ends
	// (04/10/2024); INJ0002 (surname "+1"): a letter, no review.
	if err := os.WriteFile(log, []byte("UPN,Date,Action,Outcome,Review date\n"+
		"SEV0001,16/09/2024,Attendance contract,Engaged,27/09/2024\n"+
		"INJ0002,20/09/2024,Letter,Completed,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res := xtRun(t, analysis.Input{ActionsFile: log})
	f, data := xtWrite(t, res, nil, nil)
	want := []string{"Priority", "Outstanding", "Pupil detail", "All pupils", "Cohort summary", "Codes", "Data quality", "Rules", "On the move"}
	if d := cmp.Diff(want, f.GetSheetList()); d != "" {
		t.Fatalf("sheets (-want +got):\n%s", d)
	}
	rows := xtRows(t, f, sheetOutstanding)
	h := xtFindRow(rows, "Due")
	if h == 0 {
		t.Fatalf("no header row in %q", rows)
	}
	if d := cmp.Diff([]string{"Due", "Pupil ID", "Surname", "Forename", "Year", "Tier", "Kind", "Detail"}, rows[h-1]); d != "" {
		t.Errorf("header (-want +got):\n%s", d)
	}
	// The same items, in the same order, as the command's computation.
	items := res.Outstanding("medium")
	if len(items) == 0 {
		t.Fatal("the fixture has nothing outstanding")
	}
	var gotIDs, wantIDs []string
	for _, r := range rows[h:] {
		gotIDs = append(gotIDs, r[1]+" "+r[6])
	}
	for _, it := range items {
		wantIDs = append(wantIDs, it.Pupil.ID+" "+strings.ReplaceAll(it.Kind, "_", " "))
	}
	if d := cmp.Diff(wantIDs, gotIDs); d != "" {
		t.Errorf("items (-want +got):\n%s", d)
	}
	// The overdue review comes first, its due date an Excel date.
	first := rows[h]
	if first[1] != "SEV0001" || first[6] != "review overdue" {
		t.Errorf("first item %q, want SEV0001's overdue review", first)
	}
	if got := xtNumFmt(t, f, sheetOutstanding, xtCell(1, h+1)); !strings.Contains(got, "yy") {
		t.Errorf("due date format %q", got)
	}
	if v, _ := f.GetCellValue(sheetOutstanding, xtCell(1, h+1)); v != "27/09/2024" {
		t.Errorf("due %q, want 27/09/2024", v)
	}
	// Formula injection: INJ0002's surname "+1" is stored as text.
	for i, r := range rows[h:] {
		if r[1] == "INJ0002" {
			if r[2] != "'+1" {
				t.Errorf("INJ0002 surname %q, want '+1", r[2])
			}
			if typ, _ := f.GetCellType(sheetOutstanding, xtCell(3, h+1+i)); typ != excelize.CellTypeInlineString {
				t.Errorf("INJ0002 surname cell type %v", typ)
			}
		}
	}
	// Header frozen, autofilter, print settings.
	panes, err := f.GetPanes(sheetOutstanding)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != h || panes.XSplit != 2 {
		t.Errorf("panes %+v, want frozen below row %d and after 2 columns", panes, h)
	}
	filter := ""
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" && d.Scope == sheetOutstanding {
			filter = d.RefersTo
		}
	}
	if want := "$A$" + strconv.Itoa(h) + ":"; !strings.Contains(filter, want) {
		t.Errorf("filter %q does not start at the header row (%s)", filter, want)
	}
	xml := xtZipFile(t, data, "xl/worksheets/sheet2.xml")
	for _, s := range []string{"<autoFilter ", `orientation="landscape"`, `paperSize="9"`} {
		if !strings.Contains(xml, s) {
			t.Errorf("Outstanding sheet lacks %s", s)
		}
	}
	if strings.Contains(xml, "<f>") {
		t.Error("Outstanding sheet holds a formula")
	}
}
