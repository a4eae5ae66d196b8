package rule_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/rule"
	"github.com/google/go-cmp/cmp"
)

// valid is a small, correct rules file the error cases vary.
const valid = `version: 1
name: test
factors:
  - id: threshold
    kind: risk
    group: attendance
    label: Threshold
    when: unauthorised_10wk >= 10
    weight: 20
tiers:
  - {name: high, min_score: 20}
  - {name: low, min_score: 0}
`

// errs returns the messages of a Parse error, one "file:line:col: msg" each.
func errs(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var es *rule.Errors
	if !errors.As(err, &es) {
		t.Fatalf("error is %T, want *rule.Errors: %v", err, err)
	}
	var out []string
	for _, e := range *es {
		out = append(out, e.Error())
	}
	return out
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		s    *rule.Schema // default testSchema
		want []string
	}{
		{
			name: "valid",
			in:   valid,
		},
		{
			name: "missing version",
			in:   strings.Replace(valid, "version: 1\n", "", 1),
			want: []string{`r.yaml:1:1: missing version: add a line such as "version: 2025.1"`},
		},
		{
			name: "empty version",
			in:   strings.Replace(valid, "version: 1", "version:", 1),
			want: []string{`r.yaml:1:9: version must be a string or number, such as 2025.1, not nothing`},
		},
		{
			name: "unknown top-level key",
			in:   valid + "tier: []\n",
			want: []string{`r.yaml:13:1: unknown key "tier" in the rules file (did you mean "tiers"?) (allowed: version, name, description, factors, tiers, next_steps, actions)`},
		},
		{
			name: "unknown factor key",
			in:   strings.Replace(valid, "weight: 20", "wieght: 20", 1),
			want: []string{
				`r.yaml:4:5: missing weight:`,
				`r.yaml:9:5: unknown key "wieght" in a factor (did you mean "weight"?) (allowed: id, kind, group, label, when, weight, source)`,
			},
		},
		{
			name: "key given twice",
			in:   strings.Replace(valid, "    weight: 20\n", "    weight: 20\n    weight: 30\n", 1),
			want: []string{`r.yaml:10:5: weight is given twice in a factor (first on line 9)`},
		},
		{
			name: "bad kind and group",
			in:   strings.Replace(strings.Replace(valid, "kind: risk", "kind: danger", 1), "group: attendance", "group: school", 1),
			want: []string{
				`r.yaml:5:11: kind must be risk or protective, not "danger"`,
				`r.yaml:6:12: group must be one of attendance, child, parent, agency, not "school"`,
			},
		},
		{
			name: "non-positive weight",
			in:   strings.Replace(valid, "weight: 20", "weight: 0", 1),
			want: []string{`r.yaml:9:13: weight must be a positive whole number (1 or more), not 0; a protective factor's weight is subtracted for you`},
		},
		{
			name: "negative weight",
			in:   strings.Replace(valid, "weight: 20", "weight: -5", 1),
			want: []string{`r.yaml:9:13: weight must be a positive whole number (1 or more), not -5; a protective factor's weight is subtracted for you`},
		},
		{
			name: "fractional weight",
			in:   strings.Replace(valid, "weight: 20", "weight: 2.5", 1),
			want: []string{`r.yaml:9:13: weight must be a whole number, not the number 2.5`},
		},
		{
			name: "duplicate id",
			in: strings.Replace(valid, "tiers:", `  - id: threshold
    kind: risk
    group: attendance
    label: Again
    when: unauthorised_10wk >= 5
    weight: 5
tiers:`, 1),
			want: []string{`r.yaml:10:9: duplicate id "threshold" (first used on line 4)`},
		},
		{
			name: "bad id",
			in:   strings.Replace(valid, "id: threshold", "id: Threshold-1", 1),
			want: []string{`r.yaml:4:9: id "Threshold-1" must use only lower-case letters, digits and _`},
		},
		{
			name: "unknown indicator",
			in:   strings.Replace(valid, "unauthorised_10wk >= 10", "persistent_absence && unauthorised_10wks >= 10", 1),
			want: []string{`r.yaml:8:33: unknown indicator "unauthorised_10wks" (did you mean "unauthorised_10wk"?)`},
		},
		{
			name: "unknown indicators, all reported",
			in:   strings.Replace(valid, "unauthorised_10wk >= 10", "absense_pct > 10 || sevre_absence", 1),
			want: []string{
				`r.yaml:8:11: unknown indicator "absense_pct" (did you mean "absence_pct"?)`,
				`r.yaml:8:31: unknown indicator "sevre_absence" (did you mean "severe_absence"?)`,
			},
		},
		{
			name: "unknown indicator in a quoted expression",
			in:   strings.Replace(valid, "unauthorised_10wk >= 10", `"absense_pct > 10"`, 1),
			want: []string{`r.yaml:8:12: unknown indicator "absense_pct" (did you mean "absence_pct"?)`},
		},
		{
			name: "unknown indicator in a literal block",
			in: strings.Replace(valid, "when: unauthorised_10wk >= 10", `when: |
      persistent_absence &&
        absense_pct > 10`, 1),
			want: []string{`r.yaml:10:9: unknown indicator "absense_pct" (did you mean "absence_pct"?)`},
		},
		{
			name: "unknown indicator in a folded block points at the value",
			in: strings.Replace(valid, "when: unauthorised_10wk >= 10", `when: >
      persistent_absence &&
      absense_pct > 10`, 1),
			want: []string{`r.yaml:8:11: unknown indicator "absense_pct" (did you mean "absence_pct"?)`},
		},
		{
			name: "unknown context column",
			in:   strings.Replace(valid, "unauthorised_10wk >= 10", "context.young_carers", 1),
			want: []string{`r.yaml:8:19: unknown context column "young_carers" (did you mean "young_carer"?); the context has child_in_need, child_protection_plan, early_help, ehcp, family_id, free_school_meals, looked_after, open_to_camhs, sen_support, young_carer`},
		},
		{
			name: "context column with no context",
			in:   strings.Replace(valid, "unauthorised_10wk >= 10", "context.young_carer", 1),
			s:    &rule.Schema{Vars: testVars()},
			want: []string{`r.yaml:8:19: unknown context column "young_carer": no context columns are loaded`},
		},
		{
			name: "context read by a computed name",
			in:   strings.Replace(valid, "unauthorised_10wk >= 10", "context[year_group] == true", 1),
			want: []string{`r.yaml:8:19: read a context column by its name, as in context.young_carer`},
		},
		{
			name: "unknown code",
			in:   strings.Replace(valid, "unauthorised_10wk >= 10", `codes["Q9"] > 0`, 1),
			want: []string{`r.yaml:8:17: codes has no key "Q9" (did you mean "Q"?)`},
		},
		{
			name: "not true/false",
			in:   strings.Replace(valid, "unauthorised_10wk >= 10", "unauthorised_10wk + 10", 1),
			want: []string{`r.yaml:8:11: when must be true/false, this is a number`},
		},
		{
			name: "mismatched types",
			in:   strings.Replace(valid, "unauthorised_10wk >= 10", "persistent_absence > 10", 1),
			want: []string{`r.yaml:8:30: type error: > cannot be used between true/false and a number`},
		},
		{
			name: "syntax error",
			in:   strings.Replace(valid, "unauthorised_10wk >= 10", "unauthorised_10wk >=", 1),
			want: []string{`r.yaml:8:30: syntax error: unexpected token EOF`},
		},
		{
			name: "empty when",
			in:   strings.Replace(valid, "unauthorised_10wk >= 10", `""`, 1),
			want: []string{`r.yaml:8:11: when is empty`},
		},
		{
			name: "unknown function",
			in:   strings.Replace(valid, "unauthorised_10wk >= 10", "flagged(unauthorised_10wk)", 1),
			want: []string{`r.yaml:8:11: unknown function "flagged"`},
		},
		{
			name: "tier order",
			in:   strings.Replace(valid, "{name: low, min_score: 0}", "{name: low, min_score: 20}", 1),
			want: []string{
				`r.yaml:12:28: bad tier order: tiers go highest first, so tier "low" needs a min_score below 20 (tier "high"), not 20`,
				`r.yaml:12:28: bad tier order: the last tier ("low") must have min_score 0 or lower, so that every pupil gets a tier; it has 20`,
			},
		},
		{
			name: "last tier above zero",
			in:   strings.Replace(valid, "{name: low, min_score: 0}", "{name: low, min_score: 5}", 1),
			want: []string{`r.yaml:12:28: bad tier order: the last tier ("low") must have min_score 0 or lower, so that every pupil gets a tier; it has 5`},
		},
		{
			name: "duplicate tier",
			in:   strings.Replace(valid, "{name: low, min_score: 0}", "{name: high, min_score: 0}", 1),
			want: []string{`r.yaml:12:12: duplicate tier "high" (first listed on line 11)`},
		},
		{
			name: "step with unknown tier",
			in: valid + `next_steps:
  - id: talk
    step: Talk to the family
    tiers: [hihg]
`,
			want: []string{`r.yaml:16:13: unknown tier "hihg" (did you mean "high"?) (the tiers are high, low)`},
		},
		{
			name: "step missing its text",
			in: valid + `next_steps:
  - id: talk
    when: persistent_absence
`,
			want: []string{`r.yaml:14:5: missing step:`},
		},
		{
			name: "step id clashes with a factor",
			in: valid + `next_steps:
  - id: threshold
    step: Talk
`,
			want: []string{`r.yaml:14:9: duplicate id "threshold" (first used on line 4)`},
		},
		{
			name: "factors not a list",
			in:   strings.Replace(valid, "factors:", "factors: 3\nx:", 1),
			want: []string{
				`r.yaml:3:10: factors must be a list (lines starting with -), not the number 3`,
				`r.yaml:4:1: unknown key "x" in the rules file (allowed: version, name, description, factors, tiers, next_steps, actions)`,
			},
		},
		{
			name: "invalid YAML",
			in:   "version: 1\nname: [test\n",
			// go-yaml reports the line where the unclosed list starts.
			want: []string{`r.yaml:1:1: invalid YAML: did not find expected ',' or ']'`},
		},
		{
			name: "empty file",
			in:   "",
			want: []string{`r.yaml:1:1: the rules file is empty: it needs version:, name:, factors: and tiers:`},
		},
		{
			name: "not a mapping",
			in:   "- 1\n",
			want: []string{`r.yaml:1:1: the rules file must be a set of keys (version:, name:, factors:, tiers:, next_steps:), not a list`},
		},
		{
			name: "everything missing",
			in:   "description: nothing\n",
			want: []string{
				`r.yaml:1:1: missing version: add a line such as "version: 2025.1"`,
				`r.yaml:1:1: missing name:`,
				`r.yaml:1:1: missing tiers: list at least one tier, the last with min_score: 0`,
				`r.yaml:1:1: missing factors: list at least one factor`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSchema
			if tt.s != nil {
				s = *tt.s
			}
			_, err := rule.Parse("r.yaml", []byte(tt.in), s)
			if diff := cmp.Diff(tt.want, errs(t, err)); diff != "" {
				t.Errorf("Parse errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrorsAsValue(t *testing.T) {
	_, err := rule.Parse("r.yaml", []byte("name: x\n"), testSchema)
	var es rule.Errors
	if !errors.As(err, &es) {
		t.Fatalf("errors.As(%T, *rule.Errors) = false", err)
	}
	if len(es) != 3 {
		t.Errorf("got %d errors, want 3:\n%v", len(es), err)
	}
	var one *rule.Error
	if !errors.As(err, &one) || one.Line != 1 {
		t.Errorf("errors.As(*rule.Error) = %v", one)
	}
}

// set is the rules file the evaluation tests use.
const set = `version: 2025.1
name: Test rules
description: For tests.
factors:
  - id: threshold
    kind: risk
    group: attendance
    label: 10 or more unauthorised sessions in 10 weeks
    when: unauthorised_10wk >= 10
    weight: 20
    source: test
  - id: pa
    kind: risk
    group: attendance
    label: Persistently absent
    when: persistent_absence
    weight: 30
  - id: carer
    kind: risk
    group: child
    label: Young carer with absence
    when: context.young_carer && absence_pct >= 8
    weight: 15
  - id: improving
    kind: protective
    group: attendance
    label: Improving
    when: improving
    weight: 25
  - id: illness
    kind: risk
    group: child
    label: Illness
    when: codes["I"] >= 30
    weight: 5
tiers:
  - {name: urgent, min_score: 60}
  - {name: high, min_score: 40}
  - {name: medium, min_score: 20}
  - {name: monitor, min_score: 0}
next_steps:
  - id: later
    order: 20
    when: unauthorised_10wk >= 10
    step: Later step
  - id: first
    order: 10
    when: persistent_absence
    step: First step
  - id: urgent_only
    tiers: [urgent]
    step: Urgent only
    source: test
  - id: cp
    when: context.child_protection_plan
    step: CP plan
`

func mustParse(t testing.TB, data string, s rule.Schema) *rule.Set {
	t.Helper()
	set, err := rule.Parse("set.yaml", []byte(data), s)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestParseSet(t *testing.T) {
	got := mustParse(t, set, testSchema)
	if got.Name != "Test rules" || got.Version != "2025.1" || got.Description != "For tests." {
		t.Errorf("Name, Version, Description = %q, %q, %q", got.Name, got.Version, got.Description)
	}
	if !strings.HasPrefix(got.Hash, "sha256:") || len(got.Hash) != len("sha256:")+64 {
		t.Errorf("Hash = %q", got.Hash)
	}
	wantFactors := []rule.Factor{
		{ID: "threshold", Kind: "risk", Group: "attendance", Label: "10 or more unauthorised sessions in 10 weeks", Source: "test", Weight: 20, When: "unauthorised_10wk >= 10", Line: 5},
		{ID: "pa", Kind: "risk", Group: "attendance", Label: "Persistently absent", Weight: 30, When: "persistent_absence", Line: 12},
		{ID: "carer", Kind: "risk", Group: "child", Label: "Young carer with absence", Weight: 15, When: "context.young_carer && absence_pct >= 8", Line: 18},
		{ID: "improving", Kind: "protective", Group: "attendance", Label: "Improving", Weight: 25, When: "improving", Line: 24},
		{ID: "illness", Kind: "risk", Group: "child", Label: "Illness", Weight: 5, When: `codes["I"] >= 30`, Line: 30},
	}
	if diff := cmp.Diff(wantFactors, got.Factors); diff != "" {
		t.Errorf("Factors (-want +got):\n%s", diff)
	}
	wantTiers := []rule.Tier{{"urgent", 60}, {"high", 40}, {"medium", 20}, {"monitor", 0}}
	if diff := cmp.Diff(wantTiers, got.Tiers); diff != "" {
		t.Errorf("Tiers (-want +got):\n%s", diff)
	}
	wantSteps := []rule.Step{
		{ID: "later", Text: "Later step", When: "unauthorised_10wk >= 10", Order: 20, Line: 42},
		{ID: "first", Text: "First step", When: "persistent_absence", Order: 10, Line: 46},
		{ID: "urgent_only", Text: "Urgent only", Source: "test", Tiers: []string{"urgent"}, Line: 50},
		{ID: "cp", Text: "CP plan", When: "context.child_protection_plan", Line: 54},
	}
	if diff := cmp.Diff(wantSteps, got.Steps); diff != "" {
		t.Errorf("Steps (-want +got):\n%s", diff)
	}
	if len(got.Skipped) != 0 {
		t.Errorf("Skipped = %v, want none", got.Skipped)
	}
	for name, want := range map[string]int{"urgent": 0, "high": 1, "monitor": 3, "none": -1} {
		if i := got.TierIndex(name); i != want {
			t.Errorf("TierIndex(%q) = %d, want %d", name, i, want)
		}
	}
}

func TestParseSkipsMissingContext(t *testing.T) {
	tests := []struct {
		name    string
		context map[string]any
		want    []rule.Skip
		factors []string
		steps   []string
	}{
		{
			name:    "no context",
			want:    []rule.Skip{{ID: "carer", Missing: []string{"young_carer"}, Line: 18}, {ID: "cp", Step: true, Missing: []string{"child_protection_plan"}, Line: 54}},
			factors: []string{"threshold", "pa", "improving", "illness"},
			steps:   []string{"later", "first", "urgent_only"},
		},
		{
			name:    "one column",
			context: map[string]any{"young_carer": true},
			want:    []rule.Skip{{ID: "cp", Step: true, Missing: []string{"child_protection_plan"}, Line: 54}},
			factors: []string{"threshold", "pa", "carer", "improving", "illness"},
			steps:   []string{"later", "first", "urgent_only"},
		},
		{
			name:    "full context",
			context: sampleContext(),
			factors: []string{"threshold", "pa", "carer", "improving", "illness"},
			steps:   []string{"later", "first", "urgent_only", "cp"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustParse(t, set, rule.Schema{Vars: testVars(), Context: tt.context, OptionalContext: true})
			if diff := cmp.Diff(tt.want, got.Skipped); diff != "" {
				t.Errorf("Skipped (-want +got):\n%s", diff)
			}
			var factors, steps []string
			for _, f := range got.Factors {
				factors = append(factors, f.ID)
			}
			for _, s := range got.Steps {
				steps = append(steps, s.ID)
			}
			if diff := cmp.Diff(tt.factors, factors); diff != "" {
				t.Errorf("Factors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.steps, steps); diff != "" {
				t.Errorf("Steps (-want +got):\n%s", diff)
			}
		})
	}
	skip := rule.Skip{ID: "x", Missing: []string{"young_carer", "ehcp"}}
	if got, want := skip.Reason(), "not evaluated: needs context.young_carer, context.ehcp"; got != want {
		t.Errorf("Reason() = %q, want %q", got, want)
	}
}

func TestParseMultipleMissingInExpressionOrder(t *testing.T) {
	in := strings.Replace(valid, "unauthorised_10wk >= 10", "context.zz || context.aa || context.zz", 1)
	got := mustParse(t, in, rule.Schema{Vars: testVars(), OptionalContext: true})
	want := []rule.Skip{{ID: "threshold", Missing: []string{"zz", "aa"}, Line: 4}}
	if diff := cmp.Diff(want, got.Skipped); diff != "" {
		t.Errorf("Skipped (-want +got):\n%s", diff)
	}
}
