package compare_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/compare"
	"github.com/attendrisk/attendrisk/pkg/render"
)

// TestSharedLocalIDsStayTwoChildren: Oak Primary and Elm each have a child
// with admission number 1001 (testdata/authority). An authority run's JSON
// output lists both, so it must be usable as the earlier run of --compare
// (not refused as a duplicate), and comparing a run with itself finds no
// change: each 1001 is matched with itself, never with the other school's.
// Pseudonymised, the two children have two pseudonyms, and an identified
// earlier run pseudonymised under the same key matches them the same way.
func TestSharedLocalIDsStayTwoChildren(t *testing.T) {
	files := []string{
		filepath.Join("..", "..", "testdata", "authority", "oak.csv"),
		filepath.Join("..", "..", "testdata", "authority", "elm.csv"),
	}
	run := func() *analysis.Result {
		res, err := analysis.Run(analysis.Input{Files: files})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := run()
	n1001 := 0
	for _, p := range res.All {
		if p.ID == "1001" {
			n1001++
		}
	}
	if n1001 != 2 {
		t.Fatalf("%d pupils with id 1001, want 2 (Oak Primary's and elm's)", n1001)
	}
	var buf bytes.Buffer
	if err := render.JSON(&buf, res, render.Meta{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "last-week.json")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	prev, err := compare.Read(path)
	if err != nil {
		t.Fatalf("the authority run's own output is refused: %v", err)
	}
	if cs := compare.Diff(prev, res); len(cs) != 0 {
		t.Errorf("a run compared with itself has changes: %+v", cs)
	}

	key := []byte("a-long-secret-key-for-tests")
	pres := run()
	if err := analysis.Pseudonymise(pres, key); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range pres.All {
		if seen[p.ID] {
			t.Errorf("pseudonym %s stands for two children", p.ID)
		}
		seen[p.ID] = true
	}
	if len(seen) != len(res.All) {
		t.Errorf("%d pseudonyms for %d children", len(seen), len(res.All))
	}
	prev, err = compare.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := prev.Pseudonymise(key); err != nil {
		t.Fatal(err)
	}
	if cs := compare.Diff(prev, pres); len(cs) != 0 {
		t.Errorf("pseudonymised run against the identified one pseudonymised: changes %+v", cs)
	}
}
