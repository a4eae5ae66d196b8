package render

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Term makes text that came from an input file (a name, a cell, a header, a
// rules label, a file name) safe to print: every control character is
// written as a visible escape instead of being sent to the terminal. A
// register cell holding "\x1b]0;pwned\x07" or "\x1b[2J" would otherwise
// retitle or clear the terminal of whoever reads the list, and a
// right-to-left override would make a line read backwards. Escaped are the
// C0 controls (including tab, line feed and carriage return, which would
// break a table or overwrite a line), DEL, the C1 controls, the Unicode
// line and paragraph separators, the bidirectional marks, embeddings,
// overrides and isolates, and bytes that are not UTF-8. Everything else,
// Zoë and Siobhán included, is unchanged.
//
// It is the one sanitiser for human-readable output: the terminal table,
// the data-quality account, explain, inspect, summary, rules show and error
// messages, and (before their own escaping) the Markdown and HTML summaries.
func Term(s string) string {
	i := unsafeAt(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// TermLines is Term for text of several lines that attendrisk itself broke
// (an error message with a hint on its second line): each line is made safe
// and the line breaks kept.
func TermLines(s string) string {
	if unsafeAt(s) < 0 {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		// A line's leading tabs are indentation (cobra's "Did you mean"
		// list), harmless to a terminal; tabs elsewhere are still shown.
		rest := strings.TrimLeft(l, "\t")
		lines[i] = l[:len(l)-len(rest)] + Term(rest)
	}
	return strings.Join(lines, "\n")
}

// unsafeAt is the index of the first byte Term would change, or -1.
func unsafeAt(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return i
		}
		if c < 0x80 {
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r) {
			return i
		}
		i += size - 1
	}
	return -1
}

// unsafeRune reports the runes a terminal or a text renderer acts on rather
// than shows.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // Arabic letter mark, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}
