package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/metrics"
)

// rulesResult is the golden fixture with the default rules and the
// sample context columns absent: the pattern indicators are measured.
func rulesResult(t *testing.T) *analysis.Result {
	t.Helper()
	res, err := analysis.Run(analysis.Input{Files: []string{goldenInput}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestAnalystColumnsFromSchema checks that every single-valued indicator
// the rules can read is a column under its rules name.
func TestAnalystColumnsFromSchema(t *testing.T) {
	cols := map[string]bool{}
	for _, n := range flatNames() {
		if cols[n] {
			t.Errorf("column %s twice", n)
		}
		cols[n] = true
	}
	for name, v := range analysis.Schema(nil).Vars {
		switch v.(type) {
		case int, float64, bool, string:
			if !cols[name] {
				t.Errorf("indicator %s is not a column", name)
			}
		}
	}
	for _, n := range []string{"rank", "factor_ids"} {
		if !cols[n] {
			t.Errorf("no %s column", n)
		}
	}
}

// TestIndicatorValues checks that the JSON Lines indicators are the values
// the rules read, and that rank and factor_ids match the outcome.
func TestIndicatorValues(t *testing.T) {
	res := rulesResult(t)
	var b bytes.Buffer
	if err := JSONL(&b, res, goldenMeta); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != len(res.Pupils) {
		t.Fatalf("%d lines for %d pupils", len(lines), len(res.Pupils))
	}
	for i, p := range res.Pupils {
		var m map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &m); err != nil {
			t.Fatal(err)
		}
		if m["rank"] != float64(i+1) {
			t.Errorf("%s: rank %v, want %d", p.ID, m["rank"], i+1)
		}
		var ids []any
		for _, f := range p.Outcome.Fired {
			ids = append(ids, f.Factor.ID)
		}
		if ids == nil {
			ids = []any{}
		}
		if d := cmp.Diff(ids, m["factor_ids"]); d != "" {
			t.Errorf("%s factor_ids: %s", p.ID, d)
		}
		env := p.Env(metrics.DefaultMinSessions)
		for _, c := range analystColumns[2 : len(analystColumns)-len(moveColumns)] { // the indicators
			got, want := m[c.name], env.Vars[c.name]
			if got == nil {
				continue // not applicable: checked below
			}
			switch w := want.(type) {
			case int:
				want = float64(w)
			case float64:
				want = pct(w)
			}
			if got != want {
				t.Errorf("%s %s = %v, the rules read %v", p.ID, c.name, got, want)
			}
		}
		if m["schema_version"] != SchemaVersion || m["as_of"] != goldenMeta.AsOf || m["window"] == nil {
			t.Errorf("%s: line lacks the run fields", p.ID)
		}
		if p.Figures.Possible == 0 && m["absence_pct"] != nil {
			t.Errorf("%s: absence_pct %v with no possible sessions, want null", p.ID, m["absence_pct"])
		}
		if p.Figures.Possible > 0 && m["longest_absence_run_days"] == nil {
			t.Errorf("%s: longest_absence_run_days null in a run with rules", p.ID)
		}
	}
}

// TestCSVNulls checks the empty cells of a pupil with no possible
// sessions, and the |-separated factor ids.
func TestCSVNulls(t *testing.T) {
	res := tableRulesResult(t)
	var b bytes.Buffer
	if err := CSV(&b, res); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	seenIDs := false
	for i, p := range res.Pupils {
		r := rows[i+1]
		if p.Figures.Possible == 0 && (r[col["absence_pct"]] != "" || r[col["recent_absence_pct"]] != "") {
			t.Errorf("%s: absence_pct %q recent_absence_pct %q, want empty", p.ID, r[col["absence_pct"]], r[col["recent_absence_pct"]])
		}
		ids := appendFiredIDs(nil, p)
		if got := r[col["factor_ids"]]; got != strings.Join(ids, "|") {
			t.Errorf("%s: factor_ids %q, want %q", p.ID, got, strings.Join(ids, "|"))
		}
		seenIDs = seenIDs || len(ids) > 1
	}
	if !seenIDs {
		t.Error("no pupil with two fired factors: the fixture does not test the separator")
	}
}

// TestParquetReadBack writes the Parquet output and reads it back with
// the library: the schema's types, and every pupil's values against the
// CSV's.
func TestParquetReadBack(t *testing.T) {
	res := rulesResult(t)
	path := filepath.Join(t.TempDir(), "pupils.parquet")
	var b bytes.Buffer
	if err := Parquet(&b, res, goldenMeta); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if f.NumRows() != int64(len(res.Pupils)) {
		t.Fatalf("%d rows for %d pupils", f.NumRows(), len(res.Pupils))
	}
	if v, _ := f.Lookup("attendrisk.schema_version"); v != SchemaVersion {
		t.Errorf("schema_version metadata %q", v)
	}
	schema := f.Schema()
	types := map[string]string{}
	optional := map[string]bool{}
	for _, fld := range schema.Fields() {
		types[fld.Name()] = fld.Type().String()
		optional[fld.Name()] = fld.Optional()
	}
	for name, want := range map[string]string{
		"possible_sessions": "INT64", "absence_pct": "DOUBLE", "persistent_absence": "BOOLEAN",
		"first_date": "DATE", "pupil_id": "STRING", "rank": "INT64", "code_I": "INT64",
		"recent_absence_pct": "DOUBLE", "enough_data": "BOOLEAN",
	} {
		if want == "INT64" && types[name] == "INT(64,true)" {
			continue // the library names a signed 64-bit integer so
		}
		if !strings.Contains(types[name], want) {
			t.Errorf("%s is %s, want %s", name, types[name], want)
		}
	}
	if !strings.Contains(types["factor_ids"], "LIST") {
		t.Errorf("factor_ids is %s, want a LIST", types["factor_ids"])
	}
	if !optional["absence_pct"] || optional["possible_sessions"] {
		t.Errorf("nullability: absence_pct optional %v, possible_sessions optional %v", optional["absence_pct"], optional["possible_sessions"])
	}
	// Values, row by row, as maps.
	r := parquet.NewReader(bytes.NewReader(b.Bytes()))
	defer r.Close()
	var j bytes.Buffer
	if err := JSONL(&j, res, goldenMeta); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(j.String()), "\n")
	for i := range res.Pupils {
		row := map[string]any{}
		if err := r.Read(&row); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		var want map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &want); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"pupil_id", "possible_sessions", "absence_pct", "persistent_absence", "rank", "longest_absence_run_days", "first_date"} {
			got := norm(row[name])
			if name == "first_date" && got != nil {
				got = time.Unix(int64(got.(float64))*86400, 0).UTC().Format(time.DateOnly)
			}
			if d := cmp.Diff(want[name], got); d != "" {
				t.Errorf("row %d %s: (-json +parquet)\n%s", i, name, d)
			}
		}
	}
}

