package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mattn/go-runewidth"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

// The output is never wider than the terminal, at any width from 80 up,
// with or without rules, and drops columns rather than wrapping: one line a
// pupil.
func TestTableFitsWidth(t *testing.T) {
	for _, width := range []int{80, 90, 100, 120, 160} {
		for _, name := range []string{"rules", "figures"} {
			var b bytes.Buffer
			r := goldenResult(t)
			if name == "rules" {
				r = tableRulesResult(t)
			}
			if err := Table(&b, r, TableOptions{Width: width}); err != nil {
				t.Fatal(err)
			}
			rows := 0
			for _, line := range strings.Split(b.String(), "\n") {
				if w := runewidth.StringWidth(line); w > width {
					t.Errorf("%s at %d: a line %d wide: %q", name, width, w, line)
				}
				if strings.HasPrefix(line, "│") {
					rows++
				}
			}
			if rows != 6 { // the header and five pupils, a line each
				t.Errorf("%s at %d: %d table lines, want 6 (no wrapping)", name, width, rows)
			}
		}
	}
}

// A narrower terminal loses the least needed columns first.
func TestTableColumnsByWidth(t *testing.T) {
	header := func(res func(*testing.T) *analysis.Result, width int) string {
		var b bytes.Buffer
		if err := Table(&b, res(t), TableOptions{Width: width}); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(line, "│ #") {
				return strings.Join(strings.Fields(strings.ReplaceAll(line, "│", " ")), " ")
			}
		}
		return ""
	}
	tests := []struct {
		res   func(*testing.T) *analysis.Result
		width int
		want  string
	}{
		{tableRulesResult, 80, "# Pupil Name Abs% Tier Factors (+ protective)"},
		{tableRulesResult, 100, "# Pupil Name Year Abs% Tier Score Factors (+ protective)"},
		{tableRulesResult, 120, "# Pupil Name Year Abs% Unauth% Tier Score Factors (+ protective)"},
		{goldenResult, 80, "# Pupil Name Year Poss Abs% Auth Unauth Miss Flag"}, // the names give way first
		{goldenResult, 100, "# Pupil Name Year Poss Abs% Auth Unauth Miss Flag"},
	}
	for _, tt := range tests {
		if got := header(tt.res, tt.width); got != tt.want {
			t.Errorf("at %d columns: %q, want %q", tt.width, got, tt.want)
		}
	}
}

// Top shows the first pupils and says how many more there are.
func TestTableTop(t *testing.T) {
	var b bytes.Buffer
	if err := Table(&b, tableRulesResult(t), TableOptions{Top: 2}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "\n3 more: use --top 0 for all\n") {
		t.Errorf("no line for the 3 more pupils:\n%s", out)
	}
	if strings.Contains(out, "T0002") || !strings.Contains(out, "T0005") {
		t.Errorf("want the first two pupils only:\n%s", out)
	}
}

// Colour: the tier cell in its tier's colour, the lowest tier plain, and
// the padding outside the escapes so the columns still line up; none at all
// unless asked.
func TestTableColour(t *testing.T) {
	var plain, colour bytes.Buffer
	res := tableRulesResult(t)
	if err := Table(&plain, res, TableOptions{Width: 120}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b") {
		t.Error("escape codes without Colour")
	}
	if err := Table(&colour, res, TableOptions{Width: 120, Colour: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"│ \x1b[1;31mhigh\x1b[0m   │", "│ \x1b[33mmedium\x1b[0m │", "│ low    │"} {
		if !strings.Contains(colour.String(), want) {
			t.Errorf("coloured table lacks %q:\n%s", want, colour.String())
		}
	}
	stripped := strings.NewReplacer("\x1b[1;31m", "", "\x1b[33m", "", "\x1b[0m", "").Replace(colour.String())
	if diff := cmp.Diff(plain.String(), stripped); diff != "" {
		t.Errorf("colour changes the layout (-plain +coloured, escapes removed):\n%s", diff)
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 36190: "36,190", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
