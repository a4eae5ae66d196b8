package render

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/metrics"
)

// TestPupilJSONDirect: the factors, next steps and codes that pupilJSON
// writes directly are byte for byte what json.Marshal writes for them,
// with text that needs escaping (quotes, HTML-special bytes, control
// characters, non-ASCII) and empty lists.
func TestPupilJSONDirect(t *testing.T) {
	texts := []string{"", "plain", `say "no"`, "a<b>&c", "tab\there", "caf\u00e9 \u2028", `back\slash`}
	for _, s := range texts {
		for _, ev := range [][]string{{}, {s}, {"x", s, "12 of 300 (4.0%)"}} {
			f := factorJSON{ID: s + "id", Kind: "risk", Group: s, Label: "Label " + s, Weight: 3, Evidence: ev, Source: s}
			want, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := writeFactorJSON(&got, f); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got.String()); diff != "" {
				t.Errorf("factor %q (-json.Marshal +direct):\n%s", s, diff)
			}
		}
		st := stepJSON{ID: "s" + s, Step: s, Source: "DfE " + s}
		want, _ := json.Marshal(st)
		var got bytes.Buffer
		if err := writeStepJSON(&got, st); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), got.String()); diff != "" {
			t.Errorf("step %q (-json.Marshal +direct):\n%s", s, diff)
		}
	}
	for _, codes := range [][]int{nil, make([]int, mark.NumIDs), func() []int {
		c := make([]int, mark.NumIDs)
		for i := range c {
			c[i] = i * 37 % 5 * (i + 290)
		}
		return c
	}()} {
		p := &analysis.Pupil{Figures: metrics.FromCounts(codes, 0)}
		want, _ := json.Marshal(p.Figures.CodeCounts())
		var got bytes.Buffer
		writeCodesJSON(&got, p)
		if diff := cmp.Diff(string(want), got.String()); diff != "" {
			t.Errorf("codes %v (-json.Marshal +direct):\n%s", codes, diff)
		}
	}
}
