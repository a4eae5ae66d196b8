package actions

import (
	"fmt"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// History is one pupil's actions in date order.
type History []Action

// Upto keeps the actions dated on or before d: what had been done by the
// day the analysis runs to (a backtest's --at date).
func (h History) Upto(d register.Day) History {
	n := 0
	for n < len(h) && h[n].Date <= d {
		n++
	}
	return h[:n]
}

// Last returns the latest action of a kind.
func (h History) Last(kind string) (Action, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Kind.ID == kind {
			return h[i], true
		}
	}
	return Action{}, false
}

// Count counts the actions of a kind dated from from (0: any).
func (h History) Count(kind string, from register.Day) int {
	n := 0
	for _, a := range h {
		if a.Kind.ID == kind && a.Date >= from {
			n++
		}
	}
	return n
}

// LastContact is the latest contact with the family that reached them: a
// call, letter, meeting or home visit whose outcome is not "no contact".
// A letter counts as contact made (it was sent) unless recorded otherwise.
func (h History) LastContact() (Action, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		a := h[i]
		if a.Kind.Group == GroupContact && (a.Outcome == nil || a.Outcome.ID != OutcomeNoContact) {
			return a, true
		}
	}
	return Action{}, false
}

// HighestRung is the highest formal rung taken (0: none) and its latest
// action.
func (h History) HighestRung() (int, Action) {
	rung, at := 0, Action{}
	for _, a := range h {
		if a.Kind.Rung >= rung && a.Kind.Rung > 0 {
			rung, at = a.Kind.Rung, a
		}
	}
	return rung, at
}

// FormalStep reports whether any formal step (a ladder rung, or a local
// kind in the formal group) was taken.
func (h History) FormalStep() (Action, bool) {
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Kind.Group == GroupFormal {
			return h[i], true
		}
	}
	return Action{}, false
}

// FrameworkStart is the day the national penalty notice framework began
// (19 August 2024): notices issued before it do not count towards its
// limit.
var FrameworkStart = register.MustDay(2024, 8, 19)

// PenaltyNoticeLimit is the framework's limit: no more than two penalty
// notices to the same parent for the same child in a rolling three-year
// period, counted from the first issued on or after 19 August 2024.
const PenaltyNoticeLimit = 2

// PenaltyNotices3y counts the penalty notices that count towards the
// framework's limit on day end: issued on or after 19 August 2024, and
// within the three years up to end. The log records the child, not the
// parent, so notices to two parents of one child count together here.
func (h History) PenaltyNotices3y(end register.Day) int {
	from := threeYearsBefore(end)
	if from < FrameworkStart {
		from = FrameworkStart
	}
	n := 0
	for _, a := range h {
		if a.Kind.ID == PenaltyNotice && a.Date >= from && a.Date <= end {
			n++
		}
	}
	return n
}

// threeYearsBefore is the day after the same date three years earlier:
// the first day of the rolling three-year period ending on end.
func threeYearsBefore(end register.Day) register.Day {
	y, m, d := end.Civil()
	start, ok := register.DayOf(y-3, m, d)
	if !ok { // 29 February
		start = register.MustDay(y-3, 3, 1) - 1
	}
	return start + 1
}

// Support states read from the log, as analysis names them.
const (
	SupportOffered    = "offered"
	SupportEngaged    = "engaged"
	SupportDeclined   = "declined"
	SupportNotWorking = "not_working"
	SupportNone       = "none"
)

// Support reads the support state from the latest early-help action: an
// offer declined is "declined"; an offer with no contact, or early help
// that stopped being engaged with, is "not working"; an offer with no
// outcome yet is "offered"; early help engaged is "engaged"; early help
// completed is "none" (the plan closed). ok is false with no early-help
// action in the log.
func (h History) Support() (state string, at Action, ok bool) {
	for i := len(h) - 1; i >= 0; i-- {
		a := h[i]
		if a.Kind.Group != GroupSupport {
			continue
		}
		out := ""
		if a.Outcome != nil {
			out = a.Outcome.ID
		}
		engagedKind := a.Kind.ID == EarlyHelpEngaged
		switch {
		case out == OutcomeDeclined && !engagedKind:
			return SupportDeclined, a, true
		case out == OutcomeDeclined, out == OutcomeNoContact:
			return SupportNotWorking, a, true
		case out == OutcomeCompleted:
			return SupportNone, a, true
		case out == OutcomeEngaged, engagedKind:
			return SupportEngaged, a, true
		}
		return SupportOffered, a, true
	}
	return "", Action{}, false
}

// String is one action as an officer reads it: "03/10/2024 Early help
// offered: Declined".
func (a Action) String() string {
	s := a.Date.UK() + " " + a.Kind.Label
	if a.Outcome != nil {
		s += ": " + a.Outcome.Label
	}
	if a.Review != 0 {
		s += ", review " + a.Review.UK()
	}
	return s
}

// Summary lists the actions, latest first, for evidence: at most max, with
// a count of the rest.
func (h History) Summary(max int) string {
	if len(h) == 0 {
		return "no actions recorded"
	}
	var parts []string
	for i := len(h) - 1; i >= 0 && len(parts) < max; i-- {
		parts = append(parts, h[i].String())
	}
	s := "actions recorded: " + strings.Join(parts, "; ")
	if len(h) > max {
		s += fmt.Sprintf(" (and %d earlier)", len(h)-max)
	}
	return s
}

// Funcs are the functions rules call on the log as actions.NAME(...), as of
// day end (calendar days). The default rules use the plain indicators
// (formal_rung, penalty_notices_3y, ...); these are for local rules.
//
//	actions.last(kind)            date of the latest action of the kind, or nil
//	actions.days_since(kind)      days since it, or nil (use ?? for "never")
//	actions.taken(kind)           whether one is recorded
//	actions.count(kind)           how many
//	actions.count_within(kind, n) how many in the last n days
//	actions.outcome(kind)         the latest one's outcome id, "" when none
func (h History) Funcs(end register.Day) map[string]any {
	h = h.Upto(end)
	return map[string]any{
		"last": func(kind string) any {
			if a, ok := h.Last(kind); ok {
				return a.Date.Time()
			}
			return nil
		},
		"days_since": func(kind string) any {
			if a, ok := h.Last(kind); ok {
				return int(end - a.Date)
			}
			return nil
		},
		"taken": func(kind string) bool {
			_, ok := h.Last(kind)
			return ok
		},
		"count": func(kind string) int { return h.Count(kind, 0) },
		"count_within": func(kind string, days int) int {
			return h.Count(kind, end-register.Day(days)+1)
		},
		"outcome": func(kind string) string {
			if a, ok := h.Last(kind); ok && a.Outcome != nil {
				return a.Outcome.ID
			}
			return ""
		},
	}
}

// FuncNames are the names Funcs defines.
var FuncNames = []string{"count", "count_within", "days_since", "last", "outcome", "taken"}
