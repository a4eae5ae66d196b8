package analysis

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// The pupil facts the judgement turns on that are not in the register's
// marks: age (what applies in law), the support state (where the family is
// on the support-first ladder) and the social-care context. Each is worked
// out here once, from whatever the export and context file give, so rules
// compare plain indicators and a context column written as "Open" or "Y"
// never reaches an expression as the wrong type.

// Age status values.
const (
	AgeCompulsory = "compulsory"
	AgeBelow      = "below compulsory school age"
	AgeOver       = "over compulsory school age"
	AgeUnknown    = "unknown"
)

// Age is what is known about a pupil's compulsory school age on the last
// day of the analysis.
type Age struct {
	// Status is one of the Age* constants.
	Status string
	// Basis says what it was decided from: "date of birth", "year group",
	// or why it could not be.
	Basis string
	// From and To bound compulsory school age where they are known (0:
	// open on that side, or not known): the statutory counts take only
	// sessions between them.
	From, To register.Day
}

// Known reports whether compulsory school age was decided.
func (a Age) Known() bool { return a.Status != AgeUnknown }

// String is the age as an officer reads it: "compulsory (year group)".
func (a Age) String() string { return a.Status + " (" + a.Basis + ")" }

// dobColumns are the context columns read as a date of birth.
var dobColumns = []string{"date_of_birth", "dob", "birth_date"}

// pupilAge decides compulsory school age on day end: from a date of birth
// in the context when there is one, else from the year group. An unknown
// year group is unknown, never "below compulsory school age".
//
// Compulsory school age (Education Act 1996, section 8, and the Education
// (Start of Compulsory School Age) Order 1998) starts on the first
// prescribed day (31 December, 31 March, 31 August) on or after the fifth
// birthday, and ends on the last Friday in June of the school year in which
// the child turns 16 (the school leaving date).
func pupilAge(info register.Info, ctx map[string]any, end register.Day) Age {
	for _, col := range dobColumns {
		v, ok := ctx[col]
		if !ok {
			continue
		}
		dob, ok := contextDate(v)
		if y, _, _ := dob.Civil(); ok && y >= 2100 {
			ok = false // no one's date of birth, and past the calendar's range once 16 is added
		}
		if !ok {
			return Age{Status: AgeUnknown, Basis: fmt.Sprintf("context.%s %q is not a date", col, fmt.Sprint(v))}
		}
		return ageFromBirth(dob, end)
	}
	return ageFromYear(info.YearGroup, end)
}

func ageFromBirth(dob, end register.Day) Age {
	const basis = "date of birth"
	y, m, d := dob.Civil()
	fifth, ok := register.DayOf(y+5, m, d)
	if !ok { // 29 February: the birthday falls on 1 March
		fifth = register.MustDay(y+5, 3, 1)
	}
	// The school year in which the child turns 16 ends in the summer of
	// y+16 for a birthday from January to August, of y+17 from September.
	leaveYear := y + 16
	if m >= 9 {
		leaveYear++
	}
	from, to := prescribedDay(fifth), leavingDate(leaveYear)
	switch {
	case end < from:
		return Age{AgeBelow, basis, from, to}
	case end > to:
		return Age{AgeOver, basis, from, to}
	}
	return Age{AgeCompulsory, basis, from, to}
}

// prescribedDay is the first of 31 December, 31 March and 31 August on or
// after d.
func prescribedDay(d register.Day) register.Day {
	y, _, _ := d.Civil()
	for _, p := range []register.Day{register.MustDay(y, 3, 31), register.MustDay(y, 8, 31), register.MustDay(y, 12, 31)} {
		if p >= d {
			return p
		}
	}
	return register.MustDay(y+1, 3, 31) // unreachable: 31 December is the year's last day
}

// leavingDate is the last Friday in June of year y.
func leavingDate(y int) register.Day {
	d := register.MustDay(y, 6, 30)
	for d.Weekday() != time.Friday {
		d--
	}
	return d
}

