package rule

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"

	"github.com/attendrisk/attendrisk/pkg/actions"
)

// Schema describes what a rules file may refer to. Parse type-checks every
// expression against it, so a misspelt indicator or a comparison of a number
// with true/false is reported when the rules are loaded, not half-way
// through 40,000 pupils.
type Schema struct {
	// Vars maps an indicator name to a sample value whose Go type is the
	// indicator's type: int, float64, bool, string, or map[string]int for
	// codes. Env.Vars must hold values of exactly these types. For a map,
	// the sample's keys are the known keys: codes["Q9"] is an error when
	// the sample holds every DfE code but not Q9. An empty map sample
	// accepts any key. The name "context" is reserved for the context.
	Vars map[string]any
	// Context maps a context column (snake_case) to a sample value: bool,
	// float64 or string. Expressions read a column as context.<column>.
	Context map[string]any
	// OptionalContext says what to do with a factor or step that reads a
	// context column Context does not have. False (a user's own rules
	// file): it is an error. True (the embedded default rules, written for
	// a context file the user may not have): the factor or step is left out
	// and listed in Set.Skipped.
	OptionalContext bool
}

// Funcs is the sample (and the value) of an indicator that is a set of
// functions: actions.last("penalty_notice") calls the "last" entry. Each
// value is a Go function; expressions are type-checked against its
// signature.
type Funcs map[string]any

// ActionsVar is the Funcs indicator over the actions log. Calls on it whose
// first argument is written as text name an action kind, which is checked
// against Set.Actions (the default vocabulary and the file's actions:
// section) when the file is loaded: a misspelt kind would otherwise read
// as "never taken" and suggest a step already taken.
const ActionsVar = "actions"

// Set is a parsed, type-checked and compiled rules file. It is safe for
// concurrent use by several goroutines once Parse has returned it.
type Set struct {
	// File is the name the file was parsed under, for messages.
	File string
	// Name and Version are the file's name: and version: (version as
	// written, so 2025.10 stays "2025.10").
	Name, Version string
	// Description is the file's description:, if any.
	Description string
	// Hash is "sha256:" and the hex SHA-256 of the file's bytes, so an
	// output records exactly which rules produced it.
	Hash string
	// Factors are the risk and protective factors in file order, less any
	// that were skipped.
	Factors []Factor
	// Tiers are highest first. The last has MinScore <= 0, so every pupil
	// gets a tier.
	Tiers []Tier
	// Steps are the next steps in file order, less any that were skipped.
	// Evaluate returns them ordered by Order, then file order.
	Steps []Step
	// Skipped lists factors and steps left out because they need context
	// columns the context does not have (only with Schema.OptionalContext).
	Skipped []Skip
	// Actions is the actions-log vocabulary: the documented one plus the
	// kinds and outcomes of the file's actions: section.
	Actions *actions.Vocabulary

	factors   []program // parallel to Factors
	steps     []program // parallel to Steps
	stepOrder []int     // indexes into Steps, by Order then file order
	pool      sync.Pool // *state
	// The schema's types, to explain a failed evaluation.
	varTypes, ctxTypes map[string]reflect.Type
	// The compile environment and schema, for WhyNot.
	env    types.Map
	schema Schema
	// reads is every indicator an expression reads (ReadsVar).
	readsOnce sync.Once
	reads     map[string]bool
}

// ReadsVar reports whether an expression of the set (a factor's or a
// step's when:) reads the indicator name: the name itself, a key of it (a
// map such as codes) or a function of it (actions). Evaluate reads nothing
// else of Env.Vars, so an environment filled for Evaluate alone (with
// SkipEvidence) may leave out every name it reports false for.
func (s *Set) ReadsVar(name string) bool {
	s.readsOnce.Do(func() {
		s.reads = map[string]bool{}
		for _, ps := range [][]program{s.factors, s.steps} {
			for i := range ps {
				for _, r := range ps[i].refs {
					if r.kind != refContext {
						s.reads[r.base] = true
					}
				}
				for _, g := range ps[i].guards {
					s.reads[g.name] = true
				}
			}
		}
	})
	return s.reads[name]
}

