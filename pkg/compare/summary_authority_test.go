package compare_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/compare"
	"github.com/attendrisk/attendrisk/pkg/render"
)

// TestSummarySharedLocalIDsCompared: --compare of two summary-layout
// authority runs (testdata/authority/summary: Oak's and elm's admission
// number 1001 are two children) matches each 1001 with its own school's:
// elm's 1001 becoming severely absent is elm's change, and Oak's 1001,
// unchanged, has none.
func TestSummarySharedLocalIDsCompared(t *testing.T) {
	src := filepath.Join("..", "..", "testdata", "authority", "summary")
	dir := t.TempDir()
	for _, name := range []string{"oak.csv", "elm.csv", "riverside-pru.csv"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	files := []string{filepath.Join(dir, "oak.csv"), filepath.Join(dir, "elm.csv"), filepath.Join(dir, "riverside-pru.csv")}
	run := func() *analysis.Result {
		t.Helper()
		res, err := analysis.Run(analysis.Input{Files: files})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	var buf bytes.Buffer
	if err := render.JSON(&buf, run(), render.Meta{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "earlier.json")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// elm's 1001: 30 of 90 sessions absent before, 50 of 90 now.
	elm := "Adno,Surname,Forename,Year,/,\\,I,O,G\n1001,Dunn,Ava,3,20,20,0,50,0\n1003,Patel,Isha,3,44,44,2,0,0\n"
	if err := os.WriteFile(files[1], []byte(elm), 0o600); err != nil {
		t.Fatal(err)
	}
	prev, err := compare.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range compare.Diff(prev, run()) {
		got = append(got, c.Kind+" "+c.School+":"+c.ID)
	}
	// The tier may move too; what matters is whose changes they are.
	for _, g := range got {
		if !strings.HasSuffix(g, " elm:1001") {
			t.Errorf("change %q is not elm's 1001's", g)
		}
	}
	if diff := cmp.Diff("newly_severe elm:1001", first(got)); diff != "" {
		t.Errorf("first change (-want +got):\n%s", diff)
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
