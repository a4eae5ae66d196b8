package rule

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/attendrisk/attendrisk/pkg/actions"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/types"
	"go.yaml.in/yaml/v3"
)

// The keys each part of a rules file may have. Anything else is an error, so
// a misspelt "wieght:" cannot silently leave a factor without a weight.
var (
	topKeys     = []string{"version", "name", "description", "factors", "tiers", "next_steps", "actions"}
	actionKeys  = []string{"kinds", "outcomes"}
	kindKeys    = []string{"id", "label", "group", "aliases"}
	outcomeKeys = []string{"id", "label", "aliases"}
	factorKeys  = []string{"id", "kind", "group", "label", "when", "weight", "source"}
	tierKeys    = []string{"name", "min_score"}
	stepKeys    = []string{"id", "when", "step", "source", "tiers", "order"}

	kinds  = []string{KindRisk, KindProtective}
	groups = []string{GroupAttendance, GroupChild, GroupParent, GroupAgency}

	idPattern = regexp.MustCompile(`^[a-z0-9_]+$`)
)

// Parse reads a rules file, checks it and compiles every expression once.
// file names the file in error messages. On failure the error is a *Errors
// holding every problem found, each located at a line and column.
//
// A factor's or step's expression reads indicators by name
// (unauthorised_10wk >= 10) and context columns as context.<column>
// (context.young_carer). Both are checked against s when the file is
// loaded: an unknown name, an unknown context column or a type mistake is
// an error here, never a surprise during evaluation.
func Parse(file string, data []byte, s Schema) (*Set, error) {
	sum := sha256.Sum256(data)
	p := &parser{
		file:   file,
		lines:  strings.Split(string(data), "\n"),
		schema: s,
		ids:    map[string]int{},
		set:    &Set{File: file, Hash: "sha256:" + hex.EncodeToString(sum[:]), Actions: actions.Default()},
	}
	p.env = compileEnv(s)
	p.varNames = sortedKeys(s.Vars)
	p.ctxNames = sortedKeys(s.Context)

	p.parse(data)
	if len(p.errs) > 0 {
		p.errs.sort()
		errs := p.errs
		return nil, &errs
	}
	set := p.set
	set.varTypes = typesOf(s.Vars)
	set.ctxTypes = typesOf(s.Context)
	set.env, set.schema = p.env, s
	set.stepOrder = make([]int, len(set.Steps))
	for i := range set.stepOrder {
		set.stepOrder[i] = i
	}
	slices.SortStableFunc(set.stepOrder, func(a, b int) int {
		return cmp.Compare(set.Steps[a].Order, set.Steps[b].Order)
	})
	return set, nil
}

func typesOf(samples map[string]any) map[string]reflect.Type {
	out := make(map[string]reflect.Type, len(samples))
	for k, v := range samples {
		if v != nil {
			out[k] = reflect.TypeOf(v)
		}
	}
	return out
}

type parser struct {
	file     string
	lines    []string
	schema   Schema
	env      types.Map
	varNames []string
	ctxNames []string
	errs     Errors
	ids      map[string]int // id → line of first use
	set      *Set
}

func (p *parser) errorf(line, col int, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) nodeErrorf(n *yaml.Node, format string, args ...any) {
	p.errorf(n.Line, n.Column, format, args...)
}

// yamlLine finds the line number in a go-yaml syntax error
// ("yaml: line 3: did not find expected key").
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

