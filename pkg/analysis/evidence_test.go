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
