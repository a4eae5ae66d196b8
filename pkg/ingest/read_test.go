package ingest

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// writeFile writes a test input into dir and returns its path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// readPaths reads files into one builder. It checks the accounting identity
// (rows read = used + rejected, and the same for marks) whatever happened.
func readPaths(t testing.TB, opts Options, paths ...string) (*register.Builder, error) {
	t.Helper()
	q := quality.New()
	q.Limit = 100
	b := register.NewBuilder(q)
	var err error
	for _, p := range paths {
		if err = ReadFile(p, opts, b); err != nil {
			break
		}
	}
	if q.RowsRead != q.RowsUsed+q.RowsRejected {
		t.Errorf("rows read %d != used %d + rejected %d", q.RowsRead, q.RowsUsed, q.RowsRejected)
	}
	if q.MarksRead != q.MarksUsed+q.MarksRejected {
		t.Errorf("marks read %d != used %d + rejected %d", q.MarksRead, q.MarksUsed, q.MarksRejected)
	}
	return b, err
}

// pupilView is what a test expects of one pupil.
type pupilView struct {
	Info  register.Info
	Marks []string // "2024-09-03 AM I", in date order
}

func viewRegister(reg *register.Register) map[string]pupilView {
	out := map[string]pupilView{}
	for _, p := range reg.Pupils() {
		v := pupilView{Info: p.Info}
		p.Each(func(d register.Day, s register.Session, id mark.ID) {
			v.Marks = append(v.Marks, d.ISO()+" "+s.String()+" "+mark.Get(id).Code)
		})
		out[p.ID] = v
	}
	return out
}

// viewEnrolments is viewRegister by enrolment, keyed "school|id": a child
// at two schools is two entries.
func viewEnrolments(reg *register.Register) map[string]pupilView {
	out := map[string]pupilView{}
	for _, p := range reg.Enrolments() {
		v := pupilView{Info: p.Info}
		p.Each(func(d register.Day, s register.Session, id mark.ID) {
			v.Marks = append(v.Marks, d.ISO()+" "+s.String()+" "+mark.Get(id).Code)
		})
		out[p.Info.School+"|"+p.ID] = v
	}
	return out
}

// accountView is the data-quality account in a comparable form.
type accountView struct {
	RowsRead, RowsUsed, RowsRejected    int
	MarksRead, MarksUsed, MarksRejected int
	Rejected                            map[string][]string // reason → "where detail"
	Found                               map[string][]string
}

func viewAccount(q *quality.Report) accountView {
	v := accountView{RowsRead: q.RowsRead, RowsUsed: q.RowsUsed, RowsRejected: q.RowsRejected,
		MarksRead: q.MarksRead, MarksUsed: q.MarksUsed, MarksRejected: q.MarksRejected,
		Rejected: map[string][]string{}, Found: map[string][]string{}}
	for _, set := range []struct {
		rs  []*quality.Reason
		dst map[string][]string
	}{{q.Rejections(), v.Rejected}, {q.Findings(), v.Found}} {
		for _, r := range set.rs {
			for _, e := range r.Examples {
				set.dst[r.Key] = append(set.dst[r.Key], strings.TrimSpace(e.Where+" "+e.Detail))
			}
			if r.Count != len(r.Examples) {
				set.dst[r.Key] = append(set.dst[r.Key], "...")
			}
		}
	}
	return v
}

