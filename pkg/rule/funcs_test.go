package rule_test

import (
	"strings"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/actions"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/rule"
)

func funcsSchema() rule.Schema {
	return rule.Schema{Vars: map[string]any{"actions": rule.Funcs(actions.History{}.Funcs(register.MustDay(2024, 11, 22))), "x": 0}}
}

func funcsRules(when string, extra string) string {
	return "version: 1\nname: t\n" + extra + "factors:\n  - {id: f, kind: risk, group: agency, label: L, weight: 1, when: '" + when + "'}\ntiers:\n  - {name: monitor, min_score: 0}\n"
}

// TestActionFuncs: calls on the actions log are type-checked when the file
// loads (function, argument types, and the action kind written as text),
// local kinds from the actions: section are accepted, and the functions
// run on a pupil's history.
func TestActionFuncs(t *testing.T) {
	for _, c := range []struct{ when, extra, err string }{
		{`actions.taken("penalty_notice")`, "", ""},
		{`actions.last("early_help_offered") != nil`, "", ""},
		{`(actions.days_since("letter") ?? 999) > 14`, "", ""},
		{`actions.count_within("penalty_notice", 1095) < 2`, "", ""},
		{`actions.taken("penalty_notise")`, "", `unknown action "penalty_notise" (did you mean "penalty_notice"?)`},
		{`actions.tken("letter")`, "", `actions has no function "tken" (did you mean "taken"?); it has count, count_within, days_since, last, outcome, taken`},
		{`actions.taken(3)`, "", "cannot use int as argument (type string)"},
		{`actions.taken("school_nurse")`, "actions:\n  kinds:\n    - {id: school_nurse, label: School nurse referral, group: support}\n", ""},
		{`actions.taken("x")`, "actions:\n  kinds:\n    - {id: x, group: nonsense}\n", `group "nonsense" is not one of`},
		{`actions.taken("x")`, "actions:\n  kinds:\n    - {id: x, label: Letter}\n", `"Letter" already names the action letter`},
	} {
		_, err := rule.Parse("r.yaml", []byte(funcsRules(c.when, c.extra)), funcsSchema())
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.when, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: err = %v, want %q", c.when, err, c.err)
		}
	}

	s, err := rule.Parse("r.yaml", []byte(funcsRules(`actions.taken("penalty_notice") && actions.days_since("penalty_notice") == 33`, "")), funcsSchema())
	if err != nil {
		t.Fatal(err)
	}
	v := actions.Default()
	pn, _ := v.KindByID(actions.PenaltyNotice)
	h := actions.History{{PupilID: "A", Date: register.MustDay(2024, 10, 20), Kind: pn}}
	env := rule.Env{Vars: map[string]any{"actions": rule.Funcs(h.Funcs(register.MustDay(2024, 11, 22))), "x": 0},
		Evidence: map[string]string{"actions": h.Summary(3)}}
	out, err := s.Evaluate(env)
	if err != nil || len(out.Fired) != 1 {
		t.Fatalf("out %+v, err %v", out, err)
	}
	if got := strings.Join(out.Fired[0].Evidence, "; "); got != "actions recorded: 20/10/2024 Penalty notice" {
		t.Errorf("evidence %q", got)
	}
	env.Vars["actions"] = rule.Funcs(actions.History{}.Funcs(register.MustDay(2024, 11, 22)))
	if out, err := s.Evaluate(env); err != nil || len(out.Fired) != 0 {
		t.Errorf("empty history: out %+v, err %v", out, err)
	}
	if why := s.WhyNot(s.Factors[0].When, env); !strings.Contains(why, `not actions.taken("penalty_notice")`) && !strings.Contains(why, "is false") {
		t.Errorf("WhyNot = %q", why)
	}
}
