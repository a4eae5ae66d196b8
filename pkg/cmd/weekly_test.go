package cmd

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run calls Main and returns the exit code and both streams.
func run(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestFailOn: a cron job alerts on exit code 3 when a pupil reaches the
// tier, after the output has been written; below it the code stays 0.
func TestFailOn(t *testing.T) {
	dir := writeFiles(t, map[string]string{"r.csv": testRegister})
	reg := filepath.Join(dir, "r.csv")
	out := filepath.Join(dir, "out.json")

	code, _, stderr := run("analyse", "-q", "--min-sessions", "1", "--fail-on", "monitor", "-o", out, reg)
	if code != ExitAlert {
		t.Fatalf("exit %d, want %d (stderr %q)", code, ExitAlert, stderr)
	}
	if !strings.Contains(stderr, "--fail-on monitor: 2 pupils in tier monitor or above") {
		t.Errorf("stderr = %q", stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("the output must be written before the alert: %v", err)
	}
	// A1 is absent 2 of 4 sessions: persistent and severe, nothing more.
	code, _, stderr = run("analyse", "-q", "--min-sessions", "1", "--fail-on", "urgent", reg)
	if code != ExitOK {
		t.Errorf("exit %d with nobody urgent, want 0 (stderr %q)", code, stderr)
	}
	code, _, stderr = run("analyse", "-q", "--fail-on", "critical", reg)
	if code != ExitUsage || !strings.Contains(stderr, `--fail-on "critical": the rules have the tiers urgent, high, medium, monitor`) {
		t.Errorf("unknown tier: exit %d, stderr %q", code, stderr)
	}
}

// TestPseudonymise: ids become keyed hashes, names go, the same key gives the
// same pseudonyms (so weekly runs compare), and the key never comes from the
// command line.
func TestPseudonymise(t *testing.T) {
	dir := writeFiles(t, map[string]string{"r.csv": testRegister, "key": "a-long-secret-key-for-tests\n", "short": "tiny"})
	reg := filepath.Join(dir, "r.csv")

	code, _, stderr := run("analyse", "-q", "--pseudonymise", reg)
	if code != ExitUsage || !strings.Contains(stderr, "ATTENDRISK_PSEUDONYM_KEY") {
		t.Fatalf("no key: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run("analyse", "-q", "--pseudonymise", "--key-file", filepath.Join(dir, "short"), reg)
	if code != ExitFailure || !strings.Contains(stderr, "at least 16 bytes") {
		t.Errorf("short key: exit %d, stderr %q", code, stderr)
	}
	code, fromFile, stderr := run("analyse", "-q", "--pseudonymise", "--key-file", filepath.Join(dir, "key"), "--format", "csv", reg)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Setenv("ATTENDRISK_PSEUDONYM_KEY", "a-long-secret-key-for-tests")
	_, fromEnv, _ := run("analyse", "-q", "--pseudonymise", "--format", "csv", reg)
	if fromFile != fromEnv {
		t.Error("the same key from a file and from the environment gave different pseudonyms")
	}
	recs, err := csv.NewReader(strings.NewReader(fromEnv)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:] {
		if !strings.HasPrefix(r[0], "P-") || len(r[0]) != 18 {
			t.Errorf("pupil id %q is not a pseudonym", r[0])
		}
		if r[1] != "" || r[2] != "" {
			t.Errorf("names kept: %q %q", r[1], r[2])
		}
	}
	for _, secret := range []string{"A1", "B2", "Ash", "Ann", "Birch"} {
		if strings.Contains(fromEnv, ","+secret+",") {
			t.Errorf("output still holds %q", secret)
		}
	}
	t.Setenv("ATTENDRISK_PSEUDONYM_KEY", "another-long-secret-key")
	_, other, _ := run("analyse", "-q", "--pseudonymise", "--format", "csv", reg)
	if other == fromEnv {
		t.Error("a different key gave the same pseudonyms")
	}
}

// TestCompare: the changes since an earlier run come first, in every format.
func TestCompare(t *testing.T) {
	week1 := "UPN,Surname,Forename,Date,Session,Mark\n" +
		"A1,Ash,Ann,02/09/2024,AM,/\nA1,Ash,Ann,02/09/2024,PM,\\\n" +
		"B2,Birch,Bo,02/09/2024,AM,/\nB2,Birch,Bo,02/09/2024,PM,\\\n" +
		"C3,Cole,Cy,02/09/2024,AM,/\nC3,Cole,Cy,02/09/2024,PM,\\\n"
	// Week 2: A1 is now absent, C3 has left, D4 joined.
	week2 := "UPN,Surname,Forename,Date,Session,Mark\n" +
		"A1,Ash,Ann,02/09/2024,AM,/\nA1,Ash,Ann,02/09/2024,PM,\\\nA1,Ash,Ann,03/09/2024,AM,O\nA1,Ash,Ann,03/09/2024,PM,O\n" +
		"B2,Birch,Bo,02/09/2024,AM,/\nB2,Birch,Bo,02/09/2024,PM,\\\nB2,Birch,Bo,03/09/2024,AM,/\nB2,Birch,Bo,03/09/2024,PM,\\\n" +
		"D4,Dale,Di,03/09/2024,AM,/\nD4,Dale,Di,03/09/2024,PM,\\\n"
	dir := writeFiles(t, map[string]string{"w1.csv": week1, "w2.csv": week2, "notjson.json": "{}"})
	prev := filepath.Join(dir, "w1.json")
	if code, _, stderr := run("analyse", "-q", "--min-sessions", "1", "--as-of", "2024-09-02", "-o", prev, filepath.Join(dir, "w1.csv")); code != 0 {
		t.Fatal(stderr)
	}
	code, out, stderr := run("analyse", "-q", "--min-sessions", "1", "--as-of", "2024-09-03", "--compare", prev, "--format", "json", filepath.Join(dir, "w2.csv"))
	if code != 0 {
		t.Fatal(stderr)
	}
	var doc struct {
		Compared string `json:"compared_with"`
		Changes  []struct {
			Change  string `json:"change"`
			PupilID string `json:"pupil_id"`
		} `json:"changes"`
		Pupils []map[string]any `json:"pupils"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range doc.Changes {
		got = append(got, c.Change)
	}
	raw := out
	for _, want := range []string{`"change": "newly_severe"`, `"change": "joined"`, `"change": "left"`, `"pupil_id": "C3"`} {
		if !strings.Contains(raw, want) {
			t.Errorf("changes lack %s; got %v", want, got)
		}
	}
	if !strings.HasSuffix(doc.Compared, "w1.json, as of 2024-09-02") {
		t.Errorf("compared_with = %q", doc.Compared)
	}
	if strings.Index(raw, `"changes"`) > strings.Index(raw, `"pupils"`) {
		t.Error("changes must come before the list")
	}
	for _, p := range doc.Pupils {
		if p["pupil_id"] == "A1" && !strings.Contains(p["change"].(string), "newly_severe") {
			t.Errorf("A1 change = %v", p["change"])
		}
	}
	// Table, Markdown and HTML show the changes first too.
	for _, f := range []string{"table", "md", "html"} {
		_, out, _ := run("analyse", "-q", "--min-sessions", "1", "--compare", prev, "--format", f, filepath.Join(dir, "w2.csv"))
		i, j := strings.Index(out, "Changes since"), strings.Index(out, "A1")
		if i < 0 || j < i {
			t.Errorf("%s: changes not shown first:\n%s", f, out)
		}
	}
	if code, _, stderr := run("analyse", "-q", "--compare", filepath.Join(dir, "notjson.json"), filepath.Join(dir, "w2.csv")); code != ExitFailure || !strings.Contains(stderr, "not a JSON output of attendrisk analyse") {
		t.Errorf("bad --compare file: exit %d, stderr %q", code, stderr)
	}
}

// TestEmailFormats: the Markdown and HTML bodies carry the headline, the top
// of the list, the rules identity and the disclaimer; the HTML chart is
// inline SVG with nothing loaded from elsewhere; and both are byte-identical
// from one run to the next.
func TestEmailFormats(t *testing.T) {
	dir := writeFiles(t, map[string]string{"r.csv": testRegister})
	reg := filepath.Join(dir, "r.csv")
	for _, f := range []string{"md", "html"} {
		_, a, _ := run("analyse", "-q", "--as-of", "2024-09-04", "--format", f, reg)
		_, b, _ := run("analyse", "-q", "--as-of", "2024-09-04", "--format", f, reg)
		if a != b {
			t.Errorf("%s output differs between runs", f)
		}
		for _, want := range []string{"Attendance summary, 2024-09-04", "Top of the list", "A1", "sha256:", "not findings of neglect"} {
			if !strings.Contains(a, want) {
				t.Errorf("%s lacks %q", f, want)
			}
		}
		if f == "html" {
			// A chart mail clients draw (table cells, not SVG), and
			// nothing fetched or run.
			if !strings.Contains(a, `aria-label="Pupils per tier"`) || strings.Contains(a, "<svg") || strings.Contains(a, "<script") || strings.Contains(a, "http://") || strings.Contains(a, "https://") {
				t.Errorf("html chart is not a self-contained table chart:\n%s", a)
			}
		}
	}
}

// TestSummaryCommand: group figures are summed sessions, small groups are
// suppressed as DfE does, and the national benchmark is beside them.
func TestSummaryCommand(t *testing.T) {
	reg := "UPN,Year,Date,Session,Mark\n" +
		"A1,7,02/09/2024,AM,/\nA1,7,02/09/2024,PM,O\n" + // 1 of 2 absent
		"B2,7,02/09/2024,AM,/\nB2,7,02/09/2024,PM,\\\n" +
		"C3,8,02/09/2024,AM,O\nC3,8,02/09/2024,PM,O\n"
	dir := writeFiles(t, map[string]string{"r.csv": reg})
	code, out, stderr := run("summary", "-q", "--by", "year_group", "--format", "csv", "--suppress-below", "2", filepath.Join(dir, "r.csv"))
	if code != 0 {
		t.Fatal(stderr)
	}
	want := "year_group,pupils,possible_sessions,absence_pct,authorised_pct,unauthorised_pct,persistent_absentees,persistent_absence_pct,severe_absentees,severe_absence_pct,suppressed,row_kind,year11_sessions_left_out,year11_pupils,year11_undated_pupils\n" +
		"All pupils,3,6,50,0,50,2,66.67,2,66.67,false,total,0,0,0\n" +
		// Year 8's one pupil is suppressed, and Year 7 with it: the total
		// minus Year 7 would be Year 8's figures. Suppressed figures are
		// empty cells (null), with the flag: never a number to sum.
		"7,,,,,,,,,,true,group,,,\n" +
		"8,,,,,,,,,,true,group,,,\n" +
		"England 2023/24,,,7.1,4.7,2.5,,20,,2.3,false,benchmark,,,\n"
	if out != want {
		t.Errorf("summary csv:\n%s\nwant:\n%s", out, want)
	}
	if code, _, stderr := run("summary", "--by", "colour", filepath.Join(dir, "r.csv")); code != ExitUsage || !strings.Contains(stderr, `--by "colour"`) {
		t.Errorf("bad --by: exit %d, %q", code, stderr)
	}
	if code, _, stderr := run("summary", "--by", "context.fsm", filepath.Join(dir, "r.csv")); code != ExitUsage || !strings.Contains(stderr, "needs a --context file") {
		t.Errorf("--by context without context: exit %d, %q", code, stderr)
	}
	// A summary is a table, CSV or JSON: a workbook name is refused before
	// anything is read, and no file appears.
	xl := filepath.Join(dir, "s.xlsx")
	if code, _, stderr := run("summary", "-o", xl, filepath.Join(dir, "r.csv")); code != ExitUsage || !strings.Contains(stderr, "summary writes table, csv or json, not xlsx") {
		t.Errorf("summary -o .xlsx: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(xl); err == nil {
		t.Error("summary -o .xlsx wrote a file")
	}
	// Written to a file, small groups are suppressed unless told otherwise.
	out2 := filepath.Join(dir, "s.csv")
	if code, _, stderr := run("summary", "-q", "--by", "year_group", "-o", out2, filepath.Join(dir, "r.csv")); code != 0 {
		t.Fatal(stderr)
	}
	b, _ := os.ReadFile(out2)
	if !strings.Contains(string(b), "\n7,,,,,,,,,,true,group,,,\n") {
		t.Errorf("summary -o should suppress groups under 5 by default:\n%s", b)
	}
	if st, _ := os.Stat(out2); st.Mode().Perm() != 0o600 {
		t.Errorf("summary file mode %v, want 0600", st.Mode().Perm())
	}
}

// TestEmptyOrUnusableInputFails: an export with a header and no rows, or
// whose every row is rejected, fails (exit 1) instead of giving an empty list
// that a scheduled job would take for good news.
func TestEmptyOrUnusableInputFails(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"header.csv": "UPN,Date,Session,Mark\n",
		"bad.csv":    "UPN,Date,Session,Mark\nA1,xx,AM,/\nA1,02/09/2024,ZZ,/\n",
	})
	for _, tt := range []struct{ file, stderr string }{
		{"header.csv", "header.csv:1: no register rows after the header: the export is empty"},
		{"bad.csv", "no usable rows: all 2 rows read were rejected"},
	} {
		for _, cmd := range []string{"analyse", "summary"} {
			out := filepath.Join(dir, cmd+"-"+tt.file+".out.csv")
			code, _, stderr := run(cmd, "-o", out, filepath.Join(dir, tt.file))
			if code != ExitFailure || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("%s %s: exit %d, stderr %q", cmd, tt.file, code, stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s %s wrote an output", cmd, tt.file)
			}
		}
	}
}

// TestSummaryDfEBenchmarks: --benchmarks takes DfE's own published file;
// the row is England's (or --benchmark-area's) for the phase the pupils'
// year groups fit (Years 7 and 8: Secondary), with the severe rate, which
// the year-to-date file does not publish, empty rather than 0.
func TestSummaryDfEBenchmarks(t *testing.T) {
	reg := "UPN,Year,Date,Session,Mark\n" +
		"A1,7,02/09/2024,AM,/\nA1,7,02/09/2024,PM,O\n" +
		"C3,8,02/09/2024,AM,O\nC3,8,02/09/2024,PM,O\n"
	dir := writeFiles(t, map[string]string{"r.csv": reg})
	ees := filepath.Join("..", "..", "testdata", "dfe", "EES_ytd_data.csv")
	code, out, stderr := run("summary", "-q", "--format", "csv", "--benchmarks", ees, filepath.Join(dir, "r.csv"))
	if code != 0 {
		t.Fatal(stderr)
	}
	if want := "England secondary 2025/26,,,8.4897819092997,"; !strings.Contains(out, want) {
		t.Errorf("summary csv lacks %q:\n%s", want, out)
	}
	if !strings.Contains(out, ",23.7680342651037,,,false,benchmark,,,\n") {
		t.Errorf("persistent rate, or the empty severe rate, wrong:\n%s", out)
	}
	code, out, stderr = run("summary", "-q", "--format", "csv", "--benchmarks", ees, "--benchmark-area", "E09000030", "--benchmark-phase", "Primary", filepath.Join(dir, "r.csv"))
	if code != 0 || !strings.Contains(out, "Tower Hamlets primary 2025/26,,,5.92336377968847,") {
		t.Errorf("exit %d %s:\n%s", code, stderr, out)
	}
	if code, _, stderr := run("summary", "--benchmark-phase", "Primary", filepath.Join(dir, "r.csv")); code != ExitUsage || !strings.Contains(stderr, "pick a row of a DfE CSV") {
		t.Errorf("--benchmark-phase without a DfE file: exit %d, %q", code, stderr)
	}
	if code, _, stderr := run("analyse", "--benchmarks", ees, "--benchmark-area", "Atlantis", filepath.Join(dir, "r.csv")); code != ExitFailure || !strings.Contains(stderr, `no row for area "Atlantis"`) {
		t.Errorf("unknown area: exit %d, %q", code, stderr)
	}
}
