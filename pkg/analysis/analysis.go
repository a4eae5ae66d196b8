package analysis

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/actions"
	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/mark"
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
	// Year, without From and To, is the academic year to analyse in place
	// of the latest in the data: inspect sets it to the year that analyse
	// would choose for all the files given together, so each file is
	// inspected as that run would read it. Zero: the latest.
	Year register.AcademicYear
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
	// ActionsFile is an optional actions log (see package actions).
	ActionsFile string
	// HideActioned, when positive, leaves out of Pupils (never All) the
	// pupils whose latest action is within that many days of the last day
	// analysed and who have no new concern since; MarkActioned keeps them,
	// marked (see applyActioned).
	HideActioned int
	MarkActioned bool
	// MinSessions is the enough_data guard (0: metrics.DefaultMinSessions).
	MinSessions int
	// FamilyColumn is the context column that groups siblings.
	FamilyColumn string
	// DropRegister lets the run drop the register (every pupil's marks)
	// once the figures, patterns and movers are made from it, before the
	// rules (see releaseMarks), for a caller whose outputs read only the
	// results: the marks and enrolments are a third of an authority's
	// memory. Result.Register and Pupil.Marks are then nil, as after
	// Pseudonymise; the figures on DfE's basis are kept. Such a run also
	// collects its garbage at the two points where it has just made most
	// of it (see collect).
	DropRegister bool
}

// Pupil is one pupil's result. A whole authority is tens of thousands of
// them, allocated together (see Run), so the fields are ordered to leave
// no padding: the small ones sit together after Patterns.
type Pupil struct {
	// Rank is the pupil's place in the whole cohort's priority order, from
	// 1: a filtered or shortened list keeps each pupil's own rank.
	Rank    int
	ID      string
	Info    register.Info
	First   register.Day // first and last session in the window (0 for counts-only pupils)
	Last    register.Day
	Figures metrics.Figures

	Patterns metrics.Patterns
	// JoinedAbsent says the pupil joined their school after its data
	// starts, is still on its roll at the end, and has been absent from
	// every possible session since joining: enough data whatever the
	// minimum-sessions guard, since a new starter who never arrives is a
	// child possibly missing education, however short the time.
	Joined       register.Day
	JoinedAbsent bool
	// Aggregate is a summary row for a school or area, not a pupil.
	Aggregate bool
	// SocialCare: see Causes below.
	SocialCare bool
	// ActionsLog: see Actions below.
	ActionsLog bool
	// end is the last day analysed: the actions indicators count days to it.
	end        register.Day
	SiblingsPA int32
	SiblingsSA int32
	// concern and openConcern say what makes the pupil's own attendance
	// concern and what keeps a concern open (none: no concern), as the
	// rules read them (see Concerns): two 16-bit sets of fixed reasons
	// where two lists of strings took 48 bytes of every pupil's results.
	concern, openConcern concernSet

	Context map[string]any
	// Changes are what changed since an earlier run (see package compare).
	Changes []string
	// Outcome is the rules' verdict: score, tier, the factors that fired
	// with their evidence, and the next steps. Nil for group rows, and when
	// the rules stage was skipped.
	Outcome *rule.Outcome

	// reg is the register's child (or enrolment) these figures are of.
	reg *register.Pupil
	// Left and Moves are the child's leaving the roll and moves between
	// schools in the run (see movers.go); nil when none.
	Left  *LeftRoll
	Moves []Move

	// The judgement's facts (see judgement.go): absence by cause, age on
	// the last day, the support state as read from the context (and the
	// value as written), and whether social care is involved (SocialCare).
	Causes     metrics.Causes
	Age        Age
	Support    string
	SupportRaw string

	// Actions are the pupil's actions from the actions log, up to the last
	// day analysed, in date order; ActionsLog says a log was given (so an
	// action it lacks was not taken, as far as the officer recorded).
	Actions actions.History
	// ActionStatus says, with --hide-actioned, that the pupil was actioned
	// recently with no new concern since, or what the new concern is.
	ActionStatus string
	// national keeps the figures on DfE's basis (see national.go) once the
	// register is dropped (Pseudonymise).
	national *nationalFigures
}

