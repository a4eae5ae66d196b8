package sqlgen

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

// row is one pupil's figures as compared: whole counts and the two flags.
type row struct {
	Possible, Present, AEA, Authorised, Unauthorised, Missing int
	PA, SA                                                    bool
}

// duckdb finds node and bench/node_modules/@duckdb/node-api (installed by
// `npm install --prefix bench`, as bench/run.sh and .ci/run do). Without
// them the test is skipped, unless ATTENDRISK_DUCKDB_TEST=1 asks for it, as
// CI does: then their absence is a failure.
func duckdb(t *testing.T) (node, script string) {
	t.Helper()
	required := os.Getenv("ATTENDRISK_DUCKDB_TEST") == "1"
	missing := func(what string) {
		msg := what + ": install Node.js and run `npm install --prefix bench` to run the SQL in DuckDB"
		if required {
			t.Fatal("ATTENDRISK_DUCKDB_TEST=1 but " + msg)
		}
		t.Skip("skipped, " + msg + " (ATTENDRISK_DUCKDB_TEST=1 makes this a failure)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not on PATH")
	}
	bench, err := filepath.Abs("../../bench")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(bench, "node_modules", "@duckdb", "node-api")); err != nil {
		missing("bench/node_modules/@duckdb/node-api is not installed")
	}
	return node, filepath.Join(bench, "sql.mjs")
}

// runSQL runs the generated SQL on marks CSVs (a pupil id, Date, Session,
// Mark and maybe School, see bench/sql.mjs) in DuckDB and returns its rows by
// pupil, or by enrolment (key) when cols has a school column.
func runSQL(t *testing.T, cols Columns, marks ...string) map[string]row {
	t.Helper()
	node, script := duckdb(t)
	sql, err := Generate(Options{Dialect: "duckdb", Table: "marks", Columns: cols})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	q, out := filepath.Join(dir, "query.sql"), filepath.Join(dir, "out.csv")
	if err := os.WriteFile(q, []byte(sql), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, append([]string{script, q, out}, marks...)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, b)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	got := map[string]row{}
	for _, r := range recs[1:] {
		n := func(k string) int {
			i, ok := col[k]
			if !ok {
				t.Fatalf("SQL result has no column %s", k)
			}
			v, err := strconv.Atoi(r[i])
			if err != nil {
				t.Fatalf("%s = %q: %v", k, r[i], err)
			}
			return v
		}
		id := r[col["pupil_id"]]
		if cols.School != "" {
			id = key(r[col["school"]], id)
		}
		if _, dup := got[id]; dup {
			t.Fatalf("pupil %s has two rows (two academic years?)", id)
		}
		got[id] = row{n("possible_sessions"), n("present_sessions"), n("aea_sessions"), n("authorised_absence"),
			n("unauthorised_absence"), n("missing_marks"), r[col["persistent_absence"]] == "true", r[col["severe_absence"]] == "true"}
		if a := n("absence_sessions"); a != got[id].Authorised+got[id].Unauthorised {
			t.Errorf("pupil %s: absence_sessions %d is not authorised + unauthorised", id, a)
		}
	}
	return got
}

// key names an enrolment: a pupil at a school.
func key(school, id string) string { return school + "|" + id }

// attendrisk is the tool's own figures for the files, by pupil.
func attendrisk(t *testing.T, marks ...string) map[string]row {
	t.Helper()
	want := map[string]row{}
	for _, p := range run(t, marks).All {
		want[p.ID] = figures(p)
	}
	return want
}

// enrolments is the tool's own per-school figures for the files, by
// enrolment: what `analyse --split-by school` and `summary --by school` count.
func enrolments(t *testing.T, marks ...string) map[string]row {
	t.Helper()
	want := map[string]row{}
	for _, p := range run(t, marks).Enrolments {
		k := key(p.Info.School, p.ID)
		if _, dup := want[k]; dup {
			t.Fatalf("attendrisk has two enrolments %s", k)
		}
		want[k] = figures(p)
	}
	return want
}

func figures(p *analysis.Pupil) row {
	f := p.Figures
	return row{f.Possible, f.Present, f.AEA, f.Authorised, f.Unauthorised, f.Missing, p.PA(), p.SA()}
}

