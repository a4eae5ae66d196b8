package rule_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/rule"
	"github.com/attendrisk/attendrisk/rules"
	"github.com/google/go-cmp/cmp"
)

// contextFactors are the default factors and steps that read the context.
var contextSkips = []rule.Skip{
	{ID: "young_carer", Missing: []string{"young_carer"}},
	{ID: "child_protection_plan", Missing: []string{"child_protection_plan"}},
	{ID: "child_in_need", Missing: []string{"child_in_need"}},
	{ID: "looked_after", Missing: []string{"looked_after"}},
	{ID: "ehcp", Missing: []string{"ehcp"}},
	{ID: "sen_support", Missing: []string{"sen_support"}},
	{ID: "free_school_meals", Missing: []string{"free_school_meals"}},
	{ID: "open_to_camhs", Missing: []string{"open_to_camhs"}},
	{ID: "tell_social_worker_cp", Step: true, Missing: []string{"child_protection_plan"}},
	{ID: "tell_social_worker_cin", Step: true, Missing: []string{"child_in_need"}},
	{ID: "virtual_school", Step: true, Missing: []string{"looked_after"}},
	// The support state, age and social care are read by the tool from
	// whatever columns the context has, so no step of the ladder is ever
	// skipped for want of a column.
}

func parseDefault(t testing.TB, context map[string]any) *rule.Set {
	t.Helper()
	s, err := rule.Parse(rules.DefaultName, rules.Default(), rule.Schema{Vars: testVars(), Context: context, OptionalContext: true})
	if err != nil {
		t.Fatalf("default rules: %v", err)
	}
	return s
}

