package analysis

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// Impact: attendance before and after each pupil's first action of each
// kind in the actions log, in windows of the same number of school days.
//
// It is a before/after comparison, not a controlled study. A pupil is
// usually actioned when their attendance is at its worst, so it tends to
// improve afterwards whatever was done (regression to the mean); other
// support, illness going round and the time of year move it too. Nothing
// here says an action caused a change, and the caveat travels with every
// output.

// ImpactCaveat is printed with every impact output.
const ImpactCaveat = "A before/after comparison, not a controlled study: it does not show that an action caused any change. " +
	"Pupils are often actioned when their attendance is at its worst, so it tends to recover anyway (regression to the mean); " +
	"other support, illness and the time of year also move it."

// Defaults for the impact windows.
const (
	DefaultImpactDays     = 20 // school days each side (40 sessions)
	DefaultSuppressBelow  = 5  // action kinds with fewer pupils are not summarised
	MinImpactDays         = 5  // windows shortened below this are left out
	impactStatusShortened = "shortened"
)

// ImpactOptions configure Impact.
type ImpactOptions struct {
	// Days is the window length each side of the action, in school days
	// (0: DefaultImpactDays).
	Days int
	// SuppressBelow: an action kind with fewer pupils than this has its
	// median and share suppressed (0: DefaultSuppressBelow).
	SuppressBelow int
}

// ImpactRow is one pupil's first action of one kind.
type ImpactRow struct {
	Pupil *Pupil
	Kind  string // the action kind's id
	Label string
	Date  register.Day
	// Days is the school days each window covers: the requested length,
	// or fewer when the data ends (or starts) too near the action, in
	// which case Note says so. Both windows always have the same length.
	Days int
	// Before and After are the windows' first and last school days and the
	// pupil's figures in them.
	BeforeFrom, BeforeTo register.Day
	AfterFrom, AfterTo   register.Day
	Before, After        metrics.Figures
	// Included is false when the pupil is left out of the summary; Note
	// gives the reason.
	Included bool
	Note     string
}

// BeforePct and AfterPct are attendance as a percentage of possible
// sessions; Change is their difference in percentage points.
func (r ImpactRow) BeforePct() float64 { return r.Before.Pct(r.Before.Attended()) }
func (r ImpactRow) AfterPct() float64  { return r.After.Pct(r.After.Attended()) }
func (r ImpactRow) Change() float64    { return r.AfterPct() - r.BeforePct() }

// ImpactKind is one action kind across the cohort.
type ImpactKind struct {
	Kind, Label string
	Pupils      int // pupils included
	// Suppressed says fewer than SuppressBelow pupils: Median and Improved
	// are not given.
	Suppressed bool
	Median     float64 // median change, percentage points
	Improved   int     // pupils whose attendance rose
}

// ImprovedShare is the share who improved, as a percentage.
func (k ImpactKind) ImprovedShare() float64 {
	if k.Pupils == 0 {
		return 0
	}
	return 100 * float64(k.Improved) / float64(k.Pupils)
}

// ImpactReport is the whole comparison.
type ImpactReport struct {
	Days, SuppressBelow int
	Rows                []ImpactRow
	Kinds               []ImpactKind
	Caveat              string
}