// ageFromYear decides compulsory school age from the year group alone.
func ageFromYear(year string, end register.Day) Age {
	const basis = "year group"
	t := strings.ToLower(strings.TrimSpace(year))
	if t == "" {
		return Age{Status: AgeUnknown, Basis: "no year group or date of birth"}
	}
	switch strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(t, "year"), "yr")) {
	case "n", "n1", "n2", "nursery", "nur":
		return Age{Status: AgeBelow, Basis: basis}
	}
	nc := ncYear(year)
	switch {
	case nc < 0:
		return Age{Status: AgeUnknown, Basis: fmt.Sprintf("year group %q not recognised, and no date of birth", year)}
	case nc == 0:
		// Reception: nobody in the year is of compulsory age in the autumn
		// term; from 31 December the autumn-born are and the summer-born
		// are not, which only a date of birth can tell.
		if _, m, _ := end.Civil(); m >= 9 {
			return Age{Status: AgeBelow, Basis: basis}
		}
		return Age{Status: AgeUnknown, Basis: "Reception after 31 December: some children are of compulsory school age and some not; needs a date of birth"}
	case nc <= 10:
		return Age{Status: AgeCompulsory, Basis: basis}
	case nc == 11:
		// Year 11 all turn 16 in the school year: compulsory school age
		// ends on the last Friday in June.
		y, m, _ := end.Civil()
		if m >= 9 {
			y++ // the leaving date is next summer
		}
		leave := leavingDate(y)
		if end > leave {
			return Age{AgeOver, basis, 0, leave}
		}
		return Age{AgeCompulsory, basis, 0, leave}
	}
	return Age{Status: AgeOver, Basis: basis}
}

// contextDate reads a date cell: dd/mm/yyyy (UK), yyyy-mm-dd, or an Excel
// date serial (a context file from a spreadsheet).
func contextDate(v any) (register.Day, bool) {
	switch x := v.(type) {
	case float64:
		// Serial 61 is 1 March 1900 (Excel counts a 29 February 1900 that
		// never was); earlier serials are no one's date of birth.
		if x < 61 || x > 73051 || x != math.Trunc(x) { // 73051 is 31/12/2099
			return 0, false
		}
		return register.MustDay(1900, 3, 1) + register.Day(int(x)-61), true
	case string:
		s := strings.TrimSpace(x)
		if i := strings.IndexAny(s, " T"); i > 0 {
			s = s[:i] // a time of day after the date
		}
		var parts []string
		dmy := true
		switch {
		case strings.Contains(s, "/"):
			parts = strings.Split(s, "/")
		case strings.Contains(s, "-"):
			parts, dmy = strings.Split(s, "-"), false
		case strings.Contains(s, "."):
			parts = strings.Split(s, ".")
		}
		if len(parts) != 3 {
			return 0, false
		}
		n := make([]int, 3)
		for i, p := range parts {
			v, err := strconv.Atoi(p)
			if err != nil {
				return 0, false
			}
			n[i] = v
		}
		if !dmy {
			n[0], n[2] = n[2], n[0]
		}
		if n[2] < 1900 {
			return 0, false // a two-digit year is ambiguous for a birth date
		}
		return register.DayOf(n[2], n[1], n[0])
	}
	return 0, false
}

// Support states. The ladder of Working together to improve school
// attendance puts support first: the formal rungs (attendance contract,
// notice to improve, penalty notice, education supervision order) are for
// when support "is not working / being engaged with" (Bury Safeguarding
// Partnership, 7 Minute Briefing: Attendance).
const (
	SupportNone         = "none"
	SupportOffered      = "offered"
	SupportEngaged      = "engaged"
	SupportDeclined     = "declined"
	SupportNotWorking   = "not_working"
	SupportNotRecorded  = "not_recorded"
	SupportUnrecognised = "unrecognised"
)

// supportColumns are read, first found wins: a documented support_state
// column, or the older yes/no early_help flag.
var supportColumns = []string{"support_state", "support", "early_help_state", "early_help"}

// supportState reads the support state from the context. A yes/no flag
// means a plan is in place (engaged) or not (none). Text is read for what
// case-management systems write: "Open" and "Active" are engaged, "Closed"
// and "Ended" none, "Declined" and "Refused" declined, "Not engaging" and
// "Disengaged" not working. Anything else is "unrecognised", which opens no
// formal step, and the raw value is reported.
func supportState(ctx map[string]any) (state, raw string) {
	for _, col := range supportColumns {
		v, ok := ctx[col]
		if !ok {
			continue
		}
		switch x := v.(type) {
		case bool:
			if x {
				return SupportEngaged, "yes"
			}
			return SupportNone, "no"
		case string:
			return classifySupport(x), x
		default:
			return SupportUnrecognised, fmt.Sprint(v)
		}
	}
	return SupportNotRecorded, ""
}

