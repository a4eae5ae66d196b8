package analysis

import (
	"fmt"
	"sort"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// Outstanding work: the follow-ups that are due on the last day analysed.

// The kinds of outstanding item.
const (
	DueReview      = "review_overdue"
	DueNCodes      = "n_codes_unresolved"
	DueNoAction    = "no_action_recorded"
	DuePartTimeRev = "part_time_review"
)

// Item is one follow-up that is due.
type Item struct {
	Pupil *Pupil
	Kind  string
	// Due is when it fell due (0: now).
	Due    register.Day
	Detail string
}

// Outstanding lists the follow-ups due on the last day analysed, oldest
// first: reviews in the actions log past their date (the latest action of
// its kind, so a review that was held and recorded is no longer due), N
// codes not resolved within 5 school days, and, with an actions log, pupils
// in tier minTier or above with no action recorded at all. Part-time
// timetables (C2) in the data with no review recorded in the log are
// listed too: they must be reviewed regularly. Then the children who left
// the roll (a deletion-return and children-missing-education check), and
// each school's severely absent pupils with no plan (see SevereNoPlan).
func (r *Result) Outstanding(minTier string) []Item {
	end := r.End
	if end == 0 {
		end = r.To
	}
	limit := -1
	if r.Rules != nil && minTier != "" {
		limit = r.Rules.TierIndex(minTier)
	}
	var out []Item
	for _, p := range r.All {
		if p.Aggregate {
			continue
		}
		latest := map[string]int{}
		for i, a := range p.Actions {
			latest[a.Kind.ID] = i
		}
		for i, a := range p.Actions {
			if a.Review != 0 && a.Review < end && latest[a.Kind.ID] == i {
				out = append(out, Item{p, DueReview, a.Review, fmt.Sprintf("review of the %s of %s was due %s, %d days before %s; no later %s recorded", a.Kind.Label, a.Date.UK(), a.Review.UK(), int(end-a.Review), end.UK(), a.Kind.Label)})
			}
		}
		if n := int(p.Patterns.UnresolvedN); n > 0 {
			out = append(out, Item{p, DueNCodes, 0, fmt.Sprintf("%d %s still coded N after 5 school days: find the reason and replace the code", n, plural1(n, "session"))})
		}
		if p.Patterns.PartTimeSessions > 0 && r.Actions != nil && !hasReview(p) {
			out = append(out, Item{p, DuePartTimeRev, 0, fmt.Sprintf("part-time timetable (C2, %s) and no review date in the actions log", plural(int(p.Patterns.PartTimeSessions), "session"))})
		}
		if r.Actions != nil && limit >= 0 && len(p.Actions) == 0 && p.Outcome != nil && r.Rules.TierIndex(p.Outcome.Tier) <= limit {
			out = append(out, Item{p, DueNoAction, 0, fmt.Sprintf("tier %s and no action recorded", p.Outcome.Tier)})
		}
	}
	out = append(out, r.leftRollItems()...)
	out = append(out, r.SevereNoPlan()...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Due != out[j].Due {
			return out[i].Due != 0 && (out[j].Due == 0 || out[i].Due < out[j].Due)
		}
		return false // the pupils' priority order otherwise
	})
	return out
}

func hasReview(p *Pupil) bool {
	for _, a := range p.Actions {
		if a.Review != 0 {
			return true
		}
	}
	return false
}

func plural1(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
