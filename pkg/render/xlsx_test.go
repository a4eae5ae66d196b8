package render

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/cohort"
	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/rule"
)

// The fixture (testdata/xlsx) is a five-week grid register, 02/09/2024 to
// 04/10/2024, 50 possible sessions a pupil:
//
//	SEV0001  Sam Smith         Y9  30 unauthorised (O): severe
//	INJ0002  @SUM(A1:A2) +1    Y9   6 unauthorised (N): persistent
//	PER0001  Priya Jones       Y8   8 authorised (I):   persistent, young carer
//	ZOE0001  Zoë O'Brien       Y7   4 unauthorised (G): 8%
//	INJ0001  Eve =HYPERLINK()  Y7   none
//	FIN0001  Alex Brown        Y7   none; one day of an unknown code "9"
//	                                (2 marks rejected: 48 possible sessions)
const (
	xtRegister = "testdata/xlsx/register.csv"
	xtContext  = "testdata/xlsx/context.csv"
	xtAsOf     = "2024-10-07"
)

var xtMeta = Meta{Version: "1.2.3", AsOf: xtAsOf}

func xtRun(t *testing.T, in analysis.Input) *analysis.Result {
	t.Helper()
	in.Files = []string{xtRegister}
	if in.ContextFile == "" && !in.NoRules {
		in.ContextFile = xtContext
	}
	res, err := analysis.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// xlWrite writes the workbook and opens it again as Excel would see it; it
// also returns the file's bytes, for looking inside the zip.
func xtWrite(t *testing.T, res *analysis.Result, groups []cohort.Group, benchmarks []cohort.Benchmark) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := XLSX(&buf, res, xtMeta, groups, benchmarks); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, data
}

// xlDefault is the fixture with the default rules and context, England's
// figures beneath the cohort summary.
func xtDefault(t *testing.T) (*analysis.Result, *excelize.File, []byte) {
	t.Helper()
	res := xtRun(t, analysis.Input{})
	f, data := xtWrite(t, res, nil, []cohort.Benchmark{cohort.England202324})
	return res, f, data
}

// rawRows is a sheet's stored values: numbers as written, not formatted.
func xtRows(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// findRow returns the 1-based row whose first cell is first, or 0.
func xtFindRow(rows [][]string, first string) int {
	for i, r := range rows {
		if len(r) > 0 && r[0] == first {
			return i + 1
		}
	}
	return 0
}

func xtColumn(t *testing.T, header []string, name string) int {
	t.Helper()
	i := slices.Index(header, name)
	if i < 0 {
		t.Fatalf("no column %q in %q", name, header)
	}
	return i + 1
}

func xtCell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func xtNumFmt(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if st.CustomNumFmt != nil {
		return *st.CustomNumFmt
	}
	return "builtin " + strconv.Itoa(st.NumFmt)
}

func xtFill(t *testing.T, f *excelize.File, sheet, ref string) string {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Fill.Color) == 0 {
		return ""
	}
	return st.Fill.Color[0]
}

func xtZipFile(t *testing.T, data []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatalf("%s is not in the workbook: %v", name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestXLSXSheets(t *testing.T) {
	_, f, _ := xtDefault(t)
	want := []string{"Priority", "Pupil detail", "All pupils", "Cohort summary", "Codes", "Data quality", "Rules", "On the move"}
	if diff := cmp.Diff(want, f.GetSheetList()); diff != "" {
		t.Errorf("sheets (-want +got):\n%s", diff)
	}
	if got := f.GetActiveSheetIndex(); got != 0 {
		t.Errorf("active sheet %d, want 0 (Priority)", got)
	}
}

// The pupil sheet's headers are the CSV's field names, in the CSV's order,
// up to next_steps: one schema, whatever the format.
func TestXLSXAllPupilsHeader(t *testing.T) {
	res, f, _ := xtDefault(t)
	var buf bytes.Buffer
	if err := CSV(&buf, res); err != nil {
		t.Fatal(err)
	}
	csvHead, err := csv.NewReader(&buf).Read()
	if err != nil {
		t.Fatal(err)
	}
	want := csvHead[:slices.Index(csvHead, "next_steps")+1]
	got := xtRows(t, f, "All pupils")[0]
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("All pupils header (-csv +xlsx):\n%s", diff)
	}
}

// Every pupil, in priority order, with the stored values: numbers as
// numbers, rates as fractions, flags as booleans, dates as serials.
func TestXLSXAllPupilsValues(t *testing.T) {
	res, f, _ := xtDefault(t)
	rows := xtRows(t, f, "All pupils")
	head := rows[0]
	fields := []string{"pupil_id", "surname", "forename", "year_group", "first_date", "last_date", "possible_sessions",
		"unauthorised_absence", "absence_pct", "persistent_absence", "severe_absence", "tier"}
	var got [][]string
	for _, r := range rows[1:] {
		var out []string
		for _, name := range fields {
			out = append(out, r[xtColumn(t, head, name)-1])
		}
		got = append(got, out)
	}
	first := strconv.Itoa(int(register.MustDay(2024, 9, 2)) + 25569) // 45537
	last := strconv.Itoa(int(register.MustDay(2024, 10, 4)) + 25569)
	// FIN0001's marks on 04/10 were rejected: its last session is 03/10.
	finLast := strconv.Itoa(int(register.MustDay(2024, 10, 3)) + 25569)
	figures := map[string][]string{
		"SEV0001": {"Smith", "Sam", "9", first, last, "50", "30", "0.6", "1", "1"},
		"INJ0002": {"'+1", "'@SUM(A1:A2)", "9", first, last, "50", "6", "0.12", "1", "0"},
		"PER0001": {"Jones", "Priya", "8", first, last, "50", "0", "0.16", "1", "0"},
		"ZOE0001": {"O'Brien", "Zoë", "7", first, last, "50", "4", "0.08", "0", "0"},
		"INJ0001": {`'=HYPERLINK("http://example.com","x")`, "Eve", "7", first, last, "50", "0", "0", "0", "0"},
		"FIN0001": {"Brown", "Alex", "7", first, finLast, "48", "0", "0", "0", "0"},
	}
	var want [][]string
	for _, p := range res.Pupils { // priority order, as the analysis ranked them
		want = append(want, append(append([]string{p.ID}, figures[p.ID]...), p.Outcome.Tier))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("All pupils (-want +got):\n%s", diff)
	}
}

func TestXLSXCellTypes(t *testing.T) {
	_, f, _ := xtDefault(t)
	const sheet = "All pupils"
	rows := xtRows(t, f, sheet)
	head := rows[0]
	row := xtFindRow(rows, "SEV0001")
	at := func(name string) string { return xtCell(xtColumn(t, head, name), row) }

	// Numbers are numbers: no t="s"/"inlineStr", a numeric value, #,##0.
	for _, name := range []string{"possible_sessions", "score", "year_group"} {
		typ, err := f.GetCellType(sheet, at(name))
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("%s: cell type %v, want a number", name, typ)
		}
	}
	if got := xtNumFmt(t, f, sheet, at("possible_sessions")); got != "builtin 3" {
		t.Errorf("possible_sessions format %s, want builtin 3 (#,##0)", got)
	}

	// A rate is the fraction, shown as a percentage.
	v, _ := f.GetCellValue(sheet, at("absence_pct"), excelize.Options{RawCellValue: true})
	if v != "0.6" {
		t.Errorf("absence_pct raw %q, want 0.6", v)
	}
	if got := xtNumFmt(t, f, sheet, at("absence_pct")); got != "0.0%" {
		t.Errorf("absence_pct format %q, want 0.0%%", got)
	}
	if shown, _ := f.GetCellValue(sheet, at("absence_pct")); shown != "60.0%" {
		t.Errorf("absence_pct shows %q, want 60.0%%", shown)
	}

	// A date is a serial with a date format, shown the English way.
	if got := xtNumFmt(t, f, sheet, at("first_date")); got != "dd/mm/yyyy" {
		t.Errorf("first_date format %q, want dd/mm/yyyy", got)
	}
	if shown, _ := f.GetCellValue(sheet, at("first_date")); shown != "02/09/2024" {
		t.Errorf("first_date shows %q, want 02/09/2024", shown)
	}

	// A flag is a boolean.
	if typ, _ := f.GetCellType(sheet, at("severe_absence")); typ != excelize.CellTypeBool {
		t.Errorf("severe_absence cell type %v, want bool", typ)
	}
}

