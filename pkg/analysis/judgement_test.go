package analysis

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/attendrisk/attendrisk/pkg/actions"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/register"
)

func TestPupilAge(t *testing.T) {
	day := register.MustDay
	tests := []struct {
		name string
		year string
		ctx  map[string]any
		end  register.Day
		want Age
	}{
		// Date of birth: the prescribed days after the fifth birthday.
		{"born 10/05/2020, summer 2025: five, but compulsory only from 31/08/2025", "R", map[string]any{"date_of_birth": "10/05/2020"}, day(2025, 7, 18), Age{Status: AgeBelow, Basis: "date of birth"}},
		{"born 10/05/2020, on 31/08/2025", "R", map[string]any{"date_of_birth": "10/05/2020"}, day(2025, 8, 31), Age{Status: AgeCompulsory, Basis: "date of birth"}},
		{"born 01/10/2019: compulsory from 31/12/2024", "R", map[string]any{"date_of_birth": "2019-10-01"}, day(2024, 12, 31), Age{Status: AgeCompulsory, Basis: "date of birth"}},
		{"born 01/10/2019, on 30/12/2024", "R", map[string]any{"dob": "01/10/2019"}, day(2024, 12, 30), Age{Status: AgeBelow, Basis: "date of birth"}},
		{"born 15/01/2020: compulsory from 31/03/2025", "R", map[string]any{"date_of_birth": "15/01/2020"}, day(2025, 3, 31), Age{Status: AgeCompulsory, Basis: "date of birth"}},
		{"fifth birthday on a prescribed day: compulsory that day", "1", map[string]any{"date_of_birth": "31/08/2019"}, day(2024, 8, 31), Age{Status: AgeCompulsory, Basis: "date of birth"}},
		{"born 29/02/2020: five on 01/03/2025", "R", map[string]any{"date_of_birth": "29/02/2020"}, day(2025, 3, 31), Age{Status: AgeCompulsory, Basis: "date of birth"}},
		// The leaving date: the last Friday in June of the school year in
		// which the child turns 16 (27/06/2025 for 2024/25).
		{"turns 16 in May 2025: on the leaving date", "11", map[string]any{"date_of_birth": "20/05/2009"}, day(2025, 6, 27), Age{Status: AgeCompulsory, Basis: "date of birth"}},
		{"turns 16 in May 2025: the day after", "11", map[string]any{"date_of_birth": "20/05/2009"}, day(2025, 6, 28), Age{Status: AgeOver, Basis: "date of birth"}},
		{"turns 16 in September 2025: compulsory until June 2026", "11", map[string]any{"date_of_birth": "01/09/2009"}, day(2025, 7, 18), Age{Status: AgeCompulsory, Basis: "date of birth"}},
		{"an Excel date serial (43831 is 01/01/2020)", "N", map[string]any{"date_of_birth": 43831.0}, day(2024, 9, 2), Age{Status: AgeBelow, Basis: "date of birth"}}, // 01/01/2020
		{"a date of birth that is not a date", "5", map[string]any{"date_of_birth": "soon"}, day(2024, 9, 2), Age{Status: AgeUnknown, Basis: `context.date_of_birth "soon" is not a date`}},
		{"a date of birth far in the future", "5", map[string]any{"date_of_birth": "01/01/2199"}, day(2024, 9, 2), Age{Status: AgeUnknown, Basis: `context.date_of_birth "01/01/2199" is not a date`}},
		{"a two-digit year", "5", map[string]any{"date_of_birth": "01/01/19"}, day(2024, 9, 2), Age{Status: AgeUnknown, Basis: `context.date_of_birth "01/01/19" is not a date`}},
		{"an impossible date", "5", map[string]any{"date_of_birth": "31/02/2019"}, day(2024, 9, 2), Age{Status: AgeUnknown, Basis: `context.date_of_birth "31/02/2019" is not a date`}},
		{"an Excel serial beyond 2099", "5", map[string]any{"date_of_birth": 80000.0}, day(2024, 9, 2), Age{Status: AgeUnknown, Basis: `context.date_of_birth "80000" is not a date`}},
		// Year group only.
		{"no year group", "", nil, day(2024, 11, 22), Age{Status: AgeUnknown, Basis: "no year group or date of birth"}},
		{"an unrecognised year group", "Blue", nil, day(2024, 11, 22), Age{Status: AgeUnknown, Basis: `year group "Blue" not recognised, and no date of birth`}},
		{"nursery", "N2", nil, day(2025, 3, 1), Age{Status: AgeBelow, Basis: "year group"}},
		{"Reception in the autumn term", "R", nil, day(2024, 11, 22), Age{Status: AgeBelow, Basis: "year group"}},
		{"Reception in the summer term", "Reception", nil, day(2025, 6, 2), Age{Status: AgeUnknown, Basis: "Reception after 31 December: some children are of compulsory school age and some not; needs a date of birth"}},
		{"Year 1", "Year 1", nil, day(2024, 9, 2), Age{Status: AgeCompulsory, Basis: "year group"}},
		{"Year 11 on 27/06/2025", "11", nil, day(2025, 6, 27), Age{Status: AgeCompulsory, Basis: "year group"}},
		{"Year 11 on 30/06/2025", "Y11", nil, day(2025, 6, 30), Age{Status: AgeOver, Basis: "year group"}},
		{"Year 11 in the autumn", "11", nil, day(2024, 12, 20), Age{Status: AgeCompulsory, Basis: "year group"}},
		{"Year 12", "12", nil, day(2024, 9, 2), Age{Status: AgeOver, Basis: "year group"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pupilAge(register.Info{YearGroup: tt.year}, tt.ctx, tt.end)
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Age{}, "From", "To")); diff != "" {
				t.Errorf("pupilAge (-want +got):\n%s", diff)
			}
		})
	}
}

