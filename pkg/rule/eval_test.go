package rule_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/rule"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// result is an Outcome with factors and steps named by id, for comparing.
type result struct {
	Score, Risk, Protective int
	Tier                    string
	Fired                   []string // "id: evidence; evidence"
	NotFired                []string
	Unknown                 []string // "id: reason"
	Steps                   []string
}

func summarise(s *rule.Set, o rule.Outcome) result {
	r := result{Score: o.Score, Risk: o.RiskPoints, Protective: o.ProtectivePoints, Tier: o.Tier}
	for _, f := range o.Fired {
		r.Fired = append(r.Fired, f.Factor.ID+": "+strings.Join(f.Evidence, "; "))
	}
	for _, f := range s.NotFired(&o) {
		r.NotFired = append(r.NotFired, f.ID)
	}
	for _, u := range o.Unknown {
		r.Unknown = append(r.Unknown, u.Factor.ID+": "+u.Reason)
	}
	for _, s := range o.Steps {
		r.Steps = append(r.Steps, s.ID)
	}
	return r
}

func TestEvaluate(t *testing.T) {
	s := mustParse(t, set, testSchema)
	tests := []struct {
		name string
		env  rule.Env
		want result
	}{
		{
			name: "nothing fires",
			env:  rule.Env{Vars: pupil(nil), Context: map[string]any{"young_carer": false, "child_protection_plan": false}},
			want: result{Tier: "monitor", NotFired: []string{"threshold", "pa", "carer", "improving", "illness"}},
		},
		{
			name: "9 unauthorised sessions: threshold not reached",
			env:  rule.Env{Vars: pupil(map[string]any{"unauthorised_10wk": 9})},
			want: result{Tier: "monitor", NotFired: []string{"threshold", "pa", "carer", "improving", "illness"},
				Unknown: []string{"carer: no value for context.young_carer"}},
		},
		{
			name: "10 unauthorised sessions: threshold reached",
			env:  rule.Env{Vars: pupil(map[string]any{"unauthorised_10wk": 10})},
			want: result{Score: 20, Risk: 20, Tier: "medium",
				Fired:    []string{"threshold: unauthorised_10wk = 10"},
				NotFired: []string{"pa", "carer", "improving", "illness"},
				Unknown:  []string{"carer: no value for context.young_carer"},
				Steps:    []string{"later"}},
		},
		{
			name: "scores add up to a tier boundary",
			env: rule.Env{
				Vars:    pupil(map[string]any{"unauthorised_10wk": 12, "persistent_absence": true, "absence_pct": 12.5}),
				Context: map[string]any{"young_carer": true},
			},
			// 20 + 30 + 15 = 65: urgent (60 or more).
			want: result{Score: 65, Risk: 65, Tier: "urgent",
				Fired: []string{
					"threshold: unauthorised_10wk = 12",
					"pa: persistent_absence = true",
					"carer: context.young_carer = true; absence_pct = 12.5",
				},
				NotFired: []string{"improving", "illness"},
				Steps:    []string{"urgent_only", "first", "later"}},
		},
		{
			name: "one below a tier boundary",
			env: rule.Env{
				Vars:    pupil(map[string]any{"persistent_absence": true, "absence_pct": 7.99, "codes": map[string]int{"I": 30}}),
				Context: map[string]any{"young_carer": true},
			},
			// 30 + 5 = 35: medium; absence_pct under 8 keeps carer off.
			want: result{Score: 35, Risk: 35, Tier: "medium",
				Fired:    []string{"pa: persistent_absence = true", `illness: codes["I"] = 30`},
				NotFired: []string{"threshold", "carer", "improving"},
				Steps:    []string{"first"}},
		},
		{
			name: "protective factor lowers the score and the tier",
			env: rule.Env{
				Vars:    pupil(map[string]any{"unauthorised_10wk": 12, "persistent_absence": true, "improving": true}),
				Context: map[string]any{"young_carer": false},
			},
			// 20 + 30 - 25 = 25: medium instead of high.
			want: result{Score: 25, Risk: 50, Protective: 25, Tier: "medium",
				Fired: []string{
					"threshold: unauthorised_10wk = 12",
					"pa: persistent_absence = true",
					"improving: improving = true",
				},
				NotFired: []string{"carer", "illness"},
				Steps:    []string{"first", "later"}},
		},
		{
			name: "score is floored at zero",
			env:  rule.Env{Vars: pupil(map[string]any{"improving": true}), Context: map[string]any{"young_carer": false}},
			want: result{Score: 0, Protective: 25, Tier: "monitor",
				Fired:    []string{"improving: improving = true"},
				NotFired: []string{"threshold", "pa", "carer", "illness"}},
		},
		{
			name: "evidence text replaces name = value",
			env: rule.Env{
				Vars:     pupil(map[string]any{"unauthorised_10wk": 12}),
				Context:  map[string]any{"young_carer": false, "child_protection_plan": true},
				Evidence: map[string]string{"unauthorised_10wk": "12 unauthorised sessions, 03/03 to 09/05"},
			},
			want: result{Score: 20, Risk: 20, Tier: "medium",
				Fired:    []string{"threshold: 12 unauthorised sessions, 03/03 to 09/05"},
				NotFired: []string{"pa", "carer", "improving", "illness"},
				Steps:    []string{"cp", "later"}}, // cp has order 0, later 20
		},
		{
			name: "a nil context value is unknown, not a failure",
			env:  rule.Env{Vars: pupil(map[string]any{"absence_pct": 9.0}), Context: map[string]any{"young_carer": nil, "child_protection_plan": nil}},
			want: result{Tier: "monitor",
				NotFired: []string{"threshold", "pa", "carer", "improving", "illness"},
				Unknown:  []string{"carer: no value for context.young_carer"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := s.Evaluate(tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summarise(s, o)); diff != "" {
				t.Errorf("Evaluate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvaluateMissingValues(t *testing.T) {
	const rules = `version: 1
name: missing values
factors:
  - id: either
    kind: risk
    group: child
    label: Either
    when: context.young_carer || context.looked_after
    weight: 5
  - id: default_false
    kind: risk
    group: child
    label: Missing counts as false
    when: context.young_carer ?? false
    weight: 5
  - id: equals
    kind: risk
    group: child
    label: Compared with ==
    when: context.young_carer == true
    weight: 5
  - id: not
    kind: protective
    group: child
    label: Negated
    when: not context.young_carer
    weight: 5
  - id: number
    kind: risk
    group: child
    label: Number
    when: context.score > 3.5
    weight: 5
  - id: family
    kind: risk
    group: parent
    label: Family
    when: context.family_id == "F1"
    weight: 5
tiers:
  - {name: all, min_score: 0}
`
	s := mustParse(t, rules, rule.Schema{Vars: testVars(), Context: map[string]any{
		"young_carer": false, "looked_after": false, "score": 0.0, "family_id": "",
	}})
	tests := []struct {
		name    string
		context map[string]any
		want    result
	}{
		{
			name:    "nil context map",
			context: nil,
			want: result{Tier: "all",
				NotFired: []string{"either", "default_false", "equals", "not", "number", "family"},
				Unknown: []string{
					"either: no value for context.young_carer, context.looked_after",
					"not: no value for context.young_carer",
					"number: no value for context.score",
					"family: no value for context.family_id",
				}},
		},
		{
			name:    "values present",
			context: map[string]any{"young_carer": true, "looked_after": false, "score": 4.0, "family_id": "F1"},
			want: result{Score: 25, Risk: 25, Tier: "all",
				Fired: []string{
					"either: context.young_carer = true; context.looked_after = false",
					"default_false: context.young_carer = true",
					"equals: context.young_carer = true",
					"number: context.score = 4",
					`family: context.family_id = "F1"`,
				},
				NotFired: []string{"not"}},
		},
		{
			name:    "values of the wrong type",
			context: map[string]any{"young_carer": "yes", "looked_after": false, "score": 4, "family_id": "F2"},
			want: result{Score: 5, Risk: 5, Tier: "all", // 4 > 3.5 holds though 4 is an int
				Fired:    []string{"number: context.score = 4"},
				NotFired: []string{"either", "default_false", "equals", "not", "family"},
				Unknown: []string{
					"either: wrong type of value: context.young_carer is text, not true/false",
					"default_false: wrong type of value: context.young_carer is text, not true/false",
					"not: wrong type of value: context.young_carer is text, not true/false",
				}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := s.Evaluate(rule.Env{Vars: pupil(nil), Context: tt.context})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summarise(s, o)); diff != "" {
				t.Errorf("Evaluate (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEvaluateBadVars checks that an Env.Vars not matching the schema (a
// programming mistake, the same for every pupil) is an error, not a
// silently unfired factor.
func TestEvaluateBadVars(t *testing.T) {
	s := mustParse(t, set, testSchema)
	tests := []struct {
		name   string
		change func(map[string]any)
		want   string
	}{
		{
			name:   "missing indicator",
			change: func(v map[string]any) { delete(v, "unauthorised_10wk") },
			want:   "rule: factor threshold (line 5): no value for indicator unauthorised_10wk",
		},
		{
			name:   "indicator of the wrong type",
			change: func(v map[string]any) { v["persistent_absence"] = 1 },
			want:   "rule: factor pa (line 12): indicator persistent_absence is a int, but the schema says bool",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := pupil(nil)
			tt.change(vars)
			_, err := s.Evaluate(rule.Env{Vars: vars})
			if err == nil || err.Error() != tt.want {
				t.Errorf("Evaluate error = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestEvaluateDeterministic checks that repeated and concurrent evaluation
// (Evaluate reuses per-goroutine state) gives identical outcomes.
func TestEvaluateDeterministic(t *testing.T) {
	s := mustParse(t, set, testSchema)
	envs := make([]rule.Env, 50)
	for i := range envs {
		envs[i] = rule.Env{
			Vars: pupil(map[string]any{
				"unauthorised_10wk":  i % 15,
				"persistent_absence": i%3 == 0,
				"absence_pct":        float64(i % 20),
				"improving":          i%7 == 0,
			}),
			Context: map[string]any{"young_carer": i%2 == 0, "child_protection_plan": i%5 == 0},
		}
		if i%4 == 0 {
			envs[i].Context = nil
		}
	}
	want := make([]string, len(envs))
	for i, env := range envs {
		o, err := s.Evaluate(env)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = fmt.Sprintf("%+v", summarise(s, o))
	}
	var wg sync.WaitGroup
	got := make([][]string, 4)
	for g := range got {
		got[g] = make([]string, len(envs))
		wg.Go(func() {
			for range 20 {
				for i, env := range envs {
					o, err := s.Evaluate(env)
					if err != nil {
						t.Error(err)
						return
					}
					got[g][i] = fmt.Sprintf("%+v", summarise(s, o))
				}
			}
		})
	}
	wg.Wait()
	for g := range got {
		if diff := cmp.Diff(want, got[g]); diff != "" {
			t.Errorf("goroutine %d (-want +got):\n%s", g, diff)
		}
	}
}

func BenchmarkEvaluate(b *testing.B) {
	s := mustParse(b, set, testSchema)
	env := rule.Env{
		Vars:    pupil(map[string]any{"unauthorised_10wk": 12, "persistent_absence": true, "absence_pct": 12.5}),
		Context: map[string]any{"young_carer": true, "child_protection_plan": false},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Evaluate(env); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEvidenceOrder checks evidence follows the expression, each value and
// each sentence once.
func TestEvidenceOrder(t *testing.T) {
	in := strings.Replace(valid, "unauthorised_10wk >= 10",
		`absence_pct > 5 && (context.young_carer || unauthorised_10wk > 100) && absence_pct < 50 && codes["I"] >= 0`, 1)
	s := mustParse(t, in, testSchema)
	o, err := s.Evaluate(rule.Env{
		Vars:     pupil(map[string]any{"absence_pct": 12.345, "unauthorised_10wk": 3}),
		Context:  map[string]any{"young_carer": true},
		Evidence: map[string]string{"unauthorised_10wk": "3 unauthorised sessions", `codes["I"]`: "3 unauthorised sessions"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []rule.Fired{{Factor: &s.Factors[0], Evidence: []string{
		"absence_pct = 12.35", "context.young_carer = true", "3 unauthorised sessions", // codes["I"]: the same sentence
	}}}
	if diff := cmp.Diff(want, o.Fired); diff != "" {
		t.Errorf("Fired (-want +got):\n%s", diff)
	}
}

// TestFillEvidenceMatchesEvaluate: evidence written after the fact is the
// evidence Evaluate writes itself.
func TestFillEvidenceMatchesEvaluate(t *testing.T) {
	s := parseDefault(t, map[string]any{"young_carer": false})
	vars := testVars()
	vars["persistent_absence"], vars["absence_pct"], vars["absence_sessions"], vars["enough_data"] = true, 12.0, 12, true
	env := rule.Env{Vars: vars, Context: map[string]any{"young_carer": true},
		Evidence: map[string]string{"absence_pct": "12 of 100 possible sessions absent"}}
	want, err := s.Evaluate(env)
	if err != nil {
		t.Fatal(err)
	}
	env.SkipEvidence = true
	got, err := s.Evaluate(env)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range got.Fired {
		if f.Evidence != nil {
			t.Fatalf("SkipEvidence still wrote evidence for %s", f.Factor.ID)
		}
	}
	env.SkipEvidence = false
	s.FillEvidence(&got, env)
	if len(want.Fired) == 0 {
		t.Fatal("nothing fired: the test proves nothing")
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(rule.Outcome{})); diff != "" {
		t.Errorf("(-Evaluate +FillEvidence)\n%s", diff)
	}
}

// envWriter writes evidence on request from an environment that fills its
// indicators only when a value with no sentence is shown, counting the
// fills.
type envWriter struct {
	s     *rule.Set
	env   rule.Env
	fills int
}

func (w *envWriter) WriteEvidence(fd *rule.Fired) []string {
	env := w.env
	vars := env.Vars
	env.Vars = nil
	env.VarsFor = func() map[string]any { w.fills++; return vars }
	return w.s.Evidence(fd, env)
}

// TestOutcomeEvidenceOnRequest: an outcome stored without its evidence
// (SetEvidence) gives, through Evidence and after KeepEvidence, what
// Evaluate writes, filling the indicators only for a value with no
// sentence; evidence already stored is given as it is.
func TestOutcomeEvidenceOnRequest(t *testing.T) {
	s := parseDefault(t, map[string]any{"young_carer": false})
	vars := testVars()
	vars["persistent_absence"], vars["absence_pct"], vars["absence_sessions"], vars["enough_data"] = true, 12.0, 12, true
	env := rule.Env{Vars: vars, Context: map[string]any{"young_carer": true},
		Evidence: map[string]string{"persistent_absence": "12 of 100 possible sessions absent"}}
	want, err := s.Evaluate(env)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Fired) == 0 {
		t.Fatal("nothing fired: the test proves nothing")
	}
	skip := env
	skip.SkipEvidence = true
	got, err := s.Evaluate(skip)
	if err != nil {
		t.Fatal(err)
	}
	w := &envWriter{s: s, env: env}
	got.SetEvidence(w)
	var fallback, sentence bool
	for k, fd := range want.Fired {
		if diff := cmp.Diff(fd.Evidence, got.Evidence(k)); diff != "" {
			t.Errorf("%s: Evidence (-Evaluate +on request)\n%s", fd.Factor.ID, diff)
		}
		ev := strings.Join(fd.Evidence, ";")
		fallback = fallback || strings.Contains(ev, " = ")
		sentence = sentence || strings.Contains(ev, "possible sessions absent")
	}
	if !fallback || !sentence {
		t.Fatalf("evidence %+v lacks a sentence or a value without one: the test proves nothing", want.Fired)
	}
	if w.fills == 0 || w.fills > len(want.Fired) {
		t.Errorf("indicators filled %d times for %d fired factors, want 1 to %d", w.fills, len(want.Fired), len(want.Fired))
	}
	got.KeepEvidence()
	w.env.Vars = map[string]any{} // a writer asked again would now differ
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(rule.Outcome{})); diff != "" {
		t.Errorf("after KeepEvidence (-Evaluate +kept)\n%s", diff)
	}
}
