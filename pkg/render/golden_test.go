package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/cohort"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenInput is the fixture every golden output is made from: five
// synthetic pupils, one with a formula for a surname, names with letters
// outside ASCII, and a few data-quality problems (an unknown code, a
// duplicate row, a missing mark, a legacy code).
const goldenInput = "testdata/golden-register.csv"

var goldenMeta = Meta{Version: "test", AsOf: "2024-09-20"}

// goldenResult runs the real pipeline on the fixture, figures only: the
// rules are another package's subject and change on their own schedule.
func goldenResult(t *testing.T) *analysis.Result {
	t.Helper()
	res, err := analysis.Run(analysis.Input{Files: []string{goldenInput}, NoRules: true})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// tableRulesResult is the fixture with testdata/table-rules.yaml: the
// terminal table's goldens show factor labels and tiers without depending
// on the default rules.
func tableRulesResult(t *testing.T) *analysis.Result {
	t.Helper()
	res, err := analysis.Run(analysis.Input{Files: []string{goldenInput}, RulesFile: "testdata/table-rules.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
// On a mismatch the output is left beside it as name.got for inspection.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/render -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); if the change is intended, rerun with -update and review the diff:\n%s", path, diff)
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name  string
		write func(*bytes.Buffer, *analysis.Result) error
	}{
		{"analyse-table.golden", func(b *bytes.Buffer, r *analysis.Result) error { return Table(b, r, TableOptions{}) }},
		{"analyse-table-80.golden", func(b *bytes.Buffer, _ *analysis.Result) error {
			return Table(b, tableRulesResult(t), TableOptions{Width: 80})
		}},
		{"analyse-table-120.golden", func(b *bytes.Buffer, _ *analysis.Result) error {
			return Table(b, tableRulesResult(t), TableOptions{Width: 120})
		}},
		{"summary-table.golden", func(b *bytes.Buffer, _ *analysis.Result) error {
			res := tableRulesResult(t)
			return CohortTable(b, []string{"tier"}, cohort.Summarise(res, []string{"tier"}, 0),
				[]cohort.Benchmark{cohort.England202324}, []string{"high", "medium", "low"})
		}},
		{"analyse-csv.golden", func(b *bytes.Buffer, r *analysis.Result) error { return CSV(b, r) }},
		{"analyse-json.golden", func(b *bytes.Buffer, r *analysis.Result) error { return JSON(b, r, goldenMeta) }},
		{"analyse-jsonl.golden", func(b *bytes.Buffer, r *analysis.Result) error { return JSONL(b, r, goldenMeta) }},
		{"analyse-quality.golden", func(b *bytes.Buffer, r *analysis.Result) error { Quality(b, r.Quality); return nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b, goldenResult(t)); err != nil {
				t.Fatal(err)
			}
			if !utf8.Valid(b.Bytes()) {
				t.Error("output is not valid UTF-8")
			}
			checkGolden(t, tt.name, b.Bytes())
			// Deterministic: a second run gives the same bytes.
			var again bytes.Buffer
			if err := tt.write(&again, goldenResult(t)); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), again.Bytes()) {
				t.Error("two runs on the same input give different output")
			}
		})
	}
}