// No sheet stores a number as text. The rules version ("2025.1") is the one
// number-like text: a version, not a quantity.
func TestXLSXNoNumbersAsText(t *testing.T) {
	res, f, _ := xtDefault(t)
	for _, sheet := range f.GetSheetList() {
		rows := xtRows(t, f, sheet)
		for r, row := range rows {
			for c, v := range row {
				if v == "" || (sheet == "Rules" && v == res.Rules.Version) {
					continue
				}
				// A register code such as 9 (a school's local mark) is text,
				// not a quantity.
				if sheet == "Data quality" && c == 1 && (row[0] == "Unknown code" || row[0] == "Legacy code") {
					continue
				}
				ref := xtCell(c+1, r+1)
				typ, err := f.GetCellType(sheet, ref)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := strconv.ParseFloat(v, 64); err == nil && (typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString) {
					t.Errorf("%s!%s: %q is stored as text", sheet, ref, v)
				}
			}
		}
	}
}

// Text that a spreadsheet would run as a formula comes back as literal text
// with an apostrophe, and no cell anywhere holds a formula.
func TestXLSXFormulaInjection(t *testing.T) {
	_, f, data := xtDefault(t)
	rows := xtRows(t, f, "All pupils")
	head := rows[0]
	tests := []struct {
		id, field, want string
	}{
		{"INJ0001", "surname", `'=HYPERLINK("http://example.com","x")`},
		{"INJ0002", "surname", "'+1"},
		{"INJ0002", "forename", "'@SUM(A1:A2)"},
		{"ZOE0001", "forename", "Zoë"},
	}
	for _, tt := range tests {
		ref := xtCell(xtColumn(t, head, tt.field), xtFindRow(rows, tt.id))
		got, err := f.GetCellValue("All pupils", ref)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.id, tt.field, got, tt.want)
		}
		if formula, _ := f.GetCellFormula("All pupils", ref); formula != "" {
			t.Errorf("%s %s has the formula %q", tt.id, tt.field, formula)
		}
		if typ, _ := f.GetCellType("All pupils", ref); typ != excelize.CellTypeInlineString {
			t.Errorf("%s %s: cell type %v, want a string", tt.id, tt.field, typ)
		}
	}
	// The priority list's name column: "@SUM(A1:A2) +1".
	prio := xtRows(t, f, "Priority")
	if got, want := prio[xtFindRow(prio, "Rank")-1+xtRankOf(t, prio, "INJ0002")][4], "'@SUM(A1:A2) +1"; got != want {
		t.Errorf("Priority name %q, want %q", got, want)
	}
	for i := 1; i <= 7; i++ {
		if xml := xtZipFile(t, data, "xl/worksheets/sheet"+strconv.Itoa(i)+".xml"); strings.Contains(xml, "<f>") || strings.Contains(xml, "<f ") {
			t.Errorf("sheet%d.xml holds a formula", i)
		}
	}
}

// rankOf returns the offset below the header of a pupil on the Priority sheet.
func xtRankOf(t *testing.T, rows [][]string, id string) int {
	t.Helper()
	header := xtFindRow(rows, "Rank")
	for i, r := range rows[header:] {
		if len(r) > 3 && r[3] == id {
			return i + 1
		}
	}
	t.Fatalf("%s is not on the Priority sheet", id)
	return 0
}