func run(t *testing.T, marks []string) *analysis.Result {
	t.Helper()
	p, err := analysis.Prepare(analysis.Input{Files: marks, NoRules: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestSQLMatchesAttendriskOnSample: on the sample school every pupil's
// figures from the SQL in DuckDB equal attendrisk's.
func TestSQLMatchesAttendriskOnSample(t *testing.T) {
	marks, err := filepath.Abs("../../testdata/sample/school-marks.csv")
	if err != nil {
		t.Fatal(err)
	}
	got := runSQL(t, Columns{}, marks)
	want := attendrisk(t, marks)
	if len(want) < 500 {
		t.Fatalf("attendrisk found %d pupils in the sample, want about 600", len(want))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("SQL figures differ from attendrisk's (-attendrisk +sql)\n%s", d)
	}
	pa := 0
	for _, r := range got {
		if r.PA {
			pa++
		}
	}
	if pa == 0 {
		t.Error("no persistent absentee in the sample: the comparison checks too little")
	}
}

// TestSQLMatchesAttendriskOnHardMarks: the cases a clean sample lacks:
// conflicting and duplicate marks for one session, lower-case and padded
// codes, a blank mark, an unknown code, legacy codes, COVID-19 X, lower-case
// sessions and one that is neither AM nor PM.
func TestSQLMatchesAttendriskOnHardMarks(t *testing.T) {
	rows := "UPN,Date,Session,Mark\n" +
		// A: conflict I vs / (present wins), duplicate N, legacy H, F, J.
		"A1,05/10/2020,AM,I\nA1,05/10/2020,AM,/\nA1,05/10/2020,PM,N\nA1,05/10/2020,PM,N\n" +
		"A1,06/10/2020,AM,H\nA1,06/10/2020,PM,F\nA1,07/10/2020,AM,J\nA1,07/10/2020,PM,\\\n" +
		// B: COVID-19 X (possible, neither), lower case, padded, blank, unknown.
		"B1,05/10/2020,AM,X\nB1,05/10/2020,pm,x\nB1,06/10/2020,AM,c1\nB1,06/10/2020,PM, u \n" +
		"B1,07/10/2020,AM,\nB1,07/10/2020,PM,Q9\nB1,08/10/2020,AM,g\nB1,08/10/2020,PM,o\n" +
		// C: missing loses to a code; G vs U (table order); D vs O.
		"C1,05/10/2020,AM,-\nC1,05/10/2020,AM,G\nC1,05/10/2020,PM,U\nC1,05/10/2020,PM,G\n" +
		"C1,06/10/2020,AM,D\nC1,06/10/2020,AM,O\nC1,06/10/2020,PM,#\nC1,07/10/2020,AM,Z\nC1,07/10/2020,PM,/\n"
	marks := filepath.Join(t.TempDir(), "marks.csv")
	if err := os.WriteFile(marks, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	got := runSQL(t, Columns{}, marks)
	want := attendrisk(t, marks)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("SQL figures differ from attendrisk's (-attendrisk +sql)\n%s", d)
	}
}

// TestSQLMatchesAttendriskChildView: without a school column, on one UPN's rows at two
// schools, the SQL gives attendrisk's child view (the schools' marks
// combined), so a merge by UPN is the same query over the union.
func TestSQLMatchesAttendriskChildView(t *testing.T) {
	var marks []string
	for _, f := range []string{"ash.csv", "birch.csv"} {
		p, err := filepath.Abs(filepath.Join("../../testdata/authority", f))
		if err != nil {
			t.Fatal(err)
		}
		marks = append(marks, p)
	}
	got := runSQL(t, Columns{}, marks...)
	want := attendrisk(t, marks...)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("SQL figures differ from attendrisk's child view (-attendrisk +sql)\n%s", d)
	}
}

// TestSQLMatchesAttendriskPerSchool: with a school column the SQL's rows are
// attendrisk's enrolments. North and South Primary both have admission
// number 2001 (two children, kept apart by school); Ash and Birch share the
// UPN H823300113002 (one child on two rolls, a row at each, each with that
// school's own figures).
func TestSQLMatchesAttendriskPerSchool(t *testing.T) {
	cols := DefaultColumns
	cols.School = "school"
	for _, tc := range []struct {
		name, a, b string
		shared     string // an id on both schools' rolls
	}{
		{"local ids", "north.csv", "south.csv", "2001"},
		{"one UPN at two schools", "ash.csv", "birch.csv", "H823300113002"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var marks []string
			for _, f := range []string{tc.a, tc.b} {
				p, err := filepath.Abs(filepath.Join("../../testdata/authority", f))
				if err != nil {
					t.Fatal(err)
				}
				marks = append(marks, p)
			}
			got := runSQL(t, cols, marks...)
			want := enrolments(t, marks...)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("SQL figures differ from attendrisk's per-school figures (-attendrisk +sql)\n%s", d)
			}
			// The comparison must include the shared id at each school, or
			// it does not test the grouping.
			n := 0
			for k := range want {
				if strings.HasSuffix(k, "|"+tc.shared) {
					n++
				}
			}
			if n != 2 {
				t.Errorf("id %s: %d enrolments in attendrisk's figures, want 2", tc.shared, n)
			}
		})
	}
}
