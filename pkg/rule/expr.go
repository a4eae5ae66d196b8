package rule

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	exprparser "github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"
	"go.yaml.in/yaml/v3"
)

// contextVar is the name expressions use for the context columns.
const contextVar = "context"

// program is one compiled when: and the values it reads, in expression order.
type program struct {
	prog *vm.Program // nil: always true (a step without when:)
	refs []ref
	// handlesNil is set when the expression has a construct that can give
	// a result from a missing value (??, ?., ==, !=, in, a builtin).
	// Otherwise a missing context value can only make it fail, so
	// Evaluate does not run it (a failed run costs a recovered panic).
	handlesNil bool
	// guards are the expression's leading operands that read one
	// indicator, in a chain of &&: in "persistent_absence && enough_data &&
	// x * 10 >= y" both flags, in "current_gno_run_days >= 20 && !post_16"
	// both. Most pupils fail the first, and expr then gives false without
	// reading further or failing, so run tests them before starting the
	// machine.
	guards []guard
}

// guard is one leading operand: a yes/no indicator (true unless not), or
// a whole-number or fractional indicator compared with a number.
type guard struct {
	name string
	op   string // "" for a yes/no indicator; >=, >, <= or <
	not  bool   // the yes/no indicator negated
	num  bool   // a fractional indicator, compared with f
	n    int
	f    float64
}

// holds says whether the guard's operand is true for v; ok is false when
// v is not of the indicator's type (the machine then finds what is wrong).
func (g *guard) holds(v any) (holds, ok bool) {
	switch {
	case g.op == "":
		b, ok := v.(bool)
		return b != g.not, ok
	case g.num:
		x, ok := v.(float64)
		return compare(g.op, x, g.f), ok
	}
	x, ok := v.(int)
	return compare(g.op, x, g.n), ok
}

func compare[T int | float64](op string, x, c T) bool {
	switch op {
	case ">=":
		return x >= c
	case ">":
		return x > c
	case "<=":
		return x <= c
	}
	return x < c
}

// guardOf reads one operand as a guard: indicator or !indicator for a
// yes/no indicator of the schema; indicator OP number, OP one of >=, >, <=
// and <, for a whole-number indicator and a whole number (compared as
// whole numbers, as expr does) or a fractional indicator and a number
// (compared as float64, as expr does).
func guardOf(op ast.Node, vars map[string]any, lets map[string]bool) (guard, bool) {
	indicator := func(n ast.Node) (string, any, bool) {
		id, ok := n.(*ast.IdentifierNode)
		if !ok || lets[id.Value] {
			return "", nil, false
		}
		sample, ok := vars[id.Value]
		return id.Value, sample, ok
	}
	if u, ok := op.(*ast.UnaryNode); ok && (u.Operator == "!" || u.Operator == "not") {
		if name, sample, ok := indicator(u.Node); ok {
			if _, isBool := sample.(bool); isBool {
				return guard{name: name, not: true}, true
			}
		}
		return guard{}, false
	}
	if name, sample, ok := indicator(op); ok {
		_, isBool := sample.(bool)
		return guard{name: name}, isBool
	}
	b, ok := op.(*ast.BinaryNode)
	if !ok {
		return guard{}, false
	}
	switch b.Operator {
	case ">=", ">", "<=", "<":
	default:
		return guard{}, false
	}
	name, sample, ok := indicator(b.Left)
	if !ok {
		return guard{}, false
	}
	g := guard{name: name, op: b.Operator}
	switch sample.(type) {
	case int:
		c, isInt := b.Right.(*ast.IntegerNode)
		if isInt {
			g.n = c.Value
		}
		return g, isInt
	case float64:
		g.num = true
		switch c := b.Right.(type) {
		case *ast.IntegerNode:
			g.f = float64(c.Value)
		case *ast.FloatNode:
			g.f = c.Value
		default:
			return guard{}, false
		}
		return g, true
	}
	return guard{}, false
}

