package rule_test

import (
	"testing"

	"github.com/attendrisk/attendrisk/pkg/rule"
)

func TestWhyNot(t *testing.T) {
	s := mustParse(t, `
version: 1
name: t
factors:
  - {id: f, kind: risk, group: attendance, label: F, weight: 1, source: s, when: "ok"}
tiers:
  - {name: all, min_score: 0}
`, rule.Schema{Vars: map[string]any{"n": 0, "ok": false, "codes": map[string]int{"S": 0}}, Context: map[string]any{"carer": false}})
	env := rule.Env{
		Vars:     map[string]any{"n": 3, "ok": true, "codes": map[string]int{"S": 2}},
		Context:  map[string]any{"carer": false},
		Evidence: map[string]string{"n": "3 sessions"},
	}
	tests := []struct{ when, want string }{
		{"ok && n >= 10", "n >= 10 is false: 3 sessions"},
		{"n >= 1 && !ok", "ok: ok = true"},
		{"context.carer && ok", "context.carer is false: context.carer = false"},
		{"n >= 1 && ok", ""}, // true: nothing to explain
		{`codes["S"] > 5 && ok`, `codes["S"] > 5 is false: codes["S"] = 2`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := s.WhyNot(tt.when, env); got != tt.want {
			t.Errorf("WhyNot(%q) = %q, want %q", tt.when, got, tt.want)
		}
	}
	// A context value the pupil does not have.
	if got, want := s.WhyNot("context.carer && ok", rule.Env{Vars: env.Vars}), "no value for context.carer"; got != want {
		t.Errorf("missing context: %q, want %q", got, want)
	}
}
