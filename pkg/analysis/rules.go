package analysis

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/rule"
	"github.com/attendrisk/attendrisk/rules"
)

// DefaultFamilyColumn is the context column that groups siblings.
const DefaultFamilyColumn = "family_id"

// pupilValues are the indicators that describe the pupil rather than the
// register (group "pupil" in metrics.Indicators): available to rules like
// any other. Compulsory school age is decided in judgement.go, from a date
// of birth or the year group.
func pupilValues(v *metrics.Values, info register.Info) {
	v.SetText(metrics.IndYearGroup, info.YearGroup)
	v.SetInt(metrics.IndNCYear, ncYear(info.YearGroup))
}

// NCYear is ncYear, for the command layer (the benchmark's phase).
func NCYear(s string) int { return ncYear(s) }

// ncYear reads a national curriculum year from "7", "Year 7", "Y7", "Yr 7"
// or "07"; reception and nursery are 0; anything else is -1.
func ncYear(s string) int {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"year", "yr", "y", "nc"} {
		t = strings.TrimSpace(strings.TrimPrefix(t, p))
	}
	switch t {
	case "r", "rec", "reception", "n", "n1", "n2", "nursery":
		return 0
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 0 || n > 14 {
		return -1
	}
	return n
}

// Schema returns what a rules file may refer to, given the context columns:
// every indicator in metrics.Indicators, with a sample of its type, and
// the context's columns. fillVars writes exactly these names and types for
// every pupil (TestEnvMatchesIndicatorTable).
func Schema(ctx *ingest.Context) rule.Schema {
	vars := make(map[string]any, len(metrics.Indicators))
	for _, ind := range metrics.Indicators {
		if s, ok := ind.Sample(); ok {
			vars[ind.Name] = s
		} else {
			vars[ind.Name] = funcSamples[ind.Name]
		}
	}
	return rule.Schema{Vars: vars, Context: ctx.Sample()}
}

// funcSamples are the samples of the indicators that are functions: their
// signatures, which rules are type-checked against, are the computing
// package's.
var funcSamples = map[string]rule.Funcs{rule.ActionsVar: emptyActions}

// pupilEvidence gives the pupil indicators their sentences.
func pupilEvidence(ev map[string]string, info register.Info) {
	ev["year_group"] = string(strconv.AppendQuote([]byte("year group "), info.YearGroup))
	ev["nc_year"] = string(appendNCYear(nil, info.YearGroup))
}

func appendNCYear(b []byte, yearGroup string) []byte {
	if n := ncYear(yearGroup); n >= 0 {
		b = strconv.AppendInt(append(b, "national curriculum year "...), int64(n), 10)
		return strconv.AppendQuote(append(b, ", from the year group "...), yearGroup)
	}
	return strconv.AppendQuote(append(b, "no national curriculum year in the year group "...), yearGroup)
}

// siblingEvidence gives the family indicators their sentence, zero included.
func (p *Pupil) siblingEvidence(ev map[string]string) {
	s := string(p.appendSiblings(nil))
	ev["siblings_pa"], ev["siblings_sa"] = s, s
}

func (p *Pupil) appendSiblings(b []byte) []byte {
	b = append(strconv.AppendInt(b, int64(p.SiblingsPA), 10), " sibling(s) persistently absent, "...)
	return append(strconv.AppendInt(b, int64(p.SiblingsSA), 10), " severely absent"...)
}

// loadRules reads and compiles the rules: the file given, or the embedded
// default set. The default set was written for the sample context columns;
// a factor needing a column the user's context lacks is skipped and listed,
// where a user's own file naming a missing column is an error (see
// ParseRules, which rules check uses too).
func loadRules(in Input, ctx *ingest.Context) (*rule.Set, error) {
	name, data, builtin, err := rulesData(in)
	if err != nil {
		return nil, err
	}
	return ParseRules(name, data, RulesAgainst{Context: ctx, Builtin: builtin})
}

