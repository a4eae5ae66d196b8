package rule_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/rule"
)

// TestRuntimeFailureRedacted: a rule that fails as it runs is reported
// (never counted as false) with a reason that names what failed but holds
// none of the pupil's own values: not a context value (a support state as
// a case-management system wrote it, a name in a free-text column) and not
// a text indicator. The same failure for two pupils with different values
// is one reason.
func TestRuntimeFailureRedacted(t *testing.T) {
	const rules = `version: 1
name: Runtime
factors:
  - {id: support_number, kind: risk, group: agency, label: L, weight: 5, when: 'int(context.support) > 1'}
  - {id: year_number, kind: risk, group: attendance, label: L, weight: 5, when: 'int(year_group) > 7'}
  - {id: carer_number, kind: risk, group: child, label: L, weight: 5, when: 'float(context.carer) > 0.5 && absence_pct > 1'}
  - {id: fine, kind: risk, group: attendance, label: L, weight: 5, when: 'persistent_absence'}
tiers:
  - {name: low, min_score: 0}
next_steps:
  - {id: step_number, step: S, when: 'int(context.carer) == 2'}
`
	s := rule.Schema{Vars: testVars(), Context: map[string]any{"support": "", "carer": ""}}
	set := mustParse(t, rules, s)
	reasons := func(support, carer, year string) []string {
		t.Helper()
		out, err := set.Evaluate(rule.Env{Vars: pupil(map[string]any{"year_group": year, "absence_pct": 20.0}),
			Context: map[string]any{"support": support, "carer": carer}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range out.Unknown {
			if !rule.RuntimeFailure(u.Reason) {
				t.Errorf("%s: %q is not reported as a run-time failure", u.Factor.ID, u.Reason)
			}
			got = append(got, u.Factor.ID+": "+u.Reason)
		}
		for _, u := range out.StepsUnknown {
			got = append(got, u.Step.ID+": "+u.Reason)
		}
		for _, v := range []string{support, carer, year} {
			for _, r := range got {
				if strings.Contains(r, v) {
					t.Errorf("the reason %q holds the pupil's value %q", r, v)
				}
			}
		}
		return got
	}
	a := reasons("Declined by parent", "Mary Smith (mother)", "Year 9 Oak")
	b := reasons("Open - Ms Jones", "Primary carer", "Y10 Elm")
	if len(a) != 4 {
		t.Fatalf("want 3 factors and 1 step not evaluated, got %q", a)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("the same failure with other values gives another reason (-a +b):\n%s", diff)
	}
	for i, name := range []string{"value of context.support", "value of year_group", "value of context.carer", "value of context.carer"} {
		if !strings.Contains(a[i], name) {
			t.Errorf("%q does not say what failed (%s)", a[i], name)
		}
	}
	t.Log(strings.Join(a, "\n"))
}