// guardsOf is the guards of an expression's tree (see program.guards):
// the operands of its top chain of && (and), from the left, up to the first
// that guardOf cannot test.
func guardsOf(n ast.Node, vars map[string]any, lets map[string]bool) []guard {
	var ops []ast.Node
	var flatten func(n ast.Node)
	flatten = func(n ast.Node) {
		if b, ok := n.(*ast.BinaryNode); ok && (b.Operator == "&&" || b.Operator == "and") {
			flatten(b.Left)
			flatten(b.Right)
			return
		}
		ops = append(ops, n)
	}
	flatten(n)
	var out []guard
	for _, op := range ops {
		g, ok := guardOf(op, vars, lets)
		if !ok {
			break
		}
		out = append(out, g)
	}
	return out
}

type refKind uint8

const (
	refVar     refKind = iota // an indicator: unauthorised_10wk
	refContext                // a context column: context.young_carer
	refKey                    // a key of a map indicator: codes["I"]
)

// ref is one value an expression reads, for evidence and for explaining why
// an expression could not be evaluated.
type ref struct {
	kind refKind
	name string // as shown: unauthorised_10wk, context.young_carer, codes["I"]
	base string // the indicator, or the context column
	key  string // refKey only
	pos  int    // rune offset in the expression, to keep expression order
}

// compileEnv gives expr the type of every name an expression may read. It is
// a strict typed map, so expr itself rejects anything the schema lacks; the
// runtime environment is a plain map[string]any of the same shape.
func compileEnv(s Schema) types.Map {
	env := make(types.Map, len(s.Vars)+1)
	for k, v := range s.Vars {
		if fs, ok := v.(Funcs); ok {
			m := make(types.Map, len(fs))
			for name, fn := range fs {
				m[name] = typeOf(fn)
			}
			env[k] = m
			continue
		}
		env[k] = typeOf(v)
	}
	ctx := make(types.Map, len(s.Context))
	for k, v := range s.Context {
		ctx[k] = typeOf(v)
	}
	env[contextVar] = ctx
	return env
}

func typeOf(v any) types.Type {
	if v == nil {
		return types.Any
	}
	return types.TypeOf(v)
}

// collector gathers the nodes compile checks. ast.Walk visits children
// before their parent, so membership is settled afterwards.
type collector struct {
	calls      []*ast.CallNode
	idents     []*ast.IdentifierNode
	members    []*ast.MemberNode
	callees    map[*ast.IdentifierNode]bool
	lets       map[string]bool
	handlesNil bool
}

func (c *collector) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.IdentifierNode:
		c.idents = append(c.idents, x)
	case *ast.MemberNode:
		c.members = append(c.members, x)
		c.handlesNil = c.handlesNil || x.Optional
	case *ast.ChainNode, *ast.BuiltinNode:
		c.handlesNil = true
	case *ast.BinaryNode:
		switch x.Operator {
		case "??", "==", "!=", "in", "not in":
			c.handlesNil = true
		}
	case *ast.CallNode:
		c.calls = append(c.calls, x)
		if id, ok := x.Callee.(*ast.IdentifierNode); ok {
			c.callees[id] = true
		}
	case *ast.VariableDeclaratorNode:
		c.lets[x.Name] = true
	}
}