func classifySupport(s string) string {
	t := " " + strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '_' || r == '-' || r == '/' || r == ',' || r == '.' || r == '(' || r == ')'
	}), " ") + " "
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(t, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("declin", "refus"):
		return SupportDeclined
	case has("not working", "not engag", "disengag", "non engag", "no engagement", "did not engage", "not effective", "unsuccessful", "stalled"):
		return SupportNotWorking
	case has(" offer"):
		return SupportOffered
	case has("engag", " open ", " active ", "in place", " ongoing ", " current ", " yes ", " y ", " true "):
		return SupportEngaged
	case has(" none ", " no ", " n ", " false ", " closed ", " ended ", "complet", "stepped down", " not offered "):
		return SupportNone
	}
	return SupportUnrecognised
}

// supportReviewColumns name the context column for the date the support
// plan was last reviewed, read with the support state (first found wins).
var supportReviewColumns = []string{"support_last_reviewed", "support_reviewed", "early_help_reviewed", "early_help_last_reviewed"}

// supportReview is what is known of when the support plan was last looked
// at, as of the last day analysed.
type supportReview struct {
	// At is the latest of the context's last-reviewed date and the actions
	// log's latest support action (early help offered or engaged), on or
	// before the last day; 0 when neither gives one.
	At register.Day
	// From says where At came from: "context.support_last_reviewed" or
	// "actions log: 01/10/2024 Early help engaged".
	From string
	// Later is a context date after the last day analysed (the context
	// file exported after the register): not used, but said.
	Later register.Day
	// Bad names the context column whose value is not a date; it is
	// reported in the data-quality account and read as no date.
	Bad string
	// Due is the review date the actions log gives for the latest support
	// action, when it is still to come on the last day: the officer has
	// the review in hand, so it is not overdue whenever the plan began.
	Due register.Day
}

// Days is how many days before the last day the plan was last reviewed (0
// when no date is known, or the next review is still to come).
func (r supportReview) Days(end register.Day) int {
	if r.At == 0 || r.At > end || r.Due != 0 {
		return 0
	}
	return int(end - r.At)
}

// supportReview works out the support plan's last review. A blank cell is
// no date; a cell that is not a date is reported (never a failure) and read
// as no date, so "engaged" keeps the meaning it has without a date.
func (p *Pupil) supportReview() supportReview {
	var r supportReview
	for _, col := range supportReviewColumns {
		v, ok := p.Context[col]
		if !ok {
			continue
		}
		d, ok := reviewDate(v)
		switch {
		case !ok:
			r.Bad = "context." + col
		case d > p.end:
			r.Later = d
		default:
			r.At, r.From = d, "context."+col
		}
		break
	}
	if _, a, ok := p.Actions.Support(); ok && a.Date <= p.end && a.Date > r.At {
		r.At, r.From = a.Date, "actions log: "+a.Date.UK()+" "+a.Kind.Label
		if a.Review >= p.end {
			r.Due = a.Review
		}
	}
	return r
}

// reviewDate reads a review date as contextDate does, and also with a
// two-digit year (01/10/24), which for a date in the school's own records,
// unlike a date of birth, can only mean 20yy.
func reviewDate(v any) (register.Day, bool) {
	if d, ok := contextDate(v); ok {
		return d, true
	}
	s, ok := v.(string)
	if !ok {
		return 0, false
	}
	parts := strings.Split(strings.TrimSpace(s), "/")
	if len(parts) != 3 || len(parts[2]) != 2 {
		return 0, false
	}
	n := make([]int, 3)
	for i, x := range parts {
		v, err := strconv.Atoi(x)
		if err != nil || v < 0 {
			return 0, false
		}
		n[i] = v
	}
	return register.DayOf(2000+n[2], n[1], n[0])
}

// reportSupportReview puts into the data-quality account each context row
// whose support last-reviewed date is not a date: it was read as no date.
// The place is the row and column; the value is not quoted (a free-text
// cell may hold a name).
func reportSupportReview(ps []*Pupil, ctx *ingest.Context, q *quality.Report) {
	header := map[string]string{}
	for _, c := range ctx.Columns {
		header["context."+c.Name] = c.Header
	}
	for _, p := range ps {
		if p.Aggregate || p.Context == nil {
			continue
		}
		if r := p.supportReview(); r.Bad != "" {
			// The row's place names its id cell: name the date's column
			// instead (CSV), or just the row (XLSX, whose cell names are
			// references the detail's column name stands in for).
			// The row the pupil joined (keyed by school for a local id).
			key, _ := ctx.Join(p.Info.School, p.ID)
			loc := ctx.Loc[key]
			loc.Cell = ""
			if loc.Sheet == "" {
				loc.Cell = header[r.Bad]
			}
			q.Find("support_review_not_date", loc, r.Bad+" is not a date")
		}
	}
}

