package analysis

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCheckRulesAgreesWithPrepare: rules check (CheckRules) and a run
// (Prepare) make one check of a rules file. With the context file, both
// give exactly the same error, or none; without it, CheckRules refuses
// every mistake that does not depend on the context file (ctxFree), with
// the message the run gives.
func TestCheckRulesAgreesWithPrepare(t *testing.T) {
	dir := t.TempDir()
	ctx := write(t, dir, "context.csv", "UPN,Young Carer,Note\nA1,Y,text\n")
	head := "version: 1\nname: T\ntiers:\n  - {name: low, min_score: 0}\nfactors:\n  - {id: f, kind: risk, group: child, label: L, weight: 5, source: s, when: '"
	tests := []struct {
		name, when string
		// ctxFree: the mistake does not depend on the context file, so
		// rules check without --context refuses it too (want: its message).
		ctxFree bool
		want    string // CheckRules without a context file; "" = accepted
	}{
		{"clean", "context.young_carer && persistent_absence", false, ""},
		{"wrong column type", "context.young_carer > 2", false, ""},
		{"unknown column", "context.young_carers", false, ""},
		{"type error beside the context", "context.young_carer && absence_pct > \"x\"", true,
			"rules.yaml:6:113: type error: > cannot be used between a number and text"},
		{"not a condition beside the context", "context.note == \"a\" && absence_pct + 1", true,
			"rules.yaml:6:98: type error: && cannot be used between true/false and a number"},
		{"unknown indicator beside the context", "context.young_carer && persistant_absence", true,
			"rules.yaml:6:101: unknown indicator \"persistant_absence\" (did you mean \"persistent_absence\"?)"},
		{"unknown function", "context.young_carer && nosuch(1)", true,
			"rules.yaml:6:101: unknown function \"nosuch\""},
		{"context read by index", "context[\"young_carer\"] && absence_pct + 1", true,
			"rules.yaml:6:101: type error: && cannot be used between a context value and a number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rules := write(t, dir, "rules.yaml", head+tc.when+"'}\n")
			in := Input{RulesFile: rules, ContextFile: ctx}
			_, runErr := Prepare(in)
			_, checkErr := CheckRules(in)
			if diff := cmp.Diff(errText(runErr), errText(checkErr)); diff != "" {
				t.Errorf("with the context file, rules check and the run disagree (-run +check):\n%s", diff)
			}
			in.ContextFile = ""
			_, noCtx := CheckRules(in)
			got := relErr(errText(noCtx), dir)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("without the context file (-want +got):\n%s", diff)
			}
			if tc.ctxFree && runErr == nil {
				t.Errorf("the run accepted a mistake rules check refuses")
			}
			if !tc.ctxFree && tc.name != "clean" && runErr == nil {
				t.Errorf("the run accepted a file that needs the context's refusal")
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func relErr(s, dir string) string {
	if len(s) > len(dir)+1 && s[:len(dir)] == dir {
		return s[len(dir)+1:]
	}
	return s
}

// FuzzParseRulesContextUnknown: the check without a context file (which
// reads the file's expressions itself to find the context columns) never
// panics, and gives a rules set or an error that says something.
func FuzzParseRulesContextUnknown(f *testing.F) {
	f.Add([]byte("version: 1\nname: T\ntiers:\n  - {name: low, min_score: 0}\nfactors:\n  - {id: f, kind: risk, group: child, label: L, weight: 5, when: 'context.young_carer && absence_pct + 1'}\n"))
	f.Add([]byte("factors:\n  - when: context[\"a\"] > \n  - when: context.b\nnext_steps:\n  - {when: '(('}\n"))
	f.Add([]byte("factors: [{when: {a: 1}}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := ParseRules("fuzz.yaml", data, RulesAgainst{ContextUnknown: true})
		if err == nil && set == nil {
			t.Fatal("no set and no error")
		}
		if err != nil && err.Error() == "" {
			t.Fatal("an empty error")
		}
	})
}