// rulesData is the rules file of in: its name and bytes, or the embedded
// default set's (builtin).
func rulesData(in Input) (name string, data []byte, builtin bool, err error) {
	switch {
	case in.RulesData != nil:
		return in.RulesFile, in.RulesData, false, nil
	case in.RulesFile != "":
		b, err := os.ReadFile(in.RulesFile)
		if err != nil {
			return "", nil, false, fmt.Errorf("%s: cannot read rules: %w", in.RulesFile, unwrap(err))
		}
		return in.RulesFile, b, false, nil
	}
	return rules.DefaultName, rules.Default(), true, nil
}

func unwrap(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// loadContextAndRules reads the context file and compiles the rules against
// its columns (see Prepare).
func loadContextAndRules(in Input, q *quality.Report) (*ingest.Context, *rule.Set, error) {
	var ctx *ingest.Context
	if in.ContextFile != "" {
		c, err := ingest.ReadContext(in.ContextFile, "", in.Ingest.Map, q)
		if err != nil {
			return nil, nil, err
		}
		// The context's date columns as 1900-system serials, which
		// contextDate reads, whichever system the workbook used.
		c.ShiftSerials(append(slices.Clone(dobColumns), supportReviewColumns...))
		ctx = c
	}
	set, err := loadRules(in, ctx)
	if err != nil {
		return nil, nil, err
	}
	return ctx, set, nil
}

// applyRules measures patterns and evaluates the rules for every pupil.
func applyRules(in Input, res *Result, reg *register.Register, q *quality.Report, ctx *ingest.Context, set *rule.Set) error {
	if ctx != nil {
		res.Context = ctx
		q.Files = append(q.Files, ctx.Info)
	}
	res.Rules = set
	// Each school's own calendar (see metrics.Calendars); the run's end is
	// the last school day of any school.
	regs := make([]*register.Pupil, len(res.Pupils)) // reg.Pupils(), as Run made the pupils
	for i, p := range res.Pupils {
		regs[i] = p.reg
	}
	cals := metrics.NewCalendarsOf(reg, regs)
	res.Calendars = cals
	cal := cals.All()
	res.Calendar = cal
	end := in.To
	if last, ok := cal.Last(); ok && (end == 0 || end > last) {
		end = last
	}
	res.End = end
	minSessions := in.MinSessions
	if minSessions <= 0 {
		minSessions = metrics.DefaultMinSessions
	}
	family := in.FamilyColumn
	if family == "" {
		family = DefaultFamilyColumn
	}

	// Context join, both ways, keyed as the register keys children (a UPN
	// by itself, a local id by its school): admission number 1001 at two
	// schools is two children, and each gets its own school's row.
	if ctx != nil {
		if err := ctx.CheckSchools(pupilKeys(res.Pupils)); err != nil {
			return err
		}
		joined := map[string]bool{}
		for _, p := range res.Pupils {
			if p.Aggregate {
				continue
			}
			if key, ok := ctx.Join(p.Info.School, p.ID); ok {
				p.Context = ctx.Rows[key]
				joined[key] = true
			} else {
				q.Find("pupil_no_context", quality.Loc{File: ctx.Info.Path}, "")
			}
		}
		for _, key := range ctx.Order {
			if !joined[key] {
				q.Find("context_no_pupil", ctx.Loc[key], "")
			}
		}
	}
	if err := joinActions(res.Actions, res.Pupils, end, q); err != nil {
		return err
	}
	for _, p := range res.Pupils {
		p.ActionsLog = res.Actions != nil
	}

	// Patterns (pupil by pupil, on every core), then siblings (which need
	// every pupil's figures).
	parallel(len(res.Pupils), func(i int) {
		p := res.Pupils[i]
		if p.Aggregate {
			return
		}
		p.judge(end) // first: the statutory counts need the age
		if rp := p.reg; rp != nil && rp.HasMarks() {
			p.Patterns = metrics.ComputePatternsAged(rp, cals.For(rp), end, p.Age.From, p.Age.To)
		}
	})
	byFamily := map[string][]*Pupil{}
	for _, p := range res.Pupils {
		if p.Aggregate {
			continue
		}
		if fam, ok := p.Context[family]; ok && fmt.Sprint(fam) != "" {
			k := fmt.Sprint(fam)
			byFamily[k] = append(byFamily[k], p)
		}
	}
	for _, sibs := range byFamily {
		for _, p := range sibs {
			for _, o := range sibs {
				if o == p {
					continue
				}
				if o.PA() {
					p.SiblingsPA++
				}
				if o.SA() {
					p.SiblingsSA++
				}
			}
		}
	}

	if in.DropRegister {
		res.releaseMarks(in.HideActioned) // the marks are read no more: see releaseMarks
	}
	if err := evaluateAll(in.Ingest.Context, set, res.Pupils, minSessions); err != nil {
		return err
	}
	reportJudgement(res.Pupils, in.Files, set, q)
	if ctx != nil {
		reportSupportReview(res.Pupils, ctx, q)
		reportContextTypes(set, q)
	}
	return nil
}

// reportContextTypes says which built-in factors and steps were left out
// because the context file holds a column they read with another type of
// value ("Primary carer" in a Young Carer column): the user gave a context
// file and expects the factor, so this is not left to explain's page. A
// column the context does not have at all is listed by explain and the
// outputs' rules sheet, as before.
func reportContextTypes(set *rule.Set, q *quality.Report) {
	for _, k := range set.Skipped {
		if len(k.WrongType) == 0 {
			continue
		}
		what := "factor "
		if k.Step {
			what = "next step "
		}
		q.Find("rule_context_type", quality.Loc{File: set.File, Line: k.Line}, what+k.ID+": "+strings.TrimPrefix(k.Reason(), "not evaluated: "))
	}
}

// reportJudgement puts into the data-quality account what the judgement
// could not decide: pupils whose compulsory school age is unknown (their
// statutory steps were not evaluated), and rule expressions that failed as
// they ran, which are never quietly counted as false. One finding per
// distinct reason, with the number of pupils: pupils are counted, never
// named.
func reportJudgement(ps []*Pupil, files []string, set *rule.Set, q *quality.Report) {
	reg := quality.Loc{}
	if len(files) > 0 {
		reg.File = files[0]
	}
	// A failed rule is placed at its line in the rules file, where the fix
	// is; an unknown age at the register.
	type finding struct {
		key, detail string
		loc         quality.Loc
	}
	var order []finding
	count := map[finding]int{}
	add := func(key, detail string, loc quality.Loc) {
		f := finding{key, detail, loc}
		if count[f] == 0 {
			order = append(order, f)
		}
		count[f]++
	}
	at := func(line int) quality.Loc { return quality.Loc{File: set.File, Line: line} }
	for _, p := range ps {
		if p.Aggregate || p.Outcome == nil {
			continue
		}
		if !p.Age.Known() {
			add("age_unknown", p.Age.Basis, reg)
		}
		for _, u := range p.Outcome.Unknown {
			if rule.RuntimeFailure(u.Reason) {
				add("rule_not_evaluated", "factor "+u.Factor.ID+": "+u.Reason, at(u.Factor.Line))
			}
		}
		for _, u := range p.Outcome.StepsUnknown {
			if rule.RuntimeFailure(u.Reason) {
				add("rule_not_evaluated", "next step "+u.Step.ID+": "+u.Reason, at(u.Step.Line))
			}
		}
	}
	for _, f := range order {
		q.Find(f.key, f.loc, fmt.Sprintf("%s (%d %s)", f.detail, count[f], map[bool]string{true: "pupil", false: "pupils"}[count[f] == 1]))
	}
}

// evaluateAll scores every pupil, on every core. Each worker reuses its
// environment maps. A pupil's evidence sentences are not written here: an
// outcome with a fired factor writes them when an output asks
// (evidenceWriter), from the pupil's figures, which nothing changes after
// the rules (Pseudonymise, which rewrites the context, keeps the evidence
// first). Held from the rules to the output, an authority's sentences were
// a fifth of the results' memory.
// cancelEvery is how many pupils a rules worker evaluates between looks
// at the run's context: often enough that Ctrl-C stops an authority run
// within milliseconds, rarely enough to cost nothing.
const cancelEvery = 512

func evaluateAll(ctx context.Context, set *rule.Set, ps []*Pupil, minSessions int) error {
	if ctx == nil {
		ctx = context.Background()
	}
	workers := runtime.GOMAXPROCS(0)
	reads := readsOf(set)
	var wg sync.WaitGroup
	errs := make([]error, workers)
	caught := make([]WorkerCatch, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			defer caught[w].Catch()
			if testWorkerHook != nil {
				testWorkerHook()
			}
			vars := map[string]any{}
			vals := new(metrics.Values)
			for n, i := 0, w; i < len(ps); n, i = n+1, i+workers {
				if n%cancelEvery == 0 && ctx.Err() != nil {
					errs[w] = ctx.Err()
					return
				}
				p := ps[i]
				if p.Aggregate {
					continue
				}
				p.fillRulesVars(vars, vals, minSessions, &reads)
				env := rule.Env{Vars: vars, Context: p.Context, SkipEvidence: true, VarsOwned: true}
				out, err := set.Evaluate(env)
				if err == nil && len(out.Fired) > 0 {
					out.SetEvidence(&evidenceWriter{p: p, set: set, minSessions: minSessions})
				}
				if err != nil {
					errs[w] = fmt.Errorf("evaluating rules for a pupil: %w", err)
					return
				}
				p.Outcome = &out
			}
		}(w)
	}
	wg.Wait()
	Rethrow(caught)
	return errors.Join(errs...)
}