// Marks returns the register pupil the figures were computed from (the
// child view for a pupil at several schools), or nil once pseudonymised.
func (p *Pupil) Marks() *register.Pupil { return p.reg }

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
	All []*Pupil
	// Enrolments is every pupil at each school they are on roll at, in id
	// and school order: the same *Pupil as in All for a pupil at one
	// school, and each school's own figures for a UPN at several (dual
	// registration, a move). Each school's summary counts these.
	Enrolments []*Pupil
	Totals     metrics.Figures
	Quality    *quality.Report
	// From and To are the window actually covered: the requested bounds, or
	// the first and last dates in the data.
	From, To register.Day

	Rules    *rule.Set
	Context  *ingest.Context
	Actions  *actions.Log
	Register *register.Register
	// Calendar is every school's days together; Calendars is each school's
	// own, which the patterns are counted on.
	Calendar  *metrics.Calendar
	Calendars *metrics.Calendars
	// End is the last school day the patterns were measured to.
	End register.Day

	// counts says some rows gave session counts (the summary layout)
	// rather than marks.
	counts bool
	// minSessions is the enough_data guard the run used.
	minSessions int
	// from and to are the run's window as the figures were counted on it
	// (0: open); released says the register was dropped before the rules
	// (see releaseMarks), shares are then the rows per school still to
	// take their child's verdict.
	from, to register.Day
	released bool
	shares   []share
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

// Prepared is a run whose context file has been read and whose rules are
// compiled, before any register is read: a mistake in the rules, or a flag
// naming a tier the rules lack, is reported at once rather than after
// minutes of reading.
type Prepared struct {
	in Input
	// cq holds what reading the context file found; it joins the run's
	// report once the registers are read.
	cq *quality.Report
	// Rules is the compiled rule set; nil with NoRules.
	Rules *rule.Set
	// Context is the pupil context file, nil when none was given.
	Context *ingest.Context
	// Actions is the actions log, nil when none was given.
	Actions *actions.Log
}

// Prepare checks the window, reads the context file and compiles the rules.
func Prepare(in Input) (*Prepared, error) {
	if in.From != 0 && in.To != 0 && in.From > in.To {
		return nil, fmt.Errorf("--from %s is after --to %s", in.From.UK(), in.To.UK())
	}
	p := &Prepared{in: in, cq: quality.New()}
	p.cq.Limit = in.ExampleLimit
	if !in.NoRules {
		ctx, set, err := loadContextAndRules(in, p.cq)
		if err != nil {
			return nil, err
		}
		p.Context, p.Rules = ctx, set
	}
	log, err := readActions(in, p.Rules)
	if err != nil {
		return nil, err
	}
	p.Actions = log
	return p, nil
}

// Run reads every file and measures every pupil.
func Run(in Input) (*Result, error) {
	p, err := Prepare(in)
	if err != nil {
		return nil, err
	}
	return p.Run(context.Background())
}

