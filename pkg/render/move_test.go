package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/parquet-go/parquet-go"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

// moveNames are the roll fields, in output order.
var moveNames = []string{"roll_status", "left_school", "left_on", "school_days_since_left", "left_unexplained_sessions",
	"left_absent_sessions", "left_possible_sessions", "moved_from_school", "moved_to_school", "moved_on", "gap_school_days",
	"joined_never_attended", "joined_on"}

// moveRun is Ash Primary and Birch Academy (testdata/authority: a leaver,
// a mover) with a third school, Cedar, where a new starter joined on
// 09/09/2024 and has never attended.
func moveRun(t *testing.T) *analysis.Result {
	t.Helper()
	var b strings.Builder
	b.WriteString("School,Adno,Surname,Forename,Year,Date,Session,Mark\n")
	for i, d := range []string{"02/09/2024", "03/09/2024", "04/09/2024", "05/09/2024", "06/09/2024", "09/09/2024", "10/09/2024", "11/09/2024"} {
		b.WriteString("Cedar Primary,C1,Roll,Ann,3," + d + ",AM,/\nCedar Primary,C1,Roll,Ann,3," + d + ",PM,/\n")
		if i >= 5 {
			b.WriteString("Cedar Primary,C2,Never,Bo,3," + d + ",AM,O\nCedar Primary,C2,Never,Bo,3," + d + ",PM,O\n")
		}
	}
	cedar := filepath.Join(t.TempDir(), "cedar.csv")
	if err := os.WriteFile(cedar, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := analysis.Run(analysis.Input{Files: []string{"../../testdata/authority/ash.csv", "../../testdata/authority/birch.csv", cedar}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestMoveFields: the children on the move are fields of the pupil record
// in CSV and JSON Lines, after every other field: the leaver's school, last
// day, school days since and absence before leaving (worked in
// pkg/analysis TestAuthorityMovers), the mover's schools, joining day and
// gap, the joiner who never attended; null (an empty cell) where a finding
// does not apply.
func TestMoveFields(t *testing.T) {
	res := moveRun(t)
	want := map[string][]any{
		"U823300113001": {"left", "Ash Primary", "2024-10-04", 20.0, 4.0, 5.0, 40.0, nil, nil, nil, nil, false, nil},
		"H823300113002": {"moved", nil, nil, nil, nil, nil, nil, "Ash Primary", "Birch Academy", "2024-10-14", 10.0, false, nil},
		"C2":            {"on_roll", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, true, "2024-09-09"},
		"C1":            {"on_roll", nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, false, nil},
	}
	var jl bytes.Buffer
	if err := JSONL(&jl, res, goldenMeta); err != nil {
		t.Fatal(err)
	}
	got := map[string][]any{}
	for _, line := range strings.Split(strings.TrimSpace(jl.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		id := m["pupil_id"].(string)
		if _, ok := want[id]; !ok {
			continue
		}
		for _, n := range moveNames {
			v, ok := m[n]
			if !ok {
				t.Fatalf("%s: no %s field", id, n)
			}
			got[id] = append(got[id], v)
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("JSON Lines roll fields (-want +got):\n%s", d)
	}

	var c bytes.Buffer
	if err := CSV(&c, res); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := recs[0]
	if d := cmp.Diff(moveNames, head[len(head)-len(moveNames):]); d != "" {
		t.Errorf("the roll fields are not the last columns (-want +got):\n%s", d)
	}
	csvGot := map[string]string{}
	for _, r := range recs[1:] {
		csvGot[r[0]] = strings.Join(r[len(r)-len(moveNames):], ",")
	}
	csvWant := map[string]string{
		"U823300113001": "left,Ash Primary,2024-10-04,20,4,5,40,,,,,false,",
		"H823300113002": "moved,,,,,,,Ash Primary,Birch Academy,2024-10-14,10,false,",
		"C2":            "on_roll,,,,,,,,,,,true,2024-09-09",
	}
	for id, w := range csvWant {
		if csvGot[id] != w {
			t.Errorf("%s CSV roll fields %q, want %q", id, csvGot[id], w)
		}
	}

	// Parquet: the same values, the dates as DATE, the rest optional.
	var pq bytes.Buffer
	if err := Parquet(&pq, res, goldenMeta); err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(pq.Bytes()), int64(pq.Len()))
	if err != nil {
		t.Fatal(err)
	}
	for _, fld := range f.Schema().Fields() {
		if (fld.Name() == "left_on" || fld.Name() == "moved_on" || fld.Name() == "joined_on") && !strings.Contains(fld.Type().String(), "DATE") {
			t.Errorf("%s is %s, want DATE", fld.Name(), fld.Type())
		}
	}
	r := parquet.NewReader(bytes.NewReader(pq.Bytes()))
	defer r.Close()
	pqGot := map[string][]any{}
	for range res.Pupils {
		row := map[string]any{}
		if err := r.Read(&row); err != nil {
			t.Fatal(err)
		}
		id, _ := row["pupil_id"].(string)
		if _, ok := want[id]; !ok {
			continue
		}
		for _, n := range moveNames {
			v := norm(row[n])
			if days, ok := v.(float64); ok && strings.HasSuffix(n, "_on") { // a DATE: days since 1970
				v = time.Unix(int64(days)*86400, 0).UTC().Format(time.DateOnly)
			}
			pqGot[id] = append(pqGot[id], v)
		}
	}
	if d := cmp.Diff(want, pqGot); d != "" {
		t.Errorf("Parquet roll fields (-want +got):\n%s", d)
	}
}

// TestXLSXMovesSheet: the workbook's On the move sheet lists each finding
// under its school, the schools in order, the leaver before the mover at
// Ash Primary; a run with nobody on the move says so.
func TestXLSXMovesSheet(t *testing.T) {
	f, _ := xtWrite(t, moveRun(t), nil, nil)
	rows := xtRows(t, f, sheetMoves)
	h := xtFindRow(rows, "School")
	if h == 0 {
		t.Fatalf("no header row in %q", rows)
	}
	type row struct{ School, Finding, ID, Days string }
	var got []row
	for _, r := range rows[h:] {
		got = append(got, row{r[0], r[1], r[2], r[9]})
	}
	want := []row{
		{"Ash Primary", "Left the roll", "U823300113001", "20"},
		{"Ash Primary", "Moved school", "H823300113002", "10"},
		{"Cedar Primary", "Joined, never attended", "C2", ""},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("On the move (-want +got):\n%s", d)
	}
	if d := rows[h+1][10]; !strings.Contains(d, "to Birch Academy (first marked 14/10/2024): 10 school days missed") {
		t.Errorf("the move's detail %q", d)
	}
	if d := rows[h][10]; !strings.Contains(d, "children-missing-education") {
		t.Errorf("the leaver's detail %q", d)
	}

	_, f2, _ := xtDefault(t)
	rows = xtRows(t, f2, sheetMoves)
	if last := rows[len(rows)-1]; len(last) == 0 || !strings.HasPrefix(last[0], "No child left a roll") {
		t.Errorf("a run with nobody on the move ends %q", last)
	}
}
