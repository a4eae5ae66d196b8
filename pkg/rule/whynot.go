package rule

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
)

// WhyNot says why a factor's or step's when: is false for a pupil: the
// first part of it (split at the top-level &&) that is false, with the
// evidence of what that part reads, for example
//
//	post_16: compulsory school age: over compulsory school age (year group)
//	illness_sessions >= 30 is false: 4 sessions of illness (I)
//
// so that a professional who expected a factor sees whether it was too few
// sessions, outside the window, the pupil's age or the cause of absence.
// It is for explaining one pupil, not for the hot path: each part is
// compiled on the spot. It returns "" when every part is true (the factor
// fired) or the expression cannot be split and read.
func (s *Set) WhyNot(when string, env Env) string {
	if when == "" {
		return ""
	}
	tree, err := parseExpr(when)
	if err != nil {
		return ""
	}
	var parts []ast.Node
	var split func(n ast.Node)
	split = func(n ast.Node) {
		if b, ok := n.(*ast.BinaryNode); ok && (b.Operator == "&&" || b.Operator == "and") {
			split(b.Left)
			split(b.Right)
			return
		}
		parts = append(parts, n)
	}
	split(tree.Node)

	vars := make(map[string]any, len(env.Vars)+1)
	for k, v := range env.Vars {
		vars[k] = v
	}
	ctx := env.Context
	if ctx == nil {
		ctx = emptyContext
	}
	vars[contextVar] = ctx
	for _, part := range parts {
		src := part.String()
		shown := s.showKeys(src)
		refs := s.refsOf(part)
		for _, r := range refs {
			if r.kind == refContext && ctx[r.base] == nil {
				return "no value for " + r.name
			}
		}
		prog, err := compileExpr(src, s.env)
		if err != nil {
			return ""
		}
		res, err := expr.Run(prog, vars)
		if err != nil {
			return "could not evaluate " + shown + ": " + firstLine(err.Error())
		}
		if b, ok := res.(bool); ok && !b {
			ev := evidence(&program{refs: refs}, env)
			var what string
			switch x := part.(type) {
			case *ast.IdentifierNode:
				what = "not " + shown
			case *ast.UnaryNode:
				if x.Operator == "!" || x.Operator == "not" {
					what = s.showKeys(x.Node.String())
				} else {
					what = shown + " is false"
				}
			default:
				what = shown + " is false"
			}
			if len(ev) == 0 {
				return what
			}
			return what + ": " + strings.Join(ev, "; ")
		}
	}
	return ""
}

// refsOf lists what a part of an expression reads, in order.
func (s *Set) refsOf(n ast.Node) []ref {
	c := &collector{callees: map[*ast.IdentifierNode]bool{}, lets: map[string]bool{}}
	ast.Walk(&n, c)
	var refs []ref
	seen := map[string]bool{}
	add := func(r ref) {
		if !seen[r.name] {
			seen[r.name] = true
			refs = append(refs, r)
		}
	}
	consumed := map[*ast.IdentifierNode]bool{}
	for _, m := range c.members {
		id, ok := m.Node.(*ast.IdentifierNode)
		prop, isStr := m.Property.(*ast.StringNode)
		if !ok || !isStr {
			continue
		}
		consumed[id] = true
		if id.Value == contextVar {
			add(ref{kind: refContext, name: contextVar + "." + prop.Value, base: prop.Value})
		} else if _, isFuncs := s.schema.Vars[id.Value].(Funcs); isFuncs {
			add(ref{kind: refVar, name: id.Value, base: id.Value})
		} else {
			add(ref{kind: refKey, name: fmt.Sprintf("%s[%q]", id.Value, prop.Value), base: id.Value, key: prop.Value})
		}
	}
	for _, id := range c.idents {
		if consumed[id] || c.callees[id] || c.lets[id.Value] || id.Value == contextVar {
			continue
		}
		if _, ok := s.schema.Vars[id.Value]; ok {
			add(ref{kind: refVar, name: id.Value, base: id.Value})
		}
	}
	return refs
}

// showKeys writes a map indicator's key back as the rules file does:
// expr prints codes["S"] as codes.S.
func (s *Set) showKeys(src string) string {
	for name, sample := range s.schema.Vars {
		if _, isFuncs := sample.(Funcs); isFuncs {
			continue
		}
		if _, isMap := mapKeys(sample); !isMap || !strings.Contains(src, name+".") {
			continue
		}
		re := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\.([A-Za-z0-9_]+)`)
		src = re.ReplaceAllString(src, name+`["$1"]`)
	}
	return src
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
