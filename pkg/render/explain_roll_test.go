package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

// TestExplainShowsRolls: in an authority run the pupil page of a child who
// moved from Ash Primary to Birch Academy says so, with the school days
// missed between the rolls, and that of a child who left Ash's roll for no
// school in the run says so with the step to take, in every format.
func TestExplainShowsRolls(t *testing.T) {
	res, err := analysis.Run(analysis.Input{Files: []string{"../../testdata/authority/ash.csv", "../../testdata/authority/birch.csv"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"H823300113002": "moved school: from Ash Primary (last marked 27/09/2024) to Birch Academy (first marked 14/10/2024): 10 school days missed between the rolls",
		"U823300113001": "left the roll: Ash Primary, last marked",
	}
	for _, p := range res.All {
		w, ok := want[p.ID]
		if !ok {
			continue
		}
		delete(want, p.ID)
		pg := BuildExplainPage(res, p, 1, 1, 40)
		var text, md, html bytes.Buffer
		if err := ExplainText(&text, []*ExplainPage{pg}); err != nil {
			t.Fatal(err)
		}
		if err := ExplainMarkdown(&md, []*ExplainPage{pg}, PackMeta{}); err != nil {
			t.Fatal(err)
		}
		if err := ExplainHTML(&html, []*ExplainPage{pg}, PackMeta{}); err != nil {
			t.Fatal(err)
		}
		for name, out := range map[string]string{"text": text.String(), "md": md.String(), "html": html.String()} {
			w := w
			if name == "md" {
				w = mdEscape(w) // literal in Markdown, as every text from a file
			}
			if !strings.Contains(out, w) {
				t.Errorf("%s page of %s lacks %q:\n%s", name, p.ID, w, out)
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("pupils not in the run: %v", want)
	}
}
