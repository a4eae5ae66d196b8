package ingest

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// TestTitleSchool: a title row names the school only when it clearly does
// (a "School:" label, or a one-cell title with a part ending in a word
// schools are named with); report names, print dates, a pupil's name and
// two different schools name none.
func TestTitleSchool(t *testing.T) {
	tests := []struct {
		name string
		rows [][]string
		want string
		row  int
	}{
		{"report title then school", [][]string{{"Attendance report - Northfield Primary School", "", ""}}, "Northfield Primary School", 0},
		{"label in the cell", [][]string{{"Generated 24/07/2025 by MIS"}, {"School: Northfield Primary"}}, "Northfield Primary", 1},
		{"label in its own cell", [][]string{{"School:", "", "Northfield Primary", ""}}, "Northfield Primary", 0},
		{"school name label", [][]string{{"School name - Oak Academy"}}, "Oak Academy", 0},
		{"label names any school", [][]string{{"Establishment: Riverside Learning Hub"}}, "Riverside Learning Hub", 0},
		{"report wording before", [][]string{{"Register for Oakfield Primary"}}, "Oakfield Primary", 0},
		{"school first", [][]string{{"St Mary's C of E Primary | Autumn term"}}, "St Mary's C of E Primary", 0},
		{"of in the name kept", [][]string{{"Bishop of Hereford's Bluecoat School"}}, "Bishop of Hereford's Bluecoat School", 0},
		{"URN note dropped", [][]string{{"Attendance - Elm Infants (URN 123456)"}}, "Elm Infants", 0},
		{"PRU", [][]string{{"Weekly attendance at Riverside PRU"}}, "Riverside PRU", 0},
		{"the same school twice", [][]string{{"Northfield Primary School"}, {"School: northfield primary school"}}, "Northfield Primary School", 0},
		{"no title", nil, "", -1},
		{"report name only", [][]string{{"Attendance Marks Report"}, {"Generated 24/07/2025 by MIS"}}, "", -1},
		{"a pupil's report", [][]string{{"Attendance for Ava Dunn"}}, "", -1},
		{"one word", [][]string{{"Phase: Primary"}}, "", -1},
		{"two schools", [][]string{{"Oak Academy"}, {"Elm Primary School"}}, "", -1},
		{"several cells, no label", [][]string{{"Northfield Primary School", "Printed", "24/07/2025"}}, "", -1},
		{"digits in the name", [][]string{{"Report 2024 - Year 7 School"}}, "", -1},
		{"label without a name", [][]string{{"School:"}}, "", -1},
		{"a sentence", [][]string{{"This report lists every session mark recorded for pupils on roll at the school"}}, "", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, row, ok := TitleSchool(tc.rows)
			if d := cmp.Diff([]any{tc.want, tc.row, tc.want != ""}, []any{got, row, ok}); d != "" {
				t.Errorf("TitleSchool (-want +got):\n%s", d)
			}
		})
	}
}