func TestDefaultParses(t *testing.T) {
	tests := []struct {
		name    string
		context map[string]any
		skipped []rule.Skip
	}{
		{name: "no context", skipped: contextSkips},
		{name: "sample context", context: sampleContext()},
		{
			name:    "part of the context",
			context: map[string]any{"young_carer": false, "child_protection_plan": false, "child_in_need": false, "looked_after": false, "early_help": false},
			skipped: []rule.Skip{
				{ID: "ehcp", Missing: []string{"ehcp"}},
				{ID: "sen_support", Missing: []string{"sen_support"}},
				{ID: "free_school_meals", Missing: []string{"free_school_meals"}},
				{ID: "open_to_camhs", Missing: []string{"open_to_camhs"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parseDefault(t, tt.context)
			got := slices.Clone(s.Skipped)
			for i := range got {
				got[i].Line = 0
			}
			if diff := cmp.Diff(tt.skipped, got); diff != "" {
				t.Errorf("Skipped (-want +got):\n%s", diff)
			}
			if s.Name != "Attendance concern indicators" || s.Version != "2026.1" {
				t.Errorf("Name, Version = %q, %q", s.Name, s.Version)
			}
		})
	}

	// Without OptionalContext (as for a user's own file) the context
	// factors are errors, not skips.
	_, err := rule.Parse(rules.DefaultName, rules.Default(), rule.Schema{Vars: testVars()})
	if got := len(errs(t, err)); got != len(contextSkips) {
		t.Errorf("strict parse without context: %d errors, want %d:\n%v", got, len(contextSkips), err)
	}
}

// TestDefaultContent checks promises the default rules make in their
// comments and in the guidance they cite.
func TestDefaultContent(t *testing.T) {
	s := parseDefault(t, sampleContext())
	if !strings.Contains(s.Description, "not a finding about the family") {
		t.Errorf("description must say factors are reasons to look, not findings: %q", s.Description)
	}
	groups := map[string]bool{}
	protective := 0
	for _, f := range s.Factors {
		groups[f.Group] = true
		if f.Protective() {
			protective++
		}
		checkSource(t, f.ID, f.Source)
		for _, banned := range []string{"ethnic", "sex", "gender", "religio"} {
			if strings.Contains(strings.ToLower(f.When), banned) {
				t.Errorf("factor %s scores on %s: %s", f.ID, banned, f.When)
			}
		}
	}
	if len(groups) != 4 {
		t.Errorf("groups used: %v, want all four", groups)
	}
	if protective < 3 {
		t.Errorf("%d protective factors, want at least 3", protective)
	}
	for _, st := range s.Steps {
		checkSource(t, st.ID, st.Source)
	}
	wantTiers := []rule.Tier{{"urgent", 60}, {"high", 40}, {"medium", 15}, {"monitor", 0}}
	if diff := cmp.Diff(wantTiers, s.Tiers); diff != "" {
		t.Errorf("Tiers (-want +got):\n%s", diff)
	}
}

// checkSource: every source is a document a person can look up, by its
// title, or a stated local choice; never a file name.
func checkSource(t *testing.T, id, src string) {
	t.Helper()
	if src == "" {
		t.Errorf("%s has no source", id)
	}
	if strings.Contains(src, ".txt") || strings.Contains(src, ".md") || strings.Contains(src, "WTISA") {
		t.Errorf("%s cites a file name or an abbreviation, not a document title: %s", id, src)
	}
	titles := []string{"Southampton City Council, Educational Neglect Practitioner Guidance", "Bury Safeguarding Partnership, 7 Minute Briefing",
		"Department for Education", "The School Attendance (Pupil Registration) (England) Regulations 2024", "Education Act 1996"}
	ok := false
	for _, title := range titles {
		ok = ok || strings.Contains(src, title)
	}
	if !ok {
		t.Errorf("%s cites no known document by its title: %s", id, src)
	}
}

// TestDefaultScenarios runs indicator values through the default rules for
// the logic the hand-worked cases (testdata/cases, run end to end in
// pkg/analysis) do not isolate. The derived indicators (attendance_concern,
// unauthorised_10wk_resolved, ...) are set as the pipeline would set them.
func TestDefaultScenarios(t *testing.T) {
	s := parseDefault(t, sampleContext())
	none := map[string]any{}
	persistentUnauth := map[string]any{"absence_pct": 20.0, "attendance_pct": 80.0, "absence_sessions": 20,
		"unauthorised_absence": 20, "persistent_absence": true, "unexplained_sessions": 20,
		"unauthorised_10wk": 20, "unauthorised_10wk_max": 20, "unauthorised_10wk_resolved": 20, "unexplained_10wk": 20,
		"attendance_concern": true}
	with := func(base map[string]any, kv ...any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		vars    map[string]any
		context map[string]any
		tier    string
		score   int
		fired   []string
		steps   []string
	}{
		{
			name: "full attendance", context: none, tier: "monitor",
			fired: []string{"regular_attendance"},
		},
		{
			name: "persistent unauthorised absence, no support recorded: support first",
			vars: persistentUnauth, context: none,
			tier: "high", score: 40, // 20 + 10 + 10
			fired: []string{"persistent_absence", "unauthorised_threshold", "unexplained_absence"},
			steps: []string{"attendance_return_irregular", "understand_barriers", "targeting_support_meeting", "early_help"},
		},
		{
			name: "the same, support not working: the formal rungs open",
			vars: with(persistentUnauth, "support_state", "not_working"), context: none,
			tier: "high", score: 40,
			fired: []string{"persistent_absence", "unauthorised_threshold", "unexplained_absence"},
			steps: []string{"attendance_return_irregular", "understand_barriers", "targeting_support_meeting", "early_help",
				"attendance_contract", "notice_to_improve", "consider_penalty_notice"},
		},
		{
			name: "the same, engaged with support: protective, no formal rung, no early help offer",
			vars: with(persistentUnauth, "support_state", "engaged"), context: none,
			tier: "medium", score: 35,
			fired: []string{"persistent_absence", "unauthorised_threshold", "unexplained_absence", "support_engaged"},
			steps: []string{"attendance_return_irregular", "understand_barriers", "targeting_support_meeting"},
		},
		{
			name: "the same, engaged, plan reviewed 42 days ago: still protective",
			vars: with(persistentUnauth, "support_state", "engaged", "support_review_known", true, "support_review_days", 42), context: none,
			tier: "medium", score: 35,
			fired: []string{"persistent_absence", "unauthorised_threshold", "unexplained_absence", "support_engaged"},
			steps: []string{"attendance_return_irregular", "understand_barriers", "targeting_support_meeting"},
		},
		{
			name: "the same, engaged, plan reviewed 43 days ago: not protective, review it, still no formal rung",
			vars: with(persistentUnauth, "support_state", "engaged", "support_review_known", true, "support_review_days", 43), context: none,
			tier: "high", score: 45, // 40 + 5
			fired: []string{"persistent_absence", "unauthorised_threshold", "unexplained_absence", "support_review_overdue"},
			steps: []string{"attendance_return_irregular", "understand_barriers", "support_review", "targeting_support_meeting"},
		},
		{
			name: "an old review date on a closed plan: nothing to review",
			vars: with(persistentUnauth, "support_state", "none", "support_review_known", true, "support_review_days", 90), context: none,
			tier: "high", score: 40,
			fired: []string{"persistent_absence", "unauthorised_threshold", "unexplained_absence"},
			steps: []string{"attendance_return_irregular", "understand_barriers", "targeting_support_meeting", "early_help"},
		},
		{
			name: "a threshold made of N codes waits for them to be resolved",
			vars: with(persistentUnauth, "unauthorised_10wk_resolved", 2, "n_10wk", 18, "support_state", "declined"), context: none,
			tier: "medium", score: 30, // no threshold factor
			fired: []string{"persistent_absence", "unexplained_absence"},
			steps: []string{"attendance_return_irregular", "understand_barriers", "targeting_support_meeting", "early_help", "resolve_n_codes"},
		},
		{
			// Unauthorised absence just under 10% of possible sessions: not
			// in the return as failing to attend regularly; at 10%, in it.
			name: "unauthorised absence 9 of 100: no attendance return",
			vars: map[string]any{"absence_pct": 9.0, "attendance_pct": 91.0, "absence_sessions": 9, "unauthorised_absence": 9,
				"unexplained_sessions": 9, "unauthorised_10wk": 9, "unauthorised_10wk_max": 9, "unauthorised_10wk_resolved": 9,
				"unexplained_10wk": 9, "approaching_persistent": true, "attendance_concern": true},
			context: none, tier: "monitor", score: 5,
			fired: []string{"approaching_persistent"},
			steps: []string{"understand_barriers", "early_help"},
		},
		{
			name: "unauthorised absence 10 of 100: failing to attend regularly, in the return",
			vars: map[string]any{"absence_pct": 10.0, "attendance_pct": 90.0, "absence_sessions": 10, "unauthorised_absence": 10,
				"persistent_absence": true, "unexplained_sessions": 10, "unauthorised_10wk": 10, "unauthorised_10wk_max": 10,
				"unauthorised_10wk_resolved": 10, "unexplained_10wk": 10, "attendance_concern": true},
			context: none, tier: "high", score: 40,
			fired: []string{"persistent_absence", "unauthorised_threshold", "unexplained_absence"},
			steps: []string{"attendance_return_irregular", "understand_barriers", "targeting_support_meeting", "early_help"},
		},
		{
			name: "an episode of 10 school days too: listed once, for the episode",
			vars: with(persistentUnauth, "unauthorised_episodes_10_days", 1), context: none,
			tier: "high", score: 40,
			fired: []string{"persistent_absence", "unauthorised_threshold", "unexplained_absence"},
			steps: []string{"attendance_return", "understand_barriers", "targeting_support_meeting", "early_help"},
		},
		{
			name: "a child protection plan and persistent illness: the DSL and the social worker",
			vars: map[string]any{"absence_pct": 12.0, "attendance_pct": 88.0, "absence_sessions": 12, "authorised_absence": 12,
				"authorised_known_sessions": 12, "persistent_absence": true, "illness_sessions": 12,
				"social_care": true, "attendance_concern": true},
			context: map[string]any{"child_protection_plan": true},
			tier:    "medium", score: 35, // 20 + 15
			fired: []string{"persistent_absence", "child_protection_plan"},
			steps: []string{"safeguarding_discussion", "tell_social_worker_cp", "understand_barriers", "targeting_support_meeting", "early_help"},
		},
		{
			name: "a characteristic without an attendance concern scores nothing",
			vars: nil, context: map[string]any{"young_carer": true, "free_school_meals": true, "ehcp": true},
			tier:  "monitor",
			fired: []string{"regular_attendance"},
		},
		{
			name: "sixth former disengaging: participation route, no penalty",
			vars: with(persistentUnauth, "year_group", "12", "nc_year", 12, "compulsory_age", false, "post_16", true,
				"age_status", "over compulsory school age", "support_state", "declined"),
			context: none,
			tier:    "medium", score: 30, // the threshold is statutory: it does not score after compulsory age
			fired: []string{"persistent_absence", "unexplained_absence"},
			steps: []string{"understand_barriers", "early_help", "post_16"},
		},
		{
			name: "age unknown: statutory steps not evaluated, never ruled out",
			vars: with(persistentUnauth, "year_group", "", "nc_year", -1, "compulsory_age", false, "age_known", false,
				"age_status", "unknown", "support_state", "declined"),
			context: none,
			tier:    "high", score: 40,
			fired: []string{"persistent_absence", "unauthorised_threshold", "unexplained_absence"},
			steps: []string{"statutory_not_evaluated", "understand_barriers", "early_help"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := s.Evaluate(rule.Env{Vars: pupil(tt.vars), Context: tt.context})
			if err != nil {
				t.Fatal(err)
			}
			var fired, steps []string
			for _, f := range o.Fired {
				fired = append(fired, f.Factor.ID)
			}
			for _, st := range o.Steps {
				steps = append(steps, st.ID)
			}
			if o.Tier != tt.tier || o.Score != tt.score {
				t.Errorf("tier, score = %s, %d; want %s, %d", o.Tier, o.Score, tt.tier, tt.score)
			}
			if diff := cmp.Diff(tt.fired, fired); diff != "" {
				t.Errorf("fired (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.steps, steps); diff != "" {
				t.Errorf("steps (-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkEvaluateDefault(b *testing.B) {
	s := parseDefault(b, sampleContext())
	env := rule.Env{
		Vars: pupil(map[string]any{"absence_pct": 60.0, "attendance_pct": 40.0, "absence_sessions": 60,
			"unauthorised_absence": 50, "authorised_absence": 10, "persistent_absence": true,
			"severe_absence": true, "unauthorised_10wk": 40, "unauthorised_10wk_max": 40}),
		Context: map[string]any{"child_protection_plan": true, "young_carer": false},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Evaluate(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDefault(b *testing.B) {
	data := rules.Default()
	s := rule.Schema{Vars: testVars(), Context: sampleContext(), OptionalContext: true}
	for b.Loop() {
		if _, err := rule.Parse(rules.DefaultName, data, s); err != nil {
			b.Fatal(err)
		}
	}
}
