package analysis

import (
	"fmt"
	"sort"
)

// Severely absent without a plan: the termly meetings between a school and
// its local authority go through "pupils who are severely absent and do not
// have a plan in place" (the Bury attendance briefing), school by school.

// The kinds of outstanding item for children on the move and severe
// absence (see Outstanding).
const (
	DueSevereNoPlan = "severe_no_plan"
	DueLeftRoll     = "left_roll"
)

// planColumns are the context columns that record a plan, first found
// wins: a yes/no flag, or text read as the support state is ("In place",
// "Open", "Active", "Y" are a plan; "Closed", "None", "N", "Declined",
// "Offered" are not: an offer or a refusal is not a plan in place).
var planColumns = []string{"attendance_plan", "plan_in_place", "plan", "support_plan"}

// Plan reports whether the context records a plan in place for the pupil,
// and what it was read from. Without a plan column, an engaged support
// state (support_state "engaged", "In place", "Open") is the plan; without
// either, no plan is recorded.
func (p *Pupil) Plan() (has bool, from string) {
	for _, col := range planColumns {
		v, ok := p.Context[col]
		if !ok {
			continue
		}
		switch x := v.(type) {
		case bool:
			return x, "context." + col
		case string:
			return classifySupport(x) == SupportEngaged, "context." + col
		default:
			return false, "context." + col
		}
	}
	if p.Support == SupportEngaged {
		return true, "support state"
	}
	return false, ""
}

// SevereNoPlan lists, school by school (in school order) and then in
// priority order, the severely absent pupils (50% or more of possible
// sessions) with no plan recorded (see Plan). A dual-registered child is
// listed under the child view's school ("Oak Primary + Riverside PRU").
func (r *Result) SevereNoPlan() []Item {
	var out []Item
	for _, p := range r.All {
		if p.Aggregate || !p.SA() {
			continue
		}
		has, from := p.Plan()
		if has {
			continue
		}
		why := "no plan recorded (no plan value and no engaged support state in the context)"
		if r.Context == nil {
			why = "no context file given, so no plan is known"
		} else if from != "" {
			why = "no plan in place recorded in " + from
		}
		f := p.Figures
		out = append(out, Item{p, DueSevereNoPlan, 0, fmt.Sprintf("%s: severely absent (%d of %d possible sessions) and %s: for the termly meeting with the local authority",
			schoolName(p.Info.School), f.Absent(), f.Possible, why)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pupil.Info.School < out[j].Pupil.Info.School })
	return out
}

// leftRollItems lists the children who left the roll (see LeftRoll).
func (r *Result) leftRollItems() []Item {
	var out []Item
	for _, p := range r.All {
		if p.Left != nil {
			out = append(out, Item{p, DueLeftRoll, 0, p.Left.Summary()})
		}
	}
	return out
}
