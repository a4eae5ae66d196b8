package metrics

// ID is an indicator's place in Indicators: the computations write a
// pupil's values into Values by ID, and the outputs read them by ID, with
// no map between them and no value boxed in an interface.
type ID uint8

// The indicators' IDs, in the order of the Indicators table
// (TestIndicatorIDs holds the two together).
const (
	IndPossibleSessions ID = iota
	IndPresentSessions
	IndAEASessions
	IndAuthorisedAbsence
	IndUnauthorisedAbsence
	IndAbsenceSessions
	IndMissingMarks
	IndAbsencePct
	IndAuthorisedPct
	IndUnauthorisedPct
	IndAttendancePct
	IndPersistentAbsence
	IndSevereAbsence
	IndApproachingPersistent
	IndAssessable
	IndEnoughData
	IndCodes
	IndYearGroup
	IndNCYear
	IndAgeStatus
	IndAgeBasis
	IndAgeKnown
	IndCompulsoryAge
	IndBelowCompulsoryAge
	IndPost16
	IndSupportState
	IndSupportReviewDays
	IndSupportReviewKnown
	IndSocialCare
	IndAttendanceConcern
	IndOpenConcern
	IndUnexplainedSessions
	IndUnauthorisedKnownSessions
	IndAuthorisedKnownSessions
	IndNoEducationSessions
	IndOffSiteSessions
	IndSchoolWeeks
	IndDaysOnRoll
	IndUnauthorised10wk
	IndUnauthorised10wkMax
	IndUnauthorised10wkResolved
	IndHoliday10wk
	IndUnexplained10wk
	IndN10wk
	IndUnauthorisedEpisodes10Days
	IndCurrentUnexplainedRunDays
	IndLongestMissingRunDays
	IndCurrentNoEducationRunDays
	IndLongestNoEducationRunDays
	IndLongestAbsenceRunDays
	IndCurrentAbsenceRunDays
	IndCurrentUnauthorisedRunDays
	IndLongestGNORunDays
	IndCurrentGNORunDays
	IndAbsenceSpells
	IndMondayFridayShare
	IndRecentAbsencePct
	IndEarlierAbsencePct
	IndTrendPts
	IndImproving
	IndDeclining
	IndSustainedImproving
	IndUnresolvedN
	IndHolidaySessions
	IndPartTimeSessions
	IndPartTimeWeeks
	IndSuspensionSessions
	IndLongestSuspensionRunDays
	IndLateSessions
	IndLateAfterClose
	IndIllnessSessions
	IndIllnessShare
	IndActions
	IndActionsLog
	IndActionsRecorded
	IndDaysSinceAction
	IndDaysSinceContact
	IndFormalRung
	IndFormalStepTaken
	IndPenaltyNotices3y
	IndPenaltyNoticeAllowed
	IndSiblingsPA
	IndSiblingsSA

	// NumIndicators is the length of the Indicators table.
	NumIndicators = iota
)

