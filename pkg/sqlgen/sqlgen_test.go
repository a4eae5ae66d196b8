package sqlgen

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/mark"
)

func TestGenerateErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"postgres", Options{Dialect: "postgres", Table: "marks"}, `--dialect "postgres"`},
		{"empty table", Options{Dialect: "duckdb", Table: ""}, "--table"},
		{"empty part", Options{Dialect: "duckdb", Table: "a..b"}, "--table"},
		{"nul column", Options{Dialect: "duckdb", Table: "m", Columns: Columns{PupilID: "a\x00", Date: "d", Session: "s", Code: "c"}}, "--columns"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generate(tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestParseColumns(t *testing.T) {
	got, err := ParseColumns(" pupil_id=UPN , code=Mark")
	if err != nil {
		t.Fatal(err)
	}
	want := Columns{PupilID: "UPN", Date: "date", Session: "session", Code: "Mark"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("-want +got\n%s", d)
	}
	for _, bad := range []string{"upn", "school=x", "code="} {
		if _, err := ParseColumns(bad); err == nil {
			t.Errorf("ParseColumns(%q): no error", bad)
		}
	}
}

// TestQuoting: names are quoted identifiers, so a hostile name cannot end
// the query.
func TestQuoting(t *testing.T) {
	sql, err := Generate(Options{Dialect: "duckdb", Table: `s.m"; DROP TABLE x; --`,
		Columns: Columns{PupilID: `p"id`, Date: "date", Session: "session", Code: "code"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`FROM "s"."m""; DROP TABLE x; --"`, `"p""id" AS pupil_id`} {
		if !strings.Contains(sql, want) {
			t.Errorf("SQL lacks %s", want)
		}
	}
}

// TestCodeTable: every code of package mark, in every ASCII case, is in
// the SQL with its category, and nothing else is.
func TestCodeTable(t *testing.T) {
	sql, err := Generate(Options{Dialect: "duckdb", Table: "marks"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range mark.Table() {
		for _, v := range variants(c.Code) {
			n++
			want := "(" + literal(v) + ", "
			i := strings.Index(sql, "\n    "+want)
			if i < 0 {
				t.Errorf("code %q missing", v)
				continue
			}
			line := sql[i+1 : i+1+strings.IndexByte(sql[i+1:], '\n')]
			if !strings.Contains(line, literal(c.Category.Short())) {
				t.Errorf("code %q: %s, want category %s", v, line, c.Category.Short())
			}
		}
	}
	if got := strings.Count(sql, "\n    ('"); got != n {
		t.Errorf("%d code rows, want %d", got, n)
	}
}

// TestCovidXWindow: the dates written into the SQL are where mark.CategoryOn
// changes X's meaning.
func TestCovidXWindow(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for s, want := range map[string]mark.Category{
		"2020-08-31": mark.NotPossible, "2020-09-01": mark.CovidX,
		"2022-08-31": mark.CovidX, "2022-09-01": mark.NotPossible,
	} {
		if got := mark.CategoryOn(mark.XID, day(s)); got != want {
			t.Errorf("X on %s: %v, want %v", s, got, want)
		}
	}
	sql, _ := Generate(Options{Dialect: "duckdb", Table: "marks"})
	if !strings.Contains(sql, "BETWEEN DATE '2020-09-01' AND DATE '2022-08-31'") {
		t.Error("SQL lacks the COVID-19 X window")
	}
}

// TestSchoolColumn: with a school column every grouping and the order are
// by school and pupil; without one, the school appears nowhere.
func TestSchoolColumn(t *testing.T) {
	cols := DefaultColumns
	cols.School = `URN "x"`
	sql, err := Generate(Options{Dialect: "duckdb", Table: "marks", Columns: cols})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`CAST("URN ""x""" AS VARCHAR) AS school,`,
		"GROUP BY m.school, m.pupil_id, m.d, m.s",
		"SELECT s.school, s.pupil_id,",
		"GROUP BY school, pupil_id, academic_year",
		"SELECT school, pupil_id, academic_year,",
		"ORDER BY school, pupil_id, academic_year;",
	} {
		if !strings.Contains(sql, want) {
			t.Errorf("SQL lacks %s", want)
		}
	}
	plain, err := Generate(Options{Dialect: "duckdb", Table: "marks"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain, "school,") || strings.Contains(plain, ".school") {
		t.Error("SQL without a school column groups by school")
	}
	cols.School = "a\x00"
	if _, err := Generate(Options{Dialect: "duckdb", Table: "marks", Columns: cols}); err == nil || !strings.Contains(err.Error(), "--school-column") {
		t.Errorf("NUL in the school column: err = %v", err)
	}
}