// Factor is one risk or protective factor.
type Factor struct {
	ID string
	// Kind is "risk" or "protective".
	Kind string
	// Group is "attendance", "child", "parent" or "agency": the heading the
	// guidance lists the factor under.
	Group  string
	Label  string
	Source string
	// Weight is positive. A protective factor's weight is subtracted.
	Weight int
	// When is the expression, as written.
	When string
	// Line is where the factor starts in the rules file.
	Line int
}

// Protective reports whether the factor lowers the score.
func (f *Factor) Protective() bool { return f.Kind == KindProtective }

// Kinds and groups a factor may have.
const (
	KindRisk       = "risk"
	KindProtective = "protective"

	GroupAttendance = "attendance"
	GroupChild      = "child"
	GroupParent     = "parent"
	GroupAgency     = "agency"
)

// Tier is a band of scores. A pupil takes the first tier (highest first)
// whose MinScore the score reaches.
type Tier struct {
	Name     string
	MinScore int
}

// Step is a suggested next step for a professional.
type Step struct {
	ID string
	// Text is the step: as written.
	Text   string
	Source string
	// When is the expression as written; empty means the step applies to
	// every pupil in Tiers.
	When string
	// Tiers, when not empty, limits the step to pupils in those tiers.
	Tiers []string
	// Order sorts the steps Evaluate returns (ties keep file order). An
	// omitted order: is 0.
	Order int
	// Line is where the step starts in the rules file.
	Line int
}

// Skip is a factor or step left out of a Set because the context lacks
// columns it reads, or holds them with values of another type (only with
// Schema.OptionalContext).
type Skip struct {
	ID string
	// Step is true for a next step, false for a factor.
	Step bool
	// Missing are the context columns (without "context.") it needs, in the
	// order the expression reads them.
	Missing []string
	// WrongType are the columns the context has, but whose values the
	// expression cannot use.
	WrongType []WrongType
	Line      int
}

// WrongType is a context column whose values are of a type a rule cannot
// read: a Young Carer column holding "Primary carer" is text, and the
// rule reads yes/no values.
type WrongType struct {
	Column string
	// Has is the column's type in the context ("text"), Needs the type
	// the expression compiles with ("yes/no values").
	Has, Needs string
}

func (k Skip) skipped() bool { return len(k.Missing) > 0 || len(k.WrongType) > 0 }

// Reason says why the factor or step was not evaluated, for a report:
// "not evaluated: needs context.young_carer", or "not evaluated:
// context.young_carer is text in the context, the rule needs yes/no values".
func (k Skip) Reason() string {
	var parts []string
	if len(k.Missing) > 0 {
		cols := make([]string, len(k.Missing))
		for i, c := range k.Missing {
			cols[i] = "context." + c
		}
		parts = append(parts, "needs "+strings.Join(cols, ", "))
	}
	for _, w := range k.WrongType {
		parts = append(parts, fmt.Sprintf("context.%s is %s in the context, the rule needs %s", w.Column, w.Has, w.Needs))
	}
	return "not evaluated: " + strings.Join(parts, "; ")
}

// TierIndex returns the position of the named tier, 0 for the highest, or -1
// if the set has no such tier.
func (s *Set) TierIndex(name string) int {
	for i, t := range s.Tiers {
		if t.Name == name {
			return i
		}
	}
	return -1
}

// tierFor returns the name of the first tier whose MinScore score reaches.
func (s *Set) tierFor(score int) string {
	for _, t := range s.Tiers {
		if score >= t.MinScore {
			return t.Name
		}
	}
	return s.Tiers[len(s.Tiers)-1].Name // unreachable: Parse checks the last tier
}

// state is the per-goroutine scratch space Evaluate reuses.
type state struct {
	vm    vm.VM
	env   map[string]any
	fired []bool
}