// Env builds the rules environment for a pupil, evidence included.
func (p *Pupil) Env(minSessions int) rule.Env {
	vars, ev := map[string]any{}, map[string]string{}
	p.fillVars(vars, new(metrics.Values), minSessions)
	p.fillEvidence(ev)
	return rule.Env{Vars: vars, Context: p.Context, Evidence: ev}
}

// IndicatorValues fills v with the pupil's indicators exactly as the
// rules read them (the single-valued names of Schema(nil).Vars), for the
// outputs that carry them as columns. The pupil is only read (the rules
// stage alone records the concern lists), so outputs fill several pupils'
// rows at once.
func (r *Result) IndicatorValues(p *Pupil, v *metrics.Values) {
	min := r.minSessions
	if min <= 0 {
		min = metrics.DefaultMinSessions
	}
	p.fillValues(v, min)
}

// fillVars fills a rules environment with the pupil's indicators, vals
// (reused from one pupil to the next, as vars is) holding them typed on
// the way, and records the concern lists the evidence reads.
func (p *Pupil) fillVars(vars map[string]any, vals *metrics.Values, minSessions int) {
	p.concern, p.openConcern = p.fillValues(vals, minSessions)
	vals.AddTo(vars)
	p.Figures.AddCodes(vars)
	vars["actions"] = p.actionFuncs()
}

