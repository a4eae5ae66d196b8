package actions

import (
	"fmt"
	"strings"
)

// Groups of action kinds: what a kind means for the ladder.
const (
	// GroupContact is contact with the family: a call, a letter, a
	// meeting, a home visit.
	GroupContact = "contact"
	// GroupSupport is early help offered or taken up.
	GroupSupport = "support"
	// GroupMeeting is a multi-agency meeting (the targeting support
	// meeting).
	GroupMeeting = "meeting"
	// GroupFormal is a formal rung of the ladder: attendance contract,
	// notice to improve, penalty notice, education supervision order.
	GroupFormal = "formal"
	// GroupSafeguarding is a referral or enquiry about the child's safety
	// or whereabouts (MASH, children missing education).
	GroupSafeguarding = "safeguarding"
	// GroupOther is a local kind with no meaning for the ladder.
	GroupOther = "other"
)

var groups = []string{GroupContact, GroupSupport, GroupMeeting, GroupFormal, GroupSafeguarding, GroupOther}

// Kind is one kind of action.
type Kind struct {
	ID    string // snake_case, as rules name it: actions.last("penalty_notice")
	Label string // as an officer writes it: "Penalty notice"
	Group string
	// Rung is the kind's place on the formal ladder (1 attendance
	// contract, 2 notice to improve, 3 penalty notice, 4 education
	// supervision order); 0 off the ladder.
	Rung int
	// Aliases are other ways MIS and case systems write it.
	Aliases []string
}

// Outcome is one outcome of an action.
type Outcome struct {
	ID, Label string
	Aliases   []string
}

// The outcome ids.
const (
	OutcomeEngaged   = "engaged"
	OutcomeDeclined  = "declined"
	OutcomeNoContact = "no_contact"
	OutcomeCompleted = "completed"
)

// The action kinds the default rules read.
const (
	FirstDayCall            = "first_day_call"
	Letter                  = "letter"
	MeetingWithParents      = "meeting_with_parents"
	TargetingSupportMeeting = "targeting_support_meeting"
	EarlyHelpOffered        = "early_help_offered"
	EarlyHelpEngaged        = "early_help_engaged"
	AttendanceContract      = "attendance_contract"
	NoticeToImprove         = "notice_to_improve"
	PenaltyNotice           = "penalty_notice"
	ESO                     = "eso"
	ReferralToMASH          = "referral_to_mash"
	CMEEnquiry              = "cme_enquiry"
	HomeVisit               = "home_visit"
)

// defaultKinds is the documented vocabulary (README, "The actions log").
var defaultKinds = []Kind{
	{FirstDayCall, "First-day call", GroupContact, 0, []string{"first day call", "1st day call", "first day contact", "first day absence call", "phone call", "call"}},
	{Letter, "Letter", GroupContact, 0, []string{"attendance letter", "letter home", "letter sent"}},
	{MeetingWithParents, "Meeting with parents", GroupContact, 0, []string{"parent meeting", "parents meeting", "meeting with parent", "meeting with carers", "attendance meeting"}},
	{TargetingSupportMeeting, "Targeting support meeting", GroupMeeting, 0, []string{"tsm", "targeting support", "targeting meeting"}},
	{EarlyHelpOffered, "Early help offered", GroupSupport, 0, []string{"early help offer", "eh offered", "early help referral"}},
	{EarlyHelpEngaged, "Early help engaged", GroupSupport, 0, []string{"early help plan", "eh engaged", "early help in place"}},
	{AttendanceContract, "Attendance contract", GroupFormal, 1, []string{"contract"}},
	{NoticeToImprove, "Notice to improve", GroupFormal, 2, []string{"nti"}},
	{PenaltyNotice, "Penalty notice", GroupFormal, 3, []string{"pn", "fixed penalty notice", "fpn"}},
	{ESO, "Education supervision order", GroupFormal, 4, []string{"education supervision order"}},
	{ReferralToMASH, "Referral to MASH", GroupSafeguarding, 0, []string{"mash referral", "mash", "referral to the mash"}},
	{CMEEnquiry, "CME enquiry", GroupSafeguarding, 0, []string{"children missing education enquiry", "cme referral", "cme"}},
	{HomeVisit, "Home visit", GroupContact, 0, []string{"visit", "doorstep visit"}},
}

var defaultOutcomes = []Outcome{
	{OutcomeEngaged, "Engaged", []string{"engaging", "agreed", "accepted", "attended"}},
	{OutcomeDeclined, "Declined", []string{"refused", "not engaged", "did not engage"}},
	{OutcomeNoContact, "No contact", []string{"no answer", "no response", "not reached", "no reply"}},
	{OutcomeCompleted, "Completed", []string{"complete", "done", "issued", "sent"}},
}

