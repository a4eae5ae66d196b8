package compare

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/rule"
)

// TestRead: an earlier JSON output is read pupil by pupil; anything else,
// or a forged list, is refused with a message naming the file and, for a
// bad entry, its position, never a pupil id.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"tool": "attendrisk", "version": "1", "as_of": "2024-09-02",
		"changes": [{"change": "joined", "pupil_id": "Z9"}],
		"rules": {"name": "x", "hash": "sha256:ab"},
		"pupils": [
		  {"pupil_id": "A1", "surname": "Ash", "tier": "high", "score": 7, "absence_pct": 12.5,
		   "persistent_absence": true, "severe_absence": false, "factors": [{"id": "f", "evidence": ["a", "b"]}]},
		  {"pupil_id": "B2", "tier": "", "score": 0, "absence_pct": 0, "persistent_absence": false, "severe_absence": false}
		],
		"data_quality": {"rows_read": 4}}
`)
	p, err := Read(good)
	if err != nil {
		t.Fatal(err)
	}
	want := &Previous{Path: good, AsOf: "2024-09-02", RulesHash: "sha256:ab", Pupils: map[string]PrevPupil{
		"A1": {ID: "A1", Tier: "high", Score: 7, AbsencePct: 12.5, Persistent: true},
		"B2": {ID: "B2"},
	}}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("Read (-want +got):\n%s", diff)
	}
	// Ids in the earlier run are folded as the register's are: a list
	// edited in a spreadsheet still matches its pupils, and two spellings
	// of one id are one pupil twice.
	p, err = Read(write("folded.json", `{"tool":"attendrisk","pupils":[
		{"pupil_id":" a1 "},{"pupil_id":"12.0"},{"pupil_id":"0012"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for id := range p.Pupils {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if diff := cmp.Diff([]string{"0012", "12", "A1"}, ids); diff != "" {
		t.Errorf("folded ids (-want +got):\n%s", diff)
	}
	if _, err := Read(write("dupfold.json", `{"tool":"attendrisk","pupils":[{"pupil_id":"a1"},{"pupil_id":"A1"}]}`)); err == nil || !strings.Contains(err.Error(), "same pupil_id and school as an earlier one") {
		t.Errorf("a1 and A1: want the duplicate error, got %v", err)
	}
	if p, err := Read(write("null.json", `{"tool":"attendrisk","pupils":null}`)); err != nil || len(p.Pupils) != 0 {
		t.Errorf("null pupils: %v, %v", p, err)
	}

	notOurs := func(p string) string {
		return "--compare " + p + ": not a JSON output of attendrisk analyse (expected the file written by --format json)"
	}
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileBytes + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	tests := []struct{ path, err string }{
		{write("empty.json", ""), notOurs(filepath.Join(dir, "empty.json"))},
		{write("csv.json", "pupil_id,tier\nA1,high\n"), notOurs(filepath.Join(dir, "csv.json"))},
		{write("array.json", `[{"tool":"attendrisk"}]`), notOurs(filepath.Join(dir, "array.json"))},
		{write("other.json", `{"tool":"othertool","pupils":[]}`), notOurs(filepath.Join(dir, "other.json"))},
		{write("nopupils.json", `{"tool":"attendrisk"}`), notOurs(filepath.Join(dir, "nopupils.json"))},
		{write("cut.json", `{"tool":"attendrisk","pupils":[{"pupil_id":"A1"},`),
			"--compare " + filepath.Join(dir, "cut.json") + ": the file ends inside its JSON document (cut short by a copy or a full disk?)"},
		{write("cut2.json", `{"tool":"attendrisk","pupils":[{"pupil_id":"A1"}`),
			"--compare " + filepath.Join(dir, "cut2.json") + ": the file ends inside its JSON document (cut short by a copy or a full disk?)"},
		{write("cut3.json", `{"tool":"attendrisk","pupils":[{"pupil_id":"A1"}]`),
			"--compare " + filepath.Join(dir, "cut3.json") + ": the file ends inside its JSON document (cut short by a copy or a full disk?)"},
		{write("trailing.json", `{"tool":"attendrisk","pupils":[]} {"tool":"attendrisk"}`), notOurs(filepath.Join(dir, "trailing.json"))},
		{write("pupilsobj.json", `{"tool":"attendrisk","pupils":{"A1":{}}}`), notOurs(filepath.Join(dir, "pupilsobj.json"))},
		{write("badpupil.json", `{"tool":"attendrisk","pupils":[{"pupil_id":"A1"},{"pupil_id":"Ann Ash","score":"lots"}]}`),
			"--compare " + filepath.Join(dir, "badpupil.json") + ": pupil 2 of the list is not a pupil of an attendrisk JSON output"},
		{write("noid.json", `{"tool":"attendrisk","pupils":[{"pupil_id":"A1"},{"tier":"high"}]}`),
			"--compare " + filepath.Join(dir, "noid.json") + ": pupil 2 of the list has no pupil_id"},
		{write("dup.json", `{"tool":"attendrisk","pupils":[{"pupil_id":"A1"},{"pupil_id":"B2"},{"pupil_id":"A1","tier":"low"}]}`),
			"--compare " + filepath.Join(dir, "dup.json") + ": pupil 3 of the list has the same pupil_id and school as an earlier one"},
		{big, fmt.Sprintf("--compare %s: 1073741825 bytes, more than the 1073741824 bytes (1 GiB) an attendrisk JSON output can be", big)},
		{dir, "--compare " + dir + ": not a regular file (expected the file written by --format json)"},
		{filepath.Join(dir, "missing.json"), "--compare " + filepath.Join(dir, "missing.json") + ": cannot read: no such file or directory"},
	}
	if runtime.GOOS != "windows" {
		tests = append(tests, struct{ path, err string }{"/dev/zero", "--compare /dev/zero: not a regular file (expected the file written by --format json)"})
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			p, err := Read(tt.path)
			if err == nil {
				t.Fatalf("read %v, want the error %q", p, tt.err)
			}
			if diff := cmp.Diff(tt.err, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if strings.Contains(err.Error(), "Ann") {
				t.Errorf("the error names a pupil: %v", err)
			}
		})
	}
}

// cohort builds n pupils, all persistently absent (10% to 69% of 100
// sessions), and an
// earlier run in which every one of them had no absence: n changes.
func cohort(n int) (*Previous, *analysis.Result) {
	prev := &Previous{Path: "prev.json", Pupils: make(map[string]PrevPupil, n)}
	res := &analysis.Result{}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("P%06d", i)
		abs := 10 + i%60
		res.All = append(res.All, &analysis.Pupil{ID: id, Figures: metrics.Figures{Possible: 100, Present: 100 - abs, Unauthorised: abs}})
		prev.Pupils[id] = PrevPupil{ID: id}
	}
	res.Pupils = res.All
	return prev, res
}

// TestAnnotate: every pupil gets its own changes, and a pupil without a
// change gets none.
func TestAnnotate(t *testing.T) {
	pupil := func(id string, absent int) *analysis.Pupil {
		return &analysis.Pupil{ID: id, Figures: metrics.Figures{Possible: 100, Present: 100 - absent, Unauthorised: absent}}
	}
	res := &analysis.Result{All: []*analysis.Pupil{pupil("A", 20), pupil("B", 60), pupil("C", 5), pupil("D", 0)}}
	prev := &Previous{Pupils: map[string]PrevPupil{
		"A": {ID: "A"}, "B": {ID: "B"}, "C": {ID: "C", AbsencePct: 5},
		"D": {ID: "D", AbsencePct: 30, Persistent: true}, "GONE": {ID: "GONE"},
	}}
	Annotate(res, Diff(prev, res))
	got := map[string][]string{}
	for _, p := range res.All {
		got[p.ID] = p.Changes
	}
	want := map[string][]string{"A": {NewlyPersistent}, "B": {NewlySevere}, "C": nil, "D": {Improved}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

// BenchmarkCompare20000 is --compare's work for 20,000 pupils, every one of
// them changed: the diff and the marking of each pupil's changes. Both are
// linear (the marking once compared every change with every pupil: 400
// million comparisons, seconds).
func BenchmarkCompare20000(b *testing.B) {
	prev, res := cohort(20000)
	for id, pp := range prev.Pupils {
		pp.Tier = "low"
		pp.AbsencePct = 0
		prev.Pupils[id] = pp
	}
	if n := len(Diff(prev, res)); n < 20000 {
		b.Fatalf("%d changes, want at least 20,000", n)
	}
	b.ResetTimer()
	for b.Loop() {
		Annotate(res, Diff(prev, res))
	}
}

func TestComparable(t *testing.T) {
	const a, b = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaa", "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	tests := []struct {
		name      string
		prevHash  string
		rules     *rule.Set
		wantWarns []string
	}{
		{"same rules", a, &rule.Set{Hash: a}, nil},
		{"other rules", a, &rule.Set{Hash: b}, []string{"--compare w.json was made with other rules (sha256:aaaaaaaaaaaa, now sha256:bbbbbbbbbbbb): tier moves may come from the rules, not from the pupils"}},
		{"earlier figures only", "", &rule.Set{Hash: b}, []string{"--compare w.json is a figures-only run (--no-rules): it has no tiers, so no tier moves are reported"}},
		{"now figures only", a, nil, []string{"this run is figures only (--no-rules) and w.json is not: no tier moves are reported"}},
		{"both figures only", "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Comparable(&Previous{Path: "w.json", RulesHash: tt.prevHash}, &analysis.Result{Rules: tt.rules})
			if diff := cmp.Diff(tt.wantWarns, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