// rulesReads is what of a pupil's indicators a rule set's expressions
// read (rule.Set.ReadsVar): the single-valued ones, the codes, the actions.
type rulesReads struct {
	values         metrics.Subset
	codes, actions bool
}

func readsOf(set *rule.Set) rulesReads {
	return rulesReads{values: metrics.SubsetOf(set.ReadsVar), codes: set.ReadsVar("codes"), actions: set.ReadsVar("actions")}
}

// fillRulesVars is fillVars for an environment that only set.Evaluate
// reads, with SkipEvidence: only the indicators the set's expressions read
// are put (the default rules read 50 of the 81 single-valued ones), the
// rest of vars left as it was. The concerns are recorded as fillVars
// records them. TestRulesVarsSubset holds the outcomes to fillVars's.
func (p *Pupil) fillRulesVars(vars map[string]any, vals *metrics.Values, minSessions int, r *rulesReads) {
	p.concern, p.openConcern = p.fillValues(vals, minSessions)
	vals.AddSubset(vars, r.values)
	if r.codes {
		p.Figures.AddCodes(vars)
	}
	if r.actions {
		vars["actions"] = p.actionFuncs()
	}
}

// fillValues writes every single-valued indicator of the pupil into v and
// returns the concern lists (judgementValues).
func (p *Pupil) fillValues(v *metrics.Values, minSessions int) (concern, open concernSet) {
	p.Figures.PutValues(v, minSessions)
	p.Patterns.PutValues(v)
	pupilValues(v, p.Info)
	if p.JoinedAbsent {
		v.SetBool(metrics.IndEnoughData, true)
	}
	concern, open = p.judgementValues(v)
	v.SetInt(metrics.IndSiblingsPA, int(p.SiblingsPA))
	v.SetInt(metrics.IndSiblingsSA, int(p.SiblingsSA))
	return concern, open
}

