package metrics

//go:generate go run ../../internal/docgen/gen -readme ../../README.md

import (
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Kind is an indicator's type in the rule language. Expressions are
// type-checked against it when a rules file loads, so an indicator's kind
// is part of the language and must not change.
type Kind uint8

// The kinds, and the Go type a rules environment holds for each.
const (
	Int   Kind = iota + 1 // int: a count of sessions, days, weeks or actions
	Float                 // float64: a percentage (0-100) or a difference of two
	Bool                  // bool
	Text                  // string
	Codes                 // map[string]int: sessions per DfE code, codes["I"]
	Funcs                 // a set of functions (rule.Funcs): actions.last("letter")
)

// String names the kind the way a rules author reads it.
func (k Kind) String() string {
	switch k {
	case Int:
		return "int"
	case Float:
		return "float"
	case Bool:
		return "bool"
	case Text:
		return "text"
	case Codes:
		return "map"
	case Funcs:
		return "functions"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Group says which computation fills an indicator. The value of each
// group's indicators is written by one function, and a test holds every
// group's function to exactly the group's names and kinds:
//
//	figures    Figures.AddVars         (pkg/metrics/figures.go)
//	causes     Causes.AddVars          (pkg/metrics/cause.go)
//	patterns   Patterns.AddVars        (pkg/metrics/patterns.go)
//	pupil      the register's own details (pkg/analysis/rules.go)
//	judgement  age, support, social care and the concern summaries (pkg/analysis/judgement.go)
//	actions    the actions log (pkg/analysis/actions.go)
//	family     brothers and sisters, across pupils (pkg/analysis/rules.go)
type Group string

// The groups, in the order the table lists them.
const (
	GroupFigures   Group = "figures"
	GroupPupil     Group = "pupil"
	GroupJudgement Group = "judgement"
	GroupCauses    Group = "causes"
	GroupPatterns  Group = "patterns"
	GroupActions   Group = "actions"
	GroupFamily    Group = "family"
)

// Indicator is one name a rules expression can read.
type Indicator struct {
	Name  string
	Kind  Kind
	Group Group
	// Doc is one line for the README table and `rules indicators`.
	Doc string
	// ValueEvidence marks an indicator whose evidence is its value
	// (`codes["S"] = 3`) rather than a sentence. Every other indicator
	// has a sentence written by its group's AddEvidence, for every pupil,
	// zero values included; a test holds the evidence functions to that.
	ValueEvidence bool
}

// Indicators is every indicator the rules can read: the single source of
// the names, kinds and documentation. The rules schema
// (analysis.Schema), the README's indicator table (go generate
// ./pkg/metrics), `attendrisk rules indicators` and the analyst columns
// are all built from it; the values are computed by each group's
// function, writing straight into a map for speed, and tests prove the two
// agree for every kind of pupil. Adding an indicator is one entry here plus
// its computation and sentence.
var Indicators = []Indicator{
	// figures
	{Name: "possible_sessions", Kind: Int, Group: GroupFigures, Doc: "possible sessions (DfE's denominator)"},
	{Name: "present_sessions", Kind: Int, Group: GroupFigures, Doc: "sessions present (`/`, `\\`, and `L`: late before the register closed)"},
	{Name: "aea_sessions", Kind: Int, Group: GroupFigures, Doc: "sessions of approved educational activity (K, V, P, W, B; counted as attendance)"},
	{Name: "authorised_absence", Kind: Int, Group: GroupFigures, Doc: "authorised absence sessions"},
	{Name: "unauthorised_absence", Kind: Int, Group: GroupFigures, Doc: "unauthorised absence sessions"},
	{Name: "absence_sessions", Kind: Int, Group: GroupFigures, Doc: "authorised plus unauthorised absence sessions"},
	{Name: "missing_marks", Kind: Int, Group: GroupFigures, Doc: "sessions with no mark recorded"},
	{Name: "absence_pct", Kind: Float, Group: GroupFigures, Doc: "absence as a % of possible sessions (0-100)"},
	{Name: "authorised_pct", Kind: Float, Group: GroupFigures, Doc: "authorised absence as a % of possible sessions"},
	{Name: "unauthorised_pct", Kind: Float, Group: GroupFigures, Doc: "unauthorised absence as a % of possible sessions"},
	{Name: "attendance_pct", Kind: Float, Group: GroupFigures, Doc: "present plus approved educational activity as a % of possible sessions"},
	{Name: "persistent_absence", Kind: Bool, Group: GroupFigures, Doc: "DfE's persistent absence: 10% or more of possible sessions, on whole counts"},
	{Name: "severe_absence", Kind: Bool, Group: GroupFigures, Doc: "DfE's severe absence: 50% or more of possible sessions, on whole counts"},
	{Name: "approaching_persistent", Kind: Bool, Group: GroupFigures, Doc: "absence of 8% or more, not yet persistent"},
	{Name: "assessable", Kind: Bool, Group: GroupFigures, Doc: "at least one possible session"},
	{Name: "enough_data", Kind: Bool, Group: GroupFigures, Doc: "at least `--min-sessions` (default 40) possible sessions; also true for a new starter (first mark after their school's data starts, still on roll at its end) absent from every possible session since joining, however few"},
	{Name: "codes", Kind: Codes, Group: GroupFigures, Doc: "sessions per code: `codes[\"I\"]`, `codes[\"C2\"]`", ValueEvidence: true},

	// pupil
	{Name: "year_group", Kind: Text, Group: GroupPupil, Doc: "the year group as exported"},
	{Name: "nc_year", Kind: Int, Group: GroupPupil, Doc: "national curriculum year (`7`, `Year 7`, `Y7`; reception and nursery 0; otherwise -1)"},

	// judgement
	{Name: "age_status", Kind: Text, Group: GroupJudgement, Doc: "compulsory school age on the last day: \"compulsory\", \"below compulsory school age\", \"over compulsory school age\" or \"unknown\""},
	{Name: "age_basis", Kind: Text, Group: GroupJudgement, Doc: "what the age status was decided from (the date of birth or the year group; see Context file)"},
	{Name: "age_known", Kind: Bool, Group: GroupJudgement, Doc: "the age status is known"},
	{Name: "compulsory_age", Kind: Bool, Group: GroupJudgement, Doc: "of compulsory school age on the last day (false when unknown)"},
	{Name: "below_compulsory_age", Kind: Bool, Group: GroupJudgement, Doc: "below compulsory school age (false when unknown)"},
	{Name: "post_16", Kind: Bool, Group: GroupJudgement, Doc: "over compulsory school age (false when unknown)"},
	{Name: "support_state", Kind: Text, Group: GroupJudgement, Doc: "`none`, `offered`, `engaged`, `declined`, `not_working`, `not_recorded` or `unrecognised` (see Context file)"},
	{Name: "support_review_days", Kind: Int, Group: GroupJudgement, Doc: "days from the support plan's last review (`support_last_reviewed` in the context, or the actions log's latest early-help action, the later) to the last day analysed; 0 when no review date is known or the log's next review is still to come"},
	{Name: "support_review_known", Kind: Bool, Group: GroupJudgement, Doc: "whether a support review date is known"},
	{Name: "social_care", Kind: Bool, Group: GroupJudgement, Doc: "a child protection plan, child in need plan or looked after, in the context"},
	{Name: "attendance_concern", Kind: Bool, Group: GroupJudgement, Doc: "the child's own concern: persistent or approaching absence, a decline with the latest 4 weeks at 10% or more, absent now with no reason known, the unauthorised threshold (N aside), 5+ days with no education on offer, 5+ unmarked days, or absent for the last 5 school days"},
	{Name: "open_concern", Kind: Bool, Group: GroupJudgement, Doc: "absent now with no reason known, a 20-day G/N/O spell in the period, any no-education session, 5+ unmarked days, or unresolved N: protective factors do not apply"},

	// causes
	{Name: "unexplained_sessions", Kind: Int, Group: GroupCauses, Doc: "absence nobody has explained: N, O and sessions with no mark"},
	{Name: "unauthorised_known_sessions", Kind: Int, Group: GroupCauses, Doc: "G (holiday) and U (late after the register closed)"},
	{Name: "authorised_known_sessions", Kind: Int, Group: GroupCauses, Doc: "every authorised code (I, M, E, C2, S, T, R, C, C1, J1, legacy H, F)"},
	{Name: "no_education_sessions", Kind: Int, Group: GroupCauses, Doc: "Q, Y1, Y7, and X for a compulsory-age pupil: no education on offer (not possible sessions, so the attendance rate never shows them)"},
	{Name: "off_site_sessions", Kind: Int, Group: GroupCauses, Doc: "K and B: attendance elsewhere, to be checked"},

	// patterns
	{Name: "school_weeks", Kind: Int, Group: GroupPatterns, Doc: "weeks in which the pupil had a possible session"},
	{Name: "days_on_roll", Kind: Int, Group: GroupPatterns, Doc: "school days from the pupil's first to last possible session"},
	{Name: "unauthorised_10wk", Kind: Int, Group: GroupPatterns, Doc: "G, N, O, U sessions in the latest rolling 10 school weeks (penalty notice threshold: 10)"},
	{Name: "unauthorised_10wk_max", Kind: Int, Group: GroupPatterns, Doc: "the most G, N, O, U sessions in any 10 consecutive school weeks"},
	{Name: "unauthorised_10wk_resolved", Kind: Int, Group: GroupPatterns, Doc: "G, O and U in the latest 10 school weeks, counting only sessions of compulsory school age where its dates are known (a threshold resting on N waits until the N codes are resolved)"},
	{Name: "holiday_10wk", Kind: Int, Group: GroupPatterns, Doc: "G in the latest 10 school weeks, of compulsory school age where its dates are known (the holiday route; never legacy H or F)"},
	{Name: "unexplained_10wk", Kind: Int, Group: GroupPatterns, Doc: "N and O in the latest 10 school weeks, every session"},
	{Name: "n_10wk", Kind: Int, Group: GroupPatterns, Doc: "N in the latest 10 school weeks, every session"},
	{Name: "unauthorised_episodes_10_days", Kind: Int, Group: GroupPatterns, Doc: "episodes of 10+ school days in a row of unauthorised absence in the period, ended or open (the LA attendance return)"},
	{Name: "current_unexplained_run_days", Kind: Int, Group: GroupPatterns, Doc: "school days in a row, to the pupil's last, with every marked session N, O or no mark"},
	{Name: "longest_missing_run_days", Kind: Int, Group: GroupPatterns, Doc: "the longest run of school days with no mark recorded at all"},
	{Name: "current_no_education_run_days", Kind: Int, Group: GroupPatterns, Doc: "school days in a row, to the latest, with every marked session Q, Y1 or Y7"},
	{Name: "longest_no_education_run_days", Kind: Int, Group: GroupPatterns, Doc: "the longest run of school days with every marked session Q, Y1 or Y7"},
	{Name: "longest_absence_run_days", Kind: Int, Group: GroupPatterns, Doc: "the longest run of school days absent in every possible session"},
	{Name: "current_absence_run_days", Kind: Int, Group: GroupPatterns, Doc: "school days in a row, to the latest, absent in every possible session"},
	{Name: "current_unauthorised_run_days", Kind: Int, Group: GroupPatterns, Doc: "school days in a row, to the latest, unauthorised in every possible session (10: the LA attendance return)"},
	{Name: "longest_gno_run_days", Kind: Int, Group: GroupPatterns, Doc: "the longest run of school days coded only G, N or O (20: deletion ground and children missing education)"},
	{Name: "current_gno_run_days", Kind: Int, Group: GroupPatterns, Doc: "school days in a row, to the latest, coded only G, N or O"},
	{Name: "absence_spells", Kind: Int, Group: GroupPatterns, Doc: "separate runs of school days with absence"},
	{Name: "monday_friday_share", Kind: Float, Group: GroupPatterns, Doc: "% of absence sessions on Mondays or Fridays"},
	{Name: "recent_absence_pct", Kind: Float, Group: GroupPatterns, Doc: "absence in the latest 4 school weeks, % of possible sessions"},
	{Name: "earlier_absence_pct", Kind: Float, Group: GroupPatterns, Doc: "absence before the latest 4 school weeks, % of possible sessions"},
	{Name: "trend_pts", Kind: Float, Group: GroupPatterns, Doc: "recent_absence_pct minus earlier_absence_pct"},
	{Name: "improving", Kind: Bool, Group: GroupPatterns, Doc: "recent absence at least 5 points below earlier (and under 10%), with 4+ earlier weeks"},
	{Name: "declining", Kind: Bool, Group: GroupPatterns, Doc: "recent absence at least 5 points above earlier, with 4+ earlier weeks"},
	{Name: "sustained_improving", Kind: Bool, Group: GroupPatterns, Doc: "the latest 4 school weeks and the 4 before them each at least 5 points below the weeks before (2+ of them) and each under 10%"},
	{Name: "unresolved_n", Kind: Int, Group: GroupPatterns, Doc: "N marks more than 5 school days old"},
	{Name: "holiday_sessions", Kind: Int, Group: GroupPatterns, Doc: "G, legacy H and F sessions"},
	{Name: "part_time_sessions", Kind: Int, Group: GroupPatterns, Doc: "C2 sessions (the school's part-time timetable)"},
	{Name: "part_time_weeks", Kind: Int, Group: GroupPatterns, Doc: "school weeks with C2"},
	{Name: "suspension_sessions", Kind: Int, Group: GroupPatterns, Doc: "E sessions (suspended or excluded, no provision)"},
	{Name: "longest_suspension_run_days", Kind: Int, Group: GroupPatterns, Doc: "the longest run of school days with E"},
	{Name: "late_sessions", Kind: Int, Group: GroupPatterns, Doc: "L and U sessions"},
	{Name: "late_after_close", Kind: Int, Group: GroupPatterns, Doc: "U sessions (late after the register closed)"},
	{Name: "illness_sessions", Kind: Int, Group: GroupPatterns, Doc: "I sessions"},
	{Name: "illness_share", Kind: Float, Group: GroupPatterns, Doc: "I sessions as a % of absence sessions"},

	// actions
	{Name: "actions", Kind: Funcs, Group: GroupActions, Doc: "the actions log: `actions.last(KIND)` (the date, or nil), `actions.days_since(KIND)`, `actions.taken(KIND)`, `actions.count(KIND)`, `actions.count_within(KIND, DAYS)`, `actions.outcome(KIND)` (see Actions log)"},
	{Name: "actions_log", Kind: Bool, Group: GroupActions, Doc: "an actions file was given: what it does not record was not done (without one, nothing is known)"},
	{Name: "actions_recorded", Kind: Int, Group: GroupActions, Doc: "actions recorded up to the last day"},
	{Name: "days_since_action", Kind: Int, Group: GroupActions, Doc: "days since the latest action (-1: none)"},
	{Name: "days_since_contact", Kind: Int, Group: GroupActions, Doc: "days since the latest contact that reached the family (-1: none)"},
	{Name: "formal_rung", Kind: Int, Group: GroupActions, Doc: "the highest formal rung taken: 0 none, 1 attendance contract, 2 notice to improve, 3 penalty notice, 4 education supervision order"},
	{Name: "formal_step_taken", Kind: Bool, Group: GroupActions, Doc: "any formal step taken (a rung or a local formal kind)"},
	{Name: "penalty_notices_3y", Kind: Int, Group: GroupActions, Doc: "penalty notices counting towards the national framework's limit on the last day"},
	{Name: "penalty_notice_allowed", Kind: Bool, Group: GroupActions, Doc: "fewer penalty notices than that limit (2 per parent per child in 3 years)"},

	// family
	{Name: "siblings_pa", Kind: Int, Group: GroupFamily, Doc: "brothers and sisters (same `--family-column` value) persistently absent"},
	{Name: "siblings_sa", Kind: Int, Group: GroupFamily, Doc: "brothers and sisters (same `--family-column` value) severely absent"},
}

// IndicatorsIn returns the indicators of one group, in table order.
func IndicatorsIn(g Group) []Indicator {
	var out []Indicator
	for _, ind := range Indicators {
		if ind.Group == g {
			out = append(out, ind)
		}
	}
	return out
}

// Sample returns a value of the indicator's Go type, for type-checking
// rules: 0, 0.0, false, "", or the codes map with every DfE code (its keys
// are the codes a rule may index). A Funcs indicator has no sample here:
// its functions' signatures belong to the package that computes it.
func (ind Indicator) Sample() (any, bool) {
	switch ind.Kind {
	case Int:
		return 0, true
	case Float:
		return 0.0, true
	case Bool:
		return false, true
	case Text:
		return "", true
	case Codes:
		m := make(map[string]int, len(table))
		for _, c := range table {
			m[c.Code] = 0
		}
		return m, true
	}
	return nil, false
}

// Matches reports whether v is of the Go type the rules environment must
// hold for the kind. Funcs is any map from names to values (rule.Funcs).
func (k Kind) Matches(v any) bool {
	switch v.(type) {
	case int:
		return k == Int
	case float64:
		return k == Float
	case bool:
		return k == Bool
	case string:
		return k == Text
	case map[string]int:
		return k == Codes
	}
	if k != Funcs || v == nil {
		return false
	}
	t := reflect.TypeOf(v)
	return t.Kind() == reflect.Map && t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.Interface
}

// WriteIndicatorsMarkdown writes the indicator table as Markdown: the
// README's table (between its indicators markers) is exactly this.
func WriteIndicatorsMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| name | type | group | meaning |\n| --- | --- | --- | --- |\n")
	for _, ind := range Indicators {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", ind.Name, ind.Kind, ind.Group, strings.ReplaceAll(ind.Doc, "|", "\\|"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
