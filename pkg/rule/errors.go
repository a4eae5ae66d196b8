package rule

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in a rules file, located at a line and column (both
// counted from 1; a column counts characters, not bytes). For a problem
// inside a when: expression the column points into the expression where
// that can be worked out, otherwise at the start of the YAML value.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

// Error formats the problem as "file:line:col: msg".
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Errors is every problem Parse found, in file order. Parse returns it as a
// *Errors; errors.As accepts either a *Errors or an Errors target.
type Errors []*Error

// Error joins the problems one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// As lets errors.As fill an Errors value as well as a *Errors.
func (es Errors) As(target any) bool {
	if t, ok := target.(*Errors); ok {
		*t = es
		return true
	}
	return false
}

// Unwrap gives errors.Is and errors.As each problem.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func (es *Errors) sort() {
	slices.SortStableFunc(*es, func(a, b *Error) int {
		if c := cmp.Compare(a.Line, b.Line); c != 0 {
			return c
		}
		return cmp.Compare(a.Col, b.Col)
	})
}

// closest returns the candidate nearest to name by edit distance, or "" when
// none is near enough to be a plausible typo.
func closest(name string, candidates []string) string {
	best, bestD := "", 0
	for _, c := range candidates {
		d := distance(strings.ToLower(name), strings.ToLower(c))
		if best == "" || d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	limit := max(2, len([]rune(name))/3)
	if best == "" || bestD > limit {
		// A prefix or suffix match catches "unauthorised" → "unauthorised_absence".
		for _, c := range candidates {
			if len(name) >= 4 && (strings.HasPrefix(c, name) || strings.HasSuffix(c, name)) {
				return c
			}
		}
		return ""
	}
	return best
}

// distance is the Levenshtein distance between a and b, counted in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			sub := prev[j-1]
			if ra[i-1] != rb[j-1] {
				sub++
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// didYouMean returns ` (did you mean "x"?)` or "".
func didYouMean(name string, candidates []string) string {
	if c := closest(name, candidates); c != "" && c != name {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// sortedKeys returns a map's keys in order, for messages and suggestions.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
