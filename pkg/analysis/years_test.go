package analysis

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/register"
)

func write(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// twoYears: A1 ill all of July 2024 (2023/24), present in September 2024
// (2024/25); A2 only in 2023/24.
const twoYears = `UPN,Date,Session,Mark
A1,15/07/2024,AM,I
A1,15/07/2024,PM,I
A2,16/07/2024,AM,O
A1,02/09/2024,AM,/
A1,02/09/2024,PM,\
A1,03/09/2024,AM,/
A1,03/09/2024,PM,\
`

type yearView struct {
	From, To                            string
	RowsRead, RowsUsed, RowsRejected    int
	MarksRead, MarksUsed, MarksRejected int
	Rejected                            map[string]int
	Findings                            map[string][]string
	Possible                            map[string]int
}

func viewYears(res *Result, dir string) yearView {
	q := res.Quality
	v := yearView{From: res.From.UK(), To: res.To.UK(), RowsRead: q.RowsRead, RowsUsed: q.RowsUsed, RowsRejected: q.RowsRejected,
		MarksRead: q.MarksRead, MarksUsed: q.MarksUsed, MarksRejected: q.MarksRejected,
		Rejected: map[string]int{}, Findings: map[string][]string{}, Possible: map[string]int{}}
	for _, r := range q.Rejections() {
		v.Rejected[r.Key] = r.Count
	}
	for _, r := range q.Findings() {
		for _, e := range r.Examples {
			v.Findings[r.Key] = append(v.Findings[r.Key], strings.ReplaceAll(e.Where+" "+e.Detail, dir+string(filepath.Separator), ""))
		}
	}
	for _, p := range res.All {
		v.Possible[p.ID] = p.Figures.Possible
	}
	return v
}

// TestRunAcademicYears: data spanning two academic years is never added
// together. By default the latest year is analysed and the earlier marks are
// rejected, accounted for, with a finding that names the years and how to
// choose; a --from/--to window within one year is the user's choice; a
// window whose marks span two years is refused.
func TestRunAcademicYears(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "r.csv", twoYears)
	day := register.MustDay
	tests := []struct {
		name     string
		from, to register.Day
		want     yearView
		err      string
	}{
		{name: "default: the latest year", want: yearView{
			From: "02/09/2024", To: "03/09/2024",
			RowsRead: 7, RowsUsed: 4, RowsRejected: 3, MarksRead: 7, MarksUsed: 4, MarksRejected: 3,
			Rejected: map[string]int{"outside_academic_year": 3},
			Findings: map[string][]string{"academic_years": {"r.csv the data spans 2023/24 and 2024/25; analysed 2024/25 (01/09/2024 to 31/08/2025), 3 marks of other years rejected; for 2023/24 give --from 01/09/2023 --to 31/08/2024"}},
			// A2 is listed, not assessable, as a pupil outside --from/--to is.
			Possible: map[string]int{"A1": 4, "A2": 0},
		}},
		{name: "the earlier year chosen", from: day(2023, 9, 1), to: day(2024, 8, 31), want: yearView{
			From: "15/07/2024", To: "16/07/2024",
			RowsRead: 7, RowsUsed: 3, RowsRejected: 4, MarksRead: 7, MarksUsed: 3, MarksRejected: 4,
			Rejected: map[string]int{"outside_window": 4}, Findings: map[string][]string{},
			Possible: map[string]int{"A1": 2, "A2": 1},
		}},
		{name: "a window within the later year", from: day(2024, 9, 3), want: yearView{
			From: "03/09/2024", To: "03/09/2024",
			RowsRead: 7, RowsUsed: 2, RowsRejected: 5, MarksRead: 7, MarksUsed: 2, MarksRejected: 5,
			Rejected: map[string]int{"outside_window": 5}, Findings: map[string][]string{},
			Possible: map[string]int{"A1": 2, "A2": 0},
		}},
		{name: "a window across the two years", from: day(2024, 7, 1),
			err: "the window --from 01/07/2024 holds marks from the academic years 2023/24 and 2024/25: persistent and severe absence are defined per academic year (1 September to 31 August), so two years are not added together; choose a window within one year, e.g. --from 01/09/2024 --to 31/08/2025 for 2024/25; no output written"},
		{name: "a --to that leaves both years in", to: day(2024, 12, 20),
			err: "the window --to 20/12/2024 holds marks from the academic years 2023/24 and 2024/25: persistent and severe absence are defined per academic year (1 September to 31 August), so two years are not added together; choose a window within one year, e.g. --from 01/09/2024 --to 31/08/2025 for 2024/25; no output written"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(Input{Files: []string{path}, From: tc.from, To: tc.to, NoRules: true})
			if tc.err != "" {
				var ye *YearsError
				if err == nil || err.Error() != tc.err || !errors.As(err, &ye) {
					t.Fatalf("error:\n%v\nwant:\n%s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, viewYears(res, dir)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestRunThreeYears: a span of more than two years is named first to last.
func TestRunThreeYears(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "r.csv", "UPN,Date,Session,Mark\nA1,10/10/2022,AM,/\nA1,10/10/2023,AM,/\nA1,10/10/2024,AM,I\n")
	res, err := Run(Input{Files: []string{path}, NoRules: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"r.csv the data spans 2022/23 to 2024/25; analysed 2024/25 (01/09/2024 to 31/08/2025), 2 marks of other years rejected; for 2023/24 give --from 01/09/2023 --to 31/08/2024"}
	if d := cmp.Diff(want, viewYears(res, dir).Findings["academic_years"]); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestRunYearWithoutPossibleSessions: an export taken on the first days of
// September holds only the new year's INSET closures: the year analysed is
// the latest with a possible session, and the closures are the marks
// rejected.
func TestRunYearWithoutPossibleSessions(t *testing.T) {
	dir := t.TempDir()
	path := write(t, dir, "r.csv", "UPN,Date,Session,Mark\nA1,14/07/2025,AM,I\nA1,14/07/2025,PM,/\nA1,01/09/2025,AM,#\nA1,01/09/2025,PM,#\n")
	res, err := Run(Input{Files: []string{path}, NoRules: true})
	if err != nil {
		t.Fatal(err)
	}
	want := yearView{From: "14/07/2025", To: "14/07/2025", RowsRead: 4, RowsUsed: 2, RowsRejected: 2, MarksRead: 4, MarksUsed: 2, MarksRejected: 2,
		Rejected: map[string]int{"outside_academic_year": 2},
		Findings: map[string][]string{"academic_years": {"r.csv the data spans 2024/25 and 2025/26; analysed 2024/25 (01/09/2024 to 31/08/2025), 2 marks of other years rejected; for 2025/26 give --from 01/09/2025 --to 31/08/2026"}},
		Possible: map[string]int{"A1": 2}}
	if d := cmp.Diff(want, viewYears(res, dir)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// A window over both years is the user's choice: the closures are not
	// possible sessions, so nothing of two years is added together.
	if _, err := Run(Input{Files: []string{path}, NoRules: true, From: register.MustDay(2025, 7, 1)}); err != nil {
		t.Errorf("window over a year with closures only: %v", err)
	}
}

// TestUsable: a run with nothing to report fails with a message naming
// why, whatever the layout.
func TestUsable(t *testing.T) {
	tests := []struct {
		name, data string
		layout     string
		want       string
	}{
		{name: "a usable file", data: "UPN,Date,Session,Mark\nA1,02/09/2024,AM,/\n"},
		{name: "every row rejected", data: "UPN,Date,Session,Mark\nA1,31/02/2024,AM,/\nA2,02/09/2024,XX,/\n",
			want: "no usable rows: all 2 rows read were rejected (see the data-quality account); no output written"},
		{name: "every mark of a grid rejected", data: "UPN,02/09/2024 AM,02/09/2024 PM\nA1,?,?\nA2,@,\n",
			want: "no usable session marks: all 3 marks read were rejected (see the data-quality account); no output written"},
		{name: "no possible session", data: "UPN,Date,Session,Mark\nA1,02/09/2024,AM,D\nA1,02/09/2024,PM,D\nA2,02/09/2024,AM,#\n",
			want: "no pupil can be assessed: none of the 2 pupils has a possible session (every mark is one that is not a possible session, such as D, X, Y1-Y7, Z or #, or a missing mark) (see the data-quality account); no output written"},
		{name: "only missing marks", data: "UPN,Date,Session,Mark\nA1,02/09/2024,AM,-\n",
			want: "no pupil can be assessed: the one pupil has no possible session (every mark is one that is not a possible session, such as D, X, Y1-Y7, Z or #, or a missing mark) (see the data-quality account); no output written"},
		{name: "summary counts, no marks", data: "UPN,Possible,I,/\nA1,10,1,9\n"},
		{name: "summary rows with no possible session", data: "UPN,Possible,I,/\nA1,0,0,0\n",
			want: "no pupil can be assessed: the one pupil has no possible session (every mark is one that is not a possible session, such as D, X, Y1-Y7, Z or #, or a missing mark) (see the data-quality account); no output written"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := write(t, t.TempDir(), "r.csv", tc.data)
			res, err := Run(Input{Files: []string{path}, NoRules: true})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if err := res.Usable(); err != nil {
				var ue *UnusableError
				if !errors.As(err, &ue) {
					t.Errorf("%T is not an *UnusableError", err)
				}
				got = err.Error()
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestRunContextJoin: the run stops on a context file that does not fit the
// register, and joins one whose ids differ only in case, spaces or a
// spreadsheet's .0.
func TestRunContextJoin(t *testing.T) {
	dir := t.TempDir()
	reg := write(t, dir, "r.csv", "Adno,Date,Session,Mark\n0012,02/09/2024,AM,I\nab7,02/09/2024,AM,/\n13,02/09/2024,AM,/\n")
	good := write(t, dir, "good.csv", "Adno,Young Carer\n 0012 ,Y\nAB7,N\n13.0,N\n")
	bad := write(t, dir, "bad.csv", "Adno,Young Carer\n12,Y\n")
	res, err := Run(Input{Files: []string{reg}, ContextFile: good})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	for _, p := range res.All {
		got[p.ID] = p.Context["young_carer"]
	}
	if d := cmp.Diff(map[string]any{"0012": true, "AB7": false, "13": false}, got); d != "" {
		t.Errorf("joined (-want +got):\n%s", d)
	}
	_, err = Run(Input{Files: []string{reg}, ContextFile: bad})
	want := bad + ": none of the register's 3 pupils has a row in this context file, fewer than half, so it cannot be joined on the pupil id\n" +
		"  likely cause: leading zeros: the context file's ids are the register's without their leading zeros (a spreadsheet read them as numbers: format the id column as text)\n" +
		"  register ids with no context row: 0012, 13, AB7\n" +
		"  context ids not in the register: 12\n" +
		"no output written"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}
