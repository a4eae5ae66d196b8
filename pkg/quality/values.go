package quality

import (
	"regexp"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Withheld stands, in an example and in the unknown-code table, for a cell
// value that is not shown because it may be a pupil's name (or, in a
// pseudonymised run, a pupil's id). The place and the kind of problem are
// still given, which is what is needed to find and fix the cell.
const Withheld = "(value not shown: it may identify a pupil)"

// MayBeName reports whether a cell's value could be a name: two or more
// letters and nothing but letters and the punctuation names carry (spaces,
// hyphens, apostrophes, full stops, commas). A date, a count or an
// attendance code has a digit, a symbol or a single letter; a word in the
// date, session or mark column is most likely a name that slipped there
// (an unquoted comma in "Smith, John" shifts every later column), so it is
// never quoted. A misspelt session word ("Lunch") is withheld with it: the
// file and line still say where to look.
func MayBeName(v string) bool {
	letters := 0
	for _, r := range v {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.Is(unicode.Mn, r), r == ' ', r == '-', r == '\'', r == '\u2019', r == '\u02bc', r == '.', r == ',':
		default:
			return false
		}
	}
	return letters >= 2
}

// Cell is how an example quotes a cell's value: Go-quoted (so a stray space
// or control character stays visible), or Withheld when it may be a name.
// Every cell value in an example's detail is written by Cell or Short, so a
// quoted string in a detail is always a cell's value: Rewrite relies on it.
func Cell(v string) string {
	if MayBeName(v) {
		return Withheld
	}
	return strconv.Quote(v)
}

// Short is Cell for a value that may be long (a date or count cell): at
// most 16 bytes of it are quoted, cut at a character boundary.
func Short(v string) string {
	if MayBeName(v) {
		return Withheld
	}
	if len(v) <= 16 {
		return strconv.Quote(v)
	}
	cut := 16
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return strconv.Quote(v[:cut]) + "..."
}

// quoted matches a Go-quoted string inside a detail.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// Rewrite passes every cell value quoted in an example's detail, and every
// unknown code, through f, which returns the value to show instead and
// whether to quote it (a pseudonym is quoted; Withheld is not). A
// pseudonymised run uses it so that no real id is left in the account.
func (r *Report) Rewrite(f func(v string) (string, bool)) {
	sub := func(v string) string {
		out, quote := f(v)
		if quote {
			return strconv.Quote(out)
		}
		return out
	}
	for _, m := range []map[string]*Reason{r.rejected, r.findings} {
		for _, rs := range m {
			for i := range rs.Examples {
				e := &rs.Examples[i]
				e.Detail = quoted.ReplaceAllStringFunc(e.Detail, func(q string) string {
					v, err := strconv.Unquote(q)
					if err != nil {
						return Withheld
					}
					return sub(v)
				})
			}
		}
	}
	unknown := map[string]int{}
	for code, n := range r.unknown {
		k := code
		if code != Withheld {
			k, _ = f(code)
		}
		unknown[k] += n
	}
	r.unknown = unknown
}
