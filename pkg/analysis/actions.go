package analysis

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/actions"
	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/rule"
)

// The actions log (--actions): what was done for each pupil, read and never
// written. It is joined on the pupil like the context file, and what it
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
//
// Rows join as the context file's do (see actionPupils): by the register's
// key, a UPN alone and a local id with its school, so admission number
// 1001 at two schools takes each school's own actions; a row naming no
// school joins the one pupil with its id, and is refused when two schools
// in the run use it.
func joinActions(log *actions.Log, ps []*Pupil, end register.Day, q *quality.Report) error {
	if log == nil {
		return nil
	}
	info := log.Info
	info.Rows = len(log.Actions)
	q.Files = append(q.Files, info)
	acc := &q.Actions
	acc.Read = len(log.Actions)
	of, err := actionPupils(log, ps)
	if err != nil {
		return err
	}
	// An authority's log given with one school's register: rows naming a
	// school not in the run are for other schools' pupils, rejected but not
	// held against the join, provided some row names a school of the run
	// (so the log writes schools as the register does: otherwise the
	// schools may be written differently, and every row counts).
	runSchools := map[string]bool{}
	for _, p := range ps {
		if !p.Aggregate && p.Info.School != "" {
			runSchools[p.Info.School] = true
		}
	}
	sameNames := false
	for _, a := range log.Actions {
		sameNames = sameNames || (a.School != "" && runSchools[a.School])
	}
	otherSchool := func(a actions.Action) bool {
		return sameNames && a.School != "" && !runSchools[a.School] && !register.UPNShaped(a.PupilID)
	}
	matched := 0
	var logMiss, logMissIDs []string
	seen := map[string]bool{}
	joined := map[*Pupil]bool{}
	for i, a := range log.Actions {
		k := a.Key()
		if seen[k] || otherSchool(a) {
			continue
		}
		seen[k] = true
		if p := of[i]; p != nil {
			matched++
			joined[p] = true
		} else {
			logMiss = append(logMiss, showActionKey(a))
			logMissIDs = append(logMissIDs, a.PupilID)
		}
	}
	if len(seen) > 0 && 2*matched < len(seen) {
		var regMiss, regMissIDs []string
		for _, p := range ps {
			if !p.Aggregate && !joined[p] {
				regMiss = append(regMiss, showActionKey(actions.Action{PupilID: p.ID, School: p.Info.School}))
				regMissIDs = append(regMissIDs, p.ID)
			}
		}
		cause := ingest.JoinCause(regMissIDs, logMissIDs, "actions log")
		if s := schoolsDiffer(log, of, ps); s != "" && !sameNames {
			cause = s
		}
		return joinError(log.Info.Path, matched, len(seen), cause, regMiss, logMiss)
	}
	hist := map[*Pupil]actions.History{}
	for i, a := range log.Actions {
		p := of[i]
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
		if p != nil {
			hist[p] = append(hist[p], a)
		}
	}
	for p, h := range hist {
		h.Sort()
		if end != 0 {
			h = h.Upto(end)
		}
		p.Actions = h
	}
	if acc.Read != acc.Used+acc.Rejected {
		return fmt.Errorf("internal error: actions read %d != used %d + rejected %d", acc.Read, acc.Used, acc.Rejected)
	}
	return nil
}

