package analysis

import (
	"testing"

	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/rule"
	"github.com/google/go-cmp/cmp"
)

// TestEvidenceNamesDisjoint: the patterns' and the judgement's sentences
// have no name in common, so looking in one before the other (as
// lazyEvidence does) gives what the layered map gave.
func TestEvidenceNamesDisjoint(t *testing.T) {
	res, err := Run(Input{Files: []string{"../../testdata/sample/school-marks.csv"}})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Pupils[0]
	pat, judge := map[string]string{}, map[string]string{}
	p.Patterns.AddEvidence(pat)
	p.judgementEvidence(judge)
	for k := range pat {
		if _, ok := judge[k]; ok {
			t.Errorf("%s has a sentence from both the patterns and the judgement", k)
		}
	}
	if len(pat) == 0 || len(judge) == 0 {
		t.Fatalf("%d pattern and %d judgement sentences", len(pat), len(judge))
	}
}

// TestJudgementNames: judgementEvidence writes the same names for every
// pupil (group rows, pupils of every age, with and without an actions log
// and context), so lazyEvidence may skip writing the sentences for a name
// outside judgementNames; and judgementSentence writes each of its names'
// sentences as judgementEvidence does.
func TestJudgementNames(t *testing.T) {
	runs := []Input{
		{Files: []string{"../../testdata/sample/school-marks.csv"}, ContextFile: "../../testdata/sample/context.csv"},
		{Files: []string{"../../testdata/sample/school-marks.csv"}},
		{Files: authorityFiles("oak.csv", "elm.csv"), ActionsFile: authorityFiles("oak-elm-actions.csv")[0], ContextFile: authorityFiles("oak-elm-context.csv")[0]},
		{Files: authorityFiles("ash.csv", "birch.csv", "maple.csv", "riverside-pru.csv")},
	}
	alone := 0
	for _, in := range runs {
		res, err := Run(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.All {
			ev := map[string]string{}
			p.judgementEvidence(ev)
			for k := range ev {
				if !judgementNames[k] {
					t.Fatalf("%s: a pupil has a judgement sentence for %s, which judgementNames lacks", in.Files[0], k)
				}
			}
			if len(ev) != len(judgementNames) {
				t.Fatalf("%s: a pupil has %d judgement sentences, not %d", in.Files[0], len(ev), len(judgementNames))
			}
			// A sentence written on its own is the one written with all.
			for k, want := range ev {
				if got, ok := p.judgementSentence(k); ok && got != want {
					t.Fatalf("%s: %s's sentence on its own %q, with all %q", in.Files[0], k, got, want)
				} else if ok {
					alone++
				}
			}
		}
	}
	if alone == 0 {
		t.Fatal("no sentence written on its own")
	}
}

// TestEvidenceOnRequest: the evidence an output asks for at the end of a
// run (rule.Outcome.Evidence, written then from the pupil's values) is
// what the rules write from the pupil's full environment, for every pupil
// and every row per school (which shares its child's verdict), and several
// outputs may ask at once.
func TestEvidenceOnRequest(t *testing.T) {
	runs := []Input{
		{Files: []string{"../../testdata/sample/school-marks.csv"}, ContextFile: "../../testdata/sample/context.csv"},
		{Files: authorityFiles("oak.csv", "elm.csv", "riverside-pru.csv"), ActionsFile: authorityFiles("oak-elm-actions.csv")[0], ContextFile: authorityFiles("oak-elm-context.csv")[0]},
		{Files: authorityFiles("ash.csv", "birch.csv", "maple.csv", "riverside-pru.csv"), DropRegister: true},
	}
	for _, in := range runs {
		res, err := Run(in)
		if err != nil {
			t.Fatal(err)
		}
		want := map[*rule.Outcome][][]string{}
		for _, p := range res.All {
			if p.Outcome == nil {
				continue
			}
			env := p.Env(res.minSessions)
			for k := range p.Outcome.Fired {
				want[p.Outcome] = append(want[p.Outcome], res.Rules.Evidence(&p.Outcome.Fired[k], env))
			}
		}
		fired, shared := 0, 0
		rows := append(append([]*Pupil(nil), res.All...), res.Enrolments...)
		got := make([][][]string, len(rows))
		parallel(len(rows), func(i int) {
			if o := rows[i].Outcome; o != nil {
				for k := range o.Fired {
					got[i] = append(got[i], o.Evidence(k))
				}
			}
		})
		for i, p := range rows {
			if p.Outcome == nil || len(p.Outcome.Fired) == 0 {
				continue
			}
			w, ok := want[p.Outcome]
			if !ok {
				t.Fatalf("%s: %s's verdict is no pupil's", in.Files[0], p.ID)
			}
			if i >= len(res.All) {
				shared++
			}
			fired++
			if diff := cmp.Diff(w, got[i]); diff != "" {
				t.Errorf("%s: %s (-rules +on request)\n%s", in.Files[0], p.ID, diff)
			}
		}
		if fired == 0 {
			t.Fatalf("%s: no factor fired: the test proves nothing", in.Files[0])
		}
		t.Logf("%s: %d rows with fired factors, %d of them rows per school", in.Files[0], fired, shared)
	}
}

// TestRulesVarsSubset: the rules' outcome for every pupil is the same from
// the environment evaluateAll fills (fillRulesVars: only what the set's
// expressions read, into a map reused from pupil to pupil) as from every
// indicator (fillVars), for runs with and without context and an actions
// log; and the set reads fewer indicators than there are.
func TestRulesVarsSubset(t *testing.T) {
	runs := []Input{
		{Files: []string{"../../testdata/sample/school-marks.csv"}, ContextFile: "../../testdata/sample/context.csv"},
		{Files: authorityFiles("oak.csv", "elm.csv", "riverside-pru.csv"), ActionsFile: authorityFiles("oak-elm-actions.csv")[0], ContextFile: authorityFiles("oak-elm-context.csv")[0]},
		{Files: authorityFiles("ash.csv", "birch.csv", "maple.csv", "riverside-pru.csv")},
	}
	type verdict struct {
		Score          int
		Tier           string
		Fired, Steps   []string
		Unknown, StepU []string
	}
	verdictOf := func(out rule.Outcome) verdict {
		v := verdict{Score: out.Score, Tier: out.Tier}
		for _, f := range out.Fired {
			v.Fired = append(v.Fired, f.Factor.ID)
		}
		for _, s := range out.Steps {
			v.Steps = append(v.Steps, s.ID)
		}
		for _, u := range out.Unknown {
			v.Unknown = append(v.Unknown, u.Factor.ID+": "+u.Reason)
		}
		for _, u := range out.StepsUnknown {
			v.StepU = append(v.StepU, u.Step.ID+": "+u.Reason)
		}
		return v
	}
	evaluated := 0
	for _, in := range runs {
		res, err := Run(in)
		if err != nil {
			t.Fatal(err)
		}
		set := res.Rules
		reads := readsOf(set)
		if n := len(reads.values); n == 0 || n >= len(Schema(nil).Vars) {
			t.Fatalf("the rules read %d of %d indicators", n, len(Schema(nil).Vars))
		}
		some := map[string]any{}
		for _, p := range res.All {
			if p.Aggregate {
				continue
			}
			all := map[string]any{}
			q := *p
			q.fillVars(all, new(metrics.Values), metrics.DefaultMinSessions)
			want, err := set.Evaluate(rule.Env{Vars: all, Context: p.Context, SkipEvidence: true})
			if err != nil {
				t.Fatal(err)
			}
			r := *p
			r.fillRulesVars(some, new(metrics.Values), metrics.DefaultMinSessions, &reads)
			got, err := set.Evaluate(rule.Env{Vars: some, Context: p.Context, SkipEvidence: true, VarsOwned: true})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(verdictOf(want), verdictOf(got)); diff != "" {
				t.Fatalf("%s %s: (-every indicator +what the rules read):\n%s", in.Files[0], p.ID, diff)
			}
			if q.concern != r.concern || q.openConcern != r.openConcern {
				t.Fatalf("%s %s: concerns differ", in.Files[0], p.ID)
			}
			evaluated++
		}
	}
	if evaluated == 0 {
		t.Fatal("no pupil evaluated")
	}
}
