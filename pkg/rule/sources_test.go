package rule_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/rule"
	"github.com/attendrisk/attendrisk/rules"
)

func TestSources(t *testing.T) {
	s := mustParse(t, `
version: 1
name: t
factors:
  - {id: a, kind: risk, group: attendance, label: A, weight: 1, when: "true",
     source: 'Doc One (2024), Part 2 ("a quote; with a semicolon"); Part 3, https://example.org; local choice (the 8% band)'}
  - {id: b, kind: risk, group: attendance, label: B, weight: 1, when: "true", source: "Doc Two, Section A; Doc One (2024), Part 2"}
  - {id: c, kind: risk, group: attendance, label: C, weight: 1, when: "true", source: "Somebody's notes"}
tiers:
  - {name: all, min_score: 0}
`, rule.Schema{Vars: map[string]any{}})
	docs, local := s.Sources([]string{"Doc One (2024)", "Doc Two"})
	want := []rule.Citation{
		{Document: "Doc One (2024)", Known: true, Sections: []rule.Section{{Name: "Part 2", IDs: []string{"a", "b"}}, {Name: "Part 3", IDs: []string{"a"}}}},
		{Document: "Doc Two", Known: true, Sections: []rule.Section{{Name: "Section A", IDs: []string{"b"}}}},
		{Document: "Somebody's notes", Sections: []rule.Section{{Name: "(whole document)", IDs: []string{"c"}}}},
	}
	if diff := cmp.Diff(want, docs); diff != "" {
		t.Errorf("Sources (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]rule.LocalChoice{{ID: "a", What: "the 8% band"}}, local); diff != "" {
		t.Errorf("local choices (-want +got):\n%s", diff)
	}
}

// Every citation in the default rules is a document a person can look up:
// one of rules.Documents, by its title.
func TestDefaultSourcesAreKnownDocuments(t *testing.T) {
	s := parseDefault(t, sampleContext())
	var titles []string
	for _, d := range rules.Documents {
		titles = append(titles, d.Title)
	}
	docs, local := s.Sources(titles)
	for _, d := range docs {
		if !d.Known {
			t.Errorf("cites %q, which is not one of rules.Documents (sections %v)", d.Document, d.Sections)
		}
	}
	if len(local) < 5 {
		t.Errorf("%d local choices, want the thresholds no document sets labelled as such", len(local))
	}
}
