package analysis

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/rules"
)

// TestBuiltinRulesSkipWrongTypeColumn: a context column the built-in rules
// read as yes/no that holds text ("Primary carer") does not stop the run
// and is not read as false: the factor is left out, and the data-quality
// account says so (rule_context_type) at the factor's line in the built-in
// rules, naming the column and the type the rule needs. The rest of the
// rules still run.
func TestBuiltinRulesSkipWrongTypeColumn(t *testing.T) {
	dir := t.TempDir()
	reg := write(t, dir, "register.csv", "UPN,Year,Date,Session,Mark\nA1,9,02/09/2024,AM,O\nA1,9,02/09/2024,PM,O\nB2,9,02/09/2024,AM,/\nB2,9,02/09/2024,PM,/\n")
	ctx := write(t, dir, "context.csv", "UPN,Young Carer,Child Protection Plan\nA1,Primary carer,Y\nB2,Yes,N\n")
	res, err := Run(Input{Files: []string{reg}, ContextFile: ctx, MinSessions: 1})
	if err != nil {
		t.Fatalf("the run failed: %v", err)
	}
	var got []quality.Example
	for _, f := range res.Quality.Findings() {
		if f.Key == "rule_context_type" {
			got = append(got, f.Examples...)
		}
	}
	want := []quality.Example{{
		Loc:    quality.Loc{File: rules.DefaultName, Line: factorLine(t, "young_carer")},
		Detail: "factor young_carer: context.young_carer is text in the context, the rule needs yes/no values",
	}}
	for i := range got {
		got[i].Where = ""
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rule_context_type findings (-want +got):\n%s", diff)
	}
	for _, k := range res.Rules.Skipped {
		if k.ID == "child_protection_plan" {
			t.Errorf("a column of the right type was skipped: %s", k.Reason())
		}
	}
	for _, p := range res.Pupils {
		if p.Outcome == nil {
			t.Fatalf("%s was not evaluated", p.ID)
		}
		for _, f := range p.Outcome.Fired {
			if f.Factor.ID == "young_carer" {
				t.Errorf("%s: the skipped factor fired", p.ID)
			}
		}
		if p.ID == "A1" && !firedID(p, "child_protection_plan") {
			t.Errorf("A1: the child protection plan factor did not fire beside the skipped one")
		}
	}
}

func firedID(p *Pupil, id string) bool {
	for _, f := range p.Outcome.Fired {
		if f.Factor.ID == id {
			return true
		}
	}
	return false
}

// factorLine is the line of "- id: ID" in the built-in rules.
func factorLine(t *testing.T, id string) int {
	t.Helper()
	for i, l := range bytes.Split(rules.Default(), []byte("\n")) {
		if strings.TrimSpace(string(l)) == "- id: "+id {
			return i + 1
		}
	}
	t.Fatalf("no factor %s in the built-in rules", id)
	return 0
}
