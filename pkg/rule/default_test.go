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
	{ID: "early_help_in_place", Missing: []string{"early_help"}},
	{ID: "tell_social_worker_cp", Step: true, Missing: []string{"child_protection_plan"}},
	{ID: "tell_social_worker_cin", Step: true, Missing: []string{"child_in_need"}},
	{ID: "virtual_school", Step: true, Missing: []string{"looked_after"}},
	// The higher rungs of the ladder need to know support is in place.
	{ID: "attendance_contract", Step: true, Missing: []string{"early_help"}},
	{ID: "notice_to_improve", Step: true, Missing: []string{"early_help"}},
	{ID: "consider_penalty_notice", Step: true, Missing: []string{"early_help"}},
	{ID: "education_supervision_order", Step: true, Missing: []string{"early_help"}},
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
			if s.Name != "Educational neglect indicators" || s.Version != "2025.1" {
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
	if !strings.Contains(s.Description, "not a finding that neglect exists") {
		t.Errorf("description must say factors are indicators for review, not findings: %q", s.Description)
	}
	groups := map[string]bool{}
	protective := 0
	for _, f := range s.Factors {
		groups[f.Group] = true
		if f.Protective() {
			protective++
		}
		if f.Source == "" {
			t.Errorf("factor %s has no source", f.ID)
		}
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
		if st.Source == "" {
			t.Errorf("step %s has no source", st.ID)
		}
	}
	wantTiers := []rule.Tier{{"urgent", 60}, {"high", 40}, {"medium", 20}, {"monitor", 0}}
	if diff := cmp.Diff(wantTiers, s.Tiers); diff != "" {
		t.Errorf("Tiers (-want +got):\n%s", diff)
	}
}

