package ingest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

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
		info  quality.FileInfo
	}{
		{"grid-two-row.csv", ":1", ":8 (03/09/2024 PM)",
			quality.FileInfo{Layout: "grid", Encoding: "utf-8", Delimiter: "comma", HeaderRow: 3, Rows: 4}},
		{"grid-two-row.xlsx", "[Register]:1", "[Register]!G8",
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
			want := accountView{RowsRead: 4, RowsUsed: 4, MarksRead: 22, MarksUsed: 22,
				Rejected: map[string][]string{},
				Found: map[string][]string{
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
		err   string // %[1]s is the file
	}{
		{name: "US dates: one day over 12 in the second place settles month-first, for every row",
			rows: "A1,09/02/2024,AM,/\nA1,09/02/2024,PM,O\nA1,09/13/2024,AM,/\nA1,9/3/24,PM,I\n",
			want: []string{"2024-09-02 AM /", "2024-09-02 PM O", "2024-09-03 PM I", "2024-09-13 AM /"}},
		{name: "UK dates: a day over 12 in the first place settles day-first",
			rows: "A1,02/09/2024,AM,/\nA1,13/09/2024,PM,O\n",
			want: []string{"2024-09-02 AM /", "2024-09-13 PM O"}},
		{name: "nothing settles it: day-first, the UK default",
			rows: "A1,02/09/2024,AM,/\nA1,03/09/2024,PM,O\n",
			want: []string{"2024-09-02 AM /", "2024-09-03 PM O"}},
		{name: "ISO dates and month names need no order and settle nothing",
			rows: "A1,2024-09-13,AM,/\nA1,14 Sep 2024,AM,/\nA1,09/02/2024,AM,/\n",
			want: []string{"2024-02-09 AM /", "2024-09-13 AM /", "2024-09-14 AM /"}},
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
			rows: "A1,Tue 09/03/2024,AM,/\nA1,09/04/2024,AM,/\n",
			want: []string{"2024-09-03 AM /", "2024-09-04 AM /"}},
		{name: "a US time of day after the date",
			rows: "A1,9/13/2024 12:00:00 AM,AM,/\n",
			want: []string{"2024-09-13 AM /"}},
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