// The priority list is the pupils above the lowest tier, in priority order,
// ranked by their place in the whole list.
func TestXLSXPriority(t *testing.T) {
	res, f, _ := xtDefault(t)
	rows := xtRows(t, f, "Priority")
	header := xtFindRow(rows, "Rank")
	if header != 5 {
		t.Fatalf("Priority header on row %d, want 5 (below the title, run line and disclaimer)", header)
	}
	if got := rows[2][0]; got != Disclaimer {
		t.Errorf("Priority A3 %q, want the disclaimer", got)
	}
	if !strings.Contains(rows[1][0], "As of 07/10/2024") || !strings.Contains(rows[1][0], "attendrisk 1.2.3") {
		t.Errorf("Priority A2 %q lacks the as-of date or version", rows[1][0])
	}
	var want, got [][]string
	lowest := res.Rules.Tiers[len(res.Rules.Tiers)-1].Name
	for i, p := range res.Pupils {
		if p.Outcome.Tier != lowest {
			want = append(want, []string{strconv.Itoa(i + 1), p.Outcome.Tier, p.ID})
		}
	}
	for _, r := range rows[header:] {
		got = append(got, []string{r[0], r[1], r[3]})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Priority rank, tier, pupil (-want +got):\n%s", diff)
	}
	if len(want) < 2 {
		t.Fatalf("fixture gives %d pupils above %s; the test needs several", len(want), lowest)
	}
	// One line a pupil: the factors as short labels, cut to fit, never
	// wrapped, every row of the default height.
	head := rows[header-1]
	wantHead := []string{"Rank", "Tier", "Score", "Pupil ID", "Name", "School", "Year", "Reg group", "Absence %",
		"Unexplained sessions", "Unauthorised sessions", "Authorised sessions", "PA/SA", "Factors (+ protective)", "First next step"}
	if diff := cmp.Diff(wantHead, head); diff != "" {
		t.Errorf("Priority header (-want +got):\n%s", diff)
	}
	sev := header + xtRankOf(t, rows, "SEV0001")
	fcol := xtColumn(t, head, "Factors (+ protective)")
	factors := rows[sev-1][fcol-1]
	if !strings.HasPrefix(factors, "Persistently absent; Severely absent; ") || strings.Contains(factors, "\n") ||
		strings.Contains(factors, "(") || utf8.RuneCountInString(factors) > 60 || !strings.HasSuffix(factors, "…") {
		t.Errorf("SEV0001 factors %q: want short labels, \"; \"-joined, cut to 60 characters with an ellipsis", factors)
	}
	step := rows[sev-1][xtColumn(t, head, "First next step")-1]
	if want := clip(res.Pupils[0].Outcome.Steps[0].Text, 45); step != want {
		t.Errorf("SEV0001 first step %q, want %q", step, want)
	}
	for r := header + 1; r <= len(rows); r++ {
		if h, _ := f.GetRowHeight("Priority", r); h != 15 {
			t.Errorf("Priority row %d height %v, want the default 15 (one line)", r, h)
		}
		for c := 1; c <= len(head); c++ {
			id, _ := f.GetCellStyle("Priority", xtCell(c, r))
			if st, _ := f.GetStyle(id); st.Alignment != nil && st.Alignment.WrapText {
				t.Errorf("Priority %s wraps", xtCell(c, r))
			}
		}
	}
	if w, _ := f.GetColWidth("Priority", xtColName(fcol)); w < 40 || w > 70 {
		t.Errorf("factors column width %v, want 40 to 70", w)
	}
	for _, c := range []string{"A", "J", "K", "L"} {
		if w, _ := f.GetColWidth("Priority", c); w > 16 {
			t.Errorf("column %s (%s) width %v, want narrow", c, head[c[0]-'A'], w)
		}
	}
	// The absence split, in sessions: SEV0001 has 30 O (unexplained and
	// unauthorised), INJ0002 6 N, PER0001 8 I (authorised).
	split := map[string][]string{}
	for _, r := range rows[header:] {
		split[r[3]] = r[9:13]
	}
	wantSplit := map[string][]string{"SEV0001": {"30", "30", "0", "SA"}, "INJ0002": {"6", "6", "0", "PA"},
		"PER0001": {"0", "0", "8", "PA"}}
	for id, want := range wantSplit {
		if got, ok := split[id]; ok {
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s unexplained, unauthorised, authorised, PA/SA (-want +got):\n%s", id, diff)
			}
		}
	}
	// The workbook's unexplained column is the unexplained_sessions every
	// other output gives (the cause breakdown), for every pupil listed.
	byID := map[string]string{}
	for _, p := range res.Pupils {
		byID[p.ID] = strconv.Itoa(p.Causes.Unexplained)
	}
	for _, r := range rows[header:] {
		if r[9] != byID[r[3]] {
			t.Errorf("%s: Priority unexplained %s, unexplained_sessions %s", r[3], r[9], byID[r[3]])
		}
	}
}

func xtColName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

