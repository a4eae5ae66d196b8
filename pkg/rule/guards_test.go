package rule_test

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/rule"
)

// TestGuardsMatchMachine: the default rules give the same outcome for
// random pupils (every yes/no indicator either way, counts, rates, support
// states, context values present, blank or of the wrong type) whether the
// leading operands that read one indicator are tested before the
// expression machine runs or the machine reads everything.
func TestGuardsMatchMachine(t *testing.T) {
	guarded := parseDefault(t, sampleContext())
	plain := parseDefault(t, sampleContext())
	rule.WithoutGuards(plain)
	summary := func(o rule.Outcome) string {
		s := fmt.Sprintf("%s %d %d %d |", o.Tier, o.Score, o.RiskPoints, o.ProtectivePoints)
		for _, f := range o.Fired {
			s += fmt.Sprintf(" %s %q", f.Factor.ID, f.Evidence)
		}
		// The factors that did not fire are the set's others (Set.NotFired):
		// Fired above settles them.
		for _, u := range o.Unknown {
			s += " | " + u.Factor.ID + ": " + u.Reason
		}
		for _, u := range o.StepsUnknown {
			s += " | " + u.Step.ID + ": " + u.Reason
		}
		s += " | steps"
		for _, st := range o.Steps {
			s += " " + st.ID
		}
		return s
	}
	rng := rand.New(rand.NewSource(12))
	states := []string{"engaged", "declined", "not_working", "not_recorded", "closed"}
	for i := 0; i < 3000; i++ {
		v := pupil(nil)
		for k, x := range v {
			switch x := x.(type) {
			case bool:
				v[k] = rng.Intn(3) == 0
			case int:
				v[k] = rng.Intn(40) - 2
			case float64:
				v[k] = rng.Float64() * 100
				if rng.Intn(2) == 0 {
					v[k] = float64(rng.Intn(101)) // on a threshold now and then
				}
			case map[string]int:
				m := map[string]int{}
				for c := range x {
					m[c] = rng.Intn(12)
				}
				v[k] = m
			}
		}
		v["support_state"] = states[rng.Intn(len(states))]
		ctx := map[string]any{}
		for k := range sampleContext() {
			switch rng.Intn(4) {
			case 0: // blank
			case 1:
				ctx[k] = "Primary carer" // the wrong type
			default:
				ctx[k] = rng.Intn(2) == 0
			}
		}
		envs := [2]rule.Env{{Vars: v, Context: ctx}, {Vars: v, Context: ctx}}
		got, err := guarded.Evaluate(envs[0])
		if err != nil {
			t.Fatal(err)
		}
		want, err := plain.Evaluate(envs[1])
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(summary(want), summary(got)); diff != "" {
			t.Fatalf("pupil %d (-machine +guarded):\n%s", i, diff)
		}
	}
}
