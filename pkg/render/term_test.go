package render

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTerm(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text is unchanged", "Zoë Siobhán José", "Zoë Siobhán José"},
		{"marks and punctuation", `/\ L N C1 ·—…`, `/\ L N C1 ·—…`},
		{"empty", "", ""},
		{"OSC retitles the terminal", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"CSI clears the screen", "\x1b[2J\x1b[H", `\x1b[2J\x1b[H`},
		{"colour", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"backspace", "Ann\b\b\bBob", `Ann\x08\x08\x08Bob`},
		{"carriage return overwrites a line", "fine\rEVIL", `fine\rEVIL`},
		{"line feed would start a fake line", "Smith\nrules: none", `Smith\nrules: none`},
		{"tab would break the table", "a\tb", `a\tb`},
		{"NUL and DEL", "a\x00b\x7f", `a\x00b\x7f`},
		{"C1 CSI (U+009B)", "a\u009b2J", `a\u009b2J`},
		{"C1 NEL (U+0085)", "a\u0085b", `a\u0085b`},
		{"right-to-left override", "Ann\u202eeviL", `Ann\u202eeviL`},
		{"bidi embeddings and pop", "\u202a\u202b\u202c\u202d", `\u202a\u202b\u202c\u202d`},
		{"bidi isolates", "\u2066x\u2067y\u2068z\u2069", `\u2066x\u2067y\u2068z\u2069`},
		{"bidi marks", "\u200e\u200f\u061c", `\u200e\u200f\u061c`},
		{"line and paragraph separators", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"invalid UTF-8", "a\xffb\xc3", `a\xffb\xc3`},
		{"right-to-left text itself is kept", "مريم", "مريم"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Term(tt.in)); diff != "" {
				t.Errorf("Term(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestTermLines(t *testing.T) {
	got := TermLines("file.csv:3: bad \x1b[2J\nhint: use --map\r")
	want := "file.csv:3: bad \\x1b[2J\nhint: use --map\\r"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