// Run reads every register file and measures every pupil. Cancelling ctx
// stops the reading between chunks of rows; the error is then ctx's.
//
// Persistent and severe absence are defined per academic year (1 September
// to 31 August), so two years' marks are never silently added together.
// Without --from/--to, when the data spans more than one academic year only
// the latest year with a possible session is analysed (an export taken on
// the first days of September, INSET # marks only, is still last year's):
// the files are read again with the other years' marks rejected as outside
// it, so every row is still accounted for, and a finding names the years.
// With --from/--to the user chose the window, and a window whose possible
// sessions still fall in two academic years is refused (*YearsError).
func (p *Prepared) Run(ctx context.Context) (*Result, error) {
	in := p.in
	in.Ingest.Context = ctx
	b, err := read(ctx, in, 0)
	if err != nil {
		return nil, err
	}
	from, to := in.From, in.To
	forced := in.Year != 0 && in.From == 0 && in.To == 0
	if first, last, ok := b.Reg.Span(); ok && (register.YearOf(first) != register.YearOf(last) || forced && register.YearOf(first) != in.Year) {
		years := &YearsError{First: register.YearOf(first), Last: register.YearOf(last), From: in.From, To: in.To}
		if pf, pl, ok := possibleYears(b.Reg); ok {
			years.First, years.Last = pf, pl
		}
		if in.From != 0 || in.To != 0 {
			if years.First != years.Last {
				return nil, years
			}
		} else {
			y := years.Last
			if forced {
				y = in.Year
			}
			from, to = y.Start(), y.End()
			if b, err = read(ctx, in, y); err != nil {
				return nil, err
			}
			years.First, years.Last = register.YearOf(first), register.YearOf(last)
			if forced && years.First == years.Last {
				// The file holds one year, not the one chosen for the run.
				years.First, years.Last = min(years.First, y), max(years.Last, y)
			}
			b.Q.Find("academic_years", quality.Loc{File: strings.Join(in.Files, ", ")}, years.finding(y, b.Q.Rejection("outside_academic_year")))
		}
	}
	b.Q.AddFindings(p.cq)
	q := b.Q
	if err := q.Balanced(); err != nil {
		return nil, err
	}
	reg := b.Reg
	res := &Result{Quality: q, From: from, To: to, Register: reg, from: from, to: to}
	if first, last, ok := reg.Span(); ok {
		if res.From == 0 || res.From < first {
			res.From = first
		}
		if res.To == 0 || res.To > last {
			res.To = last
		}
	}
	// Figures pupil by pupil on every core; totals after, in id order.
	regPupils := reg.Pupils()
	if in.DropRegister {
		collect() // the reading's buffers, before the results' arrays
	}
	all := newPupils(len(regPupils))
	parallel(len(regPupils), func(i int) { all[i].Figures = metrics.Compute(regPupils[i], from, to) })
	if err := ctx.Err(); err != nil {
		return nil, err // Ctrl-C while the figures were made: stop before the rules
	}
	res.Pupils = all
	var totals metrics.Sum
	for i, p := range regPupils {
		pr := all[i]
		f := pr.Figures
		pr.ID, pr.Info, pr.Aggregate, pr.reg = p.ID, p.Info, p.Aggregate, p
		res.counts = res.counts || (!p.HasMarks() && p.Counts != nil)
		if p.HasMarks() {
			pr.First, pr.Last = p.Span()
			if from != 0 && pr.First < from {
				pr.First = from
			}
			if to != 0 && pr.Last > to {
				pr.Last = to
			}
		}
		if !p.Aggregate {
			// Group rows (schools, areas) are not summed into the headline:
			// a file of LA, regional and national rows would count every
			// session three times.
			totals.Add(f)
		}
		q.MissingMarks += f.Missing
	}
	res.Totals = totals.Figures()
	markJoinedAbsent(res.Pupils, reg, from, to)
	if !in.NoRules {
		res.Actions = p.Actions
		if err := applyRules(in, res, reg, q, p.Context, p.Rules); err != nil {
			return nil, err
		}
		if res.Context != nil {
			if err := res.Context.CheckJoin(pupilKeys(res.Pupils)); err != nil {
				return nil, err
			}
		}
	} else {
		res.Actions = p.Actions
		if err := joinActions(p.Actions, res.Pupils, res.To, q); err != nil {
			return nil, err
		}
		for _, pp := range res.Pupils {
			pp.ActionsLog = p.Actions != nil
			pp.judge(res.To) // the cause breakdown is in every output
		}
		// Made here, not after both branches: reg is then read no more
		// after the rules, so a register dropped before them
		// (releaseMarks) is not kept alive by this function.
		res.Calendars = metrics.NewCalendars(reg)
	}
	if res.released {
		shareVerdicts(res.shares) // the rows per school were made before the rules
		res.shares = nil
	} else {
		findMovers(res.Pupils, res.Calendars, from, to)
		res.Enrolments = enrolments(res.Pupils, from, to)
	}
	Rank(res.Pupils, res.Rules)
	for i, p := range res.Pupils {
		p.Rank = i + 1
	}
	res.minSessions = in.MinSessions
	if res.minSessions <= 0 {
		res.minSessions = metrics.DefaultMinSessions
	}
	res.All = append([]*Pupil(nil), res.Pupils...)
	res.applyActioned(in.HideActioned, in.MarkActioned)
	if in.DropRegister && !res.released {
		res.dropRegister(res.All)
	}
	return res, nil
}

