package rule

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Env is one pupil's values.
type Env struct {
	// Vars holds every indicator in the Schema the set was parsed with.
	Vars map[string]any
	// Context holds the pupil's context values; a column may be missing or
	// nil (the pupil is not in the context file, or the cell is blank).
	Context map[string]any
	// Evidence optionally gives a sentence for an indicator or context
	// value ("unauthorised_10wk": "12 unauthorised sessions, 03/03 to
	// 09/05"), used instead of "name = value". Keys are the names shown
	// in Fired.Evidence: unauthorised_10wk, context.young_carer, codes["I"].
	Evidence map[string]string
	// SkipEvidence leaves Fired[].Evidence empty, for a caller that writes
	// evidence only for pupils where something fired (see FillEvidence):
	// formatting evidence is the dearest part of an evaluation.
	SkipEvidence bool
	// EvidenceFor, when set, is asked for an indicator's sentence instead
	// of looking in Evidence, so a caller can write only the sentences a
	// fired factor reads.
	EvidenceFor func(name string) (string, bool)
	// VarsFor, when set and Vars is nil, is asked once for the indicators
	// when evidence has to show a value with no sentence ("name = value"):
	// evidence written at output time (see Outcome.Evidence) then fills
	// the indicators only for the factors that need them.
	VarsFor func() map[string]any
	// ValueFor, when set and Vars is nil, is asked first for one value
	// with no sentence: an indicator (keyed false) or a key of one
	// (codes["S"]: base codes, key S); false sends the evidence to VarsFor.
	// It lets a caller give the common ones without filling every
	// indicator.
	ValueFor func(base, key string, keyed bool) (any, bool)
	// VarsOwned lets Evaluate run the expressions on Vars itself, adding
	// the context under "context", instead of on a copy: for a caller that
	// refills one Vars map for every pupil (copying some 100 indicators a
	// pupil was a measurable part of an authority's evaluation).
	VarsOwned bool
}

// Fired is a factor whose expression was true, with what it read.
type Fired struct {
	Factor *Factor
	// Evidence has one entry per indicator or context value the
	// expression reads, in the order the expression reads them (a
	// sentence shared by two values appears once).
	Evidence []string
}

// Unknown is a factor that could not be evaluated for a pupil, typically
// because a context value it reads is missing. It did not fire.
type Unknown struct {
	Factor *Factor
	// Reason is, for example, "no value for context.young_carer".
	Reason string
}

// UnknownStep is a next step that could not be evaluated for a pupil.
type UnknownStep struct {
	Step   *Step
	Reason string
}

// RuntimeFailure reports whether a reason is a failure of the expression
// itself (a wrong type of value, a division by zero) rather than a blank
// context cell, which is expected and shown by explain.
func RuntimeFailure(reason string) bool {
	return strings.HasPrefix(reason, "could not evaluate") || strings.HasPrefix(reason, "wrong type of value")
}

// Outcome is one pupil's result.
type Outcome struct {
	// Score is RiskPoints minus ProtectivePoints, floored at 0.
	Score int
	// RiskPoints and ProtectivePoints are the sums of the fired risk and
	// protective weights (both positive).
	RiskPoints, ProtectivePoints int
	Tier                         string
	// Fired lists the risk factors that fired, then the protective ones,
	// each in file order.
	Fired []Fired
	// The factors that did not fire are not stored: Set.NotFired lists
	// them from Fired. An authority's pupils each left most of the factors
	// unfired, a slice of them each (a tenth of the results' memory) that
	// only explain reads.
	// Unknown lists the factors that could not be evaluated, and why.
	Unknown []Unknown
	// StepsUnknown lists the next steps that could not be evaluated, and
	// why: they are not suggested, and the caller reports them.
	StepsUnknown []UnknownStep
	// Steps are the next steps whose when: is true and whose tiers (if
	// any) include the pupil's tier, by Order then file order.
	Steps []*Step

	// writer, when set, writes a fired factor's evidence on request
	// (Evidence) for an outcome stored without it: an authority's
	// evidence sentences, held from the rules to the output, were a fifth
	// of the results' memory, and each is made again from the pupil's
	// figures in less time than the output takes to write it.
	writer EvidenceWriter
}