// TestCSVOutput checks, through a real CSV reader, what a spreadsheet user
// relies on: the stable column names, the priority order, formulas
// neutralised, names in UTF-8, and every code column present.
func TestCSVOutput(t *testing.T) {
	var b bytes.Buffer
	if err := CSV(&b, goldenResult(t)); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	wantFirst := []string{"pupil_id", "surname", "forename", "year_group", "reg_group", "school", "first_date", "last_date",
		"possible_sessions", "present_sessions", "aea_sessions", "authorised_absence", "unauthorised_absence",
		"absence_sessions", "missing_marks", "absence_pct", "authorised_pct", "unauthorised_pct", "attendance_pct",
		"persistent_absence", "severe_absence", "assessable"}
	if diff := cmp.Diff(wantFirst, head[:len(wantFirst)]); diff != "" {
		t.Errorf("leading columns (-want +got):\n%s", diff)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, c := range []string{"code_present_am", "code_present_pm", "code_L", "code_C1", "code_J1", "code_Y7", "code_closed", "code_missing", "code_H"} {
		if _, ok := col[c]; !ok {
			t.Errorf("no column %s", c)
		}
	}
	var order []string
	byID := map[string][]string{}
	for _, r := range recs[1:] {
		if len(r) != len(head) {
			t.Fatalf("row of %d cells under %d headers", len(r), len(head))
		}
		order = append(order, r[0])
		byID[r[0]] = r
	}
	// Severe first (T0001, 4 of 6), then persistent by rate: T0005 1 of 4,
	// T0002 2 of 10, T0003 1 of 6; T0004 has no possible sessions.
	if diff := cmp.Diff([]string{"T0001", "T0005", "T0002", "T0003", "T0004"}, order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	cell := func(id, c string) string { return byID[id][col[c]] }
	checks := []struct{ id, col, want string }{
		{"T0001", "surname", "'=SUM(A1:A9)"}, // would be a live formula in Excel
		{"T0003", "forename", "'@Séan"},
		{"T0005", "surname", "'-Dash"},
		{"T0005", "forename", "'+Plus"},
		{"T0002", "surname", "Öztürk"},
		{"T0002", "forename", "Zoë"},
		{"T0003", "surname", "Ní Bhriain, Seán"},
		{"T0004", "surname", "Łukasik"},
		{"T0004", "forename", "Anna-Maria"}, // a dash inside is not neutralised
		{"T0001", "possible_sessions", "6"},
		{"T0001", "absence_sessions", "4"},
		{"T0001", "absence_pct", "66.67"},
		{"T0001", "severe_absence", "true"},
		{"T0003", "possible_sessions", "6"},
		{"T0003", "missing_marks", "1"},
		{"T0003", "code_H", "1"},
		{"T0003", "code_missing", "1"},
		{"T0003", "code_present_am", "2"},
		{"T0004", "assessable", "false"},
		{"T0004", "first_date", "2024-09-02"},
		{"T0002", "last_date", "2024-09-06"},
	}
	for _, c := range checks {
		if got := cell(c.id, c.col); got != c.want {
			t.Errorf("%s %s = %q, want %q", c.id, c.col, got, c.want)
		}
	}
}

func TestJSONOutput(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, goldenResult(t), goldenMeta); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tool    string            `json:"tool"`
		Version string            `json:"version"`
		AsOf    string            `json:"as_of"`
		Window  map[string]string `json:"window"`
		Note    string            `json:"note"`
		Summary map[string]any    `json:"summary"`
		Pupils  []map[string]any  `json:"pupils"`
		Quality struct {
			RowsRead     int              `json:"rows_read"`
			RowsUsed     int              `json:"rows_used"`
			RowsRejected int              `json:"rows_rejected"`
			Rejections   []map[string]any `json:"rejections"`
			UnknownCodes map[string]int   `json:"unknown_codes"`
			LegacyCodes  map[string]int   `json:"legacy_codes"`
			MissingMarks int              `json:"missing_marks"`
		} `json:"data_quality"`
	}
	dec := json.NewDecoder(&b)
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tool != "attendrisk" || doc.Version != "test" || doc.AsOf != "2024-09-20" || doc.Note != Disclaimer {
		t.Errorf("metadata: %q %q %q %q", doc.Tool, doc.Version, doc.AsOf, doc.Note)
	}
	if diff := cmp.Diff(map[string]string{"from": "2024-09-02", "to": "2024-09-06"}, doc.Window); diff != "" {
		t.Errorf("window (-want +got):\n%s", diff)
	}
	// Summed sessions: 6 + 10 + 6 + 0 + 4 = 26 possible, 4 + 2 + 1 + 1 = 8 absent.
	if doc.Summary["possible_sessions"] != 26.0 || doc.Summary["persistent_absentees"] != 4.0 || doc.Summary["severe_absentees"] != 1.0 || doc.Summary["absence_pct"] != 30.77 {
		t.Errorf("summary = %v", doc.Summary)
	}
	// The names are JSON strings as they are: neutralising is for CSV.
	if doc.Pupils[0]["pupil_id"] != "T0001" || doc.Pupils[0]["surname"] != "=SUM(A1:A9)" {
		t.Errorf("first pupil = %v", doc.Pupils[0])
	}
	if doc.Pupils[2]["forename"] != "Zoë" {
		t.Errorf("third pupil forename = %v", doc.Pupils[2]["forename"])
	}
	if codes := doc.Pupils[0]["codes"].(map[string]any); codes["O"] != 2.0 || codes["G"] != 1.0 {
		t.Errorf("codes = %v", codes)
	}
	q := doc.Quality
	if q.RowsRead != 31 || q.RowsUsed != 29 || q.RowsRejected != 2 || q.MissingMarks != 1 || !cmp.Equal(q.LegacyCodes, map[string]int{"H": 1}) {
		t.Errorf("data_quality = %+v", q)
	}
	// unknown_codes is keyed by the mark as it is in the file, so a program
	// can look up unknown_codes["Q9"]: not by a quoted, shortened message.
	if !cmp.Equal(q.UnknownCodes, map[string]int{"Q9": 1}) {
		t.Errorf("unknown_codes = %#v, want map[Q9:1]", q.UnknownCodes)
	}
	if len(q.Rejections) != 2 {
		t.Errorf("rejections = %v", q.Rejections)
	}
	for _, r := range q.Rejections {
		if r["reason"] == "unknown_code" {
			ex := r["examples"].([]any)[0].(map[string]any)
			if ex["where"] != goldenInput+":24" || ex["detail"] != `"Q9"` {
				t.Errorf("unknown code example = %v", ex)
			}
		}
	}
}