// The compulsory-school-age range the statutory counts use.
func TestAgeRange(t *testing.T) {
	day := register.MustDay
	tests := []struct {
		name     string
		year     string
		ctx      map[string]any
		end      register.Day
		from, to register.Day
	}{
		{"from a date of birth", "R", map[string]any{"date_of_birth": "10/01/2020"}, day(2025, 4, 11), day(2025, 3, 31), day(2036, 6, 27)},
		{"Year 11 by year group, in the autumn", "11", nil, day(2024, 11, 22), 0, day(2025, 6, 27)},
		{"Year 11 by year group, in July", "11", nil, day(2025, 7, 18), 0, day(2025, 6, 27)},
		{"Year 5: open on both sides", "5", nil, day(2025, 7, 18), 0, 0},
		{"unknown: no range", "", nil, day(2025, 7, 18), 0, 0},
	}
	for _, tt := range tests {
		got := pupilAge(register.Info{YearGroup: tt.year}, tt.ctx, tt.end)
		if got.From != tt.from || got.To != tt.to {
			t.Errorf("%s: range %s to %s, want %s to %s", tt.name, got.From.UK(), got.To.UK(), tt.from.UK(), tt.to.UK())
		}
	}
}

func TestSupportState(t *testing.T) {
	tests := []struct {
		ctx   map[string]any
		state string
		raw   string
	}{
		{nil, SupportNotRecorded, ""},
		{map[string]any{"early_help": true}, SupportEngaged, "yes"},
		{map[string]any{"early_help": false}, SupportNone, "no"},
		{map[string]any{"support_state": "Open"}, SupportEngaged, "Open"},
		{map[string]any{"support_state": "Closed"}, SupportNone, "Closed"},
		{map[string]any{"support_state": "Declined"}, SupportDeclined, "Declined"},
		{map[string]any{"support_state": "refused early help"}, SupportDeclined, "refused early help"},
		{map[string]any{"support_state": "not working"}, SupportNotWorking, "not working"},
		{map[string]any{"support_state": "Not_Working"}, SupportNotWorking, "Not_Working"},
		{map[string]any{"support_state": "Open - not engaging"}, SupportNotWorking, "Open - not engaging"},
		{map[string]any{"support_state": "Disengaged"}, SupportNotWorking, "Disengaged"},
		{map[string]any{"support_state": "Offered"}, SupportOffered, "Offered"},
		{map[string]any{"support_state": "engaged"}, SupportEngaged, "engaged"},
		{map[string]any{"support_state": "none"}, SupportNone, "none"},
		{map[string]any{"support_state": "Step down to universal"}, SupportUnrecognised, "Step down to universal"},
		{map[string]any{"support_state": 3.0}, SupportUnrecognised, "3"},
		// The documented column wins over the old flag.
		{map[string]any{"support_state": "Declined", "early_help": true}, SupportDeclined, "Declined"},
	}
	for _, tt := range tests {
		state, raw := supportState(tt.ctx)
		if state != tt.state || raw != tt.raw {
			t.Errorf("supportState(%v) = %q, %q; want %q, %q", tt.ctx, state, raw, tt.state, tt.raw)
		}
	}
}