// EvidenceWriter writes the evidence of a factor that fired for an
// outcome, exactly as Evaluate would have written it then (the caller
// keeps the pupil's values unchanged until the output is written).
type EvidenceWriter interface {
	WriteEvidence(fd *Fired) []string
}

// SetEvidence makes the outcome write its fired factors' evidence on
// request, with w, where Fired[].Evidence was left empty (Env.SkipEvidence).
func (o *Outcome) SetEvidence(w EvidenceWriter) { o.writer = w }

// Evidence is Fired[k]'s evidence: as stored, or, for an outcome stored
// without it (SetEvidence), written now. Every output reads evidence
// through Evidence.
func (o *Outcome) Evidence(k int) []string {
	fd := &o.Fired[k]
	if fd.Evidence != nil || o.writer == nil {
		return fd.Evidence
	}
	return o.writer.WriteEvidence(fd)
}

// KeepEvidence writes every fired factor's evidence into Fired[].Evidence
// now, for a caller about to change the values it was written from (as
// pseudonymisation rewrites the context).
func (o *Outcome) KeepEvidence() {
	for k := range o.Fired {
		o.Fired[k].Evidence = o.Evidence(k)
	}
	o.writer = nil
}

// emptyContext stands in for a nil Env.Context: expr cannot read a field
// of nil, but reads a missing key of a map as nil.
var emptyContext = map[string]any{}

// Evaluate scores one pupil. Expressions were compiled by Parse; Evaluate
// only runs them, reusing an expression machine and environment map per
// goroutine, so it is cheap enough for every pupil of a local authority.
//
// An expression that cannot be evaluated for this pupil (a context value it
// reads is missing or of the wrong type, or it fails as it runs) does not
// fire: Set.NotFired lists it, and Unknown with the reason. A next
// step that cannot be evaluated is not suggested and is listed in
// StepsUnknown with the reason, so the caller can report it. The error is for a programming
// mistake, the same for every pupil: Env.Vars lacks an indicator the
// Schema promised, or holds one of another type.
func (s *Set) Evaluate(env Env) (Outcome, error) {
	st, _ := s.pool.Get().(*state)
	if st == nil {
		st = &state{env: make(map[string]any, len(env.Vars)+1)}
	}
	defer s.pool.Put(st)

	ctx := env.Context
	if ctx == nil {
		ctx = emptyContext
	}
	run := st.env
	if env.VarsOwned {
		run = env.Vars
	} else {
		clear(run)
		for k, v := range env.Vars {
			run[k] = v
		}
	}
	run[contextVar] = ctx

	var out Outcome
	if cap(st.fired) < len(s.Factors) {
		st.fired = make([]bool, len(s.Factors))
	}
	fired := st.fired[:len(s.Factors)]
	clear(fired)
	nfired := 0
	for i := range s.Factors {
		f := &s.Factors[i]
		ok, reason, err := s.run(st, run, &s.factors[i], env)
		if err != nil {
			return Outcome{}, fmt.Errorf("rule: factor %s (line %d): %w", f.ID, f.Line, err)
		}
		if reason != "" {
			out.Unknown = append(out.Unknown, Unknown{Factor: f, Reason: reason})
		}
		if !ok {
			continue
		}
		fired[i] = true
		nfired++
		if f.Protective() {
			out.ProtectivePoints += f.Weight
		} else {
			out.RiskPoints += f.Weight
		}
	}
	if nfired > 0 {
		out.Fired = make([]Fired, 0, nfired)
		for _, protective := range []bool{false, true} {
			for i := range s.Factors {
				if f := &s.Factors[i]; fired[i] && f.Protective() == protective {
					fd := Fired{Factor: f}
					if !env.SkipEvidence {
						fd.Evidence = evidence(&s.factors[i], env)
					}
					out.Fired = append(out.Fired, fd)
				}
			}
		}
	}
	out.Score = max(0, out.RiskPoints-out.ProtectivePoints)
	out.Tier = s.tierFor(out.Score)

	for _, i := range s.stepOrder {
		step := &s.Steps[i]
		if len(step.Tiers) > 0 && !slices.Contains(step.Tiers, out.Tier) {
			continue
		}
		ok, reason, err := s.run(st, run, &s.steps[i], env)
		if err != nil {
			return Outcome{}, fmt.Errorf("rule: next step %s (line %d): %w", step.ID, step.Line, err)
		}
		if reason != "" {
			out.StepsUnknown = append(out.StepsUnknown, UnknownStep{Step: step, Reason: reason})
		}
		if ok {
			out.Steps = append(out.Steps, step)
		}
	}
	return out, nil
}

