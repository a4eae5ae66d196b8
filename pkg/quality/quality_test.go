package quality

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A finding about a file as a whole, given once per pupil, lists the file
// once: the count says how many, and a repeated path reads as a fault.
// Findings with a line or a detail keep every example up to the limit.
func TestExamplesOfAWholeFile(t *testing.T) {
	r := New()
	for i := 0; i < 3; i++ {
		r.Find("pupil_no_context", Loc{File: "context.csv"}, "")
		r.Find("context_no_pupil", Loc{File: "context.csv", Line: 10 + i}, "")
	}
	r.Find("pupil_no_context", Loc{File: "other.csv"}, "")
	got := map[string][]string{}
	counts := map[string]int{}
	for _, f := range r.Findings() {
		counts[f.Key] = f.Count
		for _, e := range f.Examples {
			got[f.Key] = append(got[f.Key], e.Where)
		}
	}
	want := map[string][]string{
		"pupil_no_context": {"context.csv", "other.csv"},
		"context_no_pupil": {"context.csv:10", "context.csv:11", "context.csv:12"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("examples (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]int{"pupil_no_context": 4, "context_no_pupil": 3}, counts); d != "" {
		t.Errorf("counts (-want +got):\n%s", d)
	}
}