func TestJSONLOutput(t *testing.T) {
	var b bytes.Buffer
	if err := JSONL(&b, goldenResult(t), goldenMeta); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want one per pupil (5)", len(lines))
	}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		for _, k := range []string{"pupil_id", "possible_sessions", "absence_pct", "persistent_absence", "severe_absence", "codes", "rules_name"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d has no %q", i+1, k)
			}
		}
	}
	// Fields come in the schema order, so lines diff well.
	if !strings.HasPrefix(lines[0], `{"pupil_id":"T0001","surname":"=SUM(A1:A9)","forename":"Formula","year_group":"9"`) {
		t.Errorf("first line starts %.80s", lines[0])
	}
}

func TestNeutralise(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=SUM(A1:A2)", "'=SUM(A1:A2)"},
		{`=HYPERLINK("http://example.invalid","x")`, `'=HYPERLINK("http://example.invalid","x")`},
		{"+44 1234", "'+44 1234"},
		{"-2+3", "'-2+3"},
		{"@SUM(1)", "'@SUM(1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"", ""},
		{"Smith", "Smith"},
		{"Anna-Maria", "Anna-Maria"},
		{"a=b", "a=b"},
		{"Zoë", "Zoë"},
		{"'quoted", "'quoted"},
		{"\n=1", "'\n=1"},
		{"  =1+1", "'  =1+1"},
		{"\u00a0@SUM(1)", "'\u00a0@SUM(1)"},
		{"\uff1dSUM(A1)", "'\uff1dSUM(A1)"},
		{"\uff0b1", "'\uff0b1"},
		{"\uff0d1", "'\uff0d1"},
		{"\uff20SUM(1)", "'\uff20SUM(1)"},
		{"   ", "   "},
		{"Mary Ann", "Mary Ann"},
	}
	for _, tt := range tests {
		if got := Neutralise(tt.in); got != tt.want {
			t.Errorf("Neutralise(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