// evidenceWriter writes the evidence of a factor that fired for p, as the
// rules would have written it when they fired (rule.Outcome.Evidence): the
// sentences from the pupil's figures (lazyEvidence), and a value with no
// sentence from the indicators, filled only when one is needed. It only
// reads the pupil, so outputs may write several pupils' at once.
type evidenceWriter struct {
	p           *Pupil
	set         *rule.Set
	minSessions int
}

// evidenceScratch is one writer's reused buffers. An output asks for a
// pupil's factors' evidence one after another, so the scratch keeps what
// it wrote for the last writer (the judgement's sentences, the
// indicators): the pupil's values do not change while outputs are
// written.
type evidenceScratch struct {
	w        *evidenceWriter // whose sentences and indicators these are
	lazy     lazyEvidence
	vars     map[string]any
	vals     metrics.Values
	varsDone bool
	p        Pupil // a copy: fillVars records the concerns as it goes
	env      rule.Env
}

var evidenceScratches = sync.Pool{New: func() any {
	sc := &evidenceScratch{vars: map[string]any{}}
	sc.env = rule.Env{EvidenceFor: sc.lazy.get, ValueFor: sc.value, VarsFor: sc.fill}
	return sc
}}

// fill is Env.VarsFor: the pupil's indicators, filled once.
func (sc *evidenceScratch) fill() map[string]any {
	if !sc.varsDone {
		clear(sc.vars)
		sc.p = *sc.w.p
		sc.p.fillVars(sc.vars, &sc.vals, sc.w.minSessions)
		sc.varsDone = true
	}
	return sc.vars
}

// value is Env.ValueFor: a code's count (codes["S"]: the value most often
// shown without a sentence) without filling every indicator. A code not
// in the table has none, as the codes map gives.
func (sc *evidenceScratch) value(base, key string, keyed bool) (any, bool) {
	if !keyed || base != "codes" {
		return nil, false
	}
	if id, ok := codeIDs[key]; ok {
		return sc.w.p.Figures.Codes.Get(id), true
	}
	return 0, true
}

// codeIDs are the codes map's keys (Figures.AddVars), exactly as written.
var codeIDs = func() map[string]mark.ID {
	ids := map[string]mark.ID{}
	for _, c := range mark.Table() {
		ids[c.Code] = c.ID
	}
	return ids
}()

func (w *evidenceWriter) WriteEvidence(fd *rule.Fired) []string {
	sc := evidenceScratches.Get().(*evidenceScratch)
	defer evidenceScratches.Put(sc)
	if sc.w != w {
		sc.w, sc.varsDone = w, false
		sc.lazy.reset(w.p)
	}
	sc.env.Context = w.p.Context
	return w.set.Evidence(fd, sc.env)
}