// compile parses, checks and compiles the expression in n. missing lists
// context columns the schema lacks when the schema makes context optional:
// the caller then skips the factor or step. ok is false when there were
// errors (already reported).
func (p *parser) compile(n *yaml.Node) (prog program, skip Skip, ok bool) {
	src := n.Value
	tree, err := parseExpr(src)
	if err != nil {
		p.exprError(n, err, "syntax error: ")
		return program{}, Skip{}, false
	}

	c := &collector{callees: map[*ast.IdentifierNode]bool{}, lets: map[string]bool{}}
	ast.Walk(&tree.Node, c)

	prog.handlesNil = c.handlesNil
	nerr := len(p.errs)
	type miss struct {
		col string
		pos int
	}
	var misses []miss
	consumed := map[*ast.IdentifierNode]bool{}
	for _, m := range c.members {
		id, isIdent := m.Node.(*ast.IdentifierNode)
		if !isIdent || c.lets[id.Value] {
			continue
		}
		prop, isStr := m.Property.(*ast.StringNode)
		if id.Value == contextVar {
			consumed[id] = true
			if !isStr {
				p.exprErrorf(n, m.Property.Location().From, "read a context column by its name, as in context.young_carer")
				continue
			}
			col := prop.Value
			switch _, known := p.schema.Context[col]; {
			case known:
				prog.refs = append(prog.refs, ref{kind: refContext, name: contextVar + "." + col, base: col, pos: id.Location().From})
			case p.schema.OptionalContext:
				misses = append(misses, miss{col, id.Location().From})
			case len(p.ctxNames) == 0:
				p.exprErrorf(n, prop.Location().From, "unknown context column %q: no context columns are loaded", col)
			default:
				p.exprErrorf(n, prop.Location().From, "unknown context column %q%s; the context has %s",
					col, didYouMean(col, p.ctxNames), strings.Join(p.ctxNames, ", "))
			}
			continue
		}
		sample, isVar := p.schema.Vars[id.Value]
		if !isVar || !isStr {
			continue
		}
		if fs, isFuncs := sample.(Funcs); isFuncs {
			consumed[id] = true
			if _, has := fs[prop.Value]; !has {
				names := sortedKeys(fs)
				p.exprErrorf(n, prop.Location().From, "%s has no function %q%s; it has %s", id.Value, prop.Value, didYouMean(prop.Value, names), strings.Join(names, ", "))
				continue
			}
			prog.refs = append(prog.refs, ref{kind: refVar, name: id.Value, base: id.Value, pos: id.Location().From})
			continue
		}
		keys, isMap := mapKeys(sample)
		if !isMap {
			continue
		}
		consumed[id] = true
		if len(keys) > 0 && !slices.Contains(keys, prop.Value) {
			p.exprErrorf(n, prop.Location().From, "%s has no key %q%s", id.Value, prop.Value, didYouMean(prop.Value, keys))
			continue
		}
		prog.refs = append(prog.refs, ref{kind: refKey, name: fmt.Sprintf("%s[%q]", id.Value, prop.Value),
			base: id.Value, key: prop.Value, pos: id.Location().From})
	}
	for _, id := range c.idents {
		if consumed[id] || c.lets[id.Value] {
			continue
		}
		if c.callees[id] {
			p.exprErrorf(n, id.Location().From, "unknown function %q", id.Value)
			continue
		}
		if id.Value == contextVar {
			continue // "x" in context, len(context): no column is read
		}
		if _, known := p.schema.Vars[id.Value]; known {
			prog.refs = append(prog.refs, ref{kind: refVar, name: id.Value, base: id.Value, pos: id.Location().From})
			continue
		}
		if len(p.varNames) == 0 {
			p.exprErrorf(n, id.Location().From, "unknown indicator %q: no indicators are defined", id.Value)
			continue
		}
		p.exprErrorf(n, id.Location().From, "unknown indicator %q%s", id.Value, didYouMean(id.Value, p.varNames))
	}
	p.checkActionKinds(n, c.calls)
	if len(p.errs) > nerr {
		return program{}, Skip{}, false
	}

	slices.SortStableFunc(prog.refs, func(a, b ref) int { return cmp.Compare(a.pos, b.pos) })
	seen := map[string]bool{}
	prog.refs = slices.DeleteFunc(prog.refs, func(r ref) bool {
		dup := seen[r.name]
		seen[r.name] = true
		return dup
	})
	if len(misses) > 0 {
		slices.SortStableFunc(misses, func(a, b miss) int { return cmp.Compare(a.pos, b.pos) })
		for _, m := range misses {
			if !slices.Contains(skip.Missing, m.col) {
				skip.Missing = append(skip.Missing, m.col)
			}
		}
		return program{}, skip, true
	}

	prog.prog, err = compileExpr(src, p.env)
	prog.guards = guardsOf(tree.Node, p.schema.Vars, c.lets)
	if err != nil {
		if skip.WrongType = p.wrongTypeColumns(src, prog.refs); len(skip.WrongType) > 0 {
			return program{}, skip, true
		}
		p.exprError(n, err, "")
		return program{}, Skip{}, false
	}
	return prog, Skip{}, true
}

