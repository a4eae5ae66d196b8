package analysis

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/metrics"
)

// TestAuthorityActionsBySchool: the actions log joins as the context file
// does. Oak's and elm's admission number 1001 are two children: elm's
// penalty notice is elm's child's, Oak's first-day call Oak's. A row
// naming no school joins the one pupil with its id (1003 is only elm's),
// a UPN joins at any school. Without a school column, a shared local id is
// refused, naming the file and the row's line; a register naming no school
// with a log whose rows for an id name two schools is refused too.
func TestAuthorityActionsBySchool(t *testing.T) {
	log := authorityFiles("oak-elm-actions.csv")[0]
	kinds := func(res *Result) map[string]string {
		out := map[string]string{}
		for _, p := range res.All {
			var ks []string
			for _, a := range p.Actions {
				ks = append(ks, a.Date.UK()+" "+a.Kind.ID)
			}
			out[p.Info.School+":"+p.ID] = strings.Join(ks, "; ")
		}
		return out
	}
	res, err := Run(Input{Files: authorityFiles("oak.csv", "elm.csv"), ActionsFile: log})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"elm:1001":                  "16/09/2024 letter; 07/10/2024 penalty_notice",
		"Oak Primary:1001":          "23/09/2024 first_day_call",
		"Oak Primary:1002":          "30/09/2024 letter",
		"elm:1003":                  "01/10/2024 home_visit",
		"Oak Primary:C823200112001": "14/10/2024 meeting_with_parents",
		":B823200212002":            "",
	}
	if diff := cmp.Diff(want, kinds(res)); diff != "" {
		t.Errorf("actions by pupil (-want +got):\n%s", diff)
	}
	// The rules read each child's own log: only elm's 1001 has a formal rung.
	for _, p := range res.All {
		if p.ID != "1001" {
			continue
		}
		var vals metrics.Values
		p.actionValues(&vals)
		wantRung := map[string]int{"elm": 3, "Oak Primary": 0}[p.Info.School]
		if got := vals.Int(metrics.IndFormalRung); got != wantRung {
			t.Errorf("%s:1001 formal_rung %v, want %d", p.Info.School, got, wantRung)
		}
	}
	if a := res.Quality.Actions; a.Read != 6 || a.Used != 6 || a.Rejected != 0 {
		t.Errorf("actions log rows %+v, want 6 read, 6 used", a)
	}

	// One school's run: the other school's rows are for pupils not in the
	// register (elm's two for 1001, and 1003), never Oak's 1001.
	oak, err := Run(Input{Files: authorityFiles("oak.csv"), ActionsFile: log})
	if err != nil {
		t.Fatal(err)
	}
	got := kinds(oak)
	if got["Oak Primary:1001"] != "23/09/2024 first_day_call" {
		t.Errorf("Oak's run: 1001's actions %q", got["Oak Primary:1001"])
	}
	if a := oak.Quality.Actions; a.Used != 3 || a.Rejected != 3 || oak.Quality.Finding("action_no_pupil") != 3 {
		t.Errorf("Oak's run: actions %+v, action_no_pupil %d; want 3 used, 3 rejected", a, oak.Quality.Finding("action_no_pupil"))
	}

	for _, c := range []struct {
		name  string
		files []string
		log   string
		want  []string
	}{
		{"no school column", authorityFiles("oak.csv", "elm.csv"), "oak-elm-actions-no-school.csv", []string{
			"oak-elm-actions-no-school.csv: 1 local pupil id in this actions log is used by more than one school in the run (elm, Oak Primary), and the log has no school column",
			"oak-elm-actions-no-school.csv:3: pupil id 1001 is used at 2 schools (elm, Oak Primary)\n",
			"fix: add a School column to the actions log", "no output written"}},
		{"register names no school", authorityFiles("elm.csv"), "oak-elm-actions.csv", []string{
			"oak-elm-actions.csv: 1 local pupil id in the register has rows at more than one school in this actions log, and the register names no school for it",
			"oak-elm-actions.csv:2: pupil id 1001 has rows at elm, Oak Primary\n",
			"--school NAME", "no output written"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Run(Input{Files: c.files, ActionsFile: authorityFiles(c.log)[0]})
			if err == nil {
				t.Fatal("joined a shared local id on the id alone")
			}
			for _, s := range c.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error lacks %q:\n%s", s, err)
				}
			}
			for _, name := range []string{"Ahmed", "Dunn", "Sara", "Ava"} {
				if strings.Contains(err.Error(), name) {
					t.Errorf("error names a pupil (%s):\n%s", name, err)
				}
			}
		})
	}
	// A log writing the school differently from the register joins no
	// local id, and the error says so rather than blaming the ids.
	misnamed := filepath.Join(t.TempDir(), "misnamed.csv")
	if err := os.WriteFile(misnamed, []byte("School,Adno,Date,Action,Outcome\nOak Primary School,1001,23/09/2024,Letter,\nOak Primary School,1002,30/09/2024,Letter,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Run(Input{Files: authorityFiles("oak.csv", "elm.csv"), ActionsFile: misnamed})
	if err == nil || !strings.Contains(err.Error(), "likely cause: the ids match but the schools do not: the actions log's School column names Oak Primary School, the register elm, Oak Primary") {
		t.Errorf("misnamed schools: %v", err)
	}

	// With --school the one school's register takes that school's rows.
	elm, err := Run(Input{Files: authorityFiles("elm.csv"), ActionsFile: log, Ingest: ingest.Options{School: "elm"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(elm)["elm:1001"]; got != "16/09/2024 letter; 07/10/2024 penalty_notice" {
		t.Errorf("elm's run with --school elm: 1001's actions %q", got)
	}
}

// TestAuthoritySupportReviewFindingBySchool: a context row keyed by school
// whose review date is not a date is reported at its own line, not at no
// place (the row was looked up by the id alone, which keys no such row).
func TestAuthoritySupportReviewFindingBySchool(t *testing.T) {
	ctx := filepath.Join(t.TempDir(), "context.csv")
	if err := os.WriteFile(ctx, []byte("School,Adno,Support state,Support last reviewed\nOak Primary,1001,Engaged,01/09/2024\nelm,1001,Engaged,soon\nOak Primary,1002,,\nelm,1003,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Run(Input{Files: authorityFiles("oak.csv", "elm.csv"), ContextFile: ctx})
	if err != nil {
		t.Fatal(err)
	}
	got := findingExamples(res, "support_review_not_date")
	want := []string{ctx + ":3 (Support last reviewed) context.support_last_reviewed is not a date"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("support_review_not_date findings (-want +got):\n%s", diff)
	}
}