func (p *parser) parse(data []byte) {
	var doc yaml.Node
	if err := unmarshal(data, &doc); err != nil {
		msg, line := err.Error(), 1
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
		p.errorf(line, 1, "invalid YAML: %s", msg)
		return
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		p.errorf(1, 1, "the rules file is empty: it needs version:, name:, factors: and tiers:")
		return
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		p.nodeErrorf(root, "the rules file must be a set of keys (version:, name:, factors:, tiers:, next_steps:), not %s", describe(root))
		return
	}
	top := p.fields(root, topKeys, "the rules file")

	set := p.set
	if v, ok := top["version"]; !ok {
		p.nodeErrorf(root, "missing version: add a line such as \"version: 2025.1\"")
	} else if v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null" || strings.TrimSpace(v.Value) == "" {
		p.nodeErrorf(v, "version must be a string or number, such as 2025.1, not %s", describe(v))
	} else {
		set.Version = v.Value
	}
	set.Name, _ = p.text(root, top, "name", true)
	set.Description, _ = p.text(root, top, "description", false)

	// The actions vocabulary before any expression: calls name its kinds.
	if n, ok := top["actions"]; ok {
		p.actions(n)
	}

	// Tiers first: steps refer to them by name.
	if n, ok := top["tiers"]; !ok {
		p.nodeErrorf(root, "missing tiers: list at least one tier, the last with min_score: 0")
	} else if items, ok := p.list(n, "tiers"); ok {
		p.tiers(n, items)
	}
	if n, ok := top["factors"]; !ok {
		p.nodeErrorf(root, "missing factors: list at least one factor")
	} else if items, ok := p.list(n, "factors"); ok {
		if len(items) == 0 {
			p.nodeErrorf(n, "factors is empty: list at least one factor")
		}
		for _, it := range items {
			p.factor(it)
		}
	}
	if n, ok := top["next_steps"]; ok {
		if items, ok := p.list(n, "next_steps"); ok {
			for _, it := range items {
				p.step(it)
			}
		}
	}
}

// actions reads the actions: section, the local kinds and outcomes an
// actions log may use besides the documented ones:
//
//	actions:
//	  kinds:
//	    - {id: school_nurse_referral, label: School nurse referral, group: support}
//	  outcomes:
//	    - {id: paid, label: Paid}
func (p *parser) actions(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		p.nodeErrorf(n, "actions must be a set of keys (kinds:, outcomes:), not %s", describe(n))
		return
	}
	f := p.fields(n, actionKeys, "actions")
	read := func(key string, allowed []string, add func(id, label string, group string, aliases []string) error) {
		list, has := f[key]
		if !has {
			return
		}
		items, ok := p.list(list, key)
		if !ok {
			return
		}
		for _, it := range items {
			if it.Kind != yaml.MappingNode {
				p.nodeErrorf(it, "each of actions.%s must be a set of keys (%s), not %s", key, strings.Join(allowed, ", "), describe(it))
				continue
			}
			g := p.fields(it, allowed, "an action "+strings.TrimSuffix(key, "s"))
			id, okID := p.text(it, g, "id", true)
			label, _ := p.text(it, g, "label", false)
			group, _ := p.text(it, g, "group", false)
			var aliases []string
			if an, has := g["aliases"]; has {
				if names, ok := p.list(an, "aliases"); ok {
					for _, a := range names {
						if a.Kind == yaml.ScalarNode {
							aliases = append(aliases, a.Value)
						} else {
							p.nodeErrorf(a, "an alias must be text, not %s", describe(a))
						}
					}
				}
			}
			if !okID {
				continue
			}
			if err := add(id, label, group, aliases); err != nil {
				p.nodeErrorf(it, "%v", err)
			}
		}
	}
	read("kinds", kindKeys, func(id, label, group string, aliases []string) error {
		return p.set.Actions.AddKind(actions.Kind{ID: id, Label: label, Group: group, Aliases: aliases})
	})
	read("outcomes", outcomeKeys, func(id, label, _ string, aliases []string) error {
		return p.set.Actions.AddOutcome(actions.Outcome{ID: id, Label: label, Aliases: aliases})
	})
}

// unmarshal decodes YAML into a node tree, turning a panic inside the YAML
// library into an error: a malformed file must never crash the tool.
func unmarshal(data []byte, doc *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return yaml.Unmarshal(data, doc)
}