// norm makes a Parquet value comparable with a decoded JSON one.
func norm(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case *int64:
		if x == nil {
			return nil
		}
		return float64(*x)
	case *float64:
		if x == nil {
			return nil
		}
		return *x
	}
	return v
}

// TestJSONStreamLayout writes a list of several blocks of pupils (the
// fixture's five, repeated) and checks that the streamed document is laid
// out exactly as encoding/json's two-space indent lays it out, with every
// pupil present, and that JSON Lines has one line each.
func TestJSONStreamLayout(t *testing.T) {
	res := goldenResult(t)
	five := res.Pupils
	res.Pupils = nil
	for len(res.Pupils) < 3*1024+7 {
		res.Pupils = append(res.Pupils, five...)
	}
	var b bytes.Buffer
	if err := JSON(&b, res, goldenMeta); err != nil {
		t.Fatal(err)
	}
	var compact, want bytes.Buffer
	if err := json.Compact(&compact, b.Bytes()); err != nil {
		t.Fatal(err)
	}
	json.Indent(&want, compact.Bytes(), "", "  ")
	want.WriteByte('\n')
	if !bytes.Equal(want.Bytes(), b.Bytes()) {
		t.Errorf("the streamed document is not encoding/json's layout:\n%s", cmp.Diff(want.String(), b.String()))
	}
	var doc struct{ Pupils []map[string]any }
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Pupils) != len(res.Pupils) {
		t.Errorf("%d pupils in the document, want %d", len(doc.Pupils), len(res.Pupils))
	}
	b.Reset()
	if err := JSONL(&b, res, goldenMeta); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n"); n != len(res.Pupils) {
		t.Errorf("%d JSON Lines, want %d", n, len(res.Pupils))
	}
	// No pupils: an empty array, as encoding/json writes it.
	res.Pupils = nil
	b.Reset()
	if err := JSON(&b, res, goldenMeta); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\n  \"pupils\": [],\n  \"data_quality\": {") {
		t.Errorf("an empty list is not []:\n%s", b.String())
	}
}

// TestParquetSameOnAnyCores checks that the rows made a block at a time on
// every core (inOrder) are the pupils in the list's order, and give the
// file one core gives, byte for byte (the sample school's 600 pupils span
// several blocks).
func TestParquetSameOnAnyCores(t *testing.T) {
	res, err := analysis.Run(analysis.Input{Files: []string{"../../testdata/sample/school-marks.csv"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pupils) <= 2*parquetBlock {
		t.Fatalf("%d pupils: the test needs more than one block of %d", len(res.Pupils), parquetBlock)
	}
	write := func(procs int) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var b bytes.Buffer
		if err := Parquet(&b, res, goldenMeta); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	one := write(1)
	// The rows are the pupils in the list's order.
	rows, err := parquet.Read[struct {
		PupilID string `parquet:"pupil_id"`
	}](bytes.NewReader(one), int64(len(one)))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(res.Pupils) {
		t.Fatalf("%d rows for %d pupils", len(rows), len(res.Pupils))
	}
	for i, r := range rows {
		if r.PupilID != res.Pupils[i].ID {
			t.Fatalf("row %d is pupil %s, want %s (the pupil ranked %d)", i, r.PupilID, res.Pupils[i].ID, i+1)
		}
	}
	for _, procs := range []int{2, 3, 8} {
		if !bytes.Equal(write(procs), one) {
			t.Errorf("GOMAXPROCS=%d: the Parquet file differs from one core's", procs)
		}
	}
}