// wrongTypeColumns finds, for a schema whose context is optional (the
// built-in rules), the context columns whose type in the user's context
// file is what makes an expression fail to compile: a "Young Carer" column
// holding "Primary carer" and "Yes" is text, where the rule reads yes/no.
// The factor or step is then skipped, like one whose column is missing,
// and listed with the reason, rather than stopping the run. For a user's
// own rules file (context not optional) it returns nothing: the type error
// is theirs to fix, and is reported with its place.
func (p *parser) wrongTypeColumns(src string, refs []ref) []WrongType {
	if !p.schema.OptionalContext {
		return nil
	}
	var cols []string
	for _, r := range refs {
		if r.kind == refContext && !slices.Contains(cols, r.base) {
			cols = append(cols, r.base)
		}
	}
	if len(cols) == 0 {
		return nil
	}
	with := func(over map[string]types.Type) bool {
		env := maps.Clone(p.env)
		ctx := maps.Clone(env[contextVar].(types.Map))
		for c, t := range over {
			ctx[c] = t
		}
		env[contextVar] = ctx
		_, err := compileExpr(src, env)
		return err == nil
	}
	var out []WrongType
	for _, c := range cols {
		for _, try := range []struct {
			sample any
			what   string
		}{{false, "yes/no values"}, {0.0, "numbers"}, {"", "text"}} {
			if reflect.TypeOf(try.sample) == reflect.TypeOf(p.schema.Context[c]) {
				continue
			}
			if with(map[string]types.Type{c: types.TypeOf(try.sample)}) {
				out = append(out, WrongType{Column: c, Has: friendlyType(reflect.TypeOf(p.schema.Context[c]).String()), Needs: try.what})
				break
			}
		}
	}
	return out
}

// parseExpr parses without compiling, for the checks that need the syntax
// tree. A panic in the expression library becomes an error.
func parseExpr(src string) (tree *exprparser.Tree, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot read this expression (%v)", r)
		}
	}()
	if strings.TrimSpace(src) == "" {
		return nil, errors.New("the expression is empty")
	}
	return exprparser.Parse(src)
}

func compileExpr(src string, env types.Map) (prog *vm.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot compile this expression (%v)", r)
		}
	}()
	// now() would make results depend on when the tool ran; outputs must
	// depend only on the register, the rules and --as-of.
	return expr.Compile(src, expr.Env(env), expr.AsBool(), expr.DisableBuiltin("now"))
}

var (
	expectedBool = regexp.MustCompile(`^expected bool, but got (.+)$`)
	mismatched   = regexp.MustCompile(`^invalid operation: (\S+) \(mismatched types? (\S+)(?: and (\S+))?\)$`)
	unknownName  = regexp.MustCompile(`^unknown name (\S+)$`)
)

// exprError reports an expr error at its position in the expression, in
// words a rules author (not a Go programmer) will follow.
func (p *parser) exprError(n *yaml.Node, err error, prefix string) {
	msg, off := err.Error(), 0
	var fe *file.Error
	if errors.As(err, &fe) {
		msg, off = fe.Message, fe.From
	}
	switch {
	case expectedBool.MatchString(msg):
		m := expectedBool.FindStringSubmatch(msg)
		msg = "when must be true/false, this is " + friendlyType(m[1])
	case mismatched.MatchString(msg):
		m := mismatched.FindStringSubmatch(msg)
		if m[3] == "" {
			msg = fmt.Sprintf("type error: %s cannot be used with %s", m[1], friendlyType(m[2]))
		} else {
			msg = fmt.Sprintf("type error: %s cannot be used between %s and %s", m[1], friendlyType(m[2]), friendlyType(m[3]))
		}
	case unknownName.MatchString(msg):
		msg = fmt.Sprintf("unknown name %q", unknownName.FindStringSubmatch(msg)[1])
	case prefix == "":
		msg = "type error: " + msg
	default:
		msg = prefix + msg
	}
	p.exprErrorf(n, off, "%s", msg)
}

