package analysis

import (
	"fmt"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// --hide-actioned: pupils the officer is already dealing with. A pupil with
// an action recorded in the last N days, and no new concern since it, is
// left out of the list (or, with MarkActioned, kept and marked); a new
// concern since the action brings the pupil back, with the reason. The
// headline figures are always the whole cohort's.

// The change kinds --hide-actioned adds to Pupil.Changes.
const (
	ChangeActioned   = "actioned"
	ChangeNewConcern = "new_concern_since_action"
)

// unexplainedIDs are the marks of absence with no reason known.
var unexplainedIDs = func() map[mark.ID]bool {
	out := map[mark.ID]bool{}
	for _, c := range []string{"N", "O", "-"} {
		id, ok := mark.Lookup(c)
		if !ok {
			panic("analysis: unknown code " + c)
		}
		out[id] = true
	}
	return out
}()

// newConcernSince says what is new since day d, "" when nothing: newly
// persistently or severely absent (not so on d, so now), or a whole school
// day absent with no reason known (N, O or no mark, both sessions) after
// d. from is the first day of the window.
func (p *Pupil) newConcernSince(d, from register.Day) string {
	rp := p.reg
	if rp == nil || !rp.HasMarks() {
		return ""
	}
	var why []string
	then := metrics.Compute(rp, from, d)
	switch {
	case p.SA() && !then.Severe():
		why = append(why, "newly severely absent")
	case p.PA() && !then.Persistent():
		why = append(why, "newly persistently absent")
	}
	sessions := map[register.Day]int{}
	var days []register.Day
	rp.Each(func(day register.Day, _ register.Session, id mark.ID) {
		if day > d && (p.Last == 0 || day <= p.Last) && unexplainedIDs[id] {
			if sessions[day] == 0 {
				days = append(days, day)
			}
			sessions[day]++
		}
	})
	var whole []register.Day
	for _, day := range days {
		if sessions[day] == 2 {
			whole = append(whole, day)
		}
	}
	if len(whole) > 0 {
		s := "absent with no reason known on " + whole[0].UK()
		if len(whole) > 1 {
			s = fmt.Sprintf("absent with no reason known on %d school days since, first %s", len(whole), whole[0].UK())
		}
		why = append(why, s)
	}
	return strings.Join(why, "; ")
}

// applyActioned marks each pupil whose latest action is within days of the
// last day analysed, and returns the pupils to list: without the actioned
// ones with no new concern unless mark is set.
func (r *Result) applyActioned(days int, markOnly bool) {
	if days <= 0 {
		return
	}
	end := r.End
	if end == 0 {
		end = r.To
	}
	kept := r.Pupils[:0]
	hidden := 0
	for _, p := range r.Pupils {
		if p.Aggregate || len(p.Actions) == 0 {
			kept = append(kept, p)
			continue
		}
		last := p.Actions[len(p.Actions)-1]
		if int(end-last.Date) >= days {
			kept = append(kept, p)
			continue
		}
		if why := p.newConcernSince(last.Date, r.From); why != "" {
			p.ActionStatus = "new concern since the action on " + last.Date.UK() + " (" + last.Kind.Label + "): " + why
			p.Changes = append(p.Changes, ChangeNewConcern)
			kept = append(kept, p)
			continue
		}
		p.ActionStatus = "actioned " + last.Date.UK() + " (" + last.Kind.Label + "), no new concern since"
		if markOnly {
			p.Changes = append(p.Changes, ChangeActioned)
			kept = append(kept, p)
			continue
		}
		hidden++
	}
	r.Pupils = kept
	if hidden > 0 {
		loc := quality.Loc{}
		if r.Actions != nil {
			loc.File = r.Actions.Info.Path
		}
		r.Quality.Find("actioned_hidden", loc, fmt.Sprintf("%d %s with an action in the last %d days and no new concern since (--hide-actioned; --mark-actioned lists them marked)", hidden, map[bool]string{true: "pupil", false: "pupils"}[hidden == 1], days))
	}
}
