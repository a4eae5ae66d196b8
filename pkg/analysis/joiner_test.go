package analysis

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestJoinedNeverAttended: a new starter absent from every session since
// joining, and still on roll, counts as enough data with 6 sessions; one
// who came in once, one who left again, and a pupil there from the start
// with the same few absences stay held back by the 40-session guard.
func TestJoinedNeverAttended(t *testing.T) {
	var b strings.Builder
	b.WriteString("Adno,Date,Session,Mark\n")
	days := []string{"02/09/2024", "03/09/2024", "04/09/2024", "05/09/2024", "06/09/2024", "09/09/2024", "10/09/2024", "11/09/2024"}
	row := func(id, day, am, pm string) {
		b.WriteString(id + "," + day + ",AM," + am + "\n" + id + "," + day + ",PM," + pm + "\n")
	}
	for i, d := range days {
		row("ROLL", d, "/", "/") // on roll from the first day to the last: 16 sessions, held back
		if i >= 5 {
			row("NEVER", d, "G", "O") // joined 09/09, never came
			row("ONCE", d, map[bool]string{true: "/", false: "G"}[i == 7], "G")
		}
		if i >= 4 && i < 7 {
			row("GONE", d, "G", "G") // joined 06/09, gone after 10/09
		}
		if i < 3 {
			row("EARLY", d, "G", "G") // on roll from the start, absent, then nothing
		}
	}
	file := filepath.Join(t.TempDir(), "oak.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Run(Input{Files: []string{file}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, p := range res.All {
		var fired []string
		for _, f := range p.Outcome.Fired {
			fired = append(fired, f.Factor.ID)
		}
		got[p.ID] = fired
	}
	want := map[string][]string{"ROLL": nil, "NEVER": {"persistent_absence", "severe_absence", "unexplained_absence"}, "ONCE": nil, "GONE": nil, "EARLY": nil}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("factors fired (-want +got):\n%s", diff)
	}
	for _, p := range res.All {
		if p.ID != "NEVER" {
			continue
		}
		var ev []string
		for i, f := range p.Outcome.Fired {
			if f.Factor.ID == "persistent_absence" {
				ev = p.Outcome.Evidence(i)
			}
		}
		if !strings.Contains(strings.Join(ev, "\n"), "joined on 09/09/2024 and absent from all 6 possible sessions since") {
			t.Errorf("evidence %q does not say why 6 sessions are enough", ev)
		}
	}
}