func (p *parser) tiers(n *yaml.Node, items []*yaml.Node) {
	if len(items) == 0 {
		p.nodeErrorf(n, "tiers is empty: list at least one tier, the last with min_score: 0")
		return
	}
	seen := map[string]int{}
	valid := true
	var prev *Tier
	var last *yaml.Node
	for _, it := range items {
		if it.Kind != yaml.MappingNode {
			p.nodeErrorf(it, "each tier must have name: and min_score:, not %s", describe(it))
			valid = false
			continue
		}
		f := p.fields(it, tierKeys, "a tier")
		name, okName := p.text(it, f, "name", true)
		if okName {
			if !idPattern.MatchString(name) {
				p.nodeErrorf(f["name"], "tier name %q must use only lower-case letters, digits and _", name)
			} else if line, dup := seen[name]; dup {
				p.nodeErrorf(f["name"], "duplicate tier %q (first listed on line %d)", name, line)
			} else {
				seen[name] = f["name"].Line
			}
		}
		min, okMin := p.integer(it, f, "min_score", true)
		if !okName || !okMin {
			valid = false
			continue
		}
		t := Tier{Name: name, MinScore: min}
		if prev != nil && t.MinScore >= prev.MinScore {
			p.nodeErrorf(f["min_score"], "bad tier order: tiers go highest first, so tier %q needs a min_score below %d (tier %q), not %d",
				t.Name, prev.MinScore, prev.Name, t.MinScore)
		}
		p.set.Tiers = append(p.set.Tiers, t)
		prev = &p.set.Tiers[len(p.set.Tiers)-1]
		last = f["min_score"]
	}
	if valid && prev != nil && prev.MinScore > 0 {
		p.nodeErrorf(last, "bad tier order: the last tier (%q) must have min_score 0 or lower, so that every pupil gets a tier; it has %d",
			prev.Name, prev.MinScore)
	}
}

func (p *parser) factor(it *yaml.Node) {
	if it.Kind != yaml.MappingNode {
		p.nodeErrorf(it, "each factor must be a set of keys (id:, kind:, group:, label:, when:, weight:), not %s", describe(it))
		return
	}
	f := p.fields(it, factorKeys, "a factor")
	fa := Factor{Line: it.Line}
	ok := true
	var okID bool
	fa.ID, okID = p.id(it, f)
	if k, okK := p.text(it, f, "kind", true); okK {
		if !slices.Contains(kinds, k) {
			p.nodeErrorf(f["kind"], "kind must be risk or protective, not %q", k)
			ok = false
		}
		fa.Kind = k
	} else {
		ok = false
	}
	if g, okG := p.text(it, f, "group", true); okG {
		if !slices.Contains(groups, g) {
			p.nodeErrorf(f["group"], "group must be one of %s, not %q", strings.Join(groups, ", "), g)
			ok = false
		}
		fa.Group = g
	} else {
		ok = false
	}
	var okL bool
	fa.Label, okL = p.text(it, f, "label", true)
	fa.Source, _ = p.text(it, f, "source", false)
	if w, okW := p.integer(it, f, "weight", true); okW {
		if w <= 0 {
			p.nodeErrorf(f["weight"], "weight must be a positive whole number (1 or more), not %d; a protective factor's weight is subtracted for you", w)
			ok = false
		}
		fa.Weight = w
	} else {
		ok = false
	}
	var prog program
	var skip Skip
	okC := false
	if w, okW := p.text(it, f, "when", true); okW {
		fa.When = w
		prog, skip, okC = p.compile(f["when"])
	}
	if !ok || !okID || !okL || !okC {
		return
	}
	if skip.skipped() {
		skip.ID, skip.Line = fa.ID, fa.Line
		p.set.Skipped = append(p.set.Skipped, skip)
		return
	}
	p.set.Factors = append(p.set.Factors, fa)
	p.set.factors = append(p.set.factors, prog)
}

func (p *parser) step(it *yaml.Node) {
	if it.Kind != yaml.MappingNode {
		p.nodeErrorf(it, "each next step must be a set of keys (id:, step:, when:), not %s", describe(it))
		return
	}
	f := p.fields(it, stepKeys, "a next step")
	st := Step{Line: it.Line}
	ok := true
	st.ID, ok = p.id(it, f)
	var okT bool
	st.Text, okT = p.text(it, f, "step", true)
	st.Source, _ = p.text(it, f, "source", false)
	if o, okO := p.integer(it, f, "order", false); okO {
		st.Order = o
	} else if _, has := f["order"]; has {
		ok = false
	}
	if n, has := f["tiers"]; has {
		names, okL := p.list(n, "tiers")
		ok = ok && okL
		for _, tn := range names {
			if tn.Kind != yaml.ScalarNode || tn.ShortTag() == "!!null" {
				p.nodeErrorf(tn, "tiers must be a list of tier names, not %s", describe(tn))
				ok = false
				continue
			}
			if p.set.TierIndex(tn.Value) < 0 {
				names := make([]string, len(p.set.Tiers))
				for i, t := range p.set.Tiers {
					names[i] = t.Name
				}
				p.nodeErrorf(tn, "unknown tier %q%s (the tiers are %s)", tn.Value, didYouMean(tn.Value, names), strings.Join(names, ", "))
				ok = false
				continue
			}
			st.Tiers = append(st.Tiers, tn.Value)
		}
	}
	var prog program
	var skip Skip
	if when, has := f["when"]; has {
		var okW, okC bool
		st.When, okW = p.text(it, f, "when", true)
		if okW {
			prog, skip, okC = p.compile(when)
		}
		ok = ok && okW && okC
	}
	if !ok || !okT {
		return
	}
	if skip.skipped() {
		skip.ID, skip.Step, skip.Line = st.ID, true, st.Line
		p.set.Skipped = append(p.set.Skipped, skip)
		return
	}
	p.set.Steps = append(p.set.Steps, st)
	p.set.steps = append(p.set.steps, prog)
}