// pupilBlock is how many pupils' results newPupils allocates together.
const pupilBlock = 64

// newPupils makes n pupils' results in arrays of pupilBlock: one
// allocation for many pupils (no size-class rounding on each, tens of
// thousands for an authority), but not one array for all. An authority's
// results (some 27 MB) in one piece need that much contiguous memory,
// which the reading's freed buffers, interleaved with the register they
// built, cannot offer, so the process grew by the whole array just after
// reading; blocks of some 43 KB fit in what the reading let go.
func newPupils(n int) []*Pupil {
	out := make([]*Pupil, n)
	for lo := 0; lo < n; lo += pupilBlock {
		block := make([]Pupil, min(pupilBlock, n-lo))
		for i := range block {
			out[lo+i] = &block[i]
		}
	}
	return out
}

// releaseMarks, for a run that drops its register (Input.DropRegister),
// makes what the rest of the run needs from the marks before the rules
// make every pupil's outcome and evidence, and drops the register there:
// the marks and the outcomes are then never held together. Movers and
// leavers (read by no rule) and each school's rows for a child of several
// enrolments are counted here; those rows take the child's verdict after
// the rules (shareVerdicts). --hide-actioned reads the marks after the
// rules (newConcernSince), so that run keeps them to the end.
func (r *Result) releaseMarks(hideActioned int) {
	if hideActioned > 0 {
		return
	}
	findMovers(r.Pupils, r.Calendars, r.from, r.to)
	r.Enrolments, r.shares = enrolmentRows(r.Pupils, r.from, r.to)
	r.dropRegister(r.Pupils)
	r.released = true
	collect() // the marks, before the rules make the outcomes
}

// collect runs a full garbage collection at a point where the run has
// just let go of much of its memory: after reading (the chunk buffers, the
// marks arrays' spare room) and after dropping the register. Left to
// itself the collector would wait until the heap doubles the size it had
// at its last run, and that size still counted what was just let go, so
// the next phase's memory would pile on top of it: on the 40,000-pupil
// year the two collections take the peak heap from about 125 to about
// 100 MB, for one mark of the live heap each (some tens of milliseconds).
func collect() { runtime.GC() }

// dropRegister lets the register go (see Input.DropRegister). The one
// figure an output still counts from the marks, a Year 11 pupil's on
// DfE's basis (NationalFigures), is worked out first, for those pupils
// only: everyone else's is their own figures, needing no marks.
func (r *Result) dropRegister(all []*Pupil) {
	for _, ps := range [][]*Pupil{all, r.Enrolments} {
		for _, p := range ps {
			if p.reg == nil {
				continue
			}
			if !p.Aggregate && p.Figures.Assessable() && p.reg.HasMarks() && r.year11(p) {
				r.keepNational(p)
			}
			p.reg = nil
		}
	}
	r.Register = nil
}