// lazyEvidence writes a pupil's evidence sentences on request, one at a
// time: only the sentences a fired factor reads are written, into a reused
// buffer, so a pupil whose fired factors cite the absence rate has that one
// sentence made and no other. The judgement's sentences (judgementEvidence)
// are written together, on the first request for one of them. The order of
// the lookups is the order the sentences were layered in before: the
// figures (with a new starter's enough_data over theirs), the pupil and
// the siblings, then the patterns and the judgement, whose names do not
// overlap (TestEvidenceNamesDisjoint).
type lazyEvidence struct {
	p         *Pupil
	buf       []byte
	judge     map[string]string
	judgeDone bool
}

func (l *lazyEvidence) reset(p *Pupil) {
	l.p, l.judgeDone = p, false
	clear(l.judge)
}

func (l *lazyEvidence) get(name string) (string, bool) {
	p := l.p
	if b, ok := p.appendFigureEvidence(l.buf[:0], name); ok {
		l.buf = b
		return string(b), true
	}
	if b, ok := p.Patterns.AppendEvidence(l.buf[:0], name); ok {
		l.buf = b
		return string(b), true
	}
	if !judgementNames[name] {
		return "", false // no pupil has a judgement sentence by that name
	}
	if s, ok := p.judgementSentence(name); ok {
		return s, true
	}
	if !l.judgeDone {
		if l.judge == nil {
			l.judge = map[string]string{}
		}
		p.judgementEvidence(l.judge)
		l.judgeDone = true
	}
	s, ok := l.judge[name]
	return s, ok
}

// judgementNames is every name judgementEvidence writes a sentence for:
// it writes the same names for every pupil (TestJudgementNames), so a
// fired factor reading only other names (a context value, a code's count,
// an indicator with no sentence) does not have every judgement sentence
// written for one lookup that finds none.
var judgementNames = func() map[string]bool {
	ev := map[string]string{}
	(&Pupil{}).judgementEvidence(ev)
	names := make(map[string]bool, len(ev))
	for k := range ev {
		names[k] = true
	}
	return names
}()

// appendFigureEvidence appends the sentence of a figures, pupil or family
// indicator, as fillEvidence's figures, joinedEvidence, pupilEvidence and
// siblingEvidence write it.
func (p *Pupil) appendFigureEvidence(b []byte, name string) ([]byte, bool) {
	switch name {
	case "enough_data":
		if p.JoinedAbsent {
			return append(b, p.joinedText()...), true
		}
	case "year_group":
		return strconv.AppendQuote(append(b, "year group "...), p.Info.YearGroup), true
	case "nc_year":
		return appendNCYear(b, p.Info.YearGroup), true
	case "siblings_pa", "siblings_sa":
		return p.appendSiblings(b), true
	}
	return p.Figures.AppendEvidence(b, name)
}

// joinedEvidence says why a new starter's few sessions are enough data.
func (p *Pupil) joinedEvidence(ev map[string]string) {
	if p.JoinedAbsent {
		ev["enough_data"] = p.joinedText()
	}
}

func (p *Pupil) joinedText() string {
	return fmt.Sprintf("joined on %s and absent from all %d possible sessions since (a new starter who has never attended is not held back by the minimum-sessions guard)", p.Joined.UK(), p.Figures.Possible)
}

func (p *Pupil) fillEvidence(ev map[string]string) {
	p.Figures.AddEvidence(ev)
	p.joinedEvidence(ev)
	p.Patterns.AddEvidence(ev)
	p.judgementEvidence(ev)
	pupilEvidence(ev, p.Info)
	p.siblingEvidence(ev)
}

// parallel calls fn(i) for i in [0, n) on every core. fn must only touch
// index i's own data.
func parallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	caught := make([]WorkerCatch, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			defer caught[w].Catch()
			if testWorkerHook != nil {
				testWorkerHook()
			}
			for i := w; i < n; i += workers {
				fn(i)
			}
		}(w)
	}
	wg.Wait()
	Rethrow(caught)
}
