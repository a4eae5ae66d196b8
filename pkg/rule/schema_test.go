package rule_test

import (
	"github.com/attendrisk/attendrisk/pkg/actions"
	"github.com/attendrisk/attendrisk/pkg/rule"
)

// testVars are the indicators the metrics package provides, with a sample
// value of each one's type (the brief's list; keep in step with
// metrics.Schema).
func testVars() map[string]any {
	codes := map[string]int{}
	for _, c := range []string{"/", `\`, "L", "K", "V", "P", "W", "B", "C", "C1", "C2", "E", "I",
		"J1", "M", "Q", "R", "S", "T", "X", "Y1", "Z", "D", "G", "N", "O", "U", "#"} {
		codes[c] = 0
	}
	return map[string]any{
		"possible_sessions": 0, "present_sessions": 0, "aea_sessions": 0,
		"authorised_absence": 0, "unauthorised_absence": 0, "absence_sessions": 0,
		"missing_marks": 0, "absence_pct": 0.0, "authorised_pct": 0.0,
		"unauthorised_pct": 0.0, "attendance_pct": 0.0,
		"persistent_absence": false, "severe_absence": false, "assessable": false,
		"enough_data": false, "approaching_persistent": false, "codes": codes,
		"year_group": "", "nc_year": 0, "compulsory_age": false, "school_weeks": 0,
		"days_on_roll":      0,
		"unauthorised_10wk": 0, "unauthorised_10wk_max": 0,
		"longest_absence_run_days": 0, "current_absence_run_days": 0,
		"current_unauthorised_run_days": 0, "longest_gno_run_days": 0,
		"current_gno_run_days": 0, "absence_spells": 0, "monday_friday_share": 0.0,
		"recent_absence_pct": 0.0, "earlier_absence_pct": 0.0, "trend_pts": 0.0,
		"improving": false, "declining": false, "unresolved_n": 0,
		"holiday_sessions": 0, "part_time_sessions": 0, "part_time_weeks": 0,
		"suspension_sessions": 0, "longest_suspension_run_days": 0,
		"late_sessions": 0, "late_after_close": 0, "illness_sessions": 0,
		"illness_share": 0.0, "siblings_pa": 0, "siblings_sa": 0,
		// The cause model and the judgement's derived facts.
		"unexplained_sessions": 0, "unauthorised_known_sessions": 0, "authorised_known_sessions": 0,
		"no_education_sessions": 0, "off_site_sessions": 0,
		"sustained_improving": false, "unauthorised_episodes_10_days": 0,
		"current_unexplained_run_days": 0, "longest_missing_run_days": 0,
		"current_no_education_run_days": 0, "longest_no_education_run_days": 0,
		"unexplained_10wk": 0, "n_10wk": 0, "holiday_10wk": 0, "unauthorised_10wk_resolved": 0,
		"age_status": "", "age_basis": "", "age_known": false, "below_compulsory_age": false,
		"post_16": false, "support_state": "", "social_care": false,
		"support_review_known": false, "support_review_days": 0,
		"attendance_concern": false, "open_concern": false,
		// The actions log.
		"actions": rule.Funcs(actions.History(nil).Funcs(0)), "actions_log": false,
		"actions_recorded": 0, "days_since_action": 0, "days_since_contact": 0,
		"formal_rung": 0, "formal_step_taken": false, "penalty_notices_3y": 0,
		"penalty_notice_allowed": false,
	}
}

// sampleContext is the schema of the sample context file.
func sampleContext() map[string]any {
	return map[string]any{
		"family_id": "", "young_carer": false, "child_protection_plan": false,
		"child_in_need": false, "ehcp": false, "sen_support": false,
		"free_school_meals": false, "early_help": false, "looked_after": false,
		"open_to_camhs": false,
	}
}

// pupil returns every indicator at the value of a pupil with full
// attendance over 100 sessions, with the given values replacing those.
func pupil(over map[string]any) map[string]any {
	v := testVars()
	v["possible_sessions"], v["present_sessions"] = 100, 100
	v["attendance_pct"] = 100.0
	v["assessable"], v["enough_data"], v["compulsory_age"], v["age_known"] = true, true, true, true
	v["age_status"], v["age_basis"], v["support_state"] = "compulsory", "year group", "not_recorded"
	v["year_group"], v["nc_year"], v["school_weeks"], v["days_on_roll"] = "8", 8, 10, 70
	v["days_since_action"], v["days_since_contact"], v["penalty_notice_allowed"] = -1, -1, true
	for k, x := range over {
		v[k] = x
	}
	return v
}

var testSchema = rule.Schema{Vars: testVars(), Context: sampleContext()}