// actionPupils finds each row's pupil (nil: none in the register). A UPN
// is the child at any school, whatever school the row names. A local id
// with a school joins the pupil at that school, or, when the register
// names no school for its pupils (a run of one file naming none), the one
// pupil with the id, provided the log's rows for it name one school only.
// A local id whose row names no school joins the one pupil with that id.
// Where the id alone could be two children (two schools in the run use it
// and the row names no school, or the rows name several schools and the
// register none), the log is refused: joined anyway, one child's penalty
// notice could be taken as another's. The error names the file and the
// first such row's line, never a name.
func actionPupils(log *actions.Log, ps []*Pupil) ([]*Pupil, error) {
	byKey := map[string]*Pupil{}
	local := map[string][]*Pupil{} // local id → its pupils, one per school
	for _, p := range ps {
		if p.Aggregate {
			continue
		}
		byKey[register.ChildKey(p.Info.School, p.ID)] = p
		if !register.UPNShaped(p.ID) {
			local[p.ID] = append(local[p.ID], p)
		}
	}
	// The schools the log's rows name for each local id.
	rowSchools := map[string]map[string]bool{}
	for _, a := range log.Actions {
		if a.School != "" && !register.UPNShaped(a.PupilID) {
			m := rowSchools[a.PupilID]
			if m == nil {
				m = map[string]bool{}
				rowSchools[a.PupilID] = m
			}
			m[a.School] = true
		}
	}
	out := make([]*Pupil, len(log.Actions))
	var shared, many []int // rows
	sharedIDs, manyIDs := map[string]bool{}, map[string]bool{}
	for i, a := range log.Actions {
		id := a.PupilID
		switch {
		case register.UPNShaped(id):
			out[i] = byKey[id]
		case a.School != "":
			if p := byKey[register.ChildKey(a.School, id)]; p != nil {
				out[i] = p
				break
			}
			if p := byKey[id]; p != nil && p.Info.School == "" {
				// The register's pupil names no school.
				if len(rowSchools[id]) > 1 {
					if !manyIDs[id] {
						manyIDs[id] = true
						many = append(many, i)
					}
					break
				}
				out[i] = p
			}
		default:
			switch c := local[id]; {
			case len(c) == 1:
				out[i] = c[0]
			case len(c) > 1:
				if !sharedIDs[id] {
					sharedIDs[id] = true
					shared = append(shared, i)
				}
			}
		}
	}
	path := log.Info.Path
	if len(shared) > 0 {
		schools := map[string]bool{}
		for id := range sharedIDs {
			for _, p := range local[id] {
				schools[p.Info.School] = true
			}
		}
		why := "the log has no school column to say whose row each is"
		if log.SchoolColumn != "" {
			why = "those rows leave the " + log.SchoolColumn + " column blank"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s in this actions log %s used by more than one school in the run (%s), and %s, so the id alone could be either child\n",
			path, countLocal(len(shared)), isAre(len(shared)), names(schools), why)
		for j, i := range shared {
			if j == maxRefused {
				fmt.Fprintf(&b, "  (and %d more)\n", len(shared)-j)
				break
			}
			a := log.Actions[i]
			fmt.Fprintf(&b, "  %s: pupil id %s is used at %d schools (%s)\n", a.Loc, a.PupilID, len(local[a.PupilID]), names(schoolsOf(local[a.PupilID])))
		}
		fmt.Fprintf(&b, "  fix: add a School column to the actions log, naming each row's school as the register names it (%s); UPNs need none\n", names(schools))
		b.WriteString("no output written")
		return nil, errors.New(b.String())
	}
	if len(many) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s in the register %s rows at more than one school in this actions log, and the register names no school for %s, so the id alone could be any of those children\n",
			path, countLocal(len(many)), map[bool]string{true: "has", false: "have"}[len(many) == 1], map[bool]string{true: "it", false: "them"}[len(many) == 1])
		for j, i := range many {
			if j == maxRefused {
				fmt.Fprintf(&b, "  (and %d more)\n", len(many)-j)
				break
			}
			a := log.Actions[i]
			fmt.Fprintf(&b, "  %s: pupil id %s has rows at %s\n", a.Loc, a.PupilID, names(rowSchools[a.PupilID]))
		}
		b.WriteString("  fix: name the register's school with --school NAME (as the actions log's School column names it), or give the register a school column\n")
		b.WriteString("no output written")
		return nil, errors.New(b.String())
	}
	return out, nil
}

// maxRefused is how many rows a refusal lists.
const maxRefused = 5

