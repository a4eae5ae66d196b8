package rule_test

import (
	"errors"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/rule"
)

// FuzzParse checks that no rules file, however broken, makes Parse (or
// Evaluate on what Parse accepts) panic, and that every error is located.
// The seeds are small on purpose: the default rules (tested elsewhere) take
// the fuzzer minutes to minimise.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		valid, set, "", "- 1\n", "version: 1\nname: [x\n",
		"version: &a 1\nname: *a\nfactors: *a\ntiers: [*a]\n",
		"version: 1\nname: n\nfactors:\n  - {id: a, kind: risk, group: child, label: l, when: 'context.x ?? 1 % 0 > 0', weight: 1}\ntiers: [{name: t, min_score: 0}]\n",
		"version: 1\nname: n\nfactors:\n  - {id: a, kind: risk, group: child, label: l, when: \"codes['I'] / 0 > 1 || absence_pct ** 400 > 1\", weight: 1}\ntiers: [{name: t, min_score: -1}]\n",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	vars := pupil(map[string]any{"unauthorised_10wk": 12, "persistent_absence": true})
	f.Fuzz(func(t *testing.T, data string, optional bool) {
		s := rule.Schema{Vars: testVars(), Context: map[string]any{"young_carer": false, "x": 0.0}, OptionalContext: optional}
		if optional {
			s.Context = nil
		}
		set, err := rule.Parse("fuzz.yaml", []byte(data), s)
		if err != nil {
			var es *rule.Errors
			if !errors.As(err, &es) || len(*es) == 0 {
				t.Fatalf("error %T %v is not a non-empty *rule.Errors", err, err)
			}
			for _, e := range *es {
				if e.Line < 1 || e.Col < 1 || e.Msg == "" || e.File != "fuzz.yaml" {
					t.Fatalf("badly located error: %#v", e)
				}
			}
			return
		}
		if len(set.Tiers) == 0 || set.Tiers[len(set.Tiers)-1].MinScore > 0 {
			t.Fatalf("accepted tiers %v", set.Tiers)
		}
		for _, ctx := range []map[string]any{nil, {"young_carer": true, "x": 2.0}} {
			o, err := set.Evaluate(rule.Env{Vars: vars, Context: ctx})
			if err != nil {
				continue // an expression reading a value the pupil lacks
			}
			if set.TierIndex(o.Tier) < 0 || o.Score < 0 {
				t.Fatalf("outcome %+v", o)
			}
		}
	})
}