// idNames is each ID's indicator name: TestIndicatorIDs checks it against
// the table, so an indicator added there without its ID fails a test.
var idNames = [NumIndicators]string{
	IndPossibleSessions:           "possible_sessions",
	IndPresentSessions:            "present_sessions",
	IndAEASessions:                "aea_sessions",
	IndAuthorisedAbsence:          "authorised_absence",
	IndUnauthorisedAbsence:        "unauthorised_absence",
	IndAbsenceSessions:            "absence_sessions",
	IndMissingMarks:               "missing_marks",
	IndAbsencePct:                 "absence_pct",
	IndAuthorisedPct:              "authorised_pct",
	IndUnauthorisedPct:            "unauthorised_pct",
	IndAttendancePct:              "attendance_pct",
	IndPersistentAbsence:          "persistent_absence",
	IndSevereAbsence:              "severe_absence",
	IndApproachingPersistent:      "approaching_persistent",
	IndAssessable:                 "assessable",
	IndEnoughData:                 "enough_data",
	IndCodes:                      "codes",
	IndYearGroup:                  "year_group",
	IndNCYear:                     "nc_year",
	IndAgeStatus:                  "age_status",
	IndAgeBasis:                   "age_basis",
	IndAgeKnown:                   "age_known",
	IndCompulsoryAge:              "compulsory_age",
	IndBelowCompulsoryAge:         "below_compulsory_age",
	IndPost16:                     "post_16",
	IndSupportState:               "support_state",
	IndSupportReviewDays:          "support_review_days",
	IndSupportReviewKnown:         "support_review_known",
	IndSocialCare:                 "social_care",
	IndAttendanceConcern:          "attendance_concern",
	IndOpenConcern:                "open_concern",
	IndUnexplainedSessions:        "unexplained_sessions",
	IndUnauthorisedKnownSessions:  "unauthorised_known_sessions",
	IndAuthorisedKnownSessions:    "authorised_known_sessions",
	IndNoEducationSessions:        "no_education_sessions",
	IndOffSiteSessions:            "off_site_sessions",
	IndSchoolWeeks:                "school_weeks",
	IndDaysOnRoll:                 "days_on_roll",
	IndUnauthorised10wk:           "unauthorised_10wk",
	IndUnauthorised10wkMax:        "unauthorised_10wk_max",
	IndUnauthorised10wkResolved:   "unauthorised_10wk_resolved",
	IndHoliday10wk:                "holiday_10wk",
	IndUnexplained10wk:            "unexplained_10wk",
	IndN10wk:                      "n_10wk",
	IndUnauthorisedEpisodes10Days: "unauthorised_episodes_10_days",
	IndCurrentUnexplainedRunDays:  "current_unexplained_run_days",
	IndLongestMissingRunDays:      "longest_missing_run_days",
	IndCurrentNoEducationRunDays:  "current_no_education_run_days",
	IndLongestNoEducationRunDays:  "longest_no_education_run_days",
	IndLongestAbsenceRunDays:      "longest_absence_run_days",
	IndCurrentAbsenceRunDays:      "current_absence_run_days",
	IndCurrentUnauthorisedRunDays: "current_unauthorised_run_days",
	IndLongestGNORunDays:          "longest_gno_run_days",
	IndCurrentGNORunDays:          "current_gno_run_days",
	IndAbsenceSpells:              "absence_spells",
	IndMondayFridayShare:          "monday_friday_share",
	IndRecentAbsencePct:           "recent_absence_pct",
	IndEarlierAbsencePct:          "earlier_absence_pct",
	IndTrendPts:                   "trend_pts",
	IndImproving:                  "improving",
	IndDeclining:                  "declining",
	IndSustainedImproving:         "sustained_improving",
	IndUnresolvedN:                "unresolved_n",
	IndHolidaySessions:            "holiday_sessions",
	IndPartTimeSessions:           "part_time_sessions",
	IndPartTimeWeeks:              "part_time_weeks",
	IndSuspensionSessions:         "suspension_sessions",
	IndLongestSuspensionRunDays:   "longest_suspension_run_days",
	IndLateSessions:               "late_sessions",
	IndLateAfterClose:             "late_after_close",
	IndIllnessSessions:            "illness_sessions",
	IndIllnessShare:               "illness_share",
	IndActions:                    "actions",
	IndActionsLog:                 "actions_log",
	IndActionsRecorded:            "actions_recorded",
	IndDaysSinceAction:            "days_since_action",
	IndDaysSinceContact:           "days_since_contact",
	IndFormalRung:                 "formal_rung",
	IndFormalStepTaken:            "formal_step_taken",
	IndPenaltyNotices3y:           "penalty_notices_3y",
	IndPenaltyNoticeAllowed:       "penalty_notice_allowed",
	IndSiblingsPA:                 "siblings_pa",
	IndSiblingsSA:                 "siblings_sa",
}

// Values is one pupil's indicators, by ID, each in the field of its kind:
// what the rules environment and the analyst columns are both made from.
// The Codes and Funcs indicators are not single values and are not held
// here (the rules environment has them from their own functions).
type Values struct {
	v [NumIndicators]value
}

// value is one indicator: n for an Int (and a Bool, as 0 or 1), f for a
// Float, s for a Text.
type value struct {
	n int
	f float64
	s string
}