func countLocal(n int) string {
	if n == 1 {
		return "1 local pupil id"
	}
	return fmt.Sprintf("%d local pupil ids", n)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func schoolsOf(ps []*Pupil) map[string]bool {
	m := map[string]bool{}
	for _, p := range ps {
		m[p.Info.School] = true
	}
	return m
}

// names lists schools sorted, ignoring case ("Oak Primary, elm").
func names(set map[string]bool) string {
	var out []string
	for s := range set {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := strings.ToLower(out[i]), strings.ToLower(out[j]); a != b {
			return a < b
		}
		return out[i] < out[j]
	})
	return strings.Join(out, ", ")
}

// showActionKey writes a pupil for a message: the id, or SCHOOL:ID for a
// local id at a school (the form explain takes). Never a name.
func showActionKey(a actions.Action) string {
	if a.School != "" && !register.UPNShaped(a.PupilID) {
		return a.School + ":" + a.PupilID
	}
	return a.PupilID
}

// schoolsDiffer is the likely cause of a failed join when the log's local
// ids are the register's but the schools its rows name are not: the
// school written differently (a URN for a name, "School" added).
func schoolsDiffer(log *actions.Log, of []*Pupil, ps []*Pupil) string {
	ids := map[string]bool{}
	regSchools := map[string]bool{}
	for _, p := range ps {
		if !p.Aggregate {
			ids[p.ID] = true
		}
	}
	logSchools := map[string]bool{}
	for i, a := range log.Actions {
		if of[i] == nil && a.School != "" && ids[a.PupilID] {
			logSchools[a.School] = true
		}
	}
	if len(logSchools) == 0 {
		return ""
	}
	for _, p := range ps {
		if !p.Aggregate && p.Info.School != "" {
			regSchools[p.Info.School] = true
		}
	}
	return fmt.Sprintf("the ids match but the schools do not: the actions log's %s column names %s, the register %s; write each school's name as the register does", log.SchoolColumn, names(logSchools), names(regSchools))
}

func joinError(path string, matched, total int, cause string, regMiss, logMiss []string) error {
	var b strings.Builder
	found := fmt.Sprintf("only %d of the %d pupils in this actions log are", matched, total)
	if matched == 0 {
		found = fmt.Sprintf("none of the %d pupils in this actions log is", total)
	}
	fmt.Fprintf(&b, "%s: %s in the register, fewer than half, so it cannot be joined on the pupil id\n", path, found)
	fmt.Fprintf(&b, "  likely cause: %s\n", cause)
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
func (p *Pupil) actionValues(v *metrics.Values) {
	h, end := p.Actions, p.end
	v.SetBool(metrics.IndActionsLog, p.ActionsLog)
	v.SetInt(metrics.IndActionsRecorded, len(h))
	v.SetInt(metrics.IndDaysSinceAction, -1)
	if len(h) > 0 {
		v.SetInt(metrics.IndDaysSinceAction, int(end-h[len(h)-1].Date))
	}
	v.SetInt(metrics.IndDaysSinceContact, -1)
	if a, ok := h.LastContact(); ok {
		v.SetInt(metrics.IndDaysSinceContact, int(end-a.Date))
	}
	rung, _ := h.HighestRung()
	v.SetInt(metrics.IndFormalRung, rung)
	_, formal := h.FormalStep()
	v.SetBool(metrics.IndFormalStepTaken, formal)
	pn := h.PenaltyNotices3y(end)
	v.SetInt(metrics.IndPenaltyNotices3y, pn)
	v.SetBool(metrics.IndPenaltyNoticeAllowed, pn < actions.PenaltyNoticeLimit)
}

// actionFuncs is the actions indicator: the log's functions for rules
// (actions.last("letter")), which is not a single value.
func (p *Pupil) actionFuncs() rule.Funcs {
	if len(p.Actions) == 0 {
		return emptyActions
	}
	return rule.Funcs(p.Actions.Funcs(p.end))
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
