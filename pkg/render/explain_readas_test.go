package render

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

// TestExplainReadAs: on a child's page, the "why not" of each factor gives
// the value the rules read from the context (the support state declined
// read from "Declined by parent", a date of birth or review date as a
// date, an Excel date serial as the date it stands for) and, where the file
// wrote it otherwise, the value as recorded after it, so an officer can
// check it against the cell.
func TestExplainReadAs(t *testing.T) {
	tests := []struct {
		context string
		pupil   string
		age     string
		want    []string // the why-nots, "id: why"
	}{
		{"testdata/explain-readas-text.csv", "P0001", `date of birth 04/03/2011, recorded as "2011-03-04"`, []string{
			`post16: not post_16: compulsory school age: compulsory (date of birth 04/03/2011, recorded as "2011-03-04")`,
			`support_text: context.support == "declined" is false: context.support = "Declined by parent" (read as support state declined, for support_state)`,
			`engaged: support_state == "engaged" is false: support state: declined (recorded as "Declined by parent")`,
			`overdue: support_review_days > 60 is false: support plan last reviewed 01/08/2024, 43 days before the last day analysed (context.support_last_reviewed, recorded as "2024-08-01")`,
			`dob_blank: context.date_of_birth == nil is false: context.date_of_birth = "2011-03-04" (read as 04/03/2011, for age_status)`,
			`cp_text: context.cp_plan == "yes" is false: context.cp_plan = "Open" (read as child protection plan, child in need plan or looked after, for social_care)`,
		}},
		{"testdata/explain-readas-text.csv", "P0002", "date of birth 04/03/2011", []string{
			`post16: not post_16: compulsory school age: compulsory (date of birth 04/03/2011)`,
			`support_text: context.support == "declined" is false: context.support = "Open" (read as support state engaged, for support_state)`,
			`overdue: support_review_days > 60 is false: support plan last reviewed 13/08/2024, 31 days before the last day analysed (context.support_last_reviewed)`,
			`dob_blank: context.date_of_birth == nil is false: context.date_of_birth = "04/03/2011" (for age_status)`,
			`cp_text: context.cp_plan == "yes" is false: context.cp_plan = "Closed" (read as no social care plan or status, for social_care)`,
		}},
		{"testdata/explain-readas-serial.csv", "P0001", `date of birth 04/03/2011, recorded as "40606"`, []string{
			`post16: not post_16: compulsory school age: compulsory (date of birth 04/03/2011, recorded as "40606")`,
			`support_text: context.support == "declined" is false: context.support = "Declined by parent" (read as support state declined, for support_state)`,
			`engaged: support_state == "engaged" is false: support state: declined (recorded as "Declined by parent")`,
			`overdue: support_review_days > 60 is false: support plan last reviewed 01/08/2024, 43 days before the last day analysed (context.support_last_reviewed, recorded as "45505")`,
			`dob_blank: context.date_of_birth == nil is false: context.date_of_birth = 40606 (read as 04/03/2011, for age_status)`,
			`cp_text: context.cp_plan == "yes" is false: context.cp_plan = "Open" (read as child protection plan, child in need plan or looked after, for social_care)`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.context+"/"+tc.pupil, func(t *testing.T) {
			res, err := analysis.Run(analysis.Input{Files: []string{"testdata/explain-register.csv"},
				RulesFile: "testdata/explain-readas-rules.yaml", ContextFile: tc.context, MinSessions: 1})
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range res.Pupils {
				if p.ID != tc.pupil {
					continue
				}
				pg := BuildExplainPage(res, p, i+1, len(res.Pupils), 1)
				if pg.AgeBasis != tc.age {
					t.Errorf("age basis %q, want %q", pg.AgeBasis, tc.age)
				}
				var got []string
				for _, r := range pg.NotApplying {
					got = append(got, r.ID+": "+r.Why)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("why not (-want +got):\n%s", diff)
				}
				var b strings.Builder
				if err := ExplainText(&b, []*ExplainPage{pg}); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(b.String(), "age                 compulsory ("+tc.age+")") {
					t.Errorf("the page's age line lacks %q:\n%s", tc.age, b.String())
				}
				return
			}
			t.Fatalf("no pupil %s", tc.pupil)
		})
	}
}