// markJoinedAbsent sets JoinedAbsent (see Pupil). Joining and the end of
// the roll are each school's own: the first and last day its export has a
// mark for, so a school whose export starts later has no joiners for it.
func markJoinedAbsent(ps []*Pupil, reg *register.Register, from, to register.Day) {
	clamp := func(f, l register.Day) (register.Day, register.Day) {
		if from != 0 && f < from {
			f = from
		}
		if to != 0 && l > to {
			l = to
		}
		return f, l
	}
	type span struct{ first, last register.Day }
	schools := map[string]span{}
	for _, e := range reg.Enrolments() {
		if !e.HasMarks() {
			continue
		}
		f, l := clamp(e.Span())
		sp, ok := schools[e.Info.School]
		if !ok || f < sp.first {
			sp.first = f
		}
		if !ok || l > sp.last {
			sp.last = l
		}
		schools[e.Info.School] = sp
	}
	for _, p := range ps {
		f := p.Figures
		if p.reg == nil || p.Aggregate || f.Possible == 0 || f.Absent() != f.Possible {
			continue
		}
		var joined, current bool
		var first register.Day
		for _, e := range p.reg.Enrolments() {
			if !e.HasMarks() {
				continue
			}
			ef, el := clamp(e.Span())
			sp := schools[e.Info.School]
			if first == 0 || ef < first {
				first, joined = ef, ef > sp.first
			}
			current = current || el == sp.last
		}
		if joined && current {
			p.JoinedAbsent, p.Joined = true, first
		}
	}
}

// enrolments lists each pupil at each of their schools: a child of several
// enrolments has each school's own figures there (D is not a possible
// session at the school recording it), with the child's verdict.
func enrolments(ps []*Pupil, from, to register.Day) []*Pupil {
	out, shares := enrolmentRows(ps, from, to)
	shareVerdicts(shares)
	return out
}

// share is a child's row at one of their schools and the child's own row,
// whose verdict it takes.
type share struct{ row, child *Pupil }

// enrolmentRows is enrolments without the verdicts: each school's figures,
// span and absence by cause (on the child's age), from the marks. The
// rows per school are listed in shares, for shareVerdicts.
func enrolmentRows(ps []*Pupil, from, to register.Day) ([]*Pupil, []share) {
	var out []*Pupil
	var shares []share
	for _, p := range ps {
		if p.reg == nil || len(p.reg.Enrolments()) == 1 {
			out = append(out, p)
			continue
		}
		for _, e := range p.reg.Enrolments() {
			info := p.Info
			info.School = e.Info.School
			ep := &Pupil{ID: p.ID, Info: info, Figures: metrics.Compute(e, from, to), reg: e}
			// The school's own absence by cause; the child's age, support
			// and verdict (shareVerdicts).
			ep.Causes = ep.Figures.Causes(p.Age.Status == AgeCompulsory)
			ep.First, ep.Last = e.Span()
			if from != 0 && ep.First < from {
				ep.First = from
			}
			if to != 0 && ep.Last > to {
				ep.Last = to
			}
			out = append(out, ep)
			shares = append(shares, share{ep, p})
		}
	}
	return out, shares
}

// shareVerdicts gives each row per school its child's context, age,
// support, actions and verdict.
func shareVerdicts(shares []share) {
	for _, s := range shares {
		ep, p := s.row, s.child
		ep.Context, ep.Outcome, ep.Actions, ep.ActionsLog, ep.end = p.Context, p.Outcome, p.Actions, p.ActionsLog, p.end
		ep.Age, ep.Support, ep.SupportRaw, ep.SocialCare = p.Age, p.Support, p.SupportRaw, p.SocialCare
		ep.concern, ep.openConcern = p.concern, p.openConcern
	}
}

// pupilKeys are the pupils (not group rows) as a context file joins them:
// school and id.
func pupilKeys(ps []*Pupil) []ingest.PupilKey {
	var keys []ingest.PupilKey
	for _, p := range ps {
		if !p.Aggregate {
			keys = append(keys, ingest.PupilKey{School: p.Info.School, ID: p.ID})
		}
	}
	return keys
}

// UnusableError is a run with nothing to report: an empty list would look
// like good news to anyone not reading the data-quality account, so it
// fails instead, and nothing is written.
type UnusableError struct{ Msg string }

func (e *UnusableError) Error() string {
	return e.Msg + " (see the data-quality account); no output written"
}

