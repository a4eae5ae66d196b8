package analysis

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestSampleSchoolPriorityList pins the default rules' prioritised list for
// the bundled sample school: rank, pupil, tier, score and the factors that
// fired, for every pupil above the lowest tier. A change to the rules, the
// indicators or the ranking shows here as a readable diff; rewrite with
// go test ./pkg/analysis -update after checking it is intended.
func TestSampleSchoolPriorityList(t *testing.T) {
	res, err := Run(Input{
		Files:       []string{"../../testdata/sample/school-marks.csv"},
		ContextFile: "../../testdata/sample/context.csv",
	})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# rules %s %s\n", res.Rules.Version, res.Rules.Hash)
	lowest := res.Rules.Tiers[len(res.Rules.Tiers)-1].Name
	for i, p := range res.Pupils {
		if p.Outcome == nil || p.Outcome.Tier == lowest {
			continue
		}
		var ids []string
		for _, f := range p.Outcome.Fired {
			ids = append(ids, f.Factor.ID)
		}
		var steps []string
		for _, s := range p.Outcome.Steps {
			steps = append(steps, s.ID)
		}
		fmt.Fprintf(&b, "%3d %s %-7s %3d abs=%d/%d factors=%s steps=%s\n", i+1, p.ID, p.Outcome.Tier, p.Outcome.Score,
			p.Figures.Absent(), p.Figures.Possible, strings.Join(ids, ","), strings.Join(steps, ","))
	}
	got := b.String()
	const golden = "testdata/sample-priority.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./pkg/analysis -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("prioritised list changed (-want +got):\n%s", diff)
	}
	// The cases the sample school was built to contain must be on the list:
	// the child missing education first, with the CME step.
	first := res.Pupils[0]
	if first.ID != "J999500114062" || first.Outcome.Tier != "urgent" {
		t.Errorf("first on the list = %s (%s), want the child missing education J999500114062 (urgent)", first.ID, first.Outcome.Tier)
	}
	hasStep := false
	for _, s := range first.Outcome.Steps {
		hasStep = hasStep || s.ID == "children_missing_education"
	}
	if !hasStep {
		t.Error("the child missing education has no children_missing_education step")
	}
	for _, id := range []string{"B999500116096", "U999500115042", "C999500113055"} {
		p := find(res, id)
		fired := false
		for _, f := range p.Outcome.Fired {
			fired = fired || f.Factor.ID == "siblings_persistent_absence"
		}
		if !fired {
			t.Errorf("%s is in a persistently absent sibling group but siblings_persistent_absence did not fire", id)
		}
	}
}

func find(res *Result, id string) *Pupil {
	for _, p := range res.All {
		if p.ID == id {
			return p
		}
	}
	return nil
}