// Each Priority row's pupil id links to the pupil's first row on Pupil
// detail, which lists the pupil's fired factors with their evidence and
// sources, then every next step.
func TestXLSXPupilDetail(t *testing.T) {
	res, f, _ := xtDefault(t)
	prio := xtRows(t, f, "Priority")
	detail := xtRows(t, f, "Pupil detail")
	if got, want := detail[3], []string{"Rank", "Pupil ID", "Name", "Kind", "Factor or step", "Evidence", "Source"}; !cmp.Equal(got, want) {
		t.Fatalf("Pupil detail header %q, want %q", got, want)
	}
	header := xtFindRow(prio, "Rank")
	byID := map[string]*analysis.Pupil{}
	for _, p := range res.Pupils {
		byID[p.ID] = p
	}
	for r := header + 1; r <= len(prio); r++ {
		id := prio[r-1][3]
		ok, target, err := f.GetCellHyperLink("Priority", xtCell(4, r))
		if err != nil || !ok {
			t.Fatalf("Priority D%d (%s) has no link: %v", r, id, err)
		}
		row, err := strconv.Atoi(strings.TrimPrefix(target, "'Pupil detail'!A"))
		if err != nil {
			t.Fatalf("Priority D%d links to %q, want 'Pupil detail'!A<row>", r, target)
		}
		p := byID[id]
		o := p.Outcome
		var want [][]string
		for i, fd := range o.Fired {
			want = append(want, []string{prio[r-1][0], id, Neutralise(pupilName(p)), fd.Factor.Kind + " factor", fd.Factor.Label,
				strings.Join(o.Evidence(i), "; "), fd.Factor.Source})
		}
		for _, s := range o.Steps {
			want = append(want, []string{prio[r-1][0], id, Neutralise(pupilName(p)), "next step", s.Text, "", s.Source})
		}
		var got [][]string
		for _, d := range detail[row-1 : row-1+len(want)] {
			got = append(got, append(d, make([]string, 7-len(d))...)[:7])
		}
		if row > 5 && detail[row-2][1] == id {
			t.Errorf("%s's link goes to row %d, not the pupil's first", id, row)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Pupil detail for %s (-want +got):\n%s", id, diff)
		}
	}
}