// friendlyType names a Go type the way a rules author thinks of it.
func friendlyType(t string) string {
	switch {
	case t == "bool":
		return "true/false"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "float"):
		return "a number"
	case t == "string":
		return "text"
	case strings.HasPrefix(t, "map["):
		return "a map (pick one value, as in codes[\"I\"])"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case t == "nil" || t == "<nil>":
		return "nil"
	}
	return "a " + t
}

func (p *parser) exprErrorf(n *yaml.Node, off int, format string, args ...any) {
	line, col := p.exprPos(n, off)
	p.errorf(line, col, format, args...)
}

// exprPos maps a rune offset in the expression to a line and column in the
// file. It handles one-line plain and quoted values and literal blocks (|),
// checking the file text so a value with escapes or folding falls back to
// the start of the YAML value rather than pointing somewhere wrong.
func (p *parser) exprPos(n *yaml.Node, off int) (int, int) {
	val := []rune(n.Value)
	off = max(0, min(off, len(val)))
	src := func(line int) []rune {
		if line < 1 || line > len(p.lines) {
			return nil
		}
		return []rune(strings.TrimSuffix(p.lines[line-1], "\r"))
	}
	switch {
	case n.Style&yaml.LiteralStyle != 0:
		k := strings.Count(string(val[:off]), "\n")
		start := off
		for start > 0 && val[start-1] != '\n' {
			start--
		}
		end := start
		for end < len(val) && val[end] != '\n' {
			end++
		}
		want := val[start:end]
		line := src(n.Line + 1 + k)
		indent := len(line) - len(want)
		if indent >= 0 && len(want) > 0 && string(line[indent:]) == string(want) && strings.TrimSpace(string(line[:indent])) == "" {
			return n.Line + 1 + k, indent + off - start + 1
		}
	case n.Style&yaml.FoldedStyle == 0 && !strings.ContainsRune(n.Value, '\n'):
		col := n.Column
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			col++
		}
		line := src(n.Line)
		if col >= 1 && col-1+len(val) <= len(line) && string(line[col-1:col-1+len(val)]) == string(val) {
			return n.Line, col + off
		}
	}
	return n.Line, n.Column
}

// mapKeys returns the keys of a map sample with string keys, sorted.
func mapKeys(sample any) ([]string, bool) {
	v := reflect.ValueOf(sample)
	if v.Kind() != reflect.Map || v.Type().Key().Kind() != reflect.String {
		return nil, false
	}
	keys := make([]string, 0, v.Len())
	for _, k := range v.MapKeys() {
		keys = append(keys, k.String())
	}
	slices.Sort(keys)
	return keys, true
}

// checkActionKinds checks the kinds named in calls on the actions log
// (actions.last("penalty_notice")) against the vocabulary.
func (p *parser) checkActionKinds(n *yaml.Node, calls []*ast.CallNode) {
	for _, call := range calls {
		m, isMember := call.Callee.(*ast.MemberNode)
		if !isMember || len(call.Arguments) == 0 {
			continue
		}
		if id, isIdent := m.Node.(*ast.IdentifierNode); !isIdent || id.Value != ActionsVar {
			continue
		}
		arg, isStr := call.Arguments[0].(*ast.StringNode)
		if !isStr {
			continue
		}
		if _, known := p.set.Actions.KindByID(arg.Value); !known {
			ids := p.set.Actions.KindIDs()
			p.exprErrorf(n, arg.Location().From, "unknown action %q%s; the actions are %s (a rules file's actions: section adds local ones)", arg.Value, didYouMean(arg.Value, ids), strings.Join(ids, ", "))
		}
	}
}
