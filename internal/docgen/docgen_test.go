package docgen

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/metrics"
)

// TestREADME fails when the README's indicator table is not the one
// generated from metrics.Indicators.
func TestREADME(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Section(readme)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(IndicatorsTable()), string(got)); diff != "" {
		t.Errorf("README.md's indicator table is not the one generated from pkg/metrics/indicator.go: run %s\n(-generated +README):\n%s", Command, diff)
	}
}

// TestUpdate checks the rewriting itself: only the text between the
// markers changes, a second run changes nothing, and a README without
// the markers is an error rather than a silent no-op.
func TestUpdate(t *testing.T) {
	in := []byte("# x\n\nbefore\n" + IndicatorsBegin + "\nstale | table\n" + IndicatorsEnd + "\nafter\n")
	out, err := Update(in)
	if err != nil {
		t.Fatal(err)
	}
	want := "# x\n\nbefore\n" + IndicatorsBegin + "\n" + string(IndicatorsTable()) + IndicatorsEnd + "\nafter\n"
	if diff := cmp.Diff(want, string(out)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	again, err := Update(out)
	if err != nil || !bytes.Equal(again, out) {
		t.Errorf("second run changed the README (err %v)", err)
	}
	if _, err := Update([]byte("# no markers\n")); err == nil {
		t.Error("no error for a README without markers")
	}
	if _, err := Update([]byte(IndicatorsBegin + "\nno end\n")); err == nil {
		t.Error("no error for a README without the end marker")
	}
	for _, ind := range metrics.Indicators {
		if !strings.Contains(string(IndicatorsTable()), "| `"+ind.Name+"` |") {
			t.Errorf("%s not in the generated table", ind.Name)
		}
	}
}