// With --compare the Priority sheet says what changed for each pupil.
func TestXLSXPriorityChange(t *testing.T) {
	res := xtRun(t, analysis.Input{})
	for _, p := range res.All {
		if p.ID == "SEV0001" {
			p.Changes = []string{"newly_severe", "tier_up"}
		}
	}
	var buf bytes.Buffer
	meta := xtMeta
	meta.Compared = "last-week.json, as of 2024-09-30"
	if err := XLSX(&buf, res, meta, nil, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := xtRows(t, f, "Priority")
	header := xtFindRow(rows, "Rank")
	col := xtColumn(t, rows[header-1], "Change since last-week.json, as of 2024-09-30")
	got := map[string]string{}
	for _, r := range rows[header:] {
		if len(r) >= col {
			got[r[3]] = r[col-1]
		}
	}
	want := map[string]string{"SEV0001": "Newly severely absent (50%+); Moved up a tier"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("change column (-want +got):\n%s", diff)
	}
}

// Every sheet prints on A4 landscape, one page wide, with its header row
// repeated on each page, margins of about a centimetre and a footer; the
// one-line sheets end their print area at their last column.
func TestXLSXPrintSettings(t *testing.T) {
	_, f, _ := xtDefault(t)
	titles, areas := map[string]string{}, map[string]string{}
	for _, d := range f.GetDefinedName() {
		switch d.Name {
		case "_xlnm.Print_Titles":
			titles[d.Scope] = d.RefersTo
		case "_xlnm.Print_Area":
			areas[d.Scope] = d.RefersTo
		}
	}
	rules := xtRows(t, f, "Rules")
	tests := []struct {
		sheet  string
		header int
		area   string
	}{
		{"Priority", 5, "'Priority'!$A$1:$O$8"},
		{"Pupil detail", 4, ""},
		{"All pupils", 1, "'All pupils'!$A$1:$AL$7"},
		{"Cohort summary", 1, ""},
		{"Codes", 1, ""},
		{"Data quality", 1, ""},
		{"Rules", xtFindRow(rules, "ID"), ""},
	}
	for _, tt := range tests {
		pl, err := f.GetPageLayout(tt.sheet)
		if err != nil {
			t.Fatal(err)
		}
		got := []any{*pl.Orientation, *pl.FitToWidth, *pl.FitToHeight, *pl.Size}
		if diff := cmp.Diff([]any{"landscape", 1, 0, 9}, got); diff != "" {
			t.Errorf("%s orientation, fit to width, fit to height, paper (-want +got):\n%s", tt.sheet, diff)
		}
		props, err := f.GetSheetProps(tt.sheet)
		if err != nil || props.FitToPage == nil || !*props.FitToPage {
			t.Errorf("%s: fit to page is not on (%v)", tt.sheet, err)
		}
		m, err := f.GetPageMargins(tt.sheet)
		if err != nil {
			t.Fatal(err)
		}
		if *m.Left != 0.4 || *m.Right != 0.4 || *m.Top != 0.5 || *m.Bottom != 0.6 {
			t.Errorf("%s margins %v %v %v %v", tt.sheet, *m.Left, *m.Right, *m.Top, *m.Bottom)
		}
		hf, err := f.GetHeaderFooter(tt.sheet)
		if err != nil || !strings.Contains(hf.OddFooter, "Page &P of &N") || !strings.Contains(hf.OddFooter, "07/10/2024") {
			t.Errorf("%s footer %q (%v): want the page number and the as-of date", tt.sheet, hf.OddFooter, err)
		}
		want := fmt.Sprintf("%s!$%d:$%d", xlQuoteSheet(tt.sheet), tt.header, tt.header)
		if got := titles[tt.sheet]; got != want {
			t.Errorf("%s print titles %q, want %q", tt.sheet, got, want)
		}
		if got := areas[tt.sheet]; got != tt.area {
			t.Errorf("%s print area %q, want %q", tt.sheet, got, tt.area)
		}
	}
	// The pupil sheet is one line a pupil too.
	for r := 1; r <= 7; r++ {
		if h, _ := f.GetRowHeight("All pupils", r); h != 15 {
			t.Errorf("All pupils row %d height %v, want 15", r, h)
		}
	}
}

// Without rules the list is the persistent and severe absentees.
func TestXLSXPriorityNoRules(t *testing.T) {
	res := xtRun(t, analysis.Input{NoRules: true})
	f, _ := xtWrite(t, res, nil, nil)
	rows := xtRows(t, f, "Priority")
	header := xtFindRow(rows, "Rank")
	var got [][]string
	for _, r := range rows[header:] {
		got = append(got, []string{r[1], r[2]})
	}
	want := [][]string{{"severe", "SEV0001"}, {"persistent", "PER0001"}, {"persistent", "INJ0002"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Priority without rules (-want +got):\n%s", diff)
	}
	// No factors or steps to detail, and so no links to them.
	detail := xtRows(t, f, "Pupil detail")
	if len(detail) != 4 || !strings.HasPrefix(detail[1][0], "No rules were applied") {
		t.Errorf("Pupil detail without rules: %q", detail)
	}
	if ok, target, _ := f.GetCellHyperLink("Priority", xtCell(3, header+1)); ok {
		t.Errorf("a link to %s without rules", target)
	}
	rules := xtRows(t, f, "Rules")
	if got := rules[0]; !slices.Contains(got, "none: figures only (--no-rules)") {
		t.Errorf("Rules sheet without rules starts %q", got)
	}
}

// Tier cells are coloured by the tier's place in the rules: the highest red,
// the lowest grey, each tier its own colour.
func TestXLSXTierFills(t *testing.T) {
	res, f, _ := xtDefault(t)
	rows := xtRows(t, f, "All pupils")
	col := xtColumn(t, rows[0], "tier")
	byTier := map[string]string{}
	for r := 2; r <= len(rows); r++ {
		tier := rows[r-1][col-1]
		c := xtFill(t, f, "All pupils", xtCell(col, r))
		if prev, ok := byTier[tier]; ok && prev != c {
			t.Errorf("tier %s has fills %s and %s", tier, prev, c)
		}
		byTier[tier] = c
	}
	if len(byTier) < 3 {
		t.Fatalf("fixture has tiers %v; the test needs three or more", byTier)
	}
	seen := map[string]string{}
	for tier, c := range byTier {
		if other, ok := seen[c]; ok {
			t.Errorf("tiers %s and %s share the fill %s", tier, other, c)
		}
		seen[c] = tier
	}
	tiers := res.Rules.Tiers
	if got := byTier[tiers[0].Name]; got != "" && got != "FFC7CE" {
		t.Errorf("highest tier %s fill %s, want red FFC7CE", tiers[0].Name, got)
	}
	if got := byTier[tiers[len(tiers)-1].Name]; got != "E7E6E6" {
		t.Errorf("lowest tier %s fill %s, want grey E7E6E6", tiers[len(tiers)-1].Name, got)
	}
	// The Rules sheet's tier table shows every tier in its colour.
	rules := xtRows(t, f, "Rules")
	start := xtFindRow(rules, "Tier") + 1
	var got []string
	for i, tr := range tiers {
		if rules[start+i-1][0] != tr.Name {
			t.Fatalf("Rules tier row %d is %q, want %s", start+i, rules[start+i-1][0], tr.Name)
		}
		got = append(got, xtFill(t, f, "Rules", xtCell(1, start+i)))
	}
	want := []string{"FFC7CE", "F8CBAD", "FFEB9C", "E7E6E6"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Rules tier fills (-want +got):\n%s", diff)
	}
}

// A custom rules file's tiers are coloured by their order, whatever their
// names.
func TestXLSXCustomTiers(t *testing.T) {
	rules := `version: 1
name: custom
factors:
  - id: pa
    kind: risk
    group: attendance
    label: Persistent
    when: persistent_absence
    weight: 20
  - id: sa
    kind: risk
    group: attendance
    label: Severe
    when: severe_absence
    weight: 20
tiers:
  - {name: act_now, min_score: 40}
  - {name: watch, min_score: 20}
  - {name: fine, min_score: 0}
`
	res := xtRun(t, analysis.Input{RulesData: []byte(rules)})
	f, _ := xtWrite(t, res, nil, nil)
	rows := xtRows(t, f, "All pupils")
	col := xtColumn(t, rows[0], "tier")
	got := map[string]string{}
	for r := 2; r <= len(rows); r++ {
		got[rows[r-1][col-1]] = xtFill(t, f, "All pupils", xtCell(col, r))
	}
	want := map[string]string{"act_now": "FFC7CE", "watch": "F8CBAD", "fine": "E7E6E6"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("custom tier fills (-want +got):\n%s", diff)
	}
}

func TestXLSXTierColours(t *testing.T) {
	colours := func(n int) []string {
		set := &rule.Set{}
		for i := range n {
			set.Tiers = append(set.Tiers, rule.Tier{Name: strconv.Itoa(i)})
		}
		b := &xlBook{res: &analysis.Result{Rules: set}}
		var out []string
		for i := range n {
			out = append(out, b.tierColours(i)[0])
		}
		return out
	}
	tests := map[int][]string{
		1: {"E7E6E6"},
		2: {"FFC7CE", "E7E6E6"},
		4: {"FFC7CE", "F8CBAD", "FFEB9C", "E7E6E6"},
		6: {"FFC7CE", "F8CBAD", "FFEB9C", "FFF2CC", "E2EFDA", "E7E6E6"},
	}
	for n, want := range tests {
		if diff := cmp.Diff(want, colours(n)); diff != "" {
			t.Errorf("%d tiers (-want +got):\n%s", n, diff)
		}
	}
}

// Every sheet freezes its table's header and filters the table.
func TestXLSXPanesAndFilters(t *testing.T) {
	_, f, data := xtDefault(t)
	rules := xtRows(t, f, "Rules")
	rulesHead := xtFindRow(rules, "ID")
	tests := []struct {
		sheet          string
		header, xsplit int
	}{
		{"Priority", 5, 0},
		{"Pupil detail", 4, 0},
		{"All pupils", 1, 3},
		{"Cohort summary", 1, 0},
		{"Codes", 1, 0},
		{"Data quality", 1, 0},
		{"Rules", rulesHead, 0},
	}
	filters := map[string]string{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" {
			filters[d.Scope] = d.RefersTo
		}
	}
	for i, tt := range tests {
		p, err := f.GetPanes(tt.sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Freeze || p.YSplit != tt.header || p.XSplit != tt.xsplit {
			t.Errorf("%s panes: freeze %v, rows %d, columns %d; want frozen, %d, %d", tt.sheet, p.Freeze, p.YSplit, p.XSplit, tt.header, tt.xsplit)
		}
		ref, ok := filters[tt.sheet]
		if !ok {
			t.Errorf("%s has no _xlnm._FilterDatabase", tt.sheet)
			continue
		}
		if want := "$A$" + strconv.Itoa(tt.header) + ":"; !strings.Contains(ref, want) {
			t.Errorf("%s filter %s does not start at the header row (%s)", tt.sheet, ref, want)
		}
		xml := xtZipFile(t, data, "xl/worksheets/sheet"+strconv.Itoa(i+1)+".xml")
		if !strings.Contains(xml, "<autoFilter ") {
			t.Errorf("%s: no autoFilter element", tt.sheet)
		}
		// Bold header row.
		id, _ := f.GetCellStyle(tt.sheet, xtCell(1, tt.header))
		if st, _ := f.GetStyle(id); st.Font == nil || !st.Font.Bold {
			t.Errorf("%s header is not bold", tt.sheet)
		}
	}
	// The All pupils filter covers every pupil and every column.
	if got, want := filters["All pupils"], "'All pupils'!$A$1:$AL$7"; got != want {
		t.Errorf("All pupils filter %s, want %s", got, want)
	}
	// Columns are listed in order, as the file format requires.
	xml := xtZipFile(t, data, "xl/worksheets/sheet3.xml")
	if !strings.Contains(xml, `<cols><col min="1" max="1"`) {
		t.Errorf("All pupils columns do not start with column 1: %.200s", xml[strings.Index(xml, "<cols>"):])
	}
}

func TestXLSXCohortSummary(t *testing.T) {
	res := xtRun(t, analysis.Input{})
	groups := cohort.Summarise(res, []string{"year_group"}, 3)
	f, data := xtWrite(t, res, groups, []cohort.Benchmark{cohort.England202324})
	rows := xtRows(t, f, "Cohort summary")
	got := rows[:5]
	// Year 7 has 3 pupils (shown); years 8 and 9 have fewer than 3 (c).
	c := Suppressed
	want := [][]string{
		{"Year group", "Pupils", "Possible sessions", "Overall absence rate", "Authorised absence rate", "Unauthorised absence rate",
			"Persistent absentees", "Persistent absence rate", "Severe absentees", "Severe absence rate", "Note"},
		{"All pupils", "6", "298", "0.1611", "0.0268", "0.1342", "3", "0.5", "1", "0.1667"},
		{"7", "3", "148", "0.027", "0", "0.027", "0", "0", "0", "0"},
		{"8", c, c, c, c, c, c, c, c, c, "fewer pupils than the suppression threshold"},
		{"9", c, c, c, c, c, c, c, c, c, "fewer pupils than the suppression threshold"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cohort summary (-want +got):\n%s", diff)
	}
	if got := xtNumFmt(t, f, "Cohort summary", "D2"); got != "0.0%" {
		t.Errorf("overall absence format %q, want 0.0%%", got)
	}
	bench := xtFindRow(rows, "England 2023/24")
	if bench == 0 {
		t.Fatal("no England 2023/24 row")
	}
	if diff := cmp.Diff([]string{"England 2023/24", "", "", "0.071", "0.047", "0.025", "", "0.2", "", "0.023", cohort.England202324.Source}, rows[bench-1]); diff != "" {
		t.Errorf("benchmark row (-want +got):\n%s", diff)
	}
	// The chart's table reuses the summary's year groups, suppression and all.
	chartHead := xtFindRow(rows, "Persistent and severe absence by year group") + 1
	var table [][]string
	for _, r := range rows[chartHead-1:] {
		table = append(table, r[:5])
	}
	// England's persistent absence rate in every year group: the chart's
	// reference line.
	wantTable := [][]string{
		{"Year group", "Pupils", "Persistent absence rate", "Severe absence rate", "England 2023/24 persistent absence rate"},
		{"7", "3", "0", "0", "0.2"}, {"8", c, c, c, "0.2"}, {"9", c, c, c, "0.2"},
	}
	if diff := cmp.Diff(wantTable, table); diff != "" {
		t.Errorf("chart table (-want +got):\n%s", diff)
	}
	chart := xtZipFile(t, data, "xl/charts/chart1.xml")
	for _, s := range []string{`<barDir val="col">`, `<grouping val="clustered">`,
		`'Cohort summary'!$A$` + strconv.Itoa(chartHead+1) + `:$A$` + strconv.Itoa(chartHead+3),
		`'Cohort summary'!$C$` + strconv.Itoa(chartHead+1), `'Cohort summary'!$D$` + strconv.Itoa(chartHead+1),
		"<lineChart>", `'Cohort summary'!$E$` + strconv.Itoa(chartHead+1) + `:$E$` + strconv.Itoa(chartHead+3),
		`<marker><symbol val="none">`} {
		if !strings.Contains(strings.ReplaceAll(chart, "&#39;", "'"), s) {
			t.Errorf("chart1.xml lacks %s", s)
		}
	}
	if rels := xtZipFile(t, data, "xl/worksheets/_rels/sheet4.xml.rels"); !strings.Contains(rels, "drawing1.xml") {
		t.Errorf("the Cohort summary sheet does not hold the chart's drawing: %s", rels)
	}
}

// Grouped by something else, the chart is computed by year group, and hides
// any year group no bigger than a group the summary suppressed.
func TestXLSXCohortOtherGrouping(t *testing.T) {
	res := xtRun(t, analysis.Input{})
	groups := cohort.Summarise(res, []string{"reg_group"}, 2) // 7B and 8B have one pupil: suppressed
	f, _ := xtWrite(t, res, groups, nil)
	rows := xtRows(t, f, "Cohort summary")
	if got := rows[0][0]; got != "Reg group" {
		t.Errorf("key header %q, want Reg group", got)
	}
	if got := rows[xtFindRow(rows, "7B")-1][1]; got != Suppressed {
		t.Errorf("7B pupils %q, want c", got)
	}
	chartHead := xtFindRow(rows, "Persistent and severe absence by year group") + 1
	var table [][]string
	for _, r := range rows[chartHead:] {
		table = append(table, r[:4])
	}
	// Year 8's one pupil is suppressed, and Year 9 (the next smallest) with
	// it: 6 pupils minus Year 7's 3 and Year 9's 2 would be Year 8's.
	want := [][]string{{"7", "3", "0", "0"}, {"8", Suppressed, Suppressed, Suppressed}, {"9", Suppressed, Suppressed, Suppressed}}
	if diff := cmp.Diff(want, table); diff != "" {
		t.Errorf("chart table (-want +got):\n%s", diff)
	}
}

func TestXLSXCodes(t *testing.T) {
	_, f, _ := xtDefault(t)
	rows := xtRows(t, f, "Codes")
	if got, want := len(rows), 1+len(mark.Table())+2; got != want {
		t.Errorf("%d rows on Codes, want %d (header, every code, gap, total)", got, want)
	}
	var got [][]string
	for _, r := range rows[1 : 1+len(mark.Table())] {
		if len(r) > 3 && r[3] != "0" {
			got = append(got, r[:5])
		}
	}
	// 298 possible sessions, 125 days present.
	want := [][]string{
		{"/", "Present (AM)", "present", "125", "0.4195"},
		{`\`, "Present (PM)", "present", "125", "0.4195"},
		{"I", "Illness (not a medical or dental appointment)", "authorised absence", "8", "0.0268"},
		{"G", "Holiday not granted by the school", "unauthorised absence", "4", "0.0134"},
		{"N", "Reason not yet established (replace within 5 school days)", "unauthorised absence", "6", "0.0201"},
		{"O", "Absent in other or unknown circumstances", "unauthorised absence", "30", "0.1007"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("codes used (-want +got):\n%s", diff)
	}
	last := rows[len(rows)-1]
	if diff := cmp.Diff([]string{"", "Possible sessions", "", "298", "1"}, last); diff != "" {
		t.Errorf("total row (-want +got):\n%s", diff)
	}
	// The missing-mark code is text like any other, so it is neutralised.
	if r := xtFindRow(rows, "'-"); r == 0 {
		t.Errorf(`no row for the missing mark "-" (as '-)`)
	}
}

func TestXLSXDataQuality(t *testing.T) {
	_, f, _ := xtDefault(t)
	rows := xtRows(t, f, "Data quality")
	get := func(section, item string) []string {
		for _, r := range rows {
			if len(r) > 1 && r[0] == section && r[1] == item {
				return r
			}
		}
		t.Fatalf("no %s %s row", section, item)
		return nil
	}
	if got := get("Rows", "read")[2]; got != "6" {
		t.Errorf("rows read %s, want 6", got)
	}
	if got := get("Session marks", "rejected")[2]; got != "2" {
		t.Errorf("marks rejected %s, want 2", got)
	}
	r := get("Rejected", "unknown_code")
	if r[2] != "2" || r[3] != "mark is not a DfE attendance code" || !strings.Contains(r[4], "register.csv:4") {
		t.Errorf("unknown_code row %q", r)
	}
	// The unknown mark itself, however quality keys it (9 or "9").
	unknown := slices.IndexFunc(rows, func(r []string) bool {
		return len(r) > 2 && r[0] == "Unknown code" && strings.Trim(r[1], `"`) == "9" && r[2] == "2"
	})
	if unknown < 0 {
		t.Errorf(`no "Unknown code" row for 9 with count 2`)
	}
	if file := get("File", xtRegister); file[2] != "6" || !strings.Contains(file[3], "grid layout") {
		t.Errorf("file row %q", file)
	}
}

func TestXLSXRules(t *testing.T) {
	res, f, _ := xtDefault(t)
	rows := xtRows(t, f, "Rules")
	label := func(l string) []string {
		r := xtFindRow(rows, l)
		if r == 0 {
			t.Fatalf("no %s row on Rules", l)
		}
		return rows[r-1]
	}
	if got := label("Hash")[1]; got != res.Rules.Hash || !strings.HasPrefix(got, "sha256:") {
		t.Errorf("Rules hash %q, want %q", got, res.Rules.Hash)
	}
	if got := label("Rules")[1]; got != res.Rules.Name {
		t.Errorf("Rules name %q", got)
	}
	asOf := label("As of")
	if want := strconv.Itoa(int(register.MustDay(2024, 10, 7)) + 25569); asOf[1] != want || !strings.Contains(asOf[2], "attendrisk 1.2.3") {
		t.Errorf("As of row %q, want the date %s and the version", asOf, want)
	}
	ref := xtCell(2, xtFindRow(rows, "As of"))
	if got := xtNumFmt(t, f, "Rules", ref); got != "dd/mm/yyyy" {
		t.Errorf("as-of format %q", got)
	}
	if got := label("Note")[1]; got != Disclaimer {
		t.Errorf("Note %q, want the disclaimer", got)
	}
	// The factor catalogue, in file order.
	head := xtFindRow(rows, "ID")
	if diff := cmp.Diff([]string{"ID", "Kind", "Group", "Weight", "Label", "Source", "When"}, rows[head-1]); diff != "" {
		t.Errorf("factor header (-want +got):\n%s", diff)
	}
	var got, want [][]string
	for i, fc := range res.Rules.Factors {
		got = append(got, rows[head+i][:4])
		want = append(want, []string{fc.ID, fc.Kind, fc.Group, strconv.Itoa(fc.Weight)})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("factors (-want +got):\n%s", diff)
	}
	// Next steps, every one, in the order they are suggested.
	steps := xtFindRow(rows, "Next steps (in the order they are suggested)") + 1
	if steps == 1 {
		t.Fatal("no next steps table")
	}
	var orders []int
	for _, r := range rows[steps : steps+len(res.Rules.Steps)] {
		n, err := strconv.Atoi(r[1])
		if err != nil {
			t.Fatalf("step row %q: order %v", r, err)
		}
		orders = append(orders, n)
	}
	if !slices.IsSorted(orders) {
		t.Errorf("next steps not in order: %v", orders)
	}
	// The factors the context could not feed.
	if len(res.Rules.Skipped) == 0 {
		t.Fatal("fixture context skips no factor; the test needs one")
	}
	sk := res.Rules.Skipped[0]
	r := rows[xtFindRow(rows, sk.ID)-1]
	if !slices.Contains(r, sk.Reason()) {
		t.Errorf("skipped %s row %q lacks %q", sk.ID, r, sk.Reason())
	}
}

// An empty run still writes a workbook: headers, no chart, a note where the
// list would be.
func TestXLSXEmpty(t *testing.T) {
	res := &analysis.Result{Quality: quality.New()}
	f, data := xtWrite(t, res, nil, nil)
	rows := xtRows(t, f, "Priority")
	if got := rows[len(rows)-1][0]; got != "No pupils to list." {
		t.Errorf("empty Priority ends %q", got)
	}
	if got := len(xtRows(t, f, "All pupils")); got != 1 {
		t.Errorf("empty All pupils has %d rows, want the header", got)
	}
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/") {
			t.Errorf("empty run has a chart %s", zf.Name)
		}
	}
}

func TestXLSXDocProps(t *testing.T) {
	_, f, _ := xtDefault(t)
	p, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if p.Description != Disclaimer || p.Creator != "attendrisk 1.2.3" || !strings.HasPrefix(p.Created, xtAsOf) {
		t.Errorf("doc properties %+v", p)
	}
}

// TestXLSXDeterministic: the same result gives byte-identical workbooks, so
// a scheduled run's output can be compared and its checksum trusted. (The
// spreadsheet library writes its parts in map order; canonicalZip fixes it.)
func TestXLSXDeterministic(t *testing.T) {
	_, _, first := xtDefault(t)
	for i := 0; i < 3; i++ {
		_, _, again := xtDefault(t)
		if !bytes.Equal(first, again) {
			t.Fatalf("run %d wrote a different workbook", i+2)
		}
	}
}

// Year groups sort as a school lists them: nursery, reception, 1 to 13 by
// number, other text, blank last.
func TestXLSXYearOrder(t *testing.T) {
	in := []string{"", "Year 10", "13", "Other", "9", "R", "1", "N2", "Y2", "Reception", "10", "N1", "(blank)", "Nursery", "YR"}
	want := []string{"N1", "N2", "Nursery", "R", "Reception", "YR", "1", "Y2", "9", "10", "Year 10", "13", "Other", "", "(blank)"}
	got := slices.Clone(in)
	slices.SortStableFunc(got, xlYearOrder)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("year order (-want +got):\n%s", diff)
	}
}

// The chart sorts the summary's year groups, whatever order they come in.
func TestXLSXChartYearOrder(t *testing.T) {
	res := xtRun(t, analysis.Input{})
	groups := cohort.Summarise(res, []string{"year_group"}, 0)
	slices.Reverse(groups[1:])
	f, data := xtWrite(t, res, groups, nil)
	rows := xtRows(t, f, "Cohort summary")
	chartHead := xtFindRow(rows, "Persistent and severe absence by year group") + 1
	var years []string
	for _, r := range rows[chartHead:] {
		years = append(years, r[0])
	}
	if diff := cmp.Diff([]string{"7", "8", "9"}, years); diff != "" {
		t.Errorf("chart years (-want +got):\n%s", diff)
	}
	// No benchmark: no reference line.
	if chart := xtZipFile(t, data, "xl/charts/chart1.xml"); strings.Contains(chart, "lineChart") {
		t.Error("a reference line without a benchmark")
	}
}

// countingWriter counts the bytes that reach it.
type countingWriter struct{ n int }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

// TestXLSXStopsWhenCancelled: the workbook is built in full before its
// first byte is written, so the build itself looks at the run's context
// (Ctrl-C on a 2,000-pupil school): it stops with the context's error and
// nothing reaches the output.
func TestXLSXStopsWhenCancelled(t *testing.T) {
	res := benchResult(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out countingWriter
	err := XLSX(NewStickyWriter(ctx, &out), res, Meta{}, nil, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("XLSX with a cancelled run = %v, want context.Canceled", err)
	}
	if out.n != 0 {
		t.Errorf("%d bytes written after the run was cancelled", out.n)
	}
	// Stopped while building a sheet (the first with 1,024 rows), not at
	// the first write once every sheet was built.
	if msg := err.Error(); !strings.HasPrefix(msg, "xlsx ") || !strings.HasSuffix(msg, " sheet: context canceled") {
		t.Errorf("error %q, want it stopped while building a sheet", msg)
	}
}