func TestSocialCare(t *testing.T) {
	for _, tt := range []struct {
		ctx  map[string]any
		want bool
	}{
		{nil, false},
		{map[string]any{"child_protection_plan": false, "child_in_need": false}, false},
		{map[string]any{"child_protection_plan": true}, true},
		{map[string]any{"cin": "Y"}, true},
		{map[string]any{"looked_after": "Open"}, true},
		{map[string]any{"looked_after": "N"}, false},
		{map[string]any{"young_carer": true}, false},
	} {
		if got := socialCare(tt.ctx); got != tt.want {
			t.Errorf("socialCare(%v) = %v, want %v", tt.ctx, got, tt.want)
		}
	}
}

// What the judgement cannot decide is reported in the data-quality
// account: unknown ages, and rule expressions that fail as they run.
func TestJudgementReported(t *testing.T) {
	res, err := Run(Input{Files: []string{"../../testdata/cases/no-year-column/register.csv"}})
	if err != nil {
		t.Fatal(err)
	}
	// The case's made-up UPNs fail DfE's check letter too (bad_upn, one
	// example a pupil): that note is right, and stays.
	var got []string
	for _, f := range res.Quality.Findings() {
		got = append(got, f.Key+": "+f.Examples[0].Detail)
	}
	wantFindings := []string{"bad_upn: the check letter does not match the digits", "age_unknown: no year group or date of birth (2 pupils)"}
	if diff := cmp.Diff(wantFindings, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}

	rules := []byte(`
version: 1
name: t
factors:
  - {id: broken, kind: risk, group: attendance, label: B, weight: 1, source: s,
     when: "possible_sessions % (absence_sessions - absence_sessions) == 0"}
tiers:
  - {name: all, min_score: 0}
next_steps:
  - {id: broken_step, step: S, source: s, when: "possible_sessions % (absence_sessions - absence_sessions) == 1"}
`)
	res, err = Run(Input{Files: []string{"../../testdata/cases/holiday-four-days/register.csv"}, RulesFile: "t.yaml", RulesData: rules})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Quality.Finding("rule_not_evaluated"); got != 2 {
		t.Errorf("rule_not_evaluated findings = %d, want 2 (a factor and a step)", got)
	}
	var details []string
	for _, r := range res.Quality.Findings() {
		if r.Key == "rule_not_evaluated" {
			for _, e := range r.Examples {
				details = append(details, e.Detail)
			}
		}
	}
	want := []string{
		"factor broken: could not evaluate: runtime error: integer divide by zero (1:19) (2 pupils)",
		"next step broken_step: could not evaluate: runtime error: integer divide by zero (1:19) (2 pupils)",
	}
	for _, w := range want {
		found := false
		for _, d := range details {
			found = found || d == w
		}
		if !found {
			t.Errorf("no finding %q in %q", w, details)
		}
	}
}