// NotFired lists, in file order, every factor of the set that did not
// fire for the outcome, including those in Unknown: every factor Fired
// lacks. out must be the set's own Evaluate's.
func (s *Set) NotFired(out *Outcome) []*Factor {
	var not []*Factor
	for i := range s.Factors {
		f := &s.Factors[i]
		if !slices.ContainsFunc(out.Fired, func(fd Fired) bool { return fd.Factor == f }) {
			not = append(not, f)
		}
	}
	return not
}

// run evaluates one program. A failure that depends on the pupil's data (a
// missing or mistyped context value, say) gives false with a reason; an
// indicator missing from Env.Vars, or not of the Schema's type, is an
// error. Failures are diagnosed only after the fact, so a successful run
// costs nothing extra.
func (s *Set) run(st *state, run map[string]any, p *program, env Env) (ok bool, reason string, err error) {
	if p.prog == nil {
		return true, "", nil
	}
	if !p.handlesNil {
		var missing []string
		for _, r := range p.refs {
			if r.kind == refContext && env.Context[r.base] == nil {
				missing = append(missing, r.name)
			}
		}
		if len(missing) > 0 {
			return false, "no value for " + strings.Join(missing, ", "), nil
		}
	}
	for i := range p.guards {
		holds, ok := p.guards[i].holds(run[p.guards[i].name])
		if !ok {
			break // the machine finds what is wrong
		}
		if !holds {
			return false, "", nil // as the machine would: && stops here
		}
	}
	res, runErr := st.vm.Run(p.prog, run)
	if runErr == nil {
		if b, isBool := res.(bool); isBool {
			return b, "", nil
		}
		runErr = fmt.Errorf("gave %v, not true/false", res)
	}
	var missing, wrong []string
	for _, r := range p.refs {
		switch r.kind {
		case refVar, refKey:
			v, has := env.Vars[r.base]
			if !has || v == nil {
				return false, "", fmt.Errorf("no value for indicator %s", r.base)
			}
			if want := s.varTypes[r.base]; want != nil && reflect.TypeOf(v) != want {
				return false, "", fmt.Errorf("indicator %s is a %T, but the schema says %s", r.base, v, want)
			}
		case refContext:
			v := env.Context[r.base]
			if v == nil {
				missing = append(missing, r.name)
			} else if want := s.ctxTypes[r.base]; want != nil && reflect.TypeOf(v) != want {
				wrong = append(wrong, fmt.Sprintf("%s is %s, not %s", r.name,
					friendlyType(reflect.TypeOf(v).String()), friendlyType(want.String())))
			}
		}
	}
	if len(missing) > 0 {
		return false, "no value for " + strings.Join(missing, ", "), nil
	}
	if len(wrong) > 0 {
		return false, "wrong type of value: " + strings.Join(wrong, ", "), nil
	}
	msg := runErr.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i] // drop expr's source snippet
	}
	return false, "could not evaluate: " + redact(msg, p, env), nil
}

