package analysis

import (
	"fmt"
	"sort"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// LeftRoll is a child whose marks stop before the end of their school's
// data and who is on no other school's roll in the run after that: a child
// possibly missing education until the school's deletion return, the
// destination and the children-missing-education procedures say otherwise.
type LeftRoll struct {
	School string
	// LastDay is the child's last marked day at the school; SchoolDaysAfter
	// counts the school's own school days after it, to the end of its data.
	LastDay         register.Day
	SchoolDaysAfter int
	// Before leaving: the sessions in the last LeavingWindow school days on
	// roll (the school's calendar), unexplained (N, O) first.
	Unexplained, Absent, Possible int
}

// Move is a child who left one school and joined another in the run: one
// history, with the school days between the two rolls counted on the
// joining school's calendar (the days the child could have been at their
// new school; neither school marked them on any of them).
type Move struct {
	From, To     string
	Left, Joined register.Day
	GapDays      int
}

// LeavingWindow is the number of school days before leaving whose absence
// a left-the-roll finding reports (four school weeks: a local choice, long
// enough to show whether the absence came before the leaving).
const LeavingWindow = 20

// LeftAfter is the number of the school's own school days after a child's
// last mark that makes them a leaver: a school week, so that a child simply
// not yet marked on the export's last day or two is not called one (a local
// choice).
const LeftAfter = 5

// findMovers sets Left and Moves on every child. Both are counted on the
// school's own calendar (see metrics.Calendars), so another school's
// holidays neither make nor hide a leaver.
func findMovers(ps []*Pupil, cals *metrics.Calendars, from, to register.Day) {
	var one [1]*register.Pupil
	for _, p := range ps {
		if p.reg == nil || p.Aggregate || !p.reg.HasMarks() {
			continue
		}
		// One school (nearly every child): no list, no sort, nothing
		// allocated; only the child view of several enrolments needs them.
		var es []*register.Pupil
		if p.reg.Combined() {
			es = marked(p.reg.Enrolments())
		} else {
			one[0] = p.reg
			es = one[:]
		}
		if len(es) == 0 {
			continue
		}
		sort.SliceStable(es, func(i, j int) bool {
			fi, _ := es[i].Span()
			fj, _ := es[j].Span()
			return fi < fj
		})
		// Moves: an enrolment that ends before the next begins (an overlap
		// is dual registration, not a move).
		for i := 0; i+1 < len(es); i++ {
			_, al := es[i].Span()
			bf, _ := es[i+1].Span()
			if al >= bf || es[i].Info.School == es[i+1].Info.School {
				continue
			}
			cal := cals.For(es[i+1])
			gap := cal.CountTo(bf-1) - cal.CountTo(al)
			p.Moves = append(p.Moves, Move{From: es[i].Info.School, To: es[i+1].Info.School, Left: al, Joined: bf, GapDays: gap})
		}
		// Left the roll: the enrolment that ends last ends before its
		// school's data does.
		last := es[0]
		_, ll := last.Span()
		for _, e := range es[1:] {
			if _, l := e.Span(); l > ll {
				last, ll = e, l
			}
		}
		cal := cals.For(last)
		end, ok := cal.Last()
		if !ok {
			continue
		}
		if to != 0 && end > to {
			end = to
		}
		if ll >= end || (from != 0 && ll < from) {
			continue
		}
		after := cal.CountTo(end) - cal.CountTo(ll)
		if after < LeftAfter {
			continue
		}
		lr := &LeftRoll{School: last.Info.School, LastDay: ll, SchoolDaysAfter: after}
		hi := cal.CountTo(ll) - 1
		for i := max(0, hi-LeavingWindow+1); i <= hi; i++ {
			d := cal.Day(i)
			for _, s := range []register.Session{register.AM, register.PM} {
				id := last.Mark(d, s)
				if !countsPossible(id, d) {
					continue
				}
				lr.Possible++
				m := mark.Get(id)
				if m.Category.Absent() {
					lr.Absent++
				}
				if m.Code == "N" || m.Code == "O" {
					lr.Unexplained++
				}
			}
		}
		p.Left = lr
	}
}

func schoolName(s string) string {
	if s == "" {
		return "a file naming no school"
	}
	return s
}

func countsPossible(id mark.ID, d register.Day) bool {
	if id == 0 {
		return false
	}
	return mark.CategoryOn(id, d.Time()).Possible()
}

func marked(es []*register.Pupil) []*register.Pupil {
	var out []*register.Pupil
	for _, e := range es {
		if e.HasMarks() {
			out = append(out, e)
		}
	}
	return out
}

// Summary is the one-line account of a left-the-roll finding, unexplained
// absence first, for explain and the outputs.
func (l *LeftRoll) Summary() string {
	return fmt.Sprintf("%s, last marked %s, %d school days before the end of its data, at no other school in the run; in the last %d school days on roll %d unexplained (N, O) and %d absent of %d possible sessions. Check the deletion return, the destination and the children-missing-education procedures.",
		schoolName(l.School), l.LastDay.UK(), l.SchoolDaysAfter, LeavingWindow, l.Unexplained, l.Absent, l.Possible)
}

// Summary is the one-line account of a move between schools.
func (m Move) Summary() string {
	return fmt.Sprintf("from %s (last marked %s) to %s (first marked %s): %d school days missed between the rolls",
		schoolName(m.From), m.Left.UK(), schoolName(m.To), m.Joined.UK(), m.GapDays)
}