// Usable says whether the run has anything to report: some row used, some
// session mark used (when marks were read and no row gave counts instead),
// and at least one pupil or group row with a possible session.
func (r *Result) Usable() error {
	q := r.Quality
	if q.RowsUsed == 0 {
		return &UnusableError{fmt.Sprintf("no usable rows: all %s read were rejected", plural(q.RowsRead, "row"))}
	}
	if q.MarksRead > 0 && q.MarksUsed == 0 && !r.counts {
		return &UnusableError{fmt.Sprintf("no usable session marks: all %s read were rejected", plural(q.MarksRead, "mark"))}
	}
	noun := "row"
	for _, p := range r.All {
		if p.Figures.Assessable() {
			return nil
		}
		if !p.Aggregate {
			noun = "pupil"
		}
	}
	who := "none of the " + plural(len(r.All), noun) + " has a possible session"
	if len(r.All) == 1 {
		who = "the one " + noun + " has no possible session"
	}
	return &UnusableError{"no pupil can be assessed: " + who + " (every mark is one that is not a possible session, such as D, X, Y1-Y7, Z or #, or a missing mark)"}
}

// plural writes a count with its noun (1 row, 2 rows).
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// read reads every file into a new register. year, when set, is the
// academic year analysed by default (see Run).
func read(ctx context.Context, in Input, year register.AcademicYear) (*register.Builder, error) {
	q := quality.New()
	q.Limit = in.ExampleLimit
	b := register.NewBuilder(q)
	b.From, b.To = in.From, in.To
	if year != 0 {
		b.YearFrom, b.YearTo = year.Start(), year.End()
	}
	// ReadFiles checks in.Ingest.Context (ctx) before each file and
	// within it, so an interrupted run stops between or inside files.
	in.Ingest.Context = ctx
	if err := ingest.ReadFiles(in.Files, in.Ingest, b); err != nil {
		return nil, err
	}
	return b, nil
}

// possibleYears returns the first and last academic years in which some
// pupil has a possible session; ok is false when nobody has one.
func possibleYears(reg *register.Register) (first, last register.AcademicYear, ok bool) {
	for _, p := range reg.Pupils() {
		p.Each(func(d register.Day, _ register.Session, id mark.ID) {
			c := mark.Get(id).Category
			if c > mark.Unauthorised && !(id == mark.XID && mark.CategoryOn(id, d.Time()) == mark.CovidX) {
				return
			}
			y := register.YearOf(d)
			if !ok || y < first {
				first = y
			}
			if !ok || y > last {
				last = y
			}
			ok = true
		})
	}
	return first, last, ok
}

// LatestPossibleYear is the latest academic year in which some pupil of
// the result has a possible session: the year a run without --from/--to
// analyses. ok is false when nobody has one.
func (r *Result) LatestPossibleYear() (register.AcademicYear, bool) {
	if r.Register == nil {
		return 0, false
	}
	_, last, ok := possibleYears(r.Register)
	return last, ok
}

// YearsError is a window chosen with --from/--to whose marks fall in more
// than one academic year.
type YearsError struct {
	First, Last register.AcademicYear
	From, To    register.Day // the window given (0: open)
}

func (e *YearsError) span() string {
	if e.Last == e.First+1 {
		return e.First.String() + " and " + e.Last.String()
	}
	return e.First.String() + " to " + e.Last.String()
}

func (e *YearsError) Error() string {
	var window []string
	if e.From != 0 {
		window = append(window, "--from "+e.From.UK())
	}
	if e.To != 0 {
		window = append(window, "--to "+e.To.UK())
	}
	return fmt.Sprintf("the window %s holds marks from the academic years %s: persistent and severe absence are defined per academic year (1 September to 31 August), so two years are not added together; choose a window within one year, e.g. --from %s --to %s for %s; no output written",
		strings.Join(window, " "), e.span(), e.Last.Start().UK(), e.Last.End().UK(), e.Last)
}

// finding is the data-quality note for the default: the year analysed,
// the others' marks rejected, and how to choose another year.
func (e *YearsError) finding(y register.AcademicYear, rejected int) string {
	other := y - 1
	if other < e.First {
		other = y + 1
	}
	return fmt.Sprintf("the data spans %s; analysed %s (%s to %s), %d marks of other years rejected; for %s give --from %s --to %s",
		e.span(), y, y.Start().UK(), y.End().UK(), rejected, other, other.Start().UK(), other.End().UK())
}

