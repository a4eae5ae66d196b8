package analysis

import (
	"fmt"
	"sort"

	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/rule"
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

	// NoRules skips the rules stage (figures only).
	NoRules bool
	// RulesFile is a rules file; empty means the embedded default set.
	// RulesData, when set, is its content (tests).
	RulesFile string
	RulesData []byte
	// ContextFile is an optional pupil context file.
	ContextFile string
	// MinSessions is the enough_data guard (0: metrics.DefaultMinSessions).
	MinSessions int
	// FamilyColumn is the context column that groups siblings.
	FamilyColumn string
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

	Patterns   metrics.Patterns
	Context    map[string]any
	SiblingsPA int
	SiblingsSA int
	// Changes are what changed since an earlier run (see package compare).
	Changes []string
	// Outcome is the rules' verdict: score, tier, the factors that fired
	// with their evidence, and the next steps. Nil for group rows, and when
	// the rules stage was skipped.
	Outcome *rule.Outcome

	// The judgement's facts (see judgement.go): absence by cause, age on
	// the last day, the support state as read from the context (and the
	// value as written), and whether social care is involved.
	Causes     metrics.Causes
	Age        Age
	Support    string
	SupportRaw string
	SocialCare bool
	// Concern and OpenConcern say what makes the pupil's own attendance
	// concern and what keeps a concern open (empty: none), as the rules
	// read them.
	Concern, OpenConcern []string
}

// PA reports persistent absence. It is decided pupil by pupil, so a school
// or area row is never a persistent absentee, whatever its rate.
func (p *Pupil) PA() bool { return !p.Aggregate && p.Figures.Persistent() }

// SA reports severe absence, likewise for pupils only.
func (p *Pupil) SA() bool { return !p.Aggregate && p.Figures.Severe() }

// Result is a whole run.
type Result struct {
	Pupils []*Pupil // priority order; --top and --tier shorten it
	// All is every pupil in priority order: the headline figures are
	// always the whole cohort's, whatever is shown.
	All     []*Pupil
	Totals  metrics.Figures
	Quality *quality.Report
	// From and To are the window actually covered: the requested bounds, or
	// the first and last dates in the data.
	From, To register.Day

	Rules    *rule.Set
	Context  *ingest.Context
	Register *register.Register
	Calendar *metrics.Calendar
	// End is the last school day the patterns were measured to.
	End register.Day
}

// Persistent counts the persistently absent pupils.
func (r *Result) Persistent() (pa, sa, assessable int) {
	for _, p := range r.All {
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
	res := &Result{Quality: q, From: in.From, To: in.To, Register: reg}
	if first, last, ok := reg.Span(); ok {
		if res.From == 0 || res.From < first {
			res.From = first
		}
		if res.To == 0 || res.To > last {
			res.To = last
		}
	}
	res.Totals.Codes = nil
	// Figures pupil by pupil on every core; totals after, in id order.
	regPupils := reg.Pupils()
	figures := make([]metrics.Figures, len(regPupils))
	parallel(len(regPupils), func(i int) { figures[i] = metrics.Compute(regPupils[i], in.From, in.To) })
	for i, p := range regPupils {
		f := figures[i]
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
	if !in.NoRules {
		if err := applyRules(in, res, reg, q); err != nil {
			return nil, err
		}
	} else {
		for _, p := range res.Pupils {
			p.judge(res.To) // the cause breakdown is in every output
		}
	}
	Rank(res.Pupils, res.Rules)
	res.All = append([]*Pupil(nil), res.Pupils...)
	return res, nil
}

// Rank puts pupils in priority order. With rules: by tier (highest first),
// then score; then, and without rules: severe absence first, then
// persistent, then by absence rate (compared as exact fractions, so 1/3 and
// 33.33% never tie by accident), then more possible sessions (more evidence)
// first, then pupil id so the order is total and stable. Pupils who cannot
// be assessed, and group rows, go last.
func Rank(ps []*Pupil, set *rule.Set) {
	sort.SliceStable(ps, func(i, j int) bool { return less(ps[i], ps[j], set) })
}

func less(a, b *Pupil, set *rule.Set) bool {
	fa, fb := a.Figures, b.Figures
	if a.Aggregate != b.Aggregate {
		return !a.Aggregate
	}
	if fa.Assessable() != fb.Assessable() {
		return fa.Assessable()
	}
	if set != nil && a.Outcome != nil && b.Outcome != nil {
		ta, tb := set.TierIndex(a.Outcome.Tier), set.TierIndex(b.Outcome.Tier)
		if ta != tb {
			return ta < tb
		}
		if a.Outcome.Score != b.Outcome.Score {
			return a.Outcome.Score > b.Outcome.Score
		}
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

// FilterTier keeps the pupils in the named tier or a higher one.
func (r *Result) FilterTier(name string) {
	limit := r.Rules.TierIndex(name)
	kept := r.Pupils[:0]
	for _, p := range r.Pupils {
		if p.Outcome != nil && r.Rules.TierIndex(p.Outcome.Tier) <= limit {
			kept = append(kept, p)
		}
	}
	r.Pupils = kept
}

// Limit keeps the first n pupils of the list.
func (r *Result) Limit(n int) {
	if n < len(r.Pupils) {
		r.Pupils = r.Pupils[:n]
	}
}
