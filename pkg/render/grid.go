package render

import (
	"strconv"
	"strings"

	"github.com/mattn/go-runewidth"
)

// grid is a terminal table that fits a given width: columns are measured in
// terminal cells (so Zoë and a CJK name line up), text too long for its
// column is cut with an ellipsis, never wrapped, numbers are right-aligned,
// and when even that does not fit, the lowest-priority columns are left
// out. tablewriter wraps instead, and cannot drop a column.
type grid struct {
	cols []*gridCol
}

type gridCol struct {
	head  string
	right bool // numbers: right-aligned
	// keep ranks the columns for leaving out: the lowest goes first;
	// 0 is never left out.
	keep int
	// max caps the column's width (0: no cap); min is as narrow as the
	// flexible column is made before a column is left out.
	max, min int
	// flex marks the one column that takes the width left over.
	flex  bool
	cells []string
	// colour, if set, is an ANSI colour per row (empty: none).
	colour []string
}

func (g *grid) col(head string, right bool, keep, maxW int) *gridCol {
	c := &gridCol{head: head, right: right, keep: keep, max: maxW}
	g.cols = append(g.cols, c)
	return c
}

func (c *gridCol) add(s string) { c.cells = append(c.cells, s) }

// natural is the column's width with nothing cut: its widest cell or
// header, up to its cap.
func (c *gridCol) natural() int {
	w := runewidth.StringWidth(c.head)
	for _, s := range c.cells {
		w = max(w, runewidth.StringWidth(s))
	}
	if c.max > 0 {
		w = min(w, max(c.max, runewidth.StringWidth(c.head)))
	}
	return w
}

// layout chooses the columns shown and their widths for a total width.
// The flexible column gives up width first, down to its minimum; then the
// column with the lowest keep is left out and the flexible column gets its
// width back; a table that still does not fit is shown as narrow as it
// goes: the other columns with a minimum (the names) are narrowed to it.
func (g *grid) layout(width int) (shown []*gridCol, widths []int) {
	shown = append(shown, g.cols...)
	for {
		widths = widths[:0]
		total := 1
		flex := -1
		for i, c := range shown {
			widths = append(widths, c.natural())
			total += widths[i] + 3 // "│ " before, " " after
			if c.flex {
				flex = i
			}
		}
		if total <= width {
			return shown, widths
		}
		if flex >= 0 {
			c := shown[flex]
			floor := max(c.min, runewidth.StringWidth(c.head))
			if w := widths[flex] - (total - width); w >= floor {
				widths[flex] = w
				return shown, widths
			}
		}
		drop := -1
		for i, c := range shown {
			if c.keep > 0 && (drop < 0 || c.keep < shown[drop].keep) {
				drop = i
			}
		}
		if drop < 0 {
			// Nothing left to leave out: the columns with a minimum
			// give way to it, the flexible one first.
			excess := total - width
			order := make([]int, 0, len(shown))
			if flex >= 0 {
				order = append(order, flex)
			}
			for i, c := range shown {
				if c.min > 0 && i != flex {
					order = append(order, i)
				}
			}
			for _, i := range order {
				floor := max(shown[i].min, runewidth.StringWidth(shown[i].head))
				cut := min(excess, max(widths[i]-floor, 0))
				widths[i] -= cut
				excess -= cut
			}
			return shown, widths
		}
		shown = append(shown[:drop:drop], shown[drop+1:]...)
	}
}

// render writes the table in width terminal columns.
func (g *grid) render(b *strings.Builder, width int) {
	cols, widths := g.layout(width)
	rule := func(l, m, r string) {
		b.WriteString(l)
		for i, w := range widths {
			if i > 0 {
				b.WriteString(m)
			}
			b.WriteString(strings.Repeat("─", w+2))
		}
		b.WriteString(r + "\n")
	}
	line := func(cell func(i int, c *gridCol) (string, string)) {
		for i, c := range cols {
			s, colour := cell(i, c)
			s = runewidth.Truncate(s, widths[i], "…")
			pad := strings.Repeat(" ", widths[i]-runewidth.StringWidth(s))
			if colour != "" {
				s = colour + s + "\x1b[0m"
			}
			b.WriteString("│ ")
			if c.right {
				b.WriteString(pad + s)
			} else {
				b.WriteString(s + pad)
			}
			b.WriteString(" ")
		}
		b.WriteString("│\n")
	}
	rule("┌", "┬", "┐")
	line(func(_ int, c *gridCol) (string, string) { return c.head, "" })
	rule("├", "┼", "┤")
	rows := 0
	if len(g.cols) > 0 {
		rows = len(g.cols[0].cells)
	}
	for r := range rows {
		line(func(_ int, c *gridCol) (string, string) {
			colour := ""
			if r < len(c.colour) {
				colour = c.colour[r]
			}
			return c.cells[r], colour
		})
	}
	rule("└", "┴", "┘")
}

// thousands writes n with a comma every three digits: 36,190.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// ANSI colours for tiers, highest first (bold red, yellow, cyan); the
// lowest tier, and any beyond these, are left plain.
var tierANSI = []string{"\x1b[1;31m", "\x1b[33m", "\x1b[36m"}

// tierColour is the colour of the tier at index i of n, or "".
func tierColour(i, n int) string {
	if i < 0 || i >= n-1 || i >= len(tierANSI) {
		return ""
	}
	return tierANSI[i]
}