// Rank puts pupils in priority order. With rules: by tier (highest first),
// then score; then, and without rules: severe absence first, then
// persistent, then by absence rate (compared as exact fractions, so 1/3 and
// 33.33% never tie by accident), then more possible sessions (more evidence)
// first, then pupil id so the order is total and stable. Pupils who cannot
// be assessed, and group rows, go last.
//
// The order is less's, sorted as compact keys (rankKey) rather than
// through pointers to the pupils: a comparison then reads one small
// record, not two large pupils and a tier lookup by name. The keys end
// with the pupil's place in ps, so the sort is total and any sort gives
// sort.SliceStable's order (less is a strict weak order on any one
// (group row, assessable) class whose pupils all have an outcome or all
// lack one; a class that mixes them, which a run never makes, is sorted
// by less itself).
func Rank(ps []*Pupil, set *rule.Set) {
	keys, ok := rankKeys(ps, set)
	if !ok {
		sort.SliceStable(ps, func(i, j int) bool { return less(ps[i], ps[j], set) })
		return
	}
	slices.SortFunc(keys, compareRank)
	for i := range keys {
		ps[i] = keys[i].p
	}
}

// rankKey is what less reads of a pupil. class is 0 for an assessable
// pupil, 1 for one who cannot be assessed, 2 and 3 for group rows;
// severe and persistent are 0 when the pupil is (first), 1 when not.
type rankKey struct {
	p                  *Pupil
	id                 string
	absent, possible   int64
	score              int
	tier               int32
	at                 int32 // the place in ps
	class              uint8
	outcome            bool
	severe, persistent uint8
}

// rankKeys makes every pupil's key, or reports that some class mixes
// pupils with and without an outcome (see Rank).
func rankKeys(ps []*Pupil, set *rule.Set) ([]rankKey, bool) {
	keys := make([]rankKey, len(ps))
	var with, without [4]bool
	tiers := map[string]int32{}
	for i, p := range ps {
		f := &p.Figures
		k := rankKey{p: p, id: p.ID, absent: int64(f.Absent()), possible: int64(f.Possible), at: int32(i), severe: 1, persistent: 1}
		if p.Aggregate {
			k.class = 2
		}
		if !f.Assessable() {
			k.class++
		}
		if p.SA() {
			k.severe = 0
		}
		if p.PA() {
			k.persistent = 0
		}
		if set != nil && p.Outcome != nil {
			t, seen := tiers[p.Outcome.Tier]
			if !seen {
				t = int32(set.TierIndex(p.Outcome.Tier))
				tiers[p.Outcome.Tier] = t
			}
			k.outcome, k.tier, k.score = true, t, p.Outcome.Score
			with[k.class] = true
		} else {
			without[k.class] = true
		}
		keys[i] = k
	}
	for c := range with {
		if with[c] && without[c] {
			return nil, false
		}
	}
	return keys, len(ps) <= math.MaxInt32
}

// compareRank is less on keys, then the place in ps.
func compareRank(a, b rankKey) int {
	if a.class != b.class {
		return int(a.class) - int(b.class)
	}
	if a.outcome { // and b's, being of the same class
		if a.tier != b.tier {
			return int(a.tier) - int(b.tier)
		}
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
	}
	if a.severe != b.severe {
		return int(a.severe) - int(b.severe)
	}
	if a.persistent != b.persistent {
		return int(a.persistent) - int(b.persistent)
	}
	if x, y := a.absent*b.possible, b.absent*a.possible; x != y {
		return cmp.Compare(y, x)
	}
	if a.possible != b.possible {
		return cmp.Compare(b.possible, a.possible)
	}
	if a.id != b.id {
		return strings.Compare(a.id, b.id)
	}
	return int(a.at) - int(b.at)
}

func less(a, b *Pupil, set *rule.Set) bool {
	fa, fb := &a.Figures, &b.Figures // not copied: a sort makes many comparisons
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