func TestReadMarksCSV(t *testing.T) {
	dir := t.TempDir()
	// A report export: title rows and a blank row above the header, then
	// good rows and one of each kind of bad row. The title names the
	// school, so its rows are Test School's (see title.go).
	data := "Attendance report for Test School,,,,,,\n" +
		"Printed 01/10/2024,,,,,,\n" +
		",,,,,,\n" +
		"UPN,Legal Surname,Legal Forename,Year,Date,Session,Mark\n" + // line 4
		"A1,Smith,Ann,7,02/09/2024,AM,/\n" + // 5
		"A1,Smith,Ann,7,02/09/2024,PM,\\\n" + // 6
		"A1,Smith,Ann,7,03/09/2024,AM,Q9\n" + // 7: unknown code
		"A1,Smith,Ann,7,31/02/2024,PM,I\n" + // 8: impossible date
		",Smith,Ann,7,03/09/2024,PM,I\n" + // 9: no pupil id
		"A2,Jones,Bo,8,03/09/2024,PM,n\n" + // 10: lower-case code
		"A2,Jones,Bo,8,03/09/2024,XX,I\n" + // 11: bad session
		"\n" + // 12: blank, skipped
		"A2,Jones,Bo,8,03/09/2024,AM\n" + // 13: short row
		"A2,Jones,Bo,8,04/09/2024,AM,\n" + // 14: blank mark = missing
		"A2,Jones,Bo,8,04/09/2024,PM,H\n" + // 15: legacy code
		"A2,Jones,Bo,8,04/09/2024,PM,H\n" // 16: the same again
	path := writeFile(t, dir, "marks.csv", []byte(data))
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	wantReg := map[string]pupilView{
		"A1": {Info: register.Info{Surname: "Smith", Forename: "Ann", YearGroup: "7", School: "Test School"},
			Marks: []string{"2024-09-02 AM /", `2024-09-02 PM \`}},
		"A2": {Info: register.Info{Surname: "Jones", Forename: "Bo", YearGroup: "8", School: "Test School"},
			Marks: []string{"2024-09-03 PM N", "2024-09-04 AM -", "2024-09-04 PM H"}},
	}
	if diff := cmp.Diff(wantReg, viewRegister(b.Reg)); diff != "" {
		t.Errorf("register (-want +got):\n%s", diff)
	}
	f := func(line int) string { return path + ":" + itoa(line) }
	wantAcct := accountView{
		RowsRead: 11, RowsUsed: 5, RowsRejected: 6,
		MarksRead: 11, MarksUsed: 5, MarksRejected: 6,
		Rejected: map[string][]string{
			"unknown_code":     {f(7) + ` "Q9"`},
			"bad_date":         {f(8) + ` "31/02/2024"`},
			"missing_pupil_id": {f(9)},
			"bad_session":      {f(11) + " " + quality.Withheld},
			"short_row":        {f(13) + " 6 of 7 columns"},
			"duplicate_mark":   {f(16) + " 04/09/2024 PM H"},
		},
		Found: map[string][]string{
			"missing_mark": {f(14) + " 04/09/2024 AM"},
			"legacy_code":  {f(15) + " H"},
			"title_row":    {f(1), f(2)}, // the blank line 3 is no title
		},
	}
	if diff := cmp.Diff(wantAcct, viewAccount(b.Q)); diff != "" {
		t.Errorf("account (-want +got):\n%s", diff)
	}
	wantFiles := []quality.FileInfo{{Path: path, Layout: "marks", Encoding: "utf-8", Delimiter: "comma", HeaderRow: 4, Rows: 11,
		School: "Test School", SchoolFrom: "title row 1",
		Columns: map[string]string{"pupil_id": "UPN", "surname": "Legal Surname", "forename": "Legal Forename",
			"year_group": "Year", "date": "Date", "session": "Session", "mark": "Mark"}}}
	if diff := cmp.Diff(wantFiles, b.Q.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if got := b.Q.UnknownCodes(); !cmp.Equal(got, map[string]int{"Q9": 1}) {
		t.Errorf("unknown codes = %v", got)
	}
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(n)) }

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestReadVariants reads the same small register written in the ways MIS
// exports and spreadsheets write it; every one must give the same register.
func TestReadVariants(t *testing.T) {
	want := map[string]pupilView{
		"A1": {Info: register.Info{Surname: "Öztürk", Forename: "Zoë"},
			Marks: []string{"2024-09-03 AM /", `2024-09-03 PM \`, "2024-09-04 AM C1", "2024-09-04 PM I"}},
		"B2": {Info: register.Info{Surname: "O'Brien, Jr", Forename: "Seán"},
			Marks: []string{"2024-09-03 AM N", "2024-09-03 PM O"}},
	}
	rows := [][]string{
		{"A1", "Öztürk", "Zoë", "03/09/2024", "AM", "/"},
		{"A1", "Öztürk", "Zoë", "03/09/2024", "PM", `\`},
		{"A1", "Öztürk", "Zoë", "04/09/2024", "AM", "C1"},
		{"A1", "Öztürk", "Zoë", "04/09/2024", "PM", "I"},
		{"B2", "O'Brien, Jr", "Seán", "03/09/2024", "AM", "N"},
		{"B2", "O'Brien, Jr", "Seán", "03/09/2024", "PM", "O"},
	}
	header := []string{"UPN", "Surname", "Forename", "Date", "Session", "Mark"}
	text := func(delim, eol string) string {
		var sb strings.Builder
		for _, r := range append([][]string{header}, rows...) {
			cells := make([]string, len(r))
			for i, c := range r {
				if strings.Contains(c, delim) {
					c = `"` + c + `"`
				}
				cells[i] = c
			}
			sb.WriteString(strings.Join(cells, delim) + eol)
		}
		return sb.String()
	}
	tests := []struct {
		name      string
		data      []byte
		opts      Options
		encoding  string
		delimiter string
	}{
		{"UTF-8 comma LF", []byte(text(",", "\n")), Options{}, "utf-8", "comma"},
		{"UTF-8 CRLF", []byte(text(",", "\r\n")), Options{}, "utf-8", "comma"},
		{"UTF-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, text(",", "\r\n")...), Options{}, "utf-8 (with byte-order mark)", "comma"},
		{"Windows-1252", toCP1252(t, text(",", "\r\n")), Options{}, "windows-1252", "comma"},
		{"UTF-16LE with BOM, tab-separated", utf16le(text("\t", "\r\n"), true), Options{}, "utf-16le", "tab"},
		{"UTF-16BE with BOM, tab-separated", utf16be(text("\t", "\r\n"), true), Options{}, "utf-16be", "tab"},
		{"semicolon", []byte(text(";", "\n")), Options{}, "utf-8", "semicolon"},
		{"pipe", []byte(text("|", "\n")), Options{}, "utf-8", "pipe"},
		{"no final line break", []byte(strings.TrimSuffix(text(",", "\n"), "\n")), Options{}, "utf-8", "comma"},
		{"blank lines at the end", []byte(text(",", "\n") + "\n,,,,,\n\n"), Options{}, "utf-8", "comma"},
		{"layout given", []byte(text(",", "\n")), Options{Layout: LayoutMarks, Workers: 1}, "utf-8", "comma"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "r.csv", tt.data)
			b, err := readPaths(t, tt.opts, path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, viewRegister(b.Reg)); diff != "" {
				t.Errorf("register (-want +got):\n%s", diff)
			}
			q := b.Q
			if q.RowsRead != 6 || q.RowsUsed != 6 || q.MarksUsed != 6 {
				t.Errorf("rows read %d used %d, marks used %d; want 6, 6, 6", q.RowsRead, q.RowsUsed, q.MarksUsed)
			}
			if len(q.Files) != 1 || q.Files[0].Encoding != tt.encoding || q.Files[0].Delimiter != tt.delimiter || q.Files[0].HeaderRow != 1 {
				t.Errorf("file info = %+v, want encoding %q, delimiter %q, header row 1", q.Files, tt.encoding, tt.delimiter)
			}
		})
	}
}

// toCP1252 encodes text as Windows-1252 (Latin-1 letters only).
func toCP1252(t *testing.T, s string) []byte {
	var b []byte
	for _, r := range s {
		if r > 0xFF {
			t.Fatalf("%q is not in Latin-1", r)
		}
		b = append(b, byte(r))
	}
	return b
}

func TestReadCP1252Name(t *testing.T) {
	// "Zoë" as Excel's plain CSV writes it on Windows: ë is the single byte 0xEB.
	data := []byte("UPN,Forename,Surname,Date,Session,Mark\r\nA1,Zo\xeb,O\x92Neill,03/09/2024,AM,/\r\n")
	path := writeFile(t, t.TempDir(), "cp1252.csv", data)
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	p := b.Reg.Get("A1")
	if p == nil {
		t.Fatal("pupil A1 not read")
	}
	if p.Info.Forename != "Zoë" || p.Info.Surname != "O’Neill" {
		t.Errorf("names = %q %q, want %q %q", p.Info.Forename, p.Info.Surname, "Zoë", "O’Neill")
	}
}

func TestReadMap(t *testing.T) {
	data := "Pupil Ref,Day,AM/PM,Code,UPN\n" +
		"R1,03/09/2024,AM,/,OTHER\n" +
		"R1,03/09/2024,PM,G,OTHER\n"
	path := writeFile(t, t.TempDir(), "mapped.csv", []byte(data))
	// Without --map, the UPN column is the id and "Day" is not a date column.
	if _, err := readPaths(t, Options{}, path); err == nil {
		t.Error("read without --map succeeded; want no header found (no Date column)")
	}
	opts := Options{Map: map[Field]string{PupilID: "Pupil Ref", Date: "Day"}}
	b, err := readPaths(t, opts, path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pupilView{"R1": {Marks: []string{"2024-09-03 AM /", "2024-09-03 PM G"}}}
	if diff := cmp.Diff(want, viewRegister(b.Reg)); diff != "" {
		t.Errorf("register (-want +got):\n%s", diff)
	}
	if got := b.Q.Files[0].Columns["pupil_id"]; got != "Pupil Ref" {
		t.Errorf("pupil_id read from %q, want %q", got, "Pupil Ref")
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		opts Options
		want string // the whole error text, %s standing for the path
	}{
		{
			name: "missing pupil id column",
			path: writeFile(t, dir, "noid.csv", []byte("Name,Date,Session,Mark\nAnn,03/09/2024,AM,/\n")),
			want: `%s:1: no header row found in the first 2 rows: expected a header row with a pupil id (UPN, Pupil ID, Adno, Admission Number, Student ID) and either Date, Session and Mark columns (marks layout) or session columns such as "03/09/2024 AM" (grid layout); the first row has "Date", "Session", "Mark" and 1 other cell (not quoted: a row may hold a pupil's details)` +
				"\n" + `(use --map field=Header for other column names, e.g. --map pupil_id="Pupil Ref")`,
		},
		{
			name: "missing mark column below title rows",
			path: writeFile(t, dir, "nomark.csv", []byte("\n\nRegister export\nUPN,Date,Session\nA1,03/09/2024,AM\n")),
			want: `%s:3: no header row found in the first 5 rows: expected a header row with a pupil id (UPN, Pupil ID, Adno, Admission Number, Student ID) and either Date, Session and Mark columns (marks layout) or session columns such as "03/09/2024 AM" (grid layout); the first row has 1 cell (not quoted: a row may hold a pupil's details)` +
				"\n" + `(use --map field=Header for other column names, e.g. --map pupil_id="Pupil Ref")`,
		},
		{
			name: "empty file",
			path: writeFile(t, dir, "empty.csv", nil),
			want: "%s: file is empty, expected a header row and register rows",
		},
		{
			name: "only blank lines",
			path: writeFile(t, dir, "blank.csv", []byte("\n\r\n,,,\n")),
			want: "%s: no rows: expected a header row and register rows",
		},
		{
			name: "a directory",
			path: dir,
			want: "%s: is a directory, expected a CSV or XLSX file",
		},
		{
			name: "no such file",
			path: filepath.Join(dir, "nope.csv"),
			want: "%s: cannot open: no such file or directory",
		},
		{
			name: "old Excel workbook",
			path: writeFile(t, dir, "old.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest")),
			want: "%s: is an old Excel .xls workbook; save it as .xlsx or CSV and try again",
		},
		{
			name: "grid quoted field never closed",
			path: writeFile(t, dir, "open.csv", []byte("UPN,Name,03/09/2024 AM\nA1,\"Smith,/\nA2,Jones,/\n")),
			want: `%s:2: the file ends in the middle of this row (a quoted field is never closed, or a " is missing): the export looks cut off; export it again, or give --allow-incomplete to read it without this row`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readPaths(t, tt.opts, tt.path)
			if err == nil {
				t.Fatal("no error")
			}
			want := strings.ReplaceAll(tt.want, "%s", tt.path)
			if err.Error() != want {
				t.Errorf("error:\n got %s\nwant %s", err, want)
			}
			var e *Error
			if !asError(err, &e) || e.Loc.File != tt.path {
				t.Errorf("error %T does not name the file %s", err, tt.path)
			}
		})
	}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

// TestReadMapMissingColumn: when the column the user mapped is not there,
// the error must say so, naming the file, the line and the mapped header,
// rather than suggesting --map to someone who has just used it.
func TestReadMapMissingColumn(t *testing.T) {
	path := writeFile(t, t.TempDir(), "r.csv", []byte("UPN,Date,Session,Mark\nA1,03/09/2024,AM,/\n"))
	_, err := readPaths(t, Options{Map: map[Field]string{PupilID: "Learner Ref"}}, path)
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.HasPrefix(err.Error(), path+":1: ") || !strings.Contains(err.Error(), `"Learner Ref"`) {
		t.Errorf("error does not name the file, line and the mapped column %q:\n%s", "Learner Ref", err)
	}
}

// TestReadWholeDayMarks: a marks export with no session column holds both
// sessions in one cell, as a grid day cell does.
func TestReadWholeDayMarks(t *testing.T) {
	data := "UPN,Date,Mark\n" +
		"A1,02/09/2024,/\\\n" +
		"A1,03/09/2024,C1/\n" +
		"A1,04/09/2024,C2 C2\n" +
		"A1,05/09/2024,N@\n" + // N and an unknown second half: the row is still used
		"A1,06/09/2024,///\n" // not two marks: both rejected
	path := writeFile(t, t.TempDir(), "day.csv", []byte(data))
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pupilView{"A1": {Marks: []string{
		"2024-09-02 AM /", `2024-09-02 PM \`, "2024-09-03 AM C1", "2024-09-03 PM /",
		"2024-09-04 AM C2", "2024-09-04 PM C2", "2024-09-05 AM N"}}}
	if diff := cmp.Diff(want, viewRegister(b.Reg)); diff != "" {
		t.Errorf("register (-want +got):\n%s", diff)
	}
	if b.Q.RowsRead != 5 || b.Q.RowsUsed != 4 || b.Q.RowsRejected != 1 {
		t.Errorf("rows %d = %d + %d, want 5 = 4 + 1", b.Q.RowsRead, b.Q.RowsUsed, b.Q.RowsRejected)
	}
}

func TestReadGridCSV(t *testing.T) {
	data := "UPN,Surname,Forename,02/09/2024 AM,02/09/2024 PM,03/09/2024 AM,03/09/2024 PM,04/09/2024 AM,04/09/2024 PM\n" +
		// Joined on the afternoon of 03/09: the blanks before are not on
		// roll, the blank after the last mark is not counted either.
		"J1,Joiner,Jo,,,,\\,/,\n" +
		// Blanks between marks are missing marks.
		"G1,Gap,Gus,/,,I,\\, ,L\n" +
		"U1,Unknown,Una,/,Q9,\\,,,\n" +
		",NoId,Ned,/,\\,,,,\n" +
		"E1,Empty,Eve,,,,,,\n" +
		"S1,Short,Sam,/,\\\n"
	path := writeFile(t, t.TempDir(), "grid.csv", []byte(data))
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pupilView{
		"J1": {Info: register.Info{Surname: "Joiner", Forename: "Jo"}, Marks: []string{`2024-09-03 PM \`, "2024-09-04 AM /"}},
		"G1": {Info: register.Info{Surname: "Gap", Forename: "Gus"}, Marks: []string{
			"2024-09-02 AM /", "2024-09-02 PM -", "2024-09-03 AM I", `2024-09-03 PM \`, "2024-09-04 AM -", "2024-09-04 PM L"}},
		"U1": {Info: register.Info{Surname: "Unknown", Forename: "Una"}, Marks: []string{"2024-09-02 AM /", "2024-09-03 AM \\"}},
		"E1": {Info: register.Info{Surname: "Empty", Forename: "Eve"}},
		"S1": {Info: register.Info{Surname: "Short", Forename: "Sam"}, Marks: []string{"2024-09-02 AM /", `2024-09-02 PM \`}},
	}
	if diff := cmp.Diff(want, viewRegister(b.Reg)); diff != "" {
		t.Errorf("register (-want +got):\n%s", diff)
	}
	g := func(line int, col string) string { return path + ":" + itoa(line) + " (" + col + ")" }
	wantAcct := accountView{
		RowsRead: 6, RowsUsed: 5, RowsRejected: 1,
		// J1 2, G1 6, U1 3, Ned 2 (rejected with his row), S1 2.
		MarksRead: 15, MarksUsed: 12, MarksRejected: 3,
		Rejected: map[string][]string{
			"unknown_code":     {g(4, "02/09/2024 PM") + ` "Q9"`},
			"missing_pupil_id": {g(5, "pupil id"), g(5, "pupil id")},
		},
		Found: map[string][]string{
			"missing_mark": {g(3, "02/09/2024 PM") + " 02/09/2024 PM", g(3, "04/09/2024 AM") + " 04/09/2024 AM"},
		},
	}
	if diff := cmp.Diff(wantAcct, viewAccount(b.Q)); diff != "" {
		t.Errorf("account (-want +got):\n%s", diff)
	}
	if fi := b.Q.Files[0]; fi.Layout != "grid" || fi.HeaderRow != 1 || fi.Rows != 6 {
		t.Errorf("file info = %+v", fi)
	}
}

func TestReadGridDayColumns(t *testing.T) {
	// Day columns hold both sessions; the columns need not be in date order.
	data := "Adno,Tue 03/09/2024,Mon 02/09/2024,04/09/2024\n" +
		"D1,NN,/\\,C2C2\n" +
		"D2,C1/,,I M\n" + // joined on 03/09
		"D3,/,/\\,\n" // a one-mark day cell cannot be split
	path := writeFile(t, t.TempDir(), "days.csv", []byte(data))
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pupilView{
		"D1": {Marks: []string{"2024-09-02 AM /", `2024-09-02 PM \`, "2024-09-03 AM N", "2024-09-03 PM N", "2024-09-04 AM C2", "2024-09-04 PM C2"}},
		"D2": {Marks: []string{"2024-09-03 AM C1", "2024-09-03 PM /", "2024-09-04 AM I", "2024-09-04 PM M"}},
		"D3": {Marks: []string{"2024-09-02 AM /", `2024-09-02 PM \`}},
	}
	if diff := cmp.Diff(want, viewRegister(b.Reg)); diff != "" {
		t.Errorf("register (-want +got):\n%s", diff)
	}
	if b.Q.MarksRead != 14 || b.Q.MarksRejected != 2 || b.Q.Rejection("unknown_code") != 2 {
		t.Errorf("marks read %d rejected %d (unknown %d), want 14, 2, 2", b.Q.MarksRead, b.Q.MarksRejected, b.Q.Rejection("unknown_code"))
	}
}

// TestReadSeveralFiles: term files merge per pupil, and the same file given
// twice counts once.
func TestReadSeveralFiles(t *testing.T) {
	dir := t.TempDir()
	autumn := writeFile(t, dir, "autumn.csv", []byte("UPN,Date,Session,Mark\nA1,02/09/2024,AM,/\nA1,02/09/2024,PM,O\n"))
	spring := writeFile(t, dir, "spring.csv", []byte("UPN,Date,Session,Mark\nA1,06/01/2025,AM,I\nB2,06/01/2025,AM,/\n"))
	b, err := readPaths(t, Options{}, autumn, spring, autumn)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pupilView{
		"A1": {Marks: []string{"2024-09-02 AM /", "2024-09-02 PM O", "2025-01-06 AM I"}},
		"B2": {Marks: []string{"2025-01-06 AM /"}},
	}
	if diff := cmp.Diff(want, viewRegister(b.Reg)); diff != "" {
		t.Errorf("register (-want +got):\n%s", diff)
	}
	if b.Q.DuplicateMarks != 2 || b.Q.RowsRead != 6 || b.Q.RowsRejected != 2 || len(b.Q.Files) != 3 {
		t.Errorf("duplicates %d, rows read %d rejected %d, files %d; want 2, 6, 2, 3", b.Q.DuplicateMarks, b.Q.RowsRead, b.Q.RowsRejected, len(b.Q.Files))
	}
}

// --- XLSX ---

func saveXLSX(t *testing.T, f *excelize.File, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func set(t *testing.T, f *excelize.File, sheet, cell string, v any) {
	t.Helper()
	var err error
	if s, ok := v.(string); ok {
		err = f.SetCellStr(sheet, cell, s) // text, even when it looks like a number
	} else {
		err = f.SetCellValue(sheet, cell, v)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func TestReadXLSXMarks(t *testing.T) {
	f := excelize.NewFile()
	const s = "Sheet1"
	set(t, f, s, "A1", "Attendance export")
	header := []string{"UPN", "Forename", "Date", "Session", "Mark"}
	for i, h := range header {
		set(t, f, s, string(rune('A'+i))+"3", h)
	}
	rows := [][]any{
		{"0012345", "Zoë", date(2024, 9, 3), "AM", "/"},      // row 4: a UPN stored as text keeps its zeros
		{"0012345", "Zoë", date(2024, 9, 3), "PM", "c1"},     // 5
		{"0012345", "Zoë", "04/09/2024", "AM", "I"},          // 6: a date typed as text
		{"0012345", "Zoë", date(2024, 9, 4), "PM", "Q9"},     // 7: unknown code
		{12345, "Num", date(2024, 9, 5), "AM", "O"},          // 8: a numeric id
		{"0012345", "Zoë", date(2024, 9, 5), "PM", "-"},      // 9: no mark recorded
		{"0012345", "Zoë", "not a date", "PM", "I"},          // 10
		{"0012345", "Zoë", date(2024, 9, 6), "Evening", "I"}, // 11
		{"0012345", "Zoë", date(2024, 9, 6), "PM", "-"},      // 12
		{"0012345", "Zoë", date(2024, 9, 6), "PM", "-"},      // 13: duplicate
		{"0012345", "Zoë", date(2024, 9, 9), "AM", "#"},      // 14
		{"0012345", "Zoë", date(2024, 9, 9), "Morning", "#"}, // 15: duplicate
		{"0012345", "Zoë", date(2024, 9, 10), "am", "V"},     // 16
		{"0012345", "Zoë", date(2024, 9, 10), "P", "\\"},     // 17
		{"0012345", "Zoë", date(2024, 9, 10), "PM", "O"},     // 18: conflict, \ kept
		{"0012345", "Zoë", date(2024, 9, 11), "AM", "Y1"},    // 19
		{"0012345", "Zoë", date(2024, 9, 11), "PM", " j1 "},  // 20
		{"0012345", "Zoë", date(2024, 9, 12), "AM", "/"},     // 21
		{"0012345", "Zoë", date(2024, 9, 12), "PM", "\\"},    // 22
		{"0012345", "Zoë", date(2024, 9, 13), "AM", "L"},     // 23
		{"0012345", "Zoë", date(2024, 9, 13), "PM", "U"},     // 24
		{"0012345", "Zoë", date(2024, 9, 16), "AM", "B"},     // 25
		{"0012345", "Zoë", date(2024, 9, 16), "PM", "M"},     // 26
		{"0012345", "Zoë", date(2024, 9, 17), "AM", "X"},     // 27
		{"0012345", "Zoë", date(2024, 9, 17), "PM", "G"},     // 28
		{"0012345", "Zoë", date(2024, 9, 18), "AM", "Z"},     // 29
		{"0012345", "Zoë", date(2024, 9, 18), "PM", "N"},     // 30
		{"0012345", "Zoë", date(2024, 9, 19), "AM", "D"},     // 31
		{"0012345", "Zoë", date(2024, 9, 19), "PM", "E"},     // 32
		{"0012345", "Zoë", date(2024, 9, 20), "AM", "K"},     // 33
		{"0012345", "Zoë", date(2024, 9, 20), "PM", "W"},     // 34
		{"0012345", "Zoë", date(2024, 9, 23), "AM", "P"},     // 35
		{"0012345", "Zoë", date(2024, 9, 23), "PM", "S"},     // 36
		{"0012345", "Zoë", date(2024, 9, 24), "AM", "T"},     // 37
		{"0012345", "Zoë", date(2024, 9, 24), "PM", "R"},     // 38
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+4)
			set(t, f, s, cell, v)
		}
	}
	path := saveXLSX(t, f, "marks.xlsx")
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	got := viewRegister(b.Reg)
	wantIDs := []string{"0012345", "12345"}
	var ids []string
	for id := range got {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if diff := cmp.Diff(wantIDs, ids); diff != "" {
		t.Fatalf("pupil ids (-want +got):\n%s", diff)
	}
	wantMarks := []string{
		"2024-09-03 AM /", "2024-09-03 PM C1", "2024-09-04 AM I", "2024-09-05 PM -", "2024-09-06 PM -",
		"2024-09-09 AM #", "2024-09-10 AM V", `2024-09-10 PM \`, "2024-09-11 AM Y1", "2024-09-11 PM J1",
		"2024-09-12 AM /", `2024-09-12 PM \`, "2024-09-13 AM L", "2024-09-13 PM U", "2024-09-16 AM B", "2024-09-16 PM M",
		"2024-09-17 AM X", "2024-09-17 PM G", "2024-09-18 AM Z", "2024-09-18 PM N", "2024-09-19 AM D", "2024-09-19 PM E",
		"2024-09-20 AM K", "2024-09-20 PM W", "2024-09-23 AM P", "2024-09-23 PM S", "2024-09-24 AM T", "2024-09-24 PM R",
	}
	if diff := cmp.Diff(wantMarks, got["0012345"].Marks); diff != "" {
		t.Errorf("marks of 0012345 (-want +got):\n%s", diff)
	}
	if got["0012345"].Info.Forename != "Zoë" {
		t.Errorf("forename = %q", got["0012345"].Info.Forename)
	}
	// Places in an XLSX are sheet and cell: the mark's cell, column E.
	x := func(cell string) string { return path + "[Sheet1]!" + cell }
	wantRejected := map[string][]string{
		"unknown_code":     {x("E7") + ` "Q9"`},
		"bad_date":         {x("E10") + " " + quality.Withheld},
		"bad_session":      {x("E11") + " " + quality.Withheld},
		"duplicate_mark":   {x("E13") + " 06/09/2024 PM -", x("E15") + " 09/09/2024 AM #"},
		"conflicting_mark": {x("E18") + ` 10/09/2024 PM: \ and O, kept \`},
	}
	if diff := cmp.Diff(wantRejected, viewAccount(b.Q).Rejected); diff != "" {
		t.Errorf("rejections (-want +got):\n%s", diff)
	}
	q := b.Q
	if q.RowsRead != len(rows) || q.RowsUsed != len(rows)-6 {
		t.Errorf("rows read %d used %d, want %d and %d", q.RowsRead, q.RowsUsed, len(rows), len(rows)-6)
	}
	fi := q.Files[0]
	if fi.Sheet != "Sheet1" || fi.Encoding != "xlsx" || fi.Layout != "marks" || fi.HeaderRow != 3 || fi.Rows != len(rows) {
		t.Errorf("file info = %+v", fi)
	}
}

// TestReadXLSXDateTimeCell: a date cell that also holds a time of day (an
// export of session start times) is the same date, as "03/09/2024 08:45" is
// in a CSV.
func TestReadXLSXDateTimeCell(t *testing.T) {
	f := excelize.NewFile()
	const s = "Sheet1"
	for i, h := range []string{"UPN", "Date", "Session", "Mark"} {
		set(t, f, s, string(rune('A'+i))+"1", h)
	}
	set(t, f, s, "A2", "A1")
	set(t, f, s, "B2", time.Date(2024, 9, 3, 8, 45, 0, 0, time.UTC))
	set(t, f, s, "C2", "AM")
	set(t, f, s, "D2", "/")
	path := saveXLSX(t, f, "datetime.xlsx")
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pupilView{"A1": {Marks: []string{"2024-09-03 AM /"}}}
	if diff := cmp.Diff(want, viewRegister(b.Reg)); diff != "" {
		t.Errorf("register (-want +got):\n%s\naccount: %+v", diff, viewAccount(b.Q).Rejected)
	}
}

// TestReadXLSX1904Dates: a workbook saved with the 1904 date system (older
// Excel for Mac) stores the same date as a number 1462 lower; it must still
// read as the date shown in Excel.
func TestReadXLSX1904Dates(t *testing.T) {
	f := excelize.NewFile()
	yes := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
		t.Fatal(err)
	}
	const s = "Sheet1"
	for i, h := range []string{"UPN", "Date", "Session", "Mark"} {
		set(t, f, s, string(rune('A'+i))+"1", h)
	}
	set(t, f, s, "A2", "A1")
	set(t, f, s, "B2", date(2024, 9, 3))
	set(t, f, s, "C2", "AM")
	set(t, f, s, "D2", "/")
	path := saveXLSX(t, f, "mac1904.xlsx")
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pupilView{"A1": {Marks: []string{"2024-09-03 AM /"}}}
	if diff := cmp.Diff(want, viewRegister(b.Reg)); diff != "" {
		t.Errorf("register (-want +got):\n%s", diff)
	}
}

// TestReadXLSXBlankMarkCell: a blank Mark cell in the last column is a
// missing mark, as the same blank is in a CSV export, not a short row.
// (Spreadsheet rows simply end at their last non-blank cell.)
func TestReadXLSXBlankMarkCell(t *testing.T) {
	f := excelize.NewFile()
	const s = "Sheet1"
	for i, h := range []string{"UPN", "Date", "Session", "Mark"} {
		set(t, f, s, string(rune('A'+i))+"1", h)
	}
	for r, row := range [][]any{{"A1", date(2024, 9, 3), "AM", "/"}, {"A1", date(2024, 9, 3), "PM", ""}, {"A1", date(2024, 9, 4), "AM", "I"}} {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			set(t, f, s, cell, v)
		}
	}
	path := saveXLSX(t, f, "blank.xlsx")
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pupilView{"A1": {Marks: []string{"2024-09-03 AM /", "2024-09-03 PM -", "2024-09-04 AM I"}}}
	if diff := cmp.Diff(want, viewRegister(b.Reg)); diff != "" {
		t.Errorf("register (-want +got):\n%s", diff)
	}
	if rej := viewAccount(b.Q).Rejected; len(rej) != 0 {
		t.Errorf("rejections = %v, want none", rej)
	}
	// The CSV of the same sheet reads the blank as a missing mark.
	csvPath := writeFile(t, t.TempDir(), "blank.csv", []byte("UPN,Date,Session,Mark\nA1,03/09/2024,AM,/\nA1,03/09/2024,PM,\nA1,04/09/2024,AM,I\n"))
	bc, err := readPaths(t, Options{}, csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, viewRegister(bc.Reg)); diff != "" {
		t.Errorf("CSV register (-want +got):\n%s", diff)
	}
}

// TestReadPupilInfoWhenFirstRowRejected: a pupil's name and year group come
// from their rows; when the first row of a pupil is rejected (an unknown
// code, a bad date or session), the next rows must still supply them, or
// the pupil is listed nameless and without a year group (which the rules
// read for compulsory school age).
func TestReadPupilInfoWhenFirstRowRejected(t *testing.T) {
	info := register.Info{Surname: "Smith", Forename: "Ann", YearGroup: "7"}
	for _, first := range []struct{ name, row string }{
		{"unknown code", "A1,Smith,Ann,7,02/09/2024,AM,Q9"},
		{"bad session", "A1,Smith,Ann,7,02/09/2024,XX,/"},
		{"bad date", "A1,Smith,Ann,7,31/02/2024,AM,/"},
	} {
		t.Run(first.name, func(t *testing.T) {
			data := "UPN,Surname,Forename,Year,Date,Session,Mark\n" + first.row + "\n" +
				"A1,Smith,Ann,7,02/09/2024,PM,\\\n" +
				"A1,Smith,Ann,7,03/09/2024,AM,I\n"
			path := writeFile(t, t.TempDir(), "r.csv", []byte(data))
			b, err := readPaths(t, Options{}, path)
			if err != nil {
				t.Fatal(err)
			}
			if p := b.Reg.Get("A1"); p == nil || p.Info != info {
				t.Errorf("pupil A1 info = %+v, want %+v", p.Info, info)
			}
		})
	}
}

// TestReadCP1252AfterSample: Excel's plain CSV on Windows is Windows-1252;
// in a large export the first accented name can come after the part of the
// file read to detect the encoding. The name must still read as "Zoë", and
// every name must be valid UTF-8 in the outputs.
func TestReadCP1252AfterSample(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("UPN,Forename,Date,Session,Mark\r\n")
	n := 0
	for sb.Len() < sampleSize+1000 {
		n++
		sb.WriteString("P" + fmtInt(100000+n) + ",Ann,03/09/2024,AM,/\r\n")
	}
	sb.WriteString("Z1,Zo\xeb,03/09/2024,AM,/\r\n")
	path := writeFile(t, t.TempDir(), "late1252.csv", []byte(sb.String()))
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	p := b.Reg.Get("Z1")
	if p == nil {
		t.Fatal("pupil Z1 not read")
	}
	if p.Info.Forename != "Zoë" {
		t.Errorf("forename = %q, want %q", p.Info.Forename, "Zoë")
	}
}

func TestReadXLSXGrid(t *testing.T) {
	f := excelize.NewFile()
	// The register is on the second sheet; the first holds a note.
	set(t, f, "Sheet1", "A1", "Notes")
	if _, err := f.NewSheet("Year 9"); err != nil {
		t.Fatal(err)
	}
	const s = "Year 9"
	// Column headers: a real date cell (a day column), then text session
	// columns.
	set(t, f, s, "A1", "UPN")
	set(t, f, s, "B1", "Surname")
	set(t, f, s, "C1", date(2024, 9, 2))
	set(t, f, s, "D1", "03/09/2024 AM")
	set(t, f, s, "E1", "03/09/2024 PM")
	for r, row := range [][]string{
		{"0009876", "Öztürk", `/\`, "I", "I"},
		{"0001111", "Late", "", "", "L"}, // joined on the afternoon of 03/09
		{"0002222", "Gap", "/", "", "O"}, // a blank AM/PM pair is missing, as are blank sessions between
		{"0003333", "Bad", "?!", "Q9", "/"},
	} {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			set(t, f, s, cell, v)
		}
	}
	path := saveXLSX(t, f, "grid.xlsx")
	if _, err := readPaths(t, Options{}, path); err == nil {
		t.Error("reading the first sheet (a note) succeeded; want no header found")
	}
	b, err := readPaths(t, Options{Sheet: "Year 9"}, path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pupilView{
		"0009876": {Info: register.Info{Surname: "Öztürk"}, Marks: []string{"2024-09-02 AM /", `2024-09-02 PM \`, "2024-09-03 AM I", "2024-09-03 PM I"}},
		"0001111": {Info: register.Info{Surname: "Late"}, Marks: []string{"2024-09-03 PM L"}},
		"0002222": {Info: register.Info{Surname: "Gap"}, Marks: []string{"2024-09-03 AM -", "2024-09-03 PM O"}},
		"0003333": {Info: register.Info{Surname: "Bad"}, Marks: []string{"2024-09-03 PM /"}},
	}
	// 0002222's day cell "/" cannot be split into two marks: both rejected.
	if diff := cmp.Diff(want, viewRegister(b.Reg)); diff != "" {
		t.Errorf("register (-want +got):\n%s", diff)
	}
	x := func(cell string) string { return path + "[Year 9]!" + cell }
	wantRejected := map[string][]string{
		"unknown_code": {x("C4") + ` "/"`, x("C4") + ` "/"`, x("C5") + ` "?"`, x("C5") + ` "!"`, x("D5") + ` "Q9"`},
	}
	if diff := cmp.Diff(wantRejected, viewAccount(b.Q).Rejected); diff != "" {
		t.Errorf("rejections (-want +got):\n%s", diff)
	}
	if b.Q.RowsRead != 4 || b.Q.RowsUsed != 4 || b.Q.MarksRead != 13 {
		t.Errorf("rows read %d used %d, marks read %d; want 4, 4, 13", b.Q.RowsRead, b.Q.RowsUsed, b.Q.MarksRead)
	}
	if _, err := readPaths(t, Options{Sheet: "Year 10"}, path); err == nil ||
		err.Error() != path+`: no sheet named "Year 10" (sheets: "Sheet1", "Year 9")` {
		t.Errorf("unknown sheet: err = %v", err)
	}
}

func TestReadNotAWorkbook(t *testing.T) {
	path := writeFile(t, t.TempDir(), "broken.xlsx", []byte("PK\x03\x04 this is not a zip"))
	_, err := readPaths(t, Options{}, path)
	if err == nil || !strings.HasPrefix(err.Error(), path+": not a readable XLSX workbook") {
		t.Errorf("err = %v", err)
	}
}

// TestReadUnknownCodesKeyedByMark: the unknown-codes count (JSON
// unknown_codes) is keyed by the mark itself, however long, so a program can
// look it up; only the message examples are shortened.
func TestReadUnknownCodesKeyedByMark(t *testing.T) {
	data := "UPN,Date,Session,Mark\nA1,03/09/2024,AM,Q9\nA1,03/09/2024,PM,ABCDEFGHIJKLMNOPQRS\n"
	b, err := readPaths(t, Options{}, writeFile(t, t.TempDir(), "r.csv", []byte(data)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"Q9": 1, quality.Withheld: 1} // a word may be a name
	if diff := cmp.Diff(want, b.Q.UnknownCodes()); diff != "" {
		t.Errorf("unknown codes (-want +got):\n%s", diff)
	}
}
