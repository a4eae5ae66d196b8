package analysis

import (
	"context"
	"fmt"
	"sort"

	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// A backtest measures the rules against the school's own history: the
// rules are applied to the data up to a date, as a run with --to DATE would
// see it (marks after the date are outside the window, so no figure,
// pattern or rule can read them), and the pupils flagged then are compared
// with the figures of the whole data. It says how often the rules' flags
// were followed by persistent or severe absence at this school; it is not a
// prediction about any child.

// BacktestRow is one group of pupils selected at the date: a tier, every
// pupil flagged (in a tier above the lowest), or one risk factor.
type BacktestRow struct {
	// Kind is "flagged", "tier" or "factor"; Name the tier or factor id
	// (empty for flagged); Label the factor's label.
	Kind, Name, Label string
	// Pupils is how many assessable pupils the group selected at the date.
	Pupils int
	// PA and SA are how many of them were persistently (10%+) or severely
	// (50%+) absent in the whole data; AlreadyPA how many of those PA were
	// already persistently absent at the date, BecamePA how many were not.
	PA, SA, AlreadyPA, BecamePA int
	// MissedPA and MissedSA are the assessable pupils persistently or
	// severely absent in the whole data whom the group did not select.
	MissedPA, MissedSA int
	// WarningWeeks are, for each pupil counted in BecamePA, the weeks of
	// warning (see Backtest), sorted; MedianWeeks their median (0 when
	// there are none).
	WarningWeeks []int
	MedianWeeks  float64
}

// BacktestPoint is one --at date's comparison.
type BacktestPoint struct {
	At register.Day
	// From is the window's first day (the run's); End the last day of the
	// data the outcome is measured to.
	From, End register.Day
	// Pupils is every pupil in the whole data (group rows excluded).
	// Assessable pupils had enough data at the date (the minimum-sessions
	// guard, or a new starter absent since joining, as the rules read
	// enough_data); the others, NotAssessable, are counted, never
	// dropped: NotAssessablePA and NotAssessableSA are how many of them
	// were persistently or severely absent in the whole data.
	Pupils, Assessable, NotAssessable int
	NotAssessablePA, NotAssessableSA  int
	// PA and SA count the assessable pupils persistently or severely
	// absent in the whole data; PAAtDate those already PA at the date.
	PA, SA, PAAtDate int
	// Flagged and NotFlagged split Assessable: flagged is a tier above the
	// rules' lowest.
	Flagged, NotFlagged int
	Rows                []BacktestRow
}

// Backtest is a whole backtest: the full data's run and one point a date.
type Backtest struct {
	Full   *Result
	Points []BacktestPoint
}

// RangeError is an --at date outside the data.
type RangeError struct{ At, First, Last register.Day }

func (e *RangeError) Error() string {
	return fmt.Sprintf("--at %s is outside the data, which runs from %s to %s", e.At.UK(), e.First.UK(), e.Last.UK())
}

// Backtest runs the rules on the whole data, then once for each date with
// the window ending on that date, and compares. The context file and the
// rules are read once (in Prepare); the registers are read again for each
// date, since the window is applied as they are read, which is how --to
// keeps later marks out of every stage.
//
// Weeks of warning: for a pupil selected at the date who was not
// persistently absent then but was by the end, the number of weeks after
// the date until their figures, counted from the window's start, first
// reached 10%: checked at DATE+7 days, DATE+14, and so on, the last check
// being the end of the data. A pupil already persistently absent at the
// date gets no warning weeks (AlreadyPA): the flag told nothing new.
func (p *Prepared) Backtest(ctx context.Context, ats []register.Day) (*Backtest, error) {
	if p.Rules == nil {
		return nil, fmt.Errorf("a backtest needs the rules")
	}
	full, err := p.Run(ctx)
	if err != nil {
		return nil, err
	}
	if err := full.Usable(); err != nil {
		return nil, err
	}
	for _, at := range ats {
		if at < full.From || at > full.To {
			return nil, &RangeError{At: at, First: full.From, Last: full.To}
		}
	}
	bt := &Backtest{Full: full}
	for _, at := range ats {
		q := *p
		q.in.From, q.in.To = full.From, at
		// Actions after the date were not known then; the actions log is
		// joined up to the last day analysed, so the window does that.
		res, err := q.Run(ctx)
		if err != nil {
			return nil, fmt.Errorf("--at %s: %w", at.UK(), err)
		}
		bt.Points = append(bt.Points, p.point(full, res, at))
	}
	return bt, nil
}

// point compares one date's run with the full run.
func (p *Prepared) point(full, then *Result, at register.Day) BacktestPoint {
	minSessions := p.in.MinSessions
	if minSessions <= 0 {
		minSessions = metrics.DefaultMinSessions
	}
	// Each child at the date is matched by the register's key (a UPN
	// alone, a local id with its school): admission number 1001 at two
	// schools is two children, each compared with itself.
	byKey := map[string]*Pupil{}
	for _, pp := range then.All {
		if !pp.Aggregate {
			byKey[register.ChildKey(pp.Info.School, pp.ID)] = pp
		}
	}
	lowest := p.Rules.Tiers[len(p.Rules.Tiers)-1].Name
	pt := BacktestPoint{At: at, From: full.From, End: full.To}
	type pupil struct {
		then          *Pupil
		pa, sa, paNow bool
		weeks         int
	}
	var ps []pupil
	for _, fp := range full.All {
		if fp.Aggregate {
			continue
		}
		pt.Pupils++
		tp := byKey[register.ChildKey(fp.Info.School, fp.ID)]
		if tp == nil || tp.Outcome == nil || !(tp.Figures.Possible >= minSessions || tp.JoinedAbsent) || !tp.Figures.Assessable() {
			pt.NotAssessable++
			if fp.PA() {
				pt.NotAssessablePA++
			}
			if fp.SA() {
				pt.NotAssessableSA++
			}
			continue
		}
		x := pupil{then: tp, pa: fp.PA(), sa: fp.SA(), paNow: tp.PA()}
		if x.pa && !x.paNow {
			x.weeks = weeksToPA(fp, full.From, at, full.To)
		}
		ps = append(ps, x)
		pt.Assessable++
		if x.pa {
			pt.PA++
		}
		if x.sa {
			pt.SA++
		}
		if x.paNow {
			pt.PAAtDate++
		}
		if tp.Outcome.Tier != lowest {
			pt.Flagged++
		} else {
			pt.NotFlagged++
		}
	}
	row := func(kind, name, label string, sel func(*Pupil) bool) BacktestRow {
		r := BacktestRow{Kind: kind, Name: name, Label: label}
		for _, x := range ps {
			if !sel(x.then) {
				if x.pa {
					r.MissedPA++
				}
				if x.sa {
					r.MissedSA++
				}
				continue
			}
			r.Pupils++
			if x.sa {
				r.SA++
			}
			if !x.pa {
				continue
			}
			r.PA++
			if x.paNow {
				r.AlreadyPA++
			} else {
				r.BecamePA++
				r.WarningWeeks = append(r.WarningWeeks, x.weeks)
			}
		}
		sort.Ints(r.WarningWeeks)
		r.MedianWeeks = median(r.WarningWeeks)
		return r
	}
	pt.Rows = append(pt.Rows, row("flagged", "", "", func(pp *Pupil) bool { return pp.Outcome.Tier != lowest }))
	for _, t := range p.Rules.Tiers {
		name := t.Name
		pt.Rows = append(pt.Rows, row("tier", name, "", func(pp *Pupil) bool { return pp.Outcome.Tier == name }))
	}
	for i := range p.Rules.Factors {
		f := &p.Rules.Factors[i]
		if f.Kind != "risk" {
			continue
		}
		id := f.ID
		pt.Rows = append(pt.Rows, row("factor", id, f.Label, func(pp *Pupil) bool {
			for _, fi := range pp.Outcome.Fired {
				if fi.Factor.ID == id {
					return true
				}
			}
			return false
		}))
	}
	return pt
}

// weeksToPA is the weeks after at until the pupil's figures from the
// window's start first reached 10% (see Backtest). The check at end is the
// whole data's figures, which are PA, so it always finds one.
func weeksToPA(p *Pupil, from, at, end register.Day) int {
	for k := 1; ; k++ {
		d := at + register.Day(7*k)
		if d >= end {
			return k
		}
		if p.reg != nil && metrics.Compute(p.reg, from, d).Persistent() {
			return k
		}
	}
}

// median of sorted whole numbers; 0 for none.
func median(xs []int) float64 {
	n := len(xs)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return float64(xs[n/2])
	}
	return float64(xs[n/2-1]+xs[n/2]) / 2
}
