package analysis

import (
	"errors"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	exprparser "github.com/expr-lang/expr/parser"
	"go.yaml.in/yaml/v3"

	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/rule"
)

// RulesAgainst says what a rules file is checked against.
type RulesAgainst struct {
	// Context is the run's context file; nil when the run has none, and
	// then a user's rules file that reads a context column is refused.
	Context *ingest.Context
	// Builtin is set for the embedded default rules, written for context
	// columns a user may not have: a factor or step reading a column the
	// context lacks, or holds with another type of value, is skipped and
	// listed (Set.Skipped) where a user's own file is refused.
	Builtin bool
	// ContextUnknown is set for a check made without the context file the
	// rules will run with (rules check without --context). Every context
	// column the file reads is accepted as a value of any type, so that
	// everything that does not depend on the context (keys, ids, weights,
	// tiers, indicator names, actions, syntax and the types of the rest of
	// each expression) is checked exactly as a run checks it; the factors
	// and steps that read the context are listed in Set.Skipped, as not
	// checked against a context file. Context is ignored.
	ContextUnknown bool
}

// ParseRules parses, checks and compiles a rules file. It is the one
// parse every command that evaluates rules uses (through Prepare) and that
// `rules check` uses, so that a file the check accepts is one a run
// accepts, with the same messages.
func ParseRules(name string, data []byte, a RulesAgainst) (*rule.Set, error) {
	if a.ContextUnknown {
		return parseRulesContextUnknown(name, data)
	}
	s := Schema(a.Context)
	s.OptionalContext = a.Builtin
	return rule.Parse(name, data, s)
}

// parseRulesContextUnknown checks a rules file with no context file in
// hand. A first parse types every context column the file reads as "any
// value": an error in it is one no context file could cure, the same a
// run reports (with a context file that has the columns). A second parse,
// with the context optional, lists the factors and steps that read the
// context, which only a check against the real file can settle.
func parseRulesContextUnknown(name string, data []byte) (*rule.Set, error) {
	s := Schema(nil)
	s.Context = map[string]any{}
	for _, col := range contextColumnsRead(data) {
		// A nil sample is typed as any value by the rule package's
		// compile environment (TestCheckRulesAgreesWithPrepare holds it to it).
		s.Context[col] = nil
	}
	if _, err := rule.Parse(name, data, s); err != nil {
		var errs rule.Errors
		if errors.As(err, &errs) {
			// The expression library names a value of any type "unknown":
			// here it is a context column's, whose type the file settles.
			for _, e := range errs {
				e.Msg = strings.ReplaceAll(e.Msg, "a unknown", "a context value")
			}
		}
		return nil, err
	}
	s = Schema(nil)
	s.OptionalContext = true
	return rule.Parse(name, data, s)
}

// contextColumnsRead lists the context columns (context.<column>) that the
// when: expressions of a rules file's factors and steps read. A file or an
// expression that does not parse gives what could be read: the parse that
// follows reports the mistake with its place.
func contextColumnsRead(data []byte) []string {
	var doc yaml.Node
	if err := safeUnmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	var cols []string
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i].Value; k != "factors" && k != "next_steps" {
			continue
		}
		list := root.Content[i+1]
		if list.Kind != yaml.SequenceNode {
			continue
		}
		for _, it := range list.Content {
			if it.Kind != yaml.MappingNode {
				continue
			}
			for j := 0; j+1 < len(it.Content); j += 2 {
				if it.Content[j].Value != "when" || it.Content[j+1].Kind != yaml.ScalarNode {
					continue
				}
				for _, c := range exprContextColumns(it.Content[j+1].Value) {
					if !slices.Contains(cols, c) {
						cols = append(cols, c)
					}
				}
			}
		}
	}
	return cols
}

// exprContextColumns lists the columns an expression reads as
// context.<column> or context["column"].
func exprContextColumns(src string) (cols []string) {
	defer func() {
		if recover() != nil {
			cols = nil // the parse that follows reports it
		}
	}()
	tree, err := exprparser.Parse(src)
	if err != nil {
		return nil
	}
	v := &contextVisitor{}
	ast.Walk(&tree.Node, v)
	return v.cols
}

type contextVisitor struct{ cols []string }

func (v *contextVisitor) Visit(n *ast.Node) {
	m, ok := (*n).(*ast.MemberNode)
	if !ok {
		return
	}
	id, isIdent := m.Node.(*ast.IdentifierNode)
	prop, isStr := m.Property.(*ast.StringNode)
	if isIdent && isStr && id.Value == "context" {
		v.cols = append(v.cols, prop.Value)
	}
}

// safeUnmarshal decodes YAML, turning a panic in the YAML library into an
// error.
func safeUnmarshal(data []byte, doc *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("invalid YAML")
		}
	}()
	return yaml.Unmarshal(data, doc)
}

// CheckRules parses the rules file of in as Prepare would, against the
// context file of in read as Prepare reads it (with the mapping of
// in.Ingest.Map, from --map or --profile). Without a context file the
// check is the one of RulesAgainst.ContextUnknown. The context file's
// findings are not reported: this is a check of the rules.
func CheckRules(in Input) (*rule.Set, error) {
	if in.ContextFile != "" {
		_, set, err := loadContextAndRules(in, quality.New())
		return set, err
	}
	name, data, builtin, err := rulesData(in)
	if err != nil {
		return nil, err
	}
	if builtin {
		return ParseRules(name, data, RulesAgainst{Builtin: true})
	}
	return ParseRules(name, data, RulesAgainst{ContextUnknown: true})
}
