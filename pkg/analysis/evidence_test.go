package analysis

import "testing"

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
// outside judgementNames.
func TestJudgementNames(t *testing.T) {
	runs := []Input{
		{Files: []string{"../../testdata/sample/school-marks.csv"}, ContextFile: "../../testdata/sample/context.csv"},
		{Files: []string{"../../testdata/sample/school-marks.csv"}},
		{Files: authorityFiles("oak.csv", "elm.csv"), ActionsFile: authorityFiles("oak-elm-actions.csv")[0], ContextFile: authorityFiles("oak-elm-context.csv")[0]},
		{Files: authorityFiles("ash.csv", "birch.csv", "maple.csv", "riverside-pru.csv")},
	}
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
		}
	}
}