// socialCareColumns name the context columns for a child protection plan,
// a child in need plan and a looked-after child.
var socialCareColumns = []string{"child_protection_plan", "cp_plan", "child_in_need", "cin", "looked_after", "lac", "cla"}

// socialCare reports whether the context records a child protection plan,
// a child in need plan or that the child is looked after.
func socialCare(ctx map[string]any) bool {
	for _, col := range socialCareColumns {
		switch v := ctx[col].(type) {
		case bool:
			if v {
				return true
			}
		case string:
			if classifySupport(v) == SupportEngaged { // "Y", "Yes", "Open", "Active"
				return true
			}
		case float64:
			if v != 0 {
				return true
			}
		}
	}
	return false
}

// judgementValues writes the derived indicators: age, support, social
// care, the cause breakdown, the actions log, and the two summaries the
// rules rest on, whose reasons it returns (the evidence). v must already
// hold enough_data.
func (p *Pupil) judgementValues(v *metrics.Values) (concern, open concernSet) {
	v.SetText(metrics.IndAgeStatus, p.Age.Status)
	v.SetText(metrics.IndAgeBasis, p.Age.Basis)
	v.SetBool(metrics.IndAgeKnown, p.Age.Known())
	v.SetBool(metrics.IndCompulsoryAge, p.Age.Status == AgeCompulsory)
	v.SetBool(metrics.IndBelowCompulsoryAge, p.Age.Status == AgeBelow)
	v.SetBool(metrics.IndPost16, p.Age.Status == AgeOver)
	v.SetText(metrics.IndSupportState, p.Support)
	rev := p.supportReview()
	v.SetBool(metrics.IndSupportReviewKnown, rev.At != 0)
	v.SetInt(metrics.IndSupportReviewDays, rev.Days(p.end))
	v.SetBool(metrics.IndSocialCare, p.SocialCare)
	p.Causes.PutValues(v)
	p.actionValues(v)

	concern, open = p.concerns(v.Bool(metrics.IndEnoughData))
	v.SetBool(metrics.IndAttendanceConcern, concern != 0)
	v.SetBool(metrics.IndOpenConcern, open != 0)
	return concern, open
}

// concerns lists what makes an attendance concern, and what keeps a
// concern open, for the pupil: the reasons are the evidence.
//
// Any current absence concern is what makes a child with a social worker a
// matter for the DSL now, whatever the overall rate. An open concern rules
// out the protective factors: nobody should be reassured by an improving
// trend while the child is missing now.
func (p *Pupil) concerns(enough bool) (concern, open concernSet) {
	pt, f := &p.Patterns, &p.Figures
	// A decline counts when the recent weeks are themselves at the
	// persistent-absence level: a move from 1% to 6% is worth watching
	// (declining_attendance) but is not yet a concern that makes a
	// characteristic or a social worker's involvement count.
	recentPA := pt.RecentPossible > 0 && 10*pt.RecentAbsent >= pt.RecentPossible
	add := func(set *concernSet, i int, ok bool) {
		if ok {
			*set |= 1 << i
		}
	}
	// In the order of concernReasons and openReasons.
	add(&concern, 0, enough && f.Persistent())
	add(&concern, 1, enough && f.Approaching())
	add(&concern, 2, enough && pt.Declining() && recentPA)
	add(&concern, 3, pt.CurrentUnexplainedRun >= 1)
	add(&concern, 4, pt.Unauth10wk-pt.N10wk >= 10)
	add(&concern, 5, p.Causes.NoEducation >= 10)
	add(&concern, 6, pt.LongestMissingRun >= 5)
	add(&concern, 7, pt.CurrentAbsenceRun >= 5)

	add(&open, 0, pt.CurrentUnexplainedRun >= 1)
	add(&open, 1, pt.LongestGNORun >= 20)
	add(&open, 2, p.Causes.NoEducation > 0)
	add(&open, 3, pt.LongestMissingRun >= 5)
	add(&open, 4, pt.UnresolvedN > 0)
	return concern, open
}

// concernSet is which of a list of reasons hold: bit i for reason i.
type concernSet uint16