// Vocabulary is the action kinds and outcomes a log may use.
type Vocabulary struct {
	Kinds    []Kind
	Outcomes []Outcome
	kinds    map[string]int // normalised id, label or alias → index
	outcomes map[string]int
}

// Default returns the documented vocabulary.
func Default() *Vocabulary {
	v := &Vocabulary{}
	for _, k := range defaultKinds {
		if err := v.AddKind(k); err != nil {
			panic(err) // the built-in vocabulary is consistent (TestDefault)
		}
	}
	for _, o := range defaultOutcomes {
		if err := v.AddOutcome(o); err != nil {
			panic(err)
		}
	}
	return v
}

// Norm is the form names are compared in: lower case, every run of
// anything but letters and digits one underscore ("First-day call" →
// first_day_call).
func Norm(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// AddKind adds a kind (a local one from a rules file). Its id, label and
// aliases must not already name another kind.
func (v *Vocabulary) AddKind(k Kind) error {
	if v.kinds == nil {
		v.kinds = map[string]int{}
	}
	if k.ID == "" || Norm(k.ID) != k.ID {
		return fmt.Errorf("action id %q must be snake_case (lower-case letters, digits and _)", k.ID)
	}
	if k.Group == "" {
		k.Group = GroupOther
	}
	if !contains(groups, k.Group) {
		return fmt.Errorf("action %s: group %q is not one of %s", k.ID, k.Group, strings.Join(groups, ", "))
	}
	if k.Label == "" {
		k.Label = strings.ReplaceAll(k.ID, "_", " ")
	}
	names := append([]string{k.ID, k.Label}, k.Aliases...)
	for _, n := range names {
		if i, dup := v.kinds[Norm(n)]; dup && v.Kinds[i].ID != k.ID {
			return fmt.Errorf("action %s: %q already names the action %s", k.ID, n, v.Kinds[i].ID)
		}
	}
	for _, have := range v.Kinds {
		if have.ID == k.ID {
			return fmt.Errorf("action %s is already defined", k.ID)
		}
	}
	v.Kinds = append(v.Kinds, k)
	for _, n := range names {
		v.kinds[Norm(n)] = len(v.Kinds) - 1
	}
	return nil
}

// AddOutcome adds an outcome.
func (v *Vocabulary) AddOutcome(o Outcome) error {
	if v.outcomes == nil {
		v.outcomes = map[string]int{}
	}
	if o.ID == "" || Norm(o.ID) != o.ID {
		return fmt.Errorf("outcome id %q must be snake_case (lower-case letters, digits and _)", o.ID)
	}
	if o.Label == "" {
		o.Label = strings.ReplaceAll(o.ID, "_", " ")
	}
	names := append([]string{o.ID, o.Label}, o.Aliases...)
	for _, n := range names {
		if i, dup := v.outcomes[Norm(n)]; dup {
			return fmt.Errorf("outcome %s: %q already names the outcome %s", o.ID, n, v.Outcomes[i].ID)
		}
	}
	v.Outcomes = append(v.Outcomes, o)
	for _, n := range names {
		v.outcomes[Norm(n)] = len(v.Outcomes) - 1
	}
	return nil
}

// Kind finds the kind a cell names (by id, label or alias).
func (v *Vocabulary) Kind(s string) (*Kind, bool) {
	i, ok := v.kinds[Norm(s)]
	if !ok {
		return nil, false
	}
	return &v.Kinds[i], true
}

// KindByID returns the kind with this id.
func (v *Vocabulary) KindByID(id string) (*Kind, bool) {
	for i := range v.Kinds {
		if v.Kinds[i].ID == id {
			return &v.Kinds[i], true
		}
	}
	return nil, false
}

// Outcome finds the outcome a cell names.
func (v *Vocabulary) Outcome(s string) (*Outcome, bool) {
	i, ok := v.outcomes[Norm(s)]
	if !ok {
		return nil, false
	}
	return &v.Outcomes[i], true
}

// KindIDs lists the kind ids in vocabulary order.
func (v *Vocabulary) KindIDs() []string {
	out := make([]string, len(v.Kinds))
	for i, k := range v.Kinds {
		out[i] = k.ID
	}
	return out
}

func (v *Vocabulary) kindLabels() string {
	out := make([]string, len(v.Kinds))
	for i, k := range v.Kinds {
		out[i] = k.Label
	}
	return strings.Join(out, ", ")
}

func (v *Vocabulary) outcomeLabels() string {
	out := make([]string, len(v.Outcomes))
	for i, o := range v.Outcomes {
		out[i] = o.Label
	}
	return strings.Join(out, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
