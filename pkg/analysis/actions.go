package analysis

import (
	"errors"
	"fmt"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/actions"
	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/rule"
)

// The actions log (--actions): what was done for each pupil, read and never
// written. It is joined on the pupil id like the context file, and what it
// records is read by the rules (the ladder's next rung) and by the support
// state.

// readActions reads the actions log with the rules' vocabulary (the
// documented one and the rules file's actions: section).
func readActions(in Input, set *rule.Set) (*actions.Log, error) {
	if in.ActionsFile == "" {
		return nil, nil
	}
	v := actions.Default()
	if set != nil {
		v = set.Actions
	}
	return actions.Read(in.ActionsFile, "", in.Ingest.Map, v)
}

// joinActions gives each pupil their actions up to end, and accounts for
// every row of the log: read = used + rejected, where a row is rejected
// for a pupil not in the register or for a date after the analysis ends
// (what was done later cannot explain the data up to then: a backtest's
// --at date). Fewer than half of the log's pupils in the register is an
// error, as for the context file: the log is for other pupils, or the ids
// are written differently.
func joinActions(log *actions.Log, ps []*Pupil, end register.Day, q *quality.Report) error {
	if log == nil {
		return nil
	}
	byID := map[string]*Pupil{}
	for _, p := range ps {
		if !p.Aggregate {
			byID[p.ID] = p
		}
	}
	info := log.Info
	info.Rows = len(log.Actions)
	q.Files = append(q.Files, info)
	acc := &q.Actions
	acc.Read = len(log.Actions)
	matched := 0
	var regMiss, logMiss []string
	logPupils := log.Pupils()
	for _, id := range logPupils {
		if byID[id] != nil {
			matched++
		} else {
			logMiss = append(logMiss, id)
		}
	}
	if len(logPupils) > 0 && 2*matched < len(logPupils) {
		inLog := map[string]bool{}
		for _, id := range logPupils {
			inLog[id] = true
		}
		for _, p := range ps {
			if !p.Aggregate && !inLog[p.ID] {
				regMiss = append(regMiss, p.ID)
			}
		}
		return joinError(log.Info.Path, matched, len(logPupils), regMiss, logMiss)
	}
	for _, a := range log.Actions {
		p := byID[a.PupilID]
		switch {
		case p == nil:
			acc.Rejected++
			q.Find("action_no_pupil", a.Loc, "")
		case end != 0 && a.Date > end:
			acc.Rejected++
			q.Find("action_after_end", a.Loc, "")
		default:
			acc.Used++
		}
	}
	for id, h := range log.ByPupil() {
		if p := byID[id]; p != nil {
			if end != 0 {
				h = h.Upto(end)
			}
			p.Actions = h
		}
	}
	if acc.Read != acc.Used+acc.Rejected {
		return fmt.Errorf("internal error: actions read %d != used %d + rejected %d", acc.Read, acc.Used, acc.Rejected)
	}
	return nil
}

func joinError(path string, matched, total int, regMiss, logMiss []string) error {
	var b strings.Builder
	found := fmt.Sprintf("only %d of the %d pupils in this actions log are", matched, total)
	if matched == 0 {
		found = fmt.Sprintf("none of the %d pupils in this actions log is", total)
	}
	fmt.Fprintf(&b, "%s: %s in the register, fewer than half, so it cannot be joined on the pupil id\n", path, found)
	fmt.Fprintf(&b, "  likely cause: %s\n", ingest.JoinCause(regMiss, logMiss, "actions log"))
	fmt.Fprintf(&b, "  actions log ids not in the register: %s\n", ingest.SomeIDs(logMiss))
	if len(regMiss) > 0 {
		fmt.Fprintf(&b, "  register ids with no action: %s\n", ingest.SomeIDs(regMiss))
	}
	b.WriteString("no output written")
	return errors.New(b.String())
}

// emptyActions is the functions of a pupil with no actions recorded.
var emptyActions = rule.Funcs(actions.History(nil).Funcs(0))

// actionVars adds the actions-log indicators.
//
//	actions_log             an actions file was given: what the log does not
//	                        record was not done (without one, nothing is known)
//	actions_recorded        actions recorded up to the last day
//	days_since_action       days since the latest action (-1: none)
//	days_since_contact      days since the latest contact that reached the
//	                        family (-1: none)
//	formal_rung             the highest formal rung taken: 0 none,
//	                        1 attendance contract, 2 notice to improve,
//	                        3 penalty notice, 4 education supervision order
//	formal_step_taken       any formal step (rung or local formal kind)
//	penalty_notices_3y      penalty notices counting towards the national
//	                        framework's limit on the last day
//	penalty_notice_allowed  fewer than that limit (2)
func (p *Pupil) actionVars(vars map[string]any) {
	h, end := p.Actions, p.end
	vars["actions_log"] = p.ActionsLog
	if len(h) == 0 {
		vars["actions"] = emptyActions
	} else {
		vars["actions"] = rule.Funcs(h.Funcs(end))
	}
	vars["actions_recorded"] = len(h)
	vars["days_since_action"] = -1
	if len(h) > 0 {
		vars["days_since_action"] = int(end - h[len(h)-1].Date)
	}
	vars["days_since_contact"] = -1
	if a, ok := h.LastContact(); ok {
		vars["days_since_contact"] = int(end - a.Date)
	}
	rung, _ := h.HighestRung()
	vars["formal_rung"] = rung
	_, formal := h.FormalStep()
	vars["formal_step_taken"] = formal
	pn := h.PenaltyNotices3y(end)
	vars["penalty_notices_3y"] = pn
	vars["penalty_notice_allowed"] = pn < actions.PenaltyNoticeLimit
}

// actionEvidence gives the actions indicators their sentences.
func (p *Pupil) actionEvidence(ev map[string]string) {
	h, end := p.Actions, p.end
	if !p.ActionsLog {
		ev["actions_log"] = "no actions log given (--actions): what was already done is not known"
	} else {
		ev["actions_log"] = "actions log given"
	}
	ev["actions"] = h.Summary(4)
	ev["actions_recorded"] = h.Summary(4)
	ev["days_since_action"] = h.Summary(1)
	if a, ok := h.LastContact(); ok {
		ev["days_since_contact"] = fmt.Sprintf("last contact: %s, %d days before %s", a, int(end-a.Date), end.UK())
	} else {
		ev["days_since_contact"] = "no contact with the family recorded"
	}
	rung, at := h.HighestRung()
	if rung == 0 {
		ev["formal_rung"] = "no formal step (attendance contract, notice to improve, penalty notice, education supervision order) recorded"
	} else {
		ev["formal_rung"] = "highest formal step taken: " + at.String()
	}
	if a, ok := h.FormalStep(); ok {
		ev["formal_step_taken"] = "formal step taken: " + a.String()
	} else {
		ev["formal_step_taken"] = ev["formal_rung"]
	}
	pn := h.PenaltyNotices3y(end)
	s := fmt.Sprintf("%d penalty %s issued from 19/08/2024 in the 3 years to %s; the national framework allows %d per parent per child in 3 years",
		pn, map[bool]string{true: "notice", false: "notices"}[pn == 1], end.UK(), actions.PenaltyNoticeLimit)
	ev["penalty_notices_3y"], ev["penalty_notice_allowed"] = s, s
}

// actionsSupport reads the support state from the log's latest early-help
// action, which is dated and so wins over the context file's undated
// column.
func (p *Pupil) actionsSupport() {
	if state, at, ok := p.Actions.Support(); ok {
		p.Support, p.SupportRaw = state, "actions log: "+at.String()
	}
}
