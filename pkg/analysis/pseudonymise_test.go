package analysis

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/quality"
)

// TestPseudonymiseEverywhere: after Pseudonymise no real id is left in the
// result: not the pupils', not the context table's keys or its _id columns
// (nor the evidence that quotes them), not the data-quality account.
func TestPseudonymiseEverywhere(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	reg := write("r.csv", "UPN,Surname,Forename,Date,Session,Mark\n"+
		"A1X,Ash,Ann,02/09/2024,AM,O\nA1X,Ash,Ann,02/09/2024,PM,/\n"+
		"B2Y,Birch,Bo,02/09/2024,AM,/\nB2Y,Birch,Bo,B2Y,PM,/\n"+ // B2Y's id in the date column
		"B2Y,Birch,Bo,03/09/2024,AM,0123456\n") // an admission-number-like mark
	ctx := write("c.csv", "UPN,family_id,Note\nA1X,FAM9,x\nB2Y,FAM9,y\nC3Z,FAM7,z\n")
	rules := `version: 1
name: Test
factors:
  - id: family
    kind: risk
    group: parent
    label: In a family
    when: context.family_id != ""
    weight: 1
    source: test
tiers:
  - {name: all, min_score: 0}
next_steps: []
`
	res, err := Run(Input{Files: []string{reg}, ContextFile: ctx, RulesData: []byte(rules), RulesFile: "t.yaml", MinSessions: 1})
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("a-long-secret-key-for-tests")
	ps := func(id string) string { return Pseudonym(key, id) }
	if err := Pseudonymise(res, key); err != nil {
		t.Fatal(err)
	}
	type pupil struct {
		ID, Surname, Forename, Family string
		Evidence                      []string
	}
	var got []pupil
	for _, p := range res.All {
		got = append(got, pupil{p.ID, p.Info.Surname, p.Info.Forename, p.Context["family_id"].(string), p.Outcome.Fired[0].Evidence})
	}
	sort.Slice(got, func(i, j int) bool { return got[i].ID < got[j].ID })
	want := []pupil{
		{ps("A1X"), "", "", ps("FAM9"), []string{`context.family_id = "` + ps("FAM9") + `"`}},
		{ps("B2Y"), "", "", ps("FAM9"), []string{`context.family_id = "` + ps("FAM9") + `"`}},
	}
	sort.Slice(want, func(i, j int) bool { return want[i].ID < want[j].ID })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pupils (-want +got):\n%s", diff)
	}
	var keys []string
	for id, row := range res.Context.Rows {
		keys = append(keys, id+" "+row["family_id"].(string)+" "+row["note"].(string))
	}
	sort.Strings(keys)
	wantKeys := []string{ps("A1X") + " " + ps("FAM9") + " x", ps("B2Y") + " " + ps("FAM9") + " y", ps("C3Z") + " " + ps("FAM7") + " z"}
	sort.Strings(wantKeys)
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("context rows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{ps("A1X"), ps("B2Y"), ps("C3Z")}, res.Context.Order); diff != "" {
		t.Errorf("context order (-want +got):\n%s", diff)
	}
	if _, ok := res.Context.Loc[ps("C3Z")]; !ok || len(res.Context.Loc) != 3 {
		t.Errorf("context places not re-keyed: %v", res.Context.Loc)
	}
	var details []string
	for _, r := range res.Quality.Rejections() {
		for _, e := range r.Examples {
			details = append(details, r.Key+" "+e.Detail)
		}
	}
	sort.Strings(details)
	wantDetails := []string{`bad_date "` + ps("B2Y") + `"`, "unknown_code " + quality.Withheld}
	if diff := cmp.Diff(wantDetails, details); diff != "" {
		t.Errorf("data-quality details (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{quality.Withheld: 1}, res.Quality.UnknownCodes()); diff != "" {
		t.Errorf("unknown codes (-want +got):\n%s", diff)
	}
	if res.Register != nil {
		t.Error("the register, which holds the real ids, is kept")
	}
	for _, p := range res.All {
		if strings.Contains(p.ID, "A1X") || strings.Contains(p.ID, "B2Y") {
			t.Errorf("real id left: %s", p.ID)
		}
	}
}

func TestCodeOrNumber(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{"Q9", true}, {"@", true}, {"ABC", true},
		{"31/02/2024", true}, {"2024-13-01", true}, {"5.5", true}, {"-3", true}, {"10:30", true},
		{"0123456", false}, {"A123456789012", false}, {"K7Q2W9", false}, {"ABCD", false},
	}
	for _, tt := range tests {
		if got := codeOrNumber(tt.v); got != tt.want {
			t.Errorf("codeOrNumber(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}
