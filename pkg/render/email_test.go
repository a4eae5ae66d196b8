package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/compare"
)

// emailMeta is a week-on-week comparison for the email goldens: T0001 was
// in the lowest tier and not persistently absent a week earlier, T0009 has
// left, and the earlier headline rates give the deltas.
func emailMeta(t *testing.T, idsOnly bool) Meta {
	t.Helper()
	res := tableRulesResult(t)
	prev := &compare.Previous{Path: "week37.json", AsOf: "2024-09-13", RulesHash: res.Rules.Hash,
		Headline: &compare.Headline{Pupils: 5, AbsencePct: 10, PersistentPct: 40, SeverePct: 20},
		Pupils: map[string]compare.PrevPupil{
			"T0001": {ID: "T0001", Tier: "watch", AbsencePct: 5},
			"T0009": {ID: "T0009", Tier: "act", AbsencePct: 30, Persistent: true},
		}}
	m := goldenMeta
	m.Changes = compare.Diff(prev, res)
	m.Compared, m.Previous, m.PrevAsOf = prev.Path, prev.Headline, prev.AsOf
	m.IDsOnly = idsOnly
	return m
}

// TestEmailGolden: the email summaries with a comparison, read as an
// officer would: the headline with its change since the last run, who
// changed with their name and why, and the top of the list with labels.
func TestEmailGolden(t *testing.T) {
	for _, tt := range []struct {
		name    string
		idsOnly bool
		write   func(*bytes.Buffer, Meta) error
	}{
		{"email.md.golden", false, func(b *bytes.Buffer, m Meta) error { return Markdown(b, tableRulesResult(t), m, 0) }},
		{"email.html.golden", false, func(b *bytes.Buffer, m Meta) error { return HTML(b, tableRulesResult(t), m, 0) }},
		{"email-ids-only.md.golden", true, func(b *bytes.Buffer, m Meta) error { return Markdown(b, tableRulesResult(t), m, 0) }},
		{"email-ids-only.html.golden", true, func(b *bytes.Buffer, m Meta) error { return HTML(b, tableRulesResult(t), m, 0) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b, emailMeta(t, tt.idsOnly)); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name, b.Bytes())
			out := b.String()
			// The delta is the run's PA rate against the earlier 40.0%.
			if !strings.Contains(out, "points since 13/09/2024") {
				t.Errorf("no week-on-week delta in:\n%s", out)
			}
			if strings.Contains(out, "<svg") {
				t.Error("an SVG chart: Outlook and Gmail do not show it")
			}
			names := []string{"Formula", "=SUM", "Persistently absent"}
			for _, n := range names {
				if tt.idsOnly == strings.Contains(out, n) {
					t.Errorf("ids only %v, but %q present = %v", tt.idsOnly, n, !tt.idsOnly)
				}
			}
		})
	}
}
