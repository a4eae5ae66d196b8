package analysis

import (
	"fmt"
	"sort"

	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// Input is what one run reads.
type Input struct {
	Files  []string
	Ingest ingest.Options
	// From and To bound the window (inclusive); zero means the whole data.
	From, To register.Day
	// ExampleLimit is how many places each data-quality reason lists (0:
	// the default few).
	ExampleLimit int
}

// Pupil is one pupil's result.
type Pupil struct {
	ID      string
	Info    register.Info
	First   register.Day // first and last session in the window (0 for counts-only pupils)
	Last    register.Day
	Figures metrics.Figures
	// Aggregate is a summary row for a school or area, not a pupil.
	Aggregate bool
}

// PA reports persistent absence. It is decided pupil by pupil, so a school
// or area row is never a persistent absentee, whatever its rate.
func (p *Pupil) PA() bool { return !p.Aggregate && p.Figures.Persistent() }

// SA reports severe absence, likewise for pupils only.
func (p *Pupil) SA() bool { return !p.Aggregate && p.Figures.Severe() }

// Result is a whole run.
type Result struct {
	Pupils  []*Pupil // priority order
	Totals  metrics.Figures
	Quality *quality.Report
	// From and To are the window actually covered: the requested bounds, or
	// the first and last dates in the data.
	From, To register.Day
}

// Persistent counts the persistently absent pupils.
func (r *Result) Persistent() (pa, sa, assessable int) {
	for _, p := range r.Pupils {
		if p.PA() {
			pa++
		}
		if p.SA() {
			sa++
		}
		if p.Figures.Assessable() && !p.Aggregate {
			assessable++
		}
	}
	return pa, sa, assessable
}

// Run reads every file and measures every pupil.
func Run(in Input) (*Result, error) {
	if in.From != 0 && in.To != 0 && in.From > in.To {
		return nil, fmt.Errorf("--from %s is after --to %s", in.From.UK(), in.To.UK())
	}
	q := quality.New()
	q.Limit = in.ExampleLimit
	b := register.NewBuilder(q)
	b.From, b.To = in.From, in.To
	for _, f := range in.Files {
		if err := ingest.ReadFile(f, in.Ingest, b); err != nil {
			return nil, err
		}
	}
	if err := q.Balanced(); err != nil {
		return nil, err
	}
	reg := b.Reg
	res := &Result{Quality: q, From: in.From, To: in.To}
	if first, last, ok := reg.Span(); ok {
		if res.From == 0 || res.From < first {
			res.From = first
		}
		if res.To == 0 || res.To > last {
			res.To = last
		}
	}
	res.Totals.Codes = nil
	for _, p := range reg.Pupils() {
		f := metrics.Compute(p, in.From, in.To)
		pr := &Pupil{ID: p.ID, Info: p.Info, Figures: f, Aggregate: p.Aggregate}
		if p.HasMarks() {
			pr.First, pr.Last = p.Span()
			if in.From != 0 && pr.First < in.From {
				pr.First = in.From
			}
			if in.To != 0 && pr.Last > in.To {
				pr.Last = in.To
			}
		}
		if !p.Aggregate {
			// Group rows (schools, areas) are not summed into the headline:
			// a file of LA, regional and national rows would count every
			// session three times.
			res.Totals.Add(f)
		}
		q.MissingMarks += f.Missing
		res.Pupils = append(res.Pupils, pr)
	}
	Rank(res.Pupils)
	return res, nil
}

// Rank puts pupils in priority order: severe absence first, then persistent,
// then by absence rate (compared as exact fractions, so 1/3 and 33.33% never
// tie by accident), then more possible sessions (more evidence) first, then
// pupil id so the order is total and stable. Pupils who cannot be assessed go
// last.
func Rank(ps []*Pupil) {
	sort.SliceStable(ps, func(i, j int) bool { return less(ps[i], ps[j]) })
}

func less(a, b *Pupil) bool {
	fa, fb := a.Figures, b.Figures
	if fa.Assessable() != fb.Assessable() {
		return fa.Assessable()
	}
	if a.SA() != b.SA() {
		return a.SA()
	}
	if a.PA() != b.PA() {
		return a.PA()
	}
	// a's rate > b's rate  <=>  absA*possB > absB*possA (both possible > 0).
	x, y := int64(fa.Absent())*int64(fb.Possible), int64(fb.Absent())*int64(fa.Possible)
	if x != y {
		return x > y
	}
	if fa.Possible != fb.Possible {
		return fa.Possible > fb.Possible
	}
	return a.ID < b.ID
}