// concernReasons and openReasons are the reasons concerns tests, in the
// order the evidence lists them.
var (
	concernReasons = []string{
		"persistently absent",
		"approaching persistent absence",
		"declining, with 10% or more absence in the last 4 school weeks",
		"absent now with no reason known",
		"10 or more unauthorised sessions (G, O, U) in the latest 10 school weeks",
		"5 or more days with no education on offer",
		"register not marked for 5 or more school days in a row",
		"absent for the last 5 or more school days",
	}
	openReasons = []string{
		"absent now with no reason known",
		"a spell of 20 or more school days with no known reason",
		"sessions with no education on offer",
		"register not marked for 5 or more school days in a row",
		"N codes not resolved within 5 school days",
	}
)

// list is the reasons that hold, in order (nil: none).
func (s concernSet) list(reasons []string) []string {
	var out []string
	for i, why := range reasons {
		if s&(1<<i) != 0 {
			out = append(out, why)
		}
	}
	return out
}

// Concerns says what makes the pupil's own attendance concern and what
// keeps a concern open (empty: none), as the rules read them; a row per
// school has its child's.
func (p *Pupil) Concerns() (concern, open []string) {
	return p.concern.list(concernReasons), p.openConcern.list(openReasons)
}

// judge works out a pupil's age, support state and cause breakdown.
func (p *Pupil) judge(end register.Day) {
	p.Age = pupilAge(p.Info, p.Context, end)
	p.end = end
	p.Support, p.SupportRaw = supportState(p.Context)
	p.actionsSupport()
	p.SocialCare = socialCare(p.Context)
	p.Causes = p.Figures.Causes(p.Age.Status == AgeCompulsory)
}

// judgementEvidence gives the derived indicators their sentences.
func (p *Pupil) judgementEvidence(ev map[string]string) {
	age, _ := p.judgementSentence("age_status")
	for _, k := range []string{"age_status", "age_basis", "age_known", "compulsory_age", "below_compulsory_age", "post_16"} {
		ev[k] = age
	}
	sup := "support state: " + strings.ReplaceAll(p.Support, "_", " ")
	if p.SupportRaw != "" {
		sup += fmt.Sprintf(" (recorded as %q)", p.SupportRaw)
	}
	ev["support_state"] = sup
	rev := p.supportReview()
	var review string
	switch {
	case rev.Due != 0:
		review = fmt.Sprintf("support plan last reviewed %s (%s), next review due %s", rev.At.UK(), rev.From, rev.Due.UK())
	case rev.At != 0:
		review = fmt.Sprintf("support plan last reviewed %s, %d days before the last day analysed (%s)", rev.At.UK(), rev.Days(p.end), rev.From)
	case rev.Bad != "":
		review = rev.Bad + " is not a date: no support review date used"
	case rev.Later != 0:
		review = "support plan last reviewed " + rev.Later.UK() + ", after the last day analysed: no earlier review date recorded"
	default:
		review = "no support review date recorded"
	}
	ev["support_review_days"], ev["support_review_known"] = review, review
	if p.SocialCare {
		ev["social_care"] = "child protection plan, child in need plan or looked after (context)"
	} else {
		ev["social_care"] = "no child protection plan, child in need plan or looked-after status recorded"
	}
	p.Causes.AddEvidence(ev)
	p.actionEvidence(ev)
	ev["attendance_concern"], _ = p.judgementSentence("attendance_concern")
	ev["open_concern"], _ = p.judgementSentence("open_concern")
}

// judgementSentence is judgementEvidence's sentence for name, for the names
// whose sentence is quick to write on its own and that fired factors read
// most (the age, the causes, the concerns: factors of the default rules
// that fire for most pupils read !post_16, no_education_sessions or
// open_concern), or false for any other: lazyEvidence then writes every
// sentence, once for the pupil, as before. judgementEvidence writes these
// sentences through it, so the two cannot differ; TestJudgementNames holds
// the names it answers to judgementEvidence's.
func (p *Pupil) judgementSentence(name string) (string, bool) {
	switch name {
	case "age_status", "age_basis", "age_known", "compulsory_age", "below_compulsory_age", "post_16":
		return "compulsory school age: " + p.Age.String(), true
	case "attendance_concern":
		if concern := p.concern.list(concernReasons); len(concern) > 0 {
			return "attendance concern: " + strings.Join(concern, "; "), true
		}
		return "no attendance concern of the child's own", true
	case "open_concern":
		if open := p.openConcern.list(openReasons); len(open) > 0 {
			return "open concern: " + strings.Join(open, "; "), true
		}
		return "no open concern", true
	}
	return p.Causes.Evidence(name)
}
