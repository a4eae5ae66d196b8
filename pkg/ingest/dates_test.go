package ingest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// TestGridTwoRowHeader: a register grid with the dates on one row (once per
// day, over two merged cells) and AM/PM on the row below, as CSV and as the
// same register saved from Excel with merged date cells.
func TestGridTwoRowHeader(t *testing.T) {
	wantReg := map[string]pupilView{
		"A100000000001": {Info: infoSN("Smith", "Zoë"), Marks: []string{
			"2024-09-02 AM /", `2024-09-02 PM \`, "2024-09-03 AM /", `2024-09-03 PM \`, "2024-09-04 AM /", `2024-09-04 PM \`}},
		"A100000000002": {Info: infoSN("O'Brien", "Siobhán"), Marks: []string{
			"2024-09-02 AM /", `2024-09-02 PM \`, "2024-09-03 AM N", "2024-09-03 PM N", "2024-09-04 AM I", "2024-09-04 PM I"}},
		// Joined on 03/09: the blanks before are outside enrolment.
		"A100000000003": {Info: infoSN("García", "José"), Marks: []string{
			"2024-09-03 AM /", `2024-09-03 PM \`, "2024-09-04 AM /", "2024-09-04 PM O"}},
		// The blank between marks is a missing mark.
		"A100000000004": {Info: infoSN("Khan", "Ali"), Marks: []string{
			"2024-09-02 AM /", `2024-09-02 PM \`, "2024-09-03 AM /", "2024-09-03 PM -", "2024-09-04 AM L", `2024-09-04 PM \`}},
	}
	for _, tt := range []struct {
		file  string
		title string // the title row's place
		miss  string // the missing mark's place
		upn   string // the place of a row's UPN, for fmt
		info  quality.FileInfo
	}{
		{"grid-two-row.csv", ":1", ":8 (03/09/2024 PM)", ":%d (pupil id)",
			quality.FileInfo{Layout: "grid", Encoding: "utf-8", Delimiter: "comma", HeaderRow: 3, Rows: 4}},
		{"grid-two-row.xlsx", "[Register]:1", "[Register]!G8", "[Register]!A%d",
			quality.FileInfo{Sheet: "Register", Layout: "grid", Encoding: "xlsx", HeaderRow: 3, Rows: 4}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("..", "..", "testdata", "exports", tt.file)
			b, err := readPaths(t, Options{}, path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantReg, viewRegister(b.Reg)); diff != "" {
				t.Errorf("register (-want +got):\n%s", diff)
			}
			// The made-up UPNs have no valid check letter: each is noted,
			// and kept as written (register.UPNValid).
			var badUPN []string
			for line := 5; line <= 8; line++ {
				badUPN = append(badUPN, path+fmt.Sprintf(tt.upn, line)+" the check letter does not match the digits")
			}
			want := accountView{RowsRead: 4, RowsUsed: 4, MarksRead: 22, MarksUsed: 22,
				Rejected: map[string][]string{},
				Found: map[string][]string{
					"bad_upn":      badUPN,
					"missing_mark": {path + tt.miss + " 03/09/2024 PM"},
					"title_row":    {path + tt.title},
				}}
			if diff := cmp.Diff(want, viewAccount(b.Q)); diff != "" {
				t.Errorf("account (-want +got):\n%s", diff)
			}
			info := tt.info
			info.Path = path
			info.Columns = map[string]string{"pupil_id": "UPN", "surname": "Legal Surname", "forename": "Legal Forename"}
			if diff := cmp.Diff([]quality.FileInfo{info}, b.Q.Files); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
		})
	}
}

func infoSN(surname, forename string) register.Info {
	return register.Info{Surname: surname, Forename: forename}
}

// TestDateOrderPerFile: a file's numeric dates are all read in one order,
// decided from the file itself or declared; a file that mixes orders is
// refused with a message that says how to read it.
func TestDateOrderPerFile(t *testing.T) {
	const head = "UPN,Date,Session,Mark\n"
	tests := []struct {
		name  string
		order DateOrder
		rows  string
		want  []string // A1's marks
		rej   map[string][]string
		found map[string][]string
		err   string // %[1]s is the file
	}{
		{name: "US dates: one day over 12 in the second place settles month-first, for every row",
			rows:  "A1,09/02/2024,AM,/\nA1,09/02/2024,PM,O\nA1,09/13/2024,AM,/\nA1,9/3/24,PM,I\n",
			want:  []string{"2024-09-02 AM /", "2024-09-02 PM O", "2024-09-03 PM I", "2024-09-13 AM /"},
			found: map[string][]string{"month_first": {`:4 "09/13/2024" can only be month-first`}}},
		{name: "UK dates: a day over 12 in the first place settles day-first",
			rows: "A1,02/09/2024,AM,/\nA1,13/09/2024,PM,O\n",
			want: []string{"2024-09-02 AM /", "2024-09-13 PM O"}},
		{name: "nothing settles it: day-first, the UK default",
			rows: "A1,02/09/2024,AM,/\nA1,03/09/2024,PM,O\n",
			want: []string{"2024-09-02 AM /", "2024-09-03 PM O"}},
		{name: "ISO dates and month names need no order and settle nothing",
			rows: "A1,2024-09-13,AM,/\nA1,16 Sep 2024,AM,/\nA1,09/02/2024,AM,/\n",
			want: []string{"2024-02-09 AM /", "2024-09-13 AM /", "2024-09-16 AM /"}},
		{name: "both kinds of evidence: refused, naming both dates and the fix",
			rows: "A1,09/02/2024,AM,/\nA1,09/13/2024,AM,/\nA1,30/09/2024,PM,/\n",
			err: `%[1]s:4: the date "30/09/2024" can only be day-first (30 September 2024), but "09/13/2024" at %[1]s:3 can only be month-first (13 September 2024): ` +
				`the file mixes date orders, so none of its dates can be trusted; say which order it uses with --date-order mdy or --date-order dmy (or date_order in a profile): the dates that are no real date in that order are then rejected`},
		{name: "declared month-first: the day-first-only date is rejected, not guessed",
			order: MDY,
			rows:  "A1,09/02/2024,AM,/\nA1,09/13/2024,AM,/\nA1,30/09/2024,PM,/\n",
			want:  []string{"2024-09-02 AM /", "2024-09-13 AM /"},
			rej:   map[string][]string{"bad_date": {`:4 "30/09/2024"`}}},
		{name: "declared day-first reads 09/02/2024 as 9 February",
			order: DMY,
			rows:  "A1,09/02/2024,AM,/\nA1,09/13/2024,AM,/\n",
			want:  []string{"2024-02-09 AM /"},
			rej:   map[string][]string{"bad_date": {`:3 "09/13/2024"`}}},
		{name: "declared year-first: yy-mm-dd, and ISO; a year-last date is rejected",
			order: YMD,
			rows:  "A1,24-09-03,AM,/\nA1,2024-09-04,AM,/\nA1,03/09/2024,PM,/\n",
			want:  []string{"2024-09-03 AM /", "2024-09-04 AM /"},
			rej:   map[string][]string{"bad_date": {`:4 "03/09/2024"`}}},
		{name: "a weekday that is wrong in one order settles the other",
			rows:  "A1,Tue 09/03/2024,AM,/\nA1,09/04/2024,AM,/\n",
			want:  []string{"2024-09-03 AM /", "2024-09-04 AM /"},
			found: map[string][]string{"month_first": {`:2 "Tue 09/03/2024" can only be month-first`}}},
		{name: "a US time of day after the date",
			rows:  "A1,9/13/2024 12:00:00 AM,AM,/\n",
			want:  []string{"2024-09-13 AM /"},
			found: map[string][]string{"month_first": {`:2 "9/13/2024 12:00:"... can only be month-first`}}},
		{name: "declared month-first is no finding",
			order: MDY,
			rows:  "A1,09/13/2024,AM,/\n",
			want:  []string{"2024-09-13 AM /"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "marks.csv", []byte(head+tt.rows))
			b, err := readPaths(t, Options{DateOrder: tt.order}, path)
			if tt.err != "" {
				if want := fmt.Sprintf(tt.err, path); err == nil || err.Error() != want {
					t.Fatalf("err = %v\nwant %s", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, viewRegister(b.Reg)["A1"].Marks); diff != "" {
				t.Errorf("marks (-want +got):\n%s", diff)
			}
			rej := map[string][]string{}
			for k, v := range tt.rej {
				for _, e := range v {
					rej[k] = append(rej[k], path+e)
				}
			}
			if diff := cmp.Diff(rej, viewAccount(b.Q).Rejected); diff != "" {
				t.Errorf("rejected (-want +got):\n%s", diff)
			}
			found := map[string][]string{}
			for k, v := range tt.found {
				for _, e := range v {
					found[k] = append(found[k], path+e)
				}
			}
			if diff := cmp.Diff(found, viewAccount(b.Q).Found); diff != "" {
				t.Errorf("found (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDateOrderBeyondSample: the order is settled by a date after the rows
// the first scan reads, and a contradiction in a later chunk of a file read
// in parallel still refuses the file.
func TestDateOrderBeyondSample(t *testing.T) {
	dir := t.TempDir()
	var sb strings.Builder
	sb.WriteString("UPN,Date,Session,Mark\n")
	for i := 0; i < sampleDates+10; i++ {
		fmt.Fprintf(&sb, "P%06d,09/02/2024,AM,/\n", i) // ambiguous: 9 February or 2 September
	}
	sb.WriteString("Z1,09/13/2024,AM,O\n")
	path := writeFile(t, dir, "late.csv", []byte(sb.String()))
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	if got := viewRegister(b.Reg)["P000000"].Marks; !cmp.Equal(got, []string{"2024-09-02 AM /"}) {
		t.Errorf("first pupil's marks = %v, want 2 September: the file is month-first", got)
	}

	// A day-first file whose one month-first date is past the first chunk.
	sb.Reset()
	sb.WriteString("UPN,Date,Session,Mark\n")
	n := 0
	for sb.Len() < 2*chunkSize {
		fmt.Fprintf(&sb, "P%07d,13/09/2024,AM,/\n", n)
		n++
	}
	sb.WriteString("Z1,09/14/2024,AM,O\n")
	path = writeFile(t, dir, "mixed.csv", []byte(sb.String()))
	_, err = readPaths(t, Options{Workers: 2}, path)
	want := fmt.Sprintf(`%[1]s:%[2]d: the date "09/14/2024" can only be month-first (14 September 2024), but "13/09/2024" at %[1]s:2 can only be day-first (13 September 2024): `, path, n+2)
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v\nwant it to start %s", err, want)
	}
}

// TestScanDate: every format, read in each order: what a date means, or
// "" where it is no date.
func TestScanDate(t *testing.T) {
	tests := []struct {
		in            string
		dmy, mdy, ymd string
	}{
		// Month names, any case: the same in every order.
		{"02-Sep-2024", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"02-SEP-24", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"2-sep-2024", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"02/Sep/2024", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"2 Sep 2024", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"2 Sept 2024", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"2 September 2024", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"2 SEPTEMBER 2024", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"2nd September 2024", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"21st Oct 2024", "2024-10-21", "2024-10-21", "2024-10-21"},
		{"Sep 2, 2024", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"September 2 2024", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"Mon 02 Sep 2024", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"Monday, 2 September 2024", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"mon 2 sep 2024", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"02-Sep-2024 00:00:00", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"2 Sep 2024 08:45", "2024-09-02", "2024-09-02", "2024-09-02"},
		{"02-Oct-2024", "2024-10-02", "2024-10-02", "2024-10-02"},
		{"1 May 2025", "2025-05-01", "2025-05-01", "2025-05-01"},
		// A weekday that is not the date's: no date.
		{"Tue 02 Sep 2024", "", "", ""},
		{"31 Feb 2024", "", "", ""},
		{"2 Sep", "", "", ""},
		{"Sep 2024", "", "", ""},
		{"2 Smarch 2024", "", "", ""},
		{"2 Sep 2024 Notes", "", "", ""},
		{"2 Sep 02024", "", "", ""},
		{"123 Sep 2024", "", "", ""},
		// Numeric dates in each order.
		{"03/09/2024", "2024-09-03", "2024-03-09", ""},
		{"09/13/2024", "", "2024-09-13", ""},
		{"13/09/2024", "2024-09-13", "", ""},
		{"24-09-03", "2003-09-24", "", "2024-09-03"},
		{"2024-09-03", "2024-09-03", "2024-09-03", "2024-09-03"},
		{"Tue 03/09/2024", "2024-09-03", "", ""}, // 9 March 2024 is a Saturday
		{"Sat 09/03/2024", "2024-03-09", "", ""},
		{"9/13/2024 12:00:00 AM", "", "2024-09-13", ""},
		{"03/09/2024 8:45 pm", "2024-09-03", "2024-03-09", ""},
		{"03/09/2024T08:45", "2024-09-03", "2024-03-09", ""},
		{"03/09/2024 08", "", "", ""},
		{"003/09/2024", "", "", ""},
		{"03/009/2024", "", "", ""},
		{"2024-09-003", "", "", ""},
	}
	for _, tt := range tests {
		got := [3]string{}
		for i, o := range []dateOrder{orderDMY, orderMDY, orderYMD} {
			if d, ok := readDate([]byte(tt.in), noSerial, o); ok {
				got[i] = d.ISO()
			}
		}
		if want := [3]string{tt.dmy, tt.mdy, tt.ymd}; got != want {
			t.Errorf("%q read dmy, mdy, ymd = %q, want %q", tt.in, got, want)
		}
	}
}

// TestGridHeaderDates: a grid header's dates are read in one order too.
func TestGridHeaderDates(t *testing.T) {
	tests := []struct {
		name   string
		order  DateOrder
		header string
		want   []string // the columns, in date order
		err    string
	}{
		{name: "month-first columns", header: "UPN,09/02/2024 AM,09/02/2024 PM,09/13/2024 AM",
			want: []string{"2024-09-02 AM", "2024-09-02 PM", "2024-09-13 AM"}},
		{name: "day-first by default", header: "UPN,09/02/2024 AM,09/03/2024 AM",
			want: []string{"2024-02-09 AM", "2024-03-09 AM"}},
		{name: "month names and weekdays", header: "UPN,Mon 2 Sep 2024 AM,Mon 2 Sep 2024 PM,03-Sep-2024",
			want: []string{"2024-09-02 AM", "2024-09-02 PM", "2024-09-03 both"}},
		{name: "declared month-first", order: MDY, header: "UPN,09/02/2024 AM,09/03/2024 AM",
			want: []string{"2024-09-02 AM", "2024-09-03 AM"}},
		{name: "mixed orders", header: "UPN,13/09/2024 AM,09/14/2024 AM",
			err: `%[1]s:1 (column 3): the header "09/14/2024 AM" can only be a month-first date, but "13/09/2024 AM" at %[1]s:1 (column 2) can only be day-first: the header mixes date orders; say which it uses with --date-order dmy or --date-order mdy (or date_order in a profile)`},
		{name: "a declared order the header contradicts", order: MDY, header: "UPN,13/09/2024 AM,09/14/2024 AM",
			err: `%[1]s:1 (column 2): the header "13/09/2024 AM" is not a date in the date order given (mdy); check --date-order or the profile's date_order`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "grid.csv", []byte(tt.header+"\nA1"+strings.Repeat(",/", strings.Count(tt.header, ","))+"\n"))
			_, err := readPaths(t, Options{DateOrder: tt.order}, path)
			if tt.err != "" {
				if want := fmt.Sprintf(tt.err, path); err == nil || err.Error() != want {
					t.Fatalf("err = %v\nwant %s", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			h, _, err := findHeader([][]string{strings.Split(tt.header, ",")}, []int{1}, path, Options{DateOrder: tt.order}, noSerial)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, g := range h.grid {
				s := g.session.String()
				if g.both {
					s = "both"
				}
				got = append(got, g.day.ISO()+" "+s)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTitleRows: up to ten rows may stand above the header, each reported;
// an eleventh means the file has no header where one is expected.
func TestTitleRows(t *testing.T) {
	dir := t.TempDir()
	titles := func(n int) string {
		var sb strings.Builder
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&sb, "Title %d,,,\n,,,\n", i) // a blank row after each does not count
		}
		return sb.String()
	}
	path := writeFile(t, dir, "ten.csv", []byte(titles(10)+"UPN,Date,Session,Mark\nA1,02/09/2024,AM,/\n"))
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := 1; i <= 10; i++ {
		want = append(want, fmt.Sprintf("%s:%d", path, 2*i-1))
	}
	if diff := cmp.Diff(want, viewAccount(b.Q).Found["title_row"]); diff != "" {
		t.Errorf("title rows (-want +got):\n%s", diff)
	}
	path = writeFile(t, dir, "eleven.csv", []byte(titles(11)+"UPN,Date,Session,Mark\nA1,02/09/2024,AM,/\n"))
	_, err = readPaths(t, Options{}, path)
	wantErr := path + `:1: no header row found in the first 11 rows (at most 10 title rows may stand above the header): expected a header row with a pupil id (UPN, Pupil ID, Adno, Admission Number, Student ID) and either Date, Session and Mark columns (marks layout) or session columns such as "03/09/2024 AM" (grid layout); the first row has 1 cell (not quoted: a row may hold a pupil's details)` +
		"\n(use --map field=Header for other column names, e.g. --map pupil_id=\"Pupil Ref\")"
	if err == nil || err.Error() != wantErr {
		t.Errorf("err = %v\nwant %s", err, wantErr)
	}
}

// TestGridEdges: cells past the header's last column are reported with
// their place; a column dated decades away has its marks rejected and does
// not stretch enrolment.
func TestGridEdges(t *testing.T) {
	data := "UPN,02/09/2024 AM,02/09/2024 PM,03/09/1924 AM,03/09/2024 AM\n" +
		"A1,/,\\,O,/\n" +
		"A2,/,,,/,extra\n" +
		"A3,,,,/,,/\n"
	path := writeFile(t, t.TempDir(), "grid.csv", []byte(data))
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	wantReg := map[string]pupilView{
		"A1": {Marks: []string{"2024-09-02 AM /", `2024-09-02 PM \`, "2024-09-03 AM /"}},
		"A2": {Marks: []string{"2024-09-02 AM /", "2024-09-02 PM -", "2024-09-03 AM /"}},
		"A3": {Marks: []string{"2024-09-03 AM /"}},
	}
	if diff := cmp.Diff(wantReg, viewRegister(b.Reg)); diff != "" {
		t.Errorf("register (-want +got):\n%s", diff)
	}
	want := accountView{RowsRead: 3, RowsUsed: 3, MarksRead: 8, MarksUsed: 7, MarksRejected: 1,
		Rejected: map[string][]string{"far_date": {path + `:2 (03/09/1924 AM) "03/09/1924 AM" (the file's dates are around 2024)`}},
		Found: map[string][]string{
			"beyond_header": {path + ":3 column 6", path + ":4 column 7"},
			"missing_mark":  {path + ":3 (02/09/2024 PM) 02/09/2024 PM"},
		}}
	if diff := cmp.Diff(want, viewAccount(b.Q)); diff != "" {
		t.Errorf("account (-want +got):\n%s", diff)
	}
}

// TestFarDates: a mark dated decades from the rest of the file is rejected
// with its line, not counted.
func TestFarDates(t *testing.T) {
	data := "UPN,Date,Session,Mark\n" +
		"A1,02/09/2024,AM,/\n" +
		"A1,02/09/2024,PM,/\n" +
		"A1,03/09/1924,AM,O\n" +
		"A1,04/09/2094,AM,O\n" +
		"A1,05/09/2026,AM,/\n" + // two years on: a long export, kept
		"A1,2 Jan 2025,AM,/\n"
	path := writeFile(t, t.TempDir(), "marks.csv", []byte(data))
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2024-09-02 AM /", "2024-09-02 PM /", "2025-01-02 AM /", "2026-09-05 AM /"}, viewRegister(b.Reg)["A1"].Marks); diff != "" {
		t.Errorf("marks (-want +got):\n%s", diff)
	}
	want := map[string][]string{"far_date": {
		path + `:4 "03/09/1924" (the file's dates are around 2024)`,
		path + `:5 "04/09/2094" (the file's dates are around 2024)`,
	}}
	if diff := cmp.Diff(want, viewAccount(b.Q).Rejected); diff != "" {
		t.Errorf("rejected (-want +got):\n%s", diff)
	}
}

// TestDateOrderXLSX: dates typed as text in a workbook are decided like a
// CSV's (the scan reads the sheet again); date cells need no decision.
func TestDateOrderXLSX(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	rows := [][]any{
		{"UPN", "Date", "Session", "Mark"},
		{"A1", "09/02/2024", "AM", "/"},
		{"A1", time.Date(2024, 9, 3, 0, 0, 0, 0, time.UTC), "AM", "/"},
		{"A1", "09/13/2024", "AM", "O"},
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(dir, "us.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2024-09-02 AM /", "2024-09-03 AM /", "2024-09-13 AM O"}, viewRegister(b.Reg)["A1"].Marks); diff != "" {
		t.Errorf("marks (-want +got):\n%s", diff)
	}
	if got, want := viewAccount(b.Q).Found["month_first"], []string{path + `[Sheet1]!D4 "09/13/2024" can only be month-first`}; !cmp.Equal(got, want) {
		t.Errorf("month_first = %q, want %q", got, want)
	}
	// The same with a day-first date after it: refused, naming the cells.
	if err := f.SetCellValue("Sheet1", "B5", "30/09/2024"); err != nil {
		t.Fatal(err)
	}
	for c, v := range []string{"A1", "", "PM", "/"} {
		if v != "" {
			cell, _ := excelize.CoordinatesToCellName(c+1, 5)
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	_, err = readPaths(t, Options{}, path)
	want := path + `[Sheet1]!D5: the date "30/09/2024" can only be day-first (30 September 2024), but "09/13/2024" at ` + path + `[Sheet1]!D4 can only be month-first (13 September 2024): `
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %v\nwant it to start %s", err, want)
	}
}

// TestGridTwoRowVariants: the labels may be on either row, dates may be on
// every column, and a session row that does not fit its dates is an error
// naming the place; a pupil's row under a one-row header is not taken for
// a session row.
func TestGridTwoRowVariants(t *testing.T) {
	tests := []struct {
		name string
		data string
		want map[string][]string // pupil → marks
		err  string
	}{
		{name: "labels on the session row, a date on every column",
			data: ",02/09/2024,02/09/2024,03/09/2024,03/09/2024\nUPN,AM,PM,AM,PM\nA1,/,\\,N,\\\n",
			want: map[string][]string{"A1": {"2024-09-02 AM /", `2024-09-02 PM \`, "2024-09-03 AM N", `2024-09-03 PM \`}}},
		{name: "month names, weekdays and a session spelt out",
			data: "UPN,Mon 2 Sep 2024,,Tue 3 Sep 2024,\n,Morning,Afternoon,Morning,Afternoon\nA1,/,\\,/,O\n",
			want: map[string][]string{"A1": {"2024-09-02 AM /", `2024-09-02 PM \`, "2024-09-03 AM /", "2024-09-03 PM O"}}},
		{name: "a one-row day grid: its first pupil is no session row",
			data: "UPN,02/09/2024,03/09/2024\nA1,/\\,PP\n",
			want: map[string][]string{"A1": {"2024-09-02 AM /", `2024-09-02 PM \`, "2024-09-03 AM P", "2024-09-03 PM P"}}},
		{name: "a session twice under one date",
			data: "UPN,02/09/2024,\n,AM,AM\nA1,/,/\n",
			err:  `%[1]s:2 (column 3): the session row under the dates has AM twice under "02/09/2024" (columns 2 and 3): each date needs one AM and one PM column`},
		{name: "a date with no session under it",
			data: "UPN,02/09/2024,,03/09/2024,\n,AM,PM,,\nA1,/,/,/,/\n",
			err:  `%[1]s:1 (column 4): the date "03/09/2024" has no AM or PM under it in the session row (line 2): each date needs its session columns`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "grid.csv", []byte(tt.data))
			b, err := readPaths(t, Options{}, path)
			if tt.err != "" {
				if want := fmt.Sprintf(tt.err, path); err == nil || err.Error() != want {
					t.Fatalf("err = %v\nwant %s", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for id, p := range viewRegister(b.Reg) {
				got[id] = p.Marks
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("marks (-want +got):\n%s", diff)
			}
			if b.Q.MarksRejected != 0 {
				t.Errorf("%d marks rejected: %v", b.Q.MarksRejected, viewAccount(b.Q).Rejected)
			}
		})
	}
}

// TestContextTitleRows: a context file's title rows are reported too, and
// limited the same way.
func TestContextTitleRows(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "ctx.csv", []byte("Pupil context,\nExported 01/10/2024,\nUPN,Young Carer\nA1,Y\n"))
	q := quality.New()
	if _, err := ReadContext(path, "", nil, q); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{path + ":1", path + ":2"}, viewAccount(q).Found["title_row"]); diff != "" {
		t.Errorf("title rows (-want +got):\n%s", diff)
	}
	path = writeFile(t, dir, "deep.csv", []byte(strings.Repeat("Title,\n", 11)+"UPN,Young Carer\nA1,Y\n"))
	_, err := ReadContext(path, "", nil, quality.New())
	want := path + `:1: no header row found in the first 11 rows (at most 10 title rows may stand above the header): expected a header row with a pupil id column (UPN, Pupil ID, Adno, Admission Number, Student ID) and context columns; the first row has 1 cell (not quoted: a row may hold a pupil's details)`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

// TestProfileDateOrder: a profile's date_order declares the order; without
// one the order is the file's own; a bad one is refused.
func TestProfileDateOrder(t *testing.T) {
	for _, tt := range []struct {
		yaml string
		want DateOrder
	}{
		{"name: x\ndate_order: mdy\n", MDY},
		{"name: x\ndate_order: dmy\n", DMY},
		{"name: x\ndate_order: ymd\n", YMD},
		{"name: x\n", DateAuto},
	} {
		p, err := ParseProfile("p.yaml", []byte(tt.yaml))
		if err != nil {
			t.Fatal(err)
		}
		var o Options
		p.Apply(&o)
		if o.DateOrder != tt.want {
			t.Errorf("%q: DateOrder = %q, want %q", tt.yaml, o.DateOrder, tt.want)
		}
	}
	_, err := ParseProfile("p.yaml", []byte("name: x\ndate_order: us\n"))
	if want := `p.yaml: date_order "us": expected dmy, ymd or mdy`; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	for _, s := range []string{"", "auto", "dmy", "mdy", "ymd"} {
		if _, err := ParseDateOrder(s); err != nil {
			t.Errorf("ParseDateOrder(%q): %v", s, err)
		}
	}
	if _, err := ParseDateOrder("DMY"); err == nil || err.Error() != `"DMY": expected dmy, mdy or ymd (or auto)` {
		t.Errorf("ParseDateOrder(DMY) err = %v", err)
	}
}