// TestDefaultScenarios runs typical pupils through the default rules.
func TestDefaultScenarios(t *testing.T) {
	s := parseDefault(t, sampleContext())
	none := map[string]any{}
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
			name:    "full attendance",
			vars:    nil,
			context: none,
			tier:    "monitor",
			fired:   []string{"regular_attendance"},
		},
		{
			name: "approaching persistent absence",
			vars: map[string]any{"absence_pct": 8.0, "attendance_pct": 92.0, "absence_sessions": 8,
				"authorised_absence": 8, "approaching_persistent": true, "illness_sessions": 8},
			context: none,
			tier:    "monitor", score: 5,
			fired: []string{"approaching_persistent"},
			steps: []string{"understand_barriers"},
		},
		{
			name: "persistently absent through illness",
			vars: map[string]any{"absence_pct": 12.0, "attendance_pct": 88.0, "absence_sessions": 12,
				"authorised_absence": 12, "persistent_absence": true, "illness_sessions": 12},
			context: none,
			tier:    "medium", score: 20,
			fired: []string{"persistent_absence"},
			steps: []string{"understand_barriers", "targeting_support_meeting", "early_help"},
		},
		{
			name: "persistent absence, young carer, early help in place",
			vars: map[string]any{"absence_pct": 12.0, "attendance_pct": 88.0, "absence_sessions": 12,
				"authorised_absence": 12, "persistent_absence": true},
			context: map[string]any{"young_carer": true, "early_help": true},
			tier:    "medium", score: 20, // 20 + 10 - 10
			fired: []string{"persistent_absence", "young_carer", "early_help_in_place"},
			steps: []string{"understand_barriers", "targeting_support_meeting", "early_help"},
		},
		{
			name: "term-time holiday over the threshold",
			vars: map[string]any{"absence_pct": 10.0, "attendance_pct": 90.0, "absence_sessions": 10,
				"unauthorised_absence": 10, "persistent_absence": true, "holiday_sessions": 10,
				"unauthorised_10wk": 10, "unauthorised_10wk_max": 10},
			context: none,
			tier:    "high", score: 55, // 20 + 20 + 5 + 10
			fired: []string{"persistent_absence", "unauthorised_threshold", "term_time_holiday", "unexplained_absence"},
			// Support is no route for a holiday: penalty consideration
			// without the ladder's earlier rungs, and without context.
			steps: []string{"understand_barriers", "targeting_support_meeting", "early_help", "consider_penalty_notice_holiday"},
		},
		{
			name: "severely absent, mostly unauthorised, on a CP plan",
			vars: map[string]any{"absence_pct": 60.0, "attendance_pct": 40.0, "absence_sessions": 60,
				"unauthorised_absence": 50, "authorised_absence": 10, "persistent_absence": true,
				"severe_absence": true, "unauthorised_10wk": 40, "unauthorised_10wk_max": 40, "unresolved_n": 2},
			context: map[string]any{"child_protection_plan": true},
			tier:    "urgent", score: 95, // 20 + 25 + 20 + 15 + 10 + 5
			fired: []string{"persistent_absence", "severe_absence", "unauthorised_threshold", "child_protection_plan",
				"unexplained_absence", "unresolved_n_codes"},
			// No early help recorded: the formal rungs wait for support.
			steps: []string{"safeguarding_discussion", "tell_social_worker_cp", "understand_barriers",
				"targeting_support_meeting", "severe_absence_plan", "early_help", "resolve_n_codes"},
		},
		{
			name: "severely absent, support in place and not working",
			vars: map[string]any{"absence_pct": 60.0, "attendance_pct": 40.0, "absence_sessions": 60,
				"unauthorised_absence": 50, "authorised_absence": 10, "persistent_absence": true,
				"severe_absence": true, "unauthorised_10wk": 40, "unauthorised_10wk_max": 40},
			context: map[string]any{"early_help": true},
			tier:    "urgent", score: 65, // 20 + 25 + 20 + 10 - 10
			fired: []string{"persistent_absence", "severe_absence", "unauthorised_threshold",
				"unexplained_absence", "early_help_in_place"},
			steps: []string{"safeguarding_discussion", "understand_barriers", "targeting_support_meeting",
				"severe_absence_plan", "early_help", "attendance_contract", "notice_to_improve",
				"consider_penalty_notice", "education_supervision_order"},
		},
		{
			name: "missing education for 20 days, too new for rates",
			vars: map[string]any{"possible_sessions": 40, "present_sessions": 0, "enough_data": false,
				"attendance_pct": 0.0, "absence_pct": 100.0, "absence_sessions": 40, "unauthorised_absence": 40,
				"persistent_absence": true, "severe_absence": true, "unauthorised_10wk": 40,
				"unauthorised_10wk_max": 40, "current_absence_run_days": 20, "longest_absence_run_days": 20,
				"current_unauthorised_run_days": 20, "current_gno_run_days": 20, "longest_gno_run_days": 20},
			context: none,
			tier:    "urgent", score: 65, // 20 + 15 + 30
			fired: []string{"unauthorised_threshold", "unauthorised_run_10_days", "missing_education_20_days"},
			steps: []string{"safeguarding_discussion", "children_missing_education", "attendance_return",
				"where_is_the_child", "understand_barriers", "targeting_support_meeting", "severe_absence_plan",
				"early_help"},
		},
		{
			name: "sixth former disengaging",
			vars: map[string]any{"year_group": "12", "nc_year": 12, "compulsory_age": false,
				"absence_pct": 30.0, "attendance_pct": 70.0, "absence_sessions": 30, "unauthorised_absence": 30,
				"persistent_absence": true, "unauthorised_10wk": 20, "unauthorised_10wk_max": 20},
			context: none,
			tier:    "high", score: 50, // 20 + 20 + 10; no penalty route after year 11
			fired: []string{"persistent_absence", "unauthorised_threshold", "unexplained_absence"},
			steps: []string{"understand_barriers", "early_help", "post_16"},
		},
		{
			name: "reception child often absent",
			vars: map[string]any{"year_group": "R", "nc_year": -1, "compulsory_age": false,
				"absence_pct": 15.0, "attendance_pct": 85.0, "absence_sessions": 15,
				"authorised_absence": 15, "persistent_absence": true},
			context: none,
			tier:    "medium", score: 20,
			fired: []string{"persistent_absence"},
			steps: []string{"understand_barriers", "early_help", "early_years"},
		},
		{
			name: "improving after a poor start",
			vars: map[string]any{"absence_pct": 11.0, "attendance_pct": 89.0, "absence_sessions": 11,
				"authorised_absence": 11, "persistent_absence": true, "improving": true,
				"recent_absence_pct": 2.0, "earlier_absence_pct": 15.0, "trend_pts": -13.0},
			context: none,
			tier:    "monitor", score: 5, // 20 - 15
			fired: []string{"persistent_absence", "sustained_improvement"},
			steps: []string{"understand_barriers", "targeting_support_meeting", "early_help", "recognise_improvement"},
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