// Impact compares each pupil's attendance in the Days school days before
// their first action of each kind with the Days school days after it.
//
// School days are the pupil's own school's (days it was open to some of its
// pupils, as the register's calendar decides them), so weekends, holidays
// and whole-school closures (#) are not counted, a window spanning
// half-term reaches past it, and in an authority's register one school's
// half-term is not another's. The action's own
// day is in neither window: the action may have come before or after that
// day's sessions. When the data has fewer than Days school days after (or
// before) the action, both windows are shortened to the shorter, so the
// comparison stays like for like, and the row says so; below MinImpactDays
// the pupil is left out with the reason, as they are when either window
// has no possible session for them (not on roll, or the summary layout,
// which has no dates).
func (r *Result) Impact(o ImpactOptions) *ImpactReport {
	if o.Days <= 0 {
		o.Days = DefaultImpactDays
	}
	if o.SuppressBelow <= 0 {
		o.SuppressBelow = DefaultSuppressBelow
	}
	rep := &ImpactReport{Days: o.Days, SuppressBelow: o.SuppressBelow, Caveat: ImpactCaveat}
	minDays := min(MinImpactDays, o.Days)
	for _, p := range r.All {
		if p.Aggregate {
			continue
		}
		seen := map[string]bool{}
		for _, a := range p.Actions {
			if seen[a.Kind.ID] {
				continue // the first of each kind: later ones fall in its after-window
			}
			seen[a.Kind.ID] = true
			row := ImpactRow{Pupil: p, Kind: a.Kind.ID, Label: a.Kind.Label, Date: a.Date}
			impactWindows(&row, r.schoolDays(p.Marks()), o.Days, minDays)
			rep.Rows = append(rep.Rows, row)
		}
	}
	sort.SliceStable(rep.Rows, func(i, j int) bool {
		a, b := rep.Rows[i], rep.Rows[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		return a.Pupil.ID < b.Pupil.ID
	})
	rep.Kinds = summariseImpact(rep.Rows, o.SuppressBelow)
	return rep
}

// schoolDays are the school days of a pupil's own school (or schools),
// within from..to (0: no bound), from the run's per-school calendars: an
// authority's schools take their half-terms and INSET days on different
// dates, and another school's open days are not this pupil's.
func (r *Result) schoolDays(rp *register.Pupil) []register.Day {
	if rp == nil || r.Calendars == nil {
		return nil
	}
	days := r.Calendars.For(rp).Days()
	lo, hi := 0, len(days)
	for lo < hi && r.From != 0 && days[lo] < r.From {
		lo++
	}
	for hi > lo && r.To != 0 && days[hi-1] > r.To {
		hi--
	}
	return days[lo:hi]
}

func impactWindows(row *ImpactRow, days []register.Day, want, minDays int) {
	rp := row.Pupil.Marks()
	if len(days) == 0 || rp == nil || !rp.HasMarks() {
		row.Note = "left out: no dated marks for this pupil"
		return
	}
	// days[:nb] are the school days before the action day, days[na0:]
	// those after it.
	nb, _ := slices.BinarySearch(days, row.Date)
	na0, _ := slices.BinarySearch(days, row.Date+1)
	avBefore, avAfter := nb, len(days)-na0
	n := min(want, avBefore, avAfter)
	if n < minDays {
		switch {
		case avAfter < minDays:
			row.Note = fmt.Sprintf("left out: only %s of data after the action (at least %d needed)", plural(avAfter, "school day"), minDays)
		default:
			row.Note = fmt.Sprintf("left out: only %s of data before the action (at least %d needed)", plural(avBefore, "school day"), minDays)
		}
		return
	}
	row.Days = n
	row.BeforeFrom, row.BeforeTo = days[nb-n], days[nb-1]
	row.AfterFrom, row.AfterTo = days[na0], days[na0+n-1]
	row.Before = metrics.Compute(rp, row.BeforeFrom, row.BeforeTo)
	row.After = metrics.Compute(rp, row.AfterFrom, row.AfterTo)
	switch {
	case row.Before.Possible == 0:
		row.Note = "left out: no possible sessions in the before-window (not on roll)"
		return
	case row.After.Possible == 0:
		row.Note = "left out: no possible sessions in the after-window (not on roll)"
		return
	}
	row.Included = true
	if n < want {
		side := "after"
		if avBefore < avAfter {
			side = "before"
		}
		row.Note = fmt.Sprintf("%s: only %s of data %s the action, so both windows are %d", impactStatusShortened, plural(n, "school day"), side, n)
	}
}

func summariseImpact(rows []ImpactRow, suppress int) []ImpactKind {
	var out []ImpactKind
	byKind := map[string]int{}
	changes := map[string][]float64{}
	for _, r := range rows {
		i, ok := byKind[r.Kind]
		if !ok {
			i = len(out)
			byKind[r.Kind] = i
			out = append(out, ImpactKind{Kind: r.Kind, Label: r.Label})
		}
		if !r.Included {
			continue
		}
		k := &out[i]
		k.Pupils++
		c := roundPoints(r.Change())
		changes[r.Kind] = append(changes[r.Kind], c)
		if c > 0 {
			k.Improved++
		}
	}
	for i := range out {
		k := &out[i]
		if k.Pupils < suppress {
			k.Suppressed, k.Improved = true, 0
			continue
		}
		k.Median = medianPoints(changes[k.Kind])
	}
	return out
}

// roundPoints rounds a change to the two decimal places every output shows,
// so "improved" agrees with the printed figure (a change of +0.001 points
// is shown, and counted, as none).
func roundPoints(x float64) float64 { return math.Round(x*100) / 100 }

func medianPoints(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return roundPoints((s[n/2-1] + s[n/2]) / 2)
}