// id reads and checks an id: present, well formed and not used before by
// any factor or step (one namespace, so a skipped or fired id is never
// ambiguous in a report).
func (p *parser) id(it *yaml.Node, f map[string]*yaml.Node) (string, bool) {
	id, ok := p.text(it, f, "id", true)
	if !ok {
		return "", false
	}
	n := f["id"]
	if !idPattern.MatchString(id) {
		p.nodeErrorf(n, "id %q must use only lower-case letters, digits and _", id)
		return id, false
	}
	if line, dup := p.ids[id]; dup {
		p.nodeErrorf(n, "duplicate id %q (first used on line %d)", id, line)
		return id, false
	}
	p.ids[id] = n.Line
	return id, true
}

// fields returns a mapping's values by key, reporting unknown and repeated
// keys.
func (p *parser) fields(m *yaml.Node, allowed []string, what string) map[string]*yaml.Node {
	out := make(map[string]*yaml.Node, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := deref(m.Content[i]), deref(m.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.nodeErrorf(k, "unexpected %s as a key in %s", describe(k), what)
			continue
		}
		if !slices.Contains(allowed, k.Value) {
			p.nodeErrorf(k, "unknown key %q in %s%s (allowed: %s)", k.Value, what, didYouMean(k.Value, allowed), strings.Join(allowed, ", "))
			continue
		}
		if prev, dup := out[k.Value]; dup {
			p.nodeErrorf(k, "%s is given twice in %s (first on line %d)", k.Value, what, prev.Line)
			continue
		}
		out[k.Value] = v
	}
	return out
}

// text reads a scalar as text. A required key that is absent or empty is an
// error located at the mapping.
func (p *parser) text(m *yaml.Node, f map[string]*yaml.Node, key string, required bool) (string, bool) {
	n, ok := f[key]
	if !ok {
		if required {
			p.nodeErrorf(m, "missing %s:", key)
		}
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		p.nodeErrorf(n, "%s must be text, not %s", key, describe(n))
		return "", false
	}
	if n.ShortTag() == "!!null" || strings.TrimSpace(n.Value) == "" {
		if required {
			p.nodeErrorf(n, "%s is empty", key)
		}
		return "", false
	}
	return n.Value, true
}

// integer reads a whole number.
func (p *parser) integer(m *yaml.Node, f map[string]*yaml.Node, key string, required bool) (int, bool) {
	n, ok := f[key]
	if !ok {
		if required {
			p.nodeErrorf(m, "missing %s:", key)
		}
		return 0, false
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!int" {
		v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 32)
		if err == nil {
			return int(v), true
		}
		p.nodeErrorf(n, "%s %s is out of range", key, n.Value)
		return 0, false
	}
	p.nodeErrorf(n, "%s must be a whole number, not %s", key, describe(n))
	return 0, false
}

// list returns a sequence's items.
func (p *parser) list(n *yaml.Node, key string) ([]*yaml.Node, bool) {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		p.nodeErrorf(n, "%s must be a list (lines starting with -), not %s", key, describe(n))
		return nil, false
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, it := range n.Content {
		items[i] = deref(it)
	}
	return items, true
}

// deref follows a YAML alias (*name) to the node it stands for.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// describe names a node's kind for messages: "a list", "text "abc"".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a set of keys"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "nothing"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return n.Value
		}
		v := n.Value
		if r := []rune(v); len(r) > 40 {
			v = string(r[:40]) + "…"
		}
		return fmt.Sprintf("the text %q", v)
	}
	return "an alias"
}
