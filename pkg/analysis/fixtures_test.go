package analysis

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// pupilWant is what a test expects of one pupil.
type pupilWant struct {
	Surname, Forename string
	Possible, Absent  int
	Missing           int
}

// fileWant is what a test expects of a run over real-world export shapes.
type fileWant struct {
	Layout, Encoding, Delimiter string
	RowsRead, RowsUsed          int
	MarksRead, MarksUsed        int
	Rejections                  map[string]int
	Findings                    map[string]int
	Pupils                      map[string]pupilWant
}

var threePupils = map[string]pupilWant{
	"A100000000001": {"Smith", "Zoë", 4, 0, 0},
	"A100000000002": {"O'Brien", "Siobhán", 4, 2, 0},
	"A100000000003": {"García", "José", 4, 2, 0},
}

// TestRealWorldExports reads each fixture in testdata/exports (one per shape
// an officer's export comes in) and checks what was understood, every row's
// fate and every pupil's figures.
func TestRealWorldExports(t *testing.T) {
	// Cases that need more than the files say how to read them here.
	options := map[string]func(*Input){
		"xlsx: merged title, date cells, dates as text, ids as text with leading zeros, second sheet": func(in *Input) { in.Ingest.Sheet = "Register" },
		"a date outside the --from/--to window is left out and reported": func(in *Input) {
			in.From, in.To = register.MustDay(2025, 1, 1), register.MustDay(2025, 7, 31)
		},
	}
	tests := []struct {
		name  string
		files []string
		want  fileWant
	}{
		{"utf-8 with byte-order mark and CRLF", []string{"utf8-bom-crlf.csv"},
			fileWant{"marks", "utf-8 (with byte-order mark)", "comma", 12, 12, 12, 12, map[string]int{}, map[string]int{}, threePupils}},
		{"utf-16 tab-separated (Excel Unicode Text)", []string{"utf16le-tab.txt"},
			fileWant{"marks", "utf-16le", "tab", 12, 12, 12, 12, map[string]int{}, map[string]int{}, threePupils}},
		{"windows-1252 semicolon (Excel CSV on Windows)", []string{"cp1252-semicolon.csv"},
			fileWant{"marks", "windows-1252", "semicolon", 12, 12, 12, 12, map[string]int{}, map[string]int{}, threePupils}},
		{"title and blank rows above the header", []string{"title-rows.csv"},
			fileWant{"marks", "utf-8", "comma", 12, 12, 12, 12, map[string]int{}, map[string]int{"title_row": 2}, threePupils}},
		{"quoted commas, quotes and line breaks, trailing empty columns", []string{"quoted-multiline.csv"},
			fileWant{"marks", "utf-8", "comma", 4, 4, 4, 4, map[string]int{}, map[string]int{}, map[string]pupilWant{
				"A100000000001": {"Smith, Jr", `Zoë "Zo"`, 2, 0, 0},
				"A100000000002": {"Line\nBreak", "Siobhán", 2, 2, 0},
			}}},
		{"grid by session: joiner, leaver and a gap", []string{"grid-sessions.csv"},
			fileWant{"grid", "utf-8", "comma", 4, 4, 19, 19, map[string]int{}, map[string]int{"missing_mark": 1}, map[string]pupilWant{
				"A100000000001": {"Smith", "Zoë", 6, 0, 0},
				"A100000000002": {"O'Brien", "Siobhán", 4, 1, 0}, // joined 03/09: earlier blanks are not sessions
				"A100000000003": {"García", "José", 3, 0, 0},     // left after 03/09 AM
				"A100000000004": {"Khan", "Ali", 5, 2, 1},        // the blank between marks is a missing mark
			}}},
		{"grid by day with AM and PM in one cell", []string{"grid-days.csv"},
			fileWant{"grid", "utf-8", "comma", 3, 3, 18, 16, map[string]int{"unknown_code": 2}, map[string]int{}, map[string]pupilWant{
				"A100000000001": {"Smith", "Zoë", 6, 2, 0},
				"A100000000002": {"O'Brien", "Siobhán", 6, 3, 0}, // C2 C2 and C1 are authorised
				"A100000000003": {"García", "José", 4, 0, 0},
			}}},
		{"summary counts with a contradicted row", []string{"summary-pupils.csv"},
			fileWant{"summary", "utf-8", "comma", 3, 3, 0, 0, map[string]int{}, map[string]int{"counts_mismatch": 1}, map[string]pupilWant{
				"A100000000001": {"", "", 20, 3, 0},
				"A100000000002": {"", "", 20, 10, 0},
				"A100000000003": {"", "", 19, 3, 0}, // from the codes, not the declared 20
			}}},
		{"problems, each reported with its line", []string{"problems.csv"},
			fileWant{"marks", "utf-8", "comma", 11, 5, 11, 5,
				map[string]int{"bad_session": 1, "bad_date": 1, "conflicting_mark": 1, "duplicate_mark": 1, "unknown_code": 1, "missing_pupil_id": 1},
				map[string]int{"weekend_mark": 1, "missing_mark": 1},
				map[string]pupilWant{"A100000000001": {"Smith", "Zoë", 4, 2, 1}}}}, // O on Saturday and M (beat O) on 03/09
		{"two terms merge into one year", []string{"term-autumn.csv", "term-spring.csv"},
			fileWant{"marks", "utf-8", "comma", 6, 6, 6, 6, map[string]int{}, map[string]int{}, map[string]pupilWant{
				"A100000000001": {"Smith", "Zoë", 6, 2, 0},
			}}},
		{"xlsx: merged title, date cells, dates as text, ids as text with leading zeros, second sheet", []string{"marks-sheets.xlsx"},
			fileWant{"marks", "xlsx", "", 6, 6, 6, 6, map[string]int{}, map[string]int{"title_row": 1}, map[string]pupilWant{
				"000123":        {"Smith", "Zoë", 4, 3, 0},
				"A100000000002": {"García", "José", 2, 1, 0},
			}}},
		{"xlsx grid with date cells as day headers", []string{"grid-datecells.xlsx"},
			fileWant{"grid", "xlsx", "", 1, 1, 4, 4, map[string]int{}, map[string]int{"title_row": 1}, map[string]pupilWant{
				"000123": {"Smith", "", 4, 2, 0},
			}}},
		{"a date outside the --from/--to window is left out and reported", []string{"term-autumn.csv", "term-spring.csv"},
			fileWant{"marks", "utf-8", "comma", 6, 4, 6, 4, map[string]int{"outside_window": 2}, map[string]int{}, map[string]pupilWant{
				"A100000000001": {"Smith", "Zoë", 4, 0, 0},
			}}},
		{"the same file twice is duplicates, not double absence", []string{"term-autumn.csv", "term-autumn.csv"},
			fileWant{"marks", "utf-8", "comma", 4, 2, 4, 2, map[string]int{"duplicate_mark": 2}, map[string]int{}, map[string]pupilWant{
				"A100000000001": {"Smith", "Zoë", 2, 2, 0},
			}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var files []string
			for _, f := range tt.files {
				files = append(files, filepath.Join("..", "..", "testdata", "exports", f))
			}
			in := Input{Files: files, NoRules: true}
			if opt := options[tt.name]; opt != nil {
				opt(&in)
			}
			res, err := Run(in)
			if err != nil {
				t.Fatal(err)
			}
			q := res.Quality
			got := fileWant{Layout: q.Files[0].Layout, Encoding: q.Files[0].Encoding, Delimiter: q.Files[0].Delimiter,
				RowsRead: q.RowsRead, RowsUsed: q.RowsUsed, MarksRead: q.MarksRead, MarksUsed: q.MarksUsed,
				Rejections: map[string]int{}, Findings: map[string]int{}, Pupils: map[string]pupilWant{}}
			for _, r := range q.Rejections() {
				got.Rejections[r.Key] = r.Count
				for _, e := range r.Examples {
					if e.Loc.Line == 0 {
						t.Errorf("%s: example without a line: %+v", r.Key, e)
					}
				}
			}
			for _, r := range q.Findings() {
				// The fixtures' ids are UPN-shaped placeholders whose check
				// letters are not real (A100000000001's would be R); the UPN
				// check is tested in testdata/authority.
				if r.Key == "bad_upn" {
					continue
				}
				got.Findings[r.Key] = r.Count
			}
			for _, p := range res.Pupils {
				got.Pupils[p.ID] = pupilWant{p.Info.Surname, p.Info.Forename, p.Figures.Possible, p.Figures.Absent(), p.Figures.Missing}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if q.RowsRead != q.RowsUsed+q.RowsRejected || q.MarksRead != q.MarksUsed+q.MarksRejected {
				t.Errorf("accounting: rows %d = %d + %d, marks %d = %d + %d", q.RowsRead, q.RowsUsed, q.RowsRejected, q.MarksRead, q.MarksUsed, q.MarksRejected)
			}
		})
	}
}

// TestProblemLines pins the exact places reported for the problems fixture:
// an officer must be able to go straight to the line.
func TestProblemLines(t *testing.T) {
	res, err := Run(Input{Files: []string{"../../testdata/exports/problems.csv"}, NoRules: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Quality.Rejections() {
		for _, e := range r.Examples {
			got = append(got, r.Key+" "+e.Where+" "+e.Detail)
		}
	}
	sort.Strings(got)
	want := []string{
		`bad_date ../../testdata/exports/problems.csv:6 "31/09/2024"`,
		"bad_session ../../testdata/exports/problems.csv:5 " + quality.Withheld,
		`conflicting_mark ../../testdata/exports/problems.csv:8 03/09/2024 AM: O and M, kept M`,
		`duplicate_mark ../../testdata/exports/problems.csv:10 02/09/2024 PM \`,
		`missing_pupil_id ../../testdata/exports/problems.csv:12 `,
		`unknown_code ../../testdata/exports/problems.csv:11 "Q9"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

// TestXLSXWrongSheetSaysWhichSheets: a workbook whose first sheet is not the
// register is refused with the sheets listed and --sheet named.
func TestXLSXWrongSheetSaysWhichSheets(t *testing.T) {
	_, err := Run(Input{Files: []string{"../../testdata/exports/marks-sheets.xlsx"}, NoRules: true})
	if err == nil {
		t.Fatal("want an error for the Notes sheet")
	}
	want := `../../testdata/exports/marks-sheets.xlsx[Notes]:1: no header row found`
	if got := err.Error(); len(got) < len(want) || got[:len(want)] != want || !strings.Contains(got, `"Notes", "Register": choose one with --sheet NAME`) {
		t.Errorf("error = %q", got)
	}
}