// The support plan's last review: read from the context in the forms a
// spreadsheet gives, or from the actions log, the later of the two; a cell
// that is not a date is read as no date and reported, never a failure.
func TestSupportReview(t *testing.T) {
	end := register.MustDay(2024, 11, 22)
	for _, tt := range []struct {
		name     string
		ctx      map[string]any
		days     int
		known    bool
		bad      string
		evidence string
	}{
		{name: "no column", evidence: "no support review date recorded"},
		{name: "uk date", ctx: map[string]any{"support_last_reviewed": "01/10/2024"}, days: 52, known: true,
			evidence: "support plan last reviewed 01/10/2024, 52 days before the last day analysed (context.support_last_reviewed)"},
		{name: "two-digit year", ctx: map[string]any{"support_reviewed": "01/10/24"}, days: 52, known: true,
			evidence: "support plan last reviewed 01/10/2024, 52 days before the last day analysed (context.support_reviewed)"},
		{name: "iso with a time", ctx: map[string]any{"early_help_reviewed": "2024-11-22T09:00"}, days: 0, known: true,
			evidence: "support plan last reviewed 22/11/2024, 0 days before the last day analysed (context.early_help_reviewed)"},
		{name: "excel serial", ctx: map[string]any{"support_last_reviewed": 45566.0}, days: 52, known: true, // 45566 is 01/10/2024
			evidence: "support plan last reviewed 01/10/2024, 52 days before the last day analysed (context.support_last_reviewed)"},
		{name: "free text", ctx: map[string]any{"support_last_reviewed": "after half term"}, bad: "context.support_last_reviewed",
			evidence: "context.support_last_reviewed is not a date: no support review date used"},
		{name: "a yes/no column", ctx: map[string]any{"support_last_reviewed": true}, bad: "context.support_last_reviewed",
			evidence: "context.support_last_reviewed is not a date: no support review date used"},
		{name: "impossible date", ctx: map[string]any{"support_last_reviewed": "31/09/2024"}, bad: "context.support_last_reviewed",
			evidence: "context.support_last_reviewed is not a date: no support review date used"},
		{name: "after the last day", ctx: map[string]any{"support_last_reviewed": "02/12/2024"},
			evidence: "support plan last reviewed 02/12/2024, after the last day analysed: no earlier review date recorded"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := &Pupil{Context: tt.ctx, end: end, Support: SupportEngaged}
			r := p.supportReview()
			if r.Days(end) != tt.days || (r.At != 0) != tt.known || r.Bad != tt.bad {
				t.Errorf("supportReview() = %+v (days %d); want days %d, known %v, bad %q", r, r.Days(end), tt.days, tt.known, tt.bad)
			}
			var vals metrics.Values
			ev := map[string]string{}
			p.judgementValues(&vals)
			p.judgementEvidence(ev)
			if days, known := vals.Int(metrics.IndSupportReviewDays), vals.Bool(metrics.IndSupportReviewKnown); days != tt.days || known != tt.known {
				t.Errorf("vars: support_review_days %v, support_review_known %v", days, known)
			}
			if ev["support_review_days"] != tt.evidence {
				t.Errorf("evidence %q, want %q", ev["support_review_days"], tt.evidence)
			}
		})
	}
}

// The actions log's latest support action counts as a review when it is
// later than the context's date, and the run reports a context cell that is
// not a date, by its row, without the cell's text.
func TestSupportReviewActionsAndQuality(t *testing.T) {
	end := register.MustDay(2024, 11, 22)
	kind, _ := actions.Default().Kind("early help engaged")
	p := &Pupil{Context: map[string]any{"support_last_reviewed": "01/10/2024"}, end: end,
		Actions: actions.History{{Date: register.MustDay(2024, 11, 1), Kind: kind}}}
	r := p.supportReview()
	if r.Days(end) != 21 || r.From != "actions log: 01/11/2024 Early help engaged" {
		t.Errorf("with a later early-help action: %+v, days %d", r, r.Days(end))
	}

	// An engagement logged long ago whose review the officer has booked
	// for after the last day is not overdue; one whose review date has
	// passed counts its days as before.
	p.Actions = actions.History{{Date: register.MustDay(2024, 9, 2), Kind: kind, Review: register.MustDay(2024, 11, 29)}}
	p.Context = nil
	if r := p.supportReview(); r.Days(end) != 0 || r.Due != register.MustDay(2024, 11, 29) {
		t.Errorf("review booked for 29/11: %+v, days %d; want not overdue", r, r.Days(end))
	}
	ev := map[string]string{}
	p.judgementEvidence(ev)
	if want := "support plan last reviewed 02/09/2024 (actions log: 02/09/2024 Early help engaged), next review due 29/11/2024"; ev["support_review_days"] != want {
		t.Errorf("evidence %q, want %q", ev["support_review_days"], want)
	}
	p.Actions[0].Review = register.MustDay(2024, 10, 14)
	if r := p.supportReview(); r.Days(end) != 81 {
		t.Errorf("review due 14/10 and not recorded: %+v, days %d; want 81", r, r.Days(end))
	}

	res, err := Run(Input{Files: []string{casesDir + "/support-review-overdue/register.csv"}, ContextFile: casesDir + "/support-review-overdue/context.csv"})
	if err != nil {
		t.Fatal(err)
	}
	got := findingExamples(res, "support_review_not_date")
	want := []string{casesDir + "/support-review-overdue/context.csv:4 (Support Last Reviewed) context.support_last_reviewed is not a date"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("support_review_not_date findings (-want +got):\n%s", diff)
	}
}