// redact takes the pupil's own values out of an expression's run-time
// error. expr writes the operand into its message (int(context.support)
// on "Declined" fails as "invalid operation: int(Declined)"), and the
// reason goes into the data-quality account, counted across pupils, where
// a child's context value has no place: it could be anything a school
// keeps. Each context value and text indicator the expression read is
// replaced, as a whole word, by what it is ("value of context.support"),
// so the same failure for many pupils is one reason, not one per value.
func redact(msg string, p *program, env Env) string {
	// expr's position in the expression, " (1:18)", is kept as it is.
	pos := ""
	if i := strings.LastIndex(msg, " ("); i >= 0 && strings.HasSuffix(msg, ")") && isPosition(msg[i+2:len(msg)-1]) {
		msg, pos = msg[:i], msg[i:]
	}
	type sub struct{ val, name string }
	var subs []sub
	for _, r := range p.refs {
		var v any
		switch r.kind {
		case refContext:
			v = env.Context[r.base]
		case refVar:
			if s, ok := env.Vars[r.base].(string); ok {
				v = s
			}
		}
		var text string
		switch v := v.(type) {
		case string:
			text = v
		case float64:
			text = strconv.FormatFloat(v, 'f', -1, 64)
		case int:
			text = strconv.Itoa(v)
		default:
			continue // missing, or true/false, which is no one's secret
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		name := "value of " + r.name
		subs = append(subs, sub{strconv.Quote(text), name}, sub{text, name})
	}
	slices.SortStableFunc(subs, func(a, b sub) int { return len(b.val) - len(a.val) })
	for _, s := range subs {
		msg = replaceWord(msg, s.val, s.name)
	}
	return msg + pos
}

// isPosition reports whether s is expr's "line:column".
func isPosition(s string) bool {
	l, c, ok := strings.Cut(s, ":")
	_, e1 := strconv.Atoi(l)
	_, e2 := strconv.Atoi(c)
	return ok && e1 == nil && e2 == nil
}

// replaceWord replaces old in s wherever it is not part of a longer word.
func replaceWord(s, old, repl string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := i + len(old)
		if (i > 0 && isWordByte(s[i-1]) && isWordByte(old[0])) || (j < len(s) && isWordByte(s[j]) && isWordByte(old[len(old)-1])) {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s = s[j:]
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// FillEvidence writes the evidence of an Outcome's fired factors from env,
// as Evaluate would have without SkipEvidence.
func (s *Set) FillEvidence(out *Outcome, env Env) {
	for k := range out.Fired {
		out.Fired[k].Evidence = s.Evidence(&out.Fired[k], env)
	}
}

// Evidence writes one fired factor's evidence from env, as Evaluate would
// have without SkipEvidence; nil if the factor is not the set's.
func (s *Set) Evidence(fd *Fired, env Env) []string {
	for i := range s.Factors {
		if &s.Factors[i] == fd.Factor {
			return evidence(&s.factors[i], env)
		}
	}
	return nil
}

// evidence describes each value a fired factor read. Two values described
// by the same sentence (persistent_absence and approaching_persistent may
// both cite the absence rate) give it once.
func evidence(p *program, env Env) []string {
	out := make([]string, 0, len(p.refs))
	for _, r := range p.refs {
		var text string
		var ok bool
		if env.EvidenceFor != nil {
			text, ok = env.EvidenceFor(r.name)
		} else {
			text, ok = env.Evidence[r.name]
		}
		if !ok || text == "" {
			var v any
			var given bool
			if env.Vars == nil && env.ValueFor != nil && r.kind != refContext {
				v, given = env.ValueFor(r.base, r.key, r.kind == refKey)
			}
			if !given && env.Vars == nil && env.VarsFor != nil && r.kind != refContext {
				env.Vars = env.VarsFor()
			}
			switch {
			case given:
			case r.kind == refVar:
				v = env.Vars[r.base]
			case r.kind == refContext:
				v = env.Context[r.base]
			case r.kind == refKey:
				v = index(env.Vars[r.base], r.key)
			}
			text = r.name + " = " + format(v)
		}
		if !slices.Contains(out, text) {
			out = append(out, text)
		}
	}
	return out
}

func index(m any, key string) any {
	switch m := m.(type) {
	case map[string]int:
		return m[key]
	case map[string]any:
		return m[key]
	case map[string]float64:
		return m[key]
	}
	v := reflect.ValueOf(m)
	if v.Kind() == reflect.Map && v.Type().Key().Kind() == reflect.String {
		if e := v.MapIndex(reflect.ValueOf(key).Convert(v.Type().Key())); e.IsValid() {
			return e.Interface()
		}
	}
	return nil
}

// format shows a value in evidence: whole numbers as they are, fractions
// to at most two decimal places, text quoted.
func format(v any) string {
	switch v := v.(type) {
	case nil:
		return "no value"
	case float64:
		return formatFloat(v)
	case float32:
		return formatFloat(float64(v))
	case string:
		return strconv.Quote(v)
	}
	return fmt.Sprint(v)
}

func formatFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}