// TestFileSchoolPrecedence: the school of a file's rows that name none
// comes from the school column, else --school, else a profile, else the
// title rows, else (local ids, several files) the file's name; the
// data-quality account's file entry says which, for CSV and XLSX alike.
// testdata/authority/maple.csv has "Attendance report - Maple Primary
// School" above its header and admission number 1001, as oak.csv has.
func TestFileSchoolPrecedence(t *testing.T) {
	fx := func(n string) string { return filepath.Join("..", "..", "testdata", "authority", n) }
	dir := t.TempDir()
	// The same register as a workbook, the school named by a label in A1
	// and its name in C1, the header on row 3.
	wb := excelize.NewFile()
	set(t, wb, "Sheet1", "A1", "School:")
	set(t, wb, "Sheet1", "C1", "Birchwood Academy")
	for i, h := range []string{"Adno", "Date", "Session", "Mark"} {
		set(t, wb, "Sheet1", string(rune('A'+i))+"3", h)
	}
	for i, r := range [][]string{{"1001", "02/09/2024", "AM", "/"}, {"1001", "02/09/2024", "PM", "O"}} {
		for j, v := range r {
			set(t, wb, "Sheet1", string(rune('A'+j))+strconv.Itoa(4+i), v)
		}
	}
	xlsx := filepath.Join(dir, "birchwood.xlsx")
	if err := wb.SaveAs(xlsx); err != nil {
		t.Fatal(err)
	}
	// A school column wins over a title naming another school.
	both := writeFile(t, dir, "both.csv", []byte("Register for Oakfield Primary\nSchool,Adno,Date,Session,Mark\nElm Primary,1001,02/09/2024,AM,/\n"))

	type file struct{ School, From string }
	type result struct {
		Files   []file
		Schools map[string]bool // the schools of the pupils with id 1001
	}
	tests := []struct {
		name  string
		files []string
		opts  Options
		want  result
	}{
		{"title row, one file", []string{fx("maple.csv")}, Options{},
			result{[]file{{"Maple Primary School", "title row 1"}}, map[string]bool{"Maple Primary School": true}}},
		{"title row and a school column", []string{fx("maple.csv"), fx("oak.csv")}, Options{},
			result{[]file{{"Maple Primary School", "title row 1"}, {"", "column"}}, map[string]bool{"Maple Primary School": true, "Oak Primary": true}}},
		{"--school wins over the title", []string{fx("maple.csv")}, Options{School: "Maple"},
			result{[]file{{"Maple", "--school"}}, map[string]bool{"Maple": true}}},
		{"a profile's school wins over the title", []string{fx("maple.csv")}, Options{School: "Maple", SchoolFrom: SchoolFromProfile},
			result{[]file{{"Maple", "profile"}}, map[string]bool{"Maple": true}}},
		{"title in a workbook, label and name in two cells", []string{xlsx, fx("maple.csv")}, Options{},
			result{[]file{{"Birchwood Academy", "title row 1"}, {"Maple Primary School", "title row 1"}}, map[string]bool{"Birchwood Academy": true, "Maple Primary School": true}}},
		{"no title: the file's name", []string{fx("elm.csv"), fx("maple.csv")}, Options{},
			result{[]file{{"elm", "file name"}, {"Maple Primary School", "title row 1"}}, map[string]bool{"elm": true, "Maple Primary School": true}}},
		{"the column wins over the title", []string{both}, Options{},
			result{[]file{{"", "column"}}, map[string]bool{"Elm Primary": true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := register.NewBuilder(quality.New())
			if err := ReadFiles(tc.files, tc.opts, b); err != nil {
				t.Fatal(err)
			}
			got := result{Schools: map[string]bool{}}
			for _, f := range b.Q.Files {
				got.Files = append(got.Files, file{f.School, f.SchoolFrom})
			}
			for _, p := range b.Reg.Enrolments() {
				if p.ID == "1001" {
					got.Schools[p.Info.School] = true
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("schools (-want +got):\n%s", d)
			}
			if b.School != tc.opts.School {
				t.Errorf("the builder's school is %q after the files, want %q: a title names its own file only", b.School, tc.opts.School)
			}
		})
	}
}

// FuzzTitleSchool: whatever the title rows hold, a name taken from them is
// within the bounds the rule promises (two words or more, at most 80
// characters, no digits) and is text of one of the rows.
func FuzzTitleSchool(f *testing.F) {
	f.Add("Attendance report - Maple Primary School", "", "Printed 01/10/2024")
	f.Add("School:", "", "Birchwood Academy")
	f.Add("Register for Oakfield Primary (URN 1)", "x", "")
	f.Add("Oak Academy", "Elm Primary School", "")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		rows := [][]string{{a, b}, {c}}
		name, row, ok := TitleSchool(rows)
		if !ok {
			if name != "" || row != -1 {
				t.Fatalf("no school, yet %q at row %d", name, row)
			}
			return
		}
		if len(name) > maxSchoolName || len(strings.Fields(name)) < 2 || strings.IndexFunc(name, unicode.IsDigit) >= 0 {
			t.Fatalf("name %q is out of bounds", name)
		}
		if row < 0 || row >= len(rows) {
			t.Fatalf("row %d", row)
		}
		text := strings.Join(strings.Fields(strings.Join(rows[row], " ")), " ")
		if !strings.Contains(text, name) {
			t.Fatalf("name %q is not in row %d %q", name, row, text)
		}
	})
}
