package cmd

import (
	"os"
	"strconv"

	"golang.org/x/term"

	"github.com/attendrisk/attendrisk/pkg/render"
)

// Terminal defaults for the analyse table.
const (
	// terminalTop is how many pupils the table shows on a terminal when
	// --top is not given: a screenful, with a line saying how many more.
	terminalTop = 25
	// minWidth is the narrowest layout the table is made for.
	minWidth = 80
)

// termWidth is the width the table is laid out for: $COLUMNS when set to a
// number (as shells export it, and as a user sets it to see another
// layout), else the terminal's own width when stdout is one, else
// render.DefaultWidth. Never less than 80: below that the table cuts text
// rather than laying out a still narrower form.
func termWidth(ios *IO) int {
	w := 0
	if s, ok := os.LookupEnv("COLUMNS"); ok {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			w = n
		}
	}
	if w == 0 && ios.StdoutTTY {
		if f, ok := ios.Out.(*os.File); ok {
			if n, _, err := term.GetSize(int(f.Fd())); err == nil && n > 0 {
				w = n
			}
		}
	}
	if w == 0 {
		w = render.DefaultWidth
	}
	return max(w, minWidth)
}

// termColour reports whether to colour the table: only on a terminal, and
// never when NO_COLOR is set to anything (https://no-color.org).
func termColour(ios *IO) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	return ios.StdoutTTY
}

// tableOptions is the analyse table's layout for this run. A terminal gets
// the top 25 pupils unless --top was given; a file or a pipe gets every
// pupil (--top has already shortened the result when given).
func (o *AnalyseOptions) tableOptions() render.TableOptions {
	t := render.TableOptions{Width: termWidth(o.IO), Colour: o.Output == "" && termColour(o.IO)}
	if o.Output == "" && o.IO.StdoutTTY && !o.topSet {
		t.Top = terminalTop
	}
	return t
}