// SetInt sets an Int indicator.
func (v *Values) SetInt(id ID, n int) { v.v[id].n = n }

// SetFloat sets a Float indicator.
func (v *Values) SetFloat(id ID, f float64) { v.v[id].f = f }

// SetBool sets a Bool indicator.
func (v *Values) SetBool(id ID, b bool) {
	n := 0
	if b {
		n = 1
	}
	v.v[id].n = n
}

// SetText sets a Text indicator.
func (v *Values) SetText(id ID, s string) { v.v[id].s = s }

// Int is an Int indicator's value.
func (v *Values) Int(id ID) int { return v.v[id].n }

// Float is a Float indicator's value.
func (v *Values) Float(id ID) float64 { return v.v[id].f }

// Bool is a Bool indicator's value.
func (v *Values) Bool(id ID) bool { return v.v[id].n != 0 }

// Text is a Text indicator's value.
func (v *Values) Text(id ID) string { return v.v[id].s }

// Any is the indicator's value as the rules environment holds it (int,
// float64, bool or string), or nil for a Codes or Funcs indicator.
func (v *Values) Any(id ID) any {
	switch Indicators[id].Kind {
	case Int:
		return boxInt(v.v[id].n)
	case Float:
		return v.v[id].f
	case Bool:
		return v.v[id].n != 0
	case Text:
		return v.v[id].s
	}
	return nil
}

// boxInt is n in an interface, without an allocation for the counts most
// pupils have (-1, "none", to 1023): Go boxes only 0 to 255 for free, and
// the rules environment takes some 60 ints a pupil.
func boxInt(n int) any {
	if n >= -1 && n < len(boxedInts)-1 {
		return boxedInts[n+1]
	}
	return n
}

var boxedInts = func() (out [1025]any) {
	for i := range out {
		out[i] = i - 1
	}
	return out
}()

// singleValued is every indicator Values holds, in table order, with what
// AddTo needs of it.
var singleValued = func() []valueIndicator {
	var out []valueIndicator
	for i, ind := range Indicators {
		switch ind.Kind {
		case Int, Float, Bool, Text:
			out = append(out, valueIndicator{ID(i), ind.Kind, ind.Name})
		}
	}
	return out
}()

type valueIndicator struct {
	id   ID
	kind Kind
	name string
}

// AddTo puts every value into a rules environment under its indicator's
// name, with the Go type of its kind.
func (v *Values) AddTo(vars map[string]any) {
	for i := range singleValued {
		v.add(vars, &singleValued[i])
	}
}

func (v *Values) add(vars map[string]any, e *valueIndicator) {
	x := &v.v[e.id]
	switch e.kind {
	case Int:
		vars[e.name] = boxInt(x.n)
	case Float:
		vars[e.name] = x.f
	case Bool:
		vars[e.name] = x.n != 0
	case Text:
		vars[e.name] = x.s
	}
}

// Subset is a selection of the indicators AddTo puts, for AddSubset.
type Subset []int // indexes into singleValued

// SubsetOf selects the indicators whose names want accepts.
func SubsetOf(want func(name string) bool) Subset {
	var s Subset
	for i, e := range singleValued {
		if want(e.name) {
			s = append(s, i)
		}
	}
	return s
}

// AddSubset is AddTo for the indicators of sub only: an environment for
// rules that read only those (most of a rule set's indicators are read by
// none of its expressions) is filled without the others' map entries.
func (v *Values) AddSubset(vars map[string]any, sub Subset) {
	for _, i := range sub {
		v.add(vars, &singleValued[i])
	}
}

// addGroup is AddTo for one group's indicators: the map-filling AddVars
// of each group, which tests and the schema read.
func (v *Values) addGroup(vars map[string]any, g Group) {
	for _, e := range singleValued {
		if Indicators[e.id].Group == g {
			vars[e.name] = v.Any(e.id)
		}
	}
}

// AddGroup is addGroup, for the groups computed outside this package.
func (v *Values) AddGroup(vars map[string]any, g Group) { v.addGroup(vars, g) }
