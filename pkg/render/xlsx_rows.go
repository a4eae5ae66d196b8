package render

import (
	"errors"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// A sheet's columns are sized from all its rows, and <cols> comes before
// <sheetData> in the sheet's XML; a row's bytes depend on the widths too
// (a cell's wrapping, so its style, and the row's height). So each sheet's
// rows were made twice: once to measure, once to write. On an authority's
// year that was 0.6 CPU-s more for the two sheets of every pupil, and the
// writing was one goroutine's.
//
// Now a sheet of pupils is made once where that is sure to give the same
// bytes, and a block of pupils at a time on every core (inOrderRange), the
// blocks handed on in order. A decision that reads a column's width (does
// the text wrap, in how many lines) is taken from the widest cell of the
// column met so far only when no wider cell could change it: the answer
// is the same at that width and at xlMostWidth, the widest a column can be
// made, and it only ever changes one way as the column widens (text wraps
// in a narrower column, and into more lines), so it is the same at every
// width between, the final width among them. Wrapped text always passes
// (its own width fits its longest line, or the column is already at its
// widest), and so does short text; a header that might wrap does not, so
// the first block's widths are measured before the sheet's head is made.
// When a decision cannot be taken (a block worker's few rows, or a style
// not yet numbered, since styles are numbered as first used) the writer
// makes the block itself, in order, with every row before it known; when
// even the writer cannot, the sheet is measured and made again, as before.
// Whichever way a sheet is made, its bytes are those of measuring first.

// xlMostWidth is the widest xlCellWidth makes any cell: a column that has
// reached it can widen no more.
const xlMostWidth = xlWrapWidth

// xlBlockPupils is the pupils in one block of a sheet's rows: a block of
// the All pupils sheet is about 128 KB of XML, of Pupil detail about
// 400 KB, and GOMAXPROCS+1 of them are held at once.
const xlBlockPupils = 64

// errXLRedo is a block worker's word that the writer must make its block:
// a style not yet numbered, a merged cell, or a width not yet decided.
var errXLRedo = errors.New("internal error: a block of sheet rows was left to the writer")

// errXLUnsafe is the writer's: a row depends on the widths of rows not yet
// made, so the sheet must be measured first.
var errXLUnsafe = errors.New("internal error: a sheet row depends on rows not yet made")

// xlForceMeasure makes every sheet measured before it is written, and
// xlTrace, if set, hears how each sheet was made ("one pass", "measured
// again", "block by the writer"), on the writer's goroutine: tests compare
// the ways and check that the one pass is taken.
var (
	xlForceMeasure = false
	xlTrace        func(sheet, how string)
)

func xlTraced(sheet, how string) {
	if xlTrace != nil {
		xlTrace(sheet, how)
	}
}

// xlBlocks is a sheet's rows as a head, each pupil's rows and a tail.
type xlBlocks struct {
	head, tail []xlRow
	n          int // pupils 0 to n-1
	// rowsOf is how many rows pupil i makes; nil is one each.
	rowsOf func(i int) int
	// newGen makes a generator of pupil i's rows with buffers of its own
	// (one for each core). A row's cells are read before yield returns.
	newGen func() func(i int, yield func(xlRow) error) error
	// measureFirst: the head depends on the widths of every row (the
	// Priority sheet's header wraps over its narrow columns), so the sheet
	// is measured before it is made.
	measureFirst bool
}

// xlBlockSheet is a sheet made of blocks; its rows, one after another, are
// what the measuring pass reads.
func xlBlockSheet(name string, bl *xlBlocks) *xlSheet {
	s := &xlSheet{name: name, blocks: bl}
	s.rows = bl.rows
	return s
}

func (bl *xlBlocks) rows(yield func(xlRow) error) error {
	for _, r := range bl.head {
		if err := yield(r); err != nil {
			return err
		}
	}
	if bl.n > 0 {
		gen := bl.newGen()
		for i := range bl.n {
			if err := gen(i, yield); err != nil {
				return err
			}
		}
	}
	for _, r := range bl.tail {
		if err := yield(r); err != nil {
			return err
		}
	}
	return nil
}

// onePass reports whether the sheet is made without measuring first.
func (s *xlSheet) onePass() bool {
	return s.blocks != nil && !s.blocks.measureFirst && !xlForceMeasure
}

// xlMaker makes a sheet's rows as XML: the writer's, in order, which may
// number new styles and merge cells, or a block worker's.
type xlMaker struct {
	b *xlBook
	s *xlSheet
	// final is the measured widths; nil: made in one pass, deciding from
	// widths, the widest cells met so far, where that is safe.
	final  []float64
	widths []float64
	texts  []xlText // the row's cells' texts, read once
	x      *xlRowsXML
	sw     *excelize.StreamWriter // the writer's; nil in a worker
	seen   map[xlLook]int         // a worker's styles, looked up once
	// colLook and colStyle are the look and style id of each column's
	// last cell: a column's cells mostly share a look, and comparing two
	// looks is cheaper than hashing one (the map lookups were about a
	// tenth of the rows' instructions).
	colLook  []xlLook
	colStyle []int
	gen      func(i int, yield func(xlRow) error) error
	// n is the last row made; header, cols and last the main table's
	// header row, width and last row, as measure counts them; lastData the
	// last data row, wherever the header is.
	n, header, cols, last, lastData int
	lo, hi                          int  // a worker's block of pupils
	redo                            bool // a worker's block is left to the writer
}

// decide is whether a cell wraps, and how many lines it then takes, in a
// column width wide (or across merged columns that wide); t is the cell's
// text read (xlTextOf), if it is text.
func (m *xlMaker) decide(c xlCell, t xlText, width float64) (wrap bool, lines int) {
	text, ok := c.v.(string)
	wrap = c.l.wrap
	if ok && !wrap && (!m.s.oneLine || c.l.header) && !c.l.noWidth && !c.l.title && !c.l.section &&
		float64(t.runes+2) > width {
		// Longer than its column could be made: wrap rather than hide the
		// end under the next cell.
		wrap = true
	}
	switch {
	case !wrap:
		return false, 1
	case !ok:
		return true, 1
	case !t.lines:
		per := max(int(width)-2, 1)
		return true, max(1, (t.runes+per-1)/per) // xlWrappedLines of one line
	}
	return true, xlWrappedLines(text, width)
}

// row makes one row, the one after m.n.
func (m *xlMaker) row(r xlRow) error {
	m.n++
	n := m.n
	if n%xlCancelEvery == 0 {
		if err := m.b.ctx.Err(); err != nil {
			return err
		}
	}
	switch {
	case r.role == xlRoleHeader && m.header == 0:
		m.header, m.last, m.cols = n, n, len(r.cells)
	case r.role == xlRoleData && m.header > 0:
		m.last = n
	}
	if r.role == xlRoleData {
		m.lastData = n
	}
	for len(m.widths) < len(r.cells) {
		m.widths = append(m.widths, xlMinWidth)
	}
	m.texts = m.texts[:0]
	for i, c := range r.cells {
		var t xlText
		if s, ok := c.v.(string); ok {
			t = xlTextOf(s)
		}
		m.texts = append(m.texts, t)
		m.widths[i] = max(m.widths[i], xlCellWidthOf(c, t))
	}
	if m.final != nil && len(r.cells) > len(m.final) {
		return fmt.Errorf("internal error: sheet row %d has %d cells, measured %d columns", n, len(r.cells), len(m.final))
	}
	if err := m.x.startRow(n); err != nil {
		return err
	}
	lines := 1
	for i, c := range r.cells {
		if c.v == nil && c.l == (xlLook{}) {
			continue // nothing to write
		}
		var width float64
		switch {
		case c.span > 1:
			if m.sw == nil {
				return errXLRedo
			}
			if m.final == nil {
				return errXLUnsafe
			}
			end := min(i+c.span, len(m.final))
			for _, w := range m.final[i:end] {
				width += w
			}
			if err := m.sw.MergeCell(xlCellName(i+1, n), xlCellName(end, n)); err != nil {
				return err
			}
			c.l.wrap = true
		case m.final != nil:
			width = m.final[i]
		default:
			width = m.widths[i]
		}
		wrap, k := m.decide(c, m.texts[i], width)
		if m.final == nil && width < xlMostWidth {
			// Made in one pass: the widest cell of the column so far
			// decides only if the widest column would decide the same.
			if most, kMost := m.decide(c, m.texts[i], xlMostWidth); wrap != most || wrap && k != kMost {
				if m.sw == nil {
					return errXLRedo
				}
				return errXLUnsafe
			}
		}
		c.l.wrap = wrap
		v, l, err := xlValue(c)
		if err != nil {
			return err
		}
		st, err := m.colStyleOf(i, l)
		if err != nil {
			return err
		}
		if err := m.x.cell(i+1, st, v); err != nil {
			return err
		}
		lines = max(lines, k)
	}
	height := 0.0
	if lines > 1 {
		// Set the height rather than leave it to the application: not
		// every spreadsheet grows a row for wrapped text on opening.
		height = min(float64(lines*xlLineHeight), xlMaxHeight)
	}
	return m.x.endRow(height)
}

// colStyleOf is the style id of look l in column i: the column's last
// one if l is its look, else m.style's. A style's id never changes once
// numbered, so the answer is m.style's either way.
func (m *xlMaker) colStyleOf(i int, l xlLook) (int, error) {
	if i < len(m.colLook) && m.colStyle[i] >= 0 && m.colLook[i] == l {
		return m.colStyle[i], nil
	}
	st, err := m.style(l)
	if err != nil {
		return 0, err
	}
	for len(m.colLook) <= i {
		m.colLook, m.colStyle = append(m.colLook, xlLook{}), append(m.colStyle, -1)
	}
	m.colLook[i], m.colStyle[i] = l, st
	return st, nil
}

// style is a look's style id. A worker only looks up the styles the writer
// has numbered: a style first used in its block must be numbered in order,
// so the writer makes that block.
func (m *xlMaker) style(l xlLook) (int, error) {
	if m.sw != nil {
		return m.b.style(l)
	}
	if id, ok := m.seen[l]; ok {
		return id, nil
	}
	m.b.stylesMu.RLock()
	id, ok := m.b.styles[l]
	m.b.stylesMu.RUnlock()
	if !ok {
		return 0, errXLRedo
	}
	m.seen[l] = id
	return id, nil
}

// all makes the sheet's rows: blocks of pupils on every core, or (a sheet
// held in memory) one after another.
func (m *xlMaker) all() error {
	bl := m.s.blocks
	if bl == nil {
		return m.s.rows(m.row)
	}
	m.gen = bl.newGen()
	if m.final == nil && bl.n > 0 {
		// The head's header is decided over the first block's widths too:
		// a header of two words ("Pupil ID") would wrap over its own
		// width, and the ids beneath widen the column past it.
		if err := m.seed(min(bl.n, xlBlockPupils)); err != nil {
			return err
		}
	}
	for _, r := range bl.head {
		if err := m.row(r); err != nil {
			return err
		}
	}
	if bl.n > 0 {
		if err := m.blocks(); err != nil {
			return err
		}
	}
	for _, r := range bl.tail {
		if err := m.row(r); err != nil {
			return err
		}
	}
	return nil
}

// seed widens m's columns to the widths of the first k pupils' rows: the
// widths are still those of rows of the sheet, no wider than the final.
func (m *xlMaker) seed(k int) error {
	for i := range k {
		err := m.gen(i, func(r xlRow) error {
			for len(m.widths) < len(r.cells) {
				m.widths = append(m.widths, xlMinWidth)
			}
			for j, c := range r.cells {
				m.widths[j] = max(m.widths[j], xlCellWidth(c))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// blocks makes the pupils' rows a block at a time on every core, and adds
// them to the sheet in order.
func (m *xlMaker) blocks() error {
	bl := m.s.blocks
	nb := (bl.n + xlBlockPupils - 1) / xlBlockPupils
	// first[k] is block k's first row; first[nb] the row after the last.
	first := make([]int, nb+1)
	row := m.n + 1
	for i := range bl.n {
		if i%xlBlockPupils == 0 {
			first[i/xlBlockPupils] = row
		}
		if bl.rowsOf != nil {
			row += bl.rowsOf(i)
		} else {
			row++
		}
	}
	first[nb] = row
	newSlot := func() *xlMaker {
		return &xlMaker{b: m.b, s: m.s, final: m.final, x: &xlRowsXML{hold: true}, seen: map[xlLook]int{}, gen: bl.newGen()}
	}
	format := func(w *xlMaker, lo, hi int) error {
		k := lo / xlBlockPupils
		w.lo, w.hi, w.redo = lo, hi, false
		w.n, w.header, w.cols, w.last, w.lastData = first[k]-1, 0, 0, 0, 0
		w.widths = w.widths[:0]
		w.x.buf, w.x.rows = w.x.buf[:0], first[k]-1
		for i := lo; i < hi; i++ {
			if err := w.gen(i, w.row); err != nil {
				if errors.Is(err, errXLRedo) {
					w.redo = true
					return nil
				}
				return err
			}
		}
		if w.n != first[k+1]-1 {
			return fmt.Errorf("internal error: sheet rows %d to %d made as %d to %d", first[k], first[k+1]-1, first[k], w.n)
		}
		return nil
	}
	write := func(w *xlMaker) error {
		k := w.lo / xlBlockPupils
		if w.redo {
			xlTraced(m.s.name, "block by the writer")
			for i := w.lo; i < w.hi; i++ {
				if err := m.gen(i, m.row); err != nil {
					return err
				}
			}
			if m.n != first[k+1]-1 {
				return fmt.Errorf("internal error: sheet rows %d to %d made as %d to %d", first[k], first[k+1]-1, first[k], m.n)
			}
			return nil
		}
		for len(m.widths) < len(w.widths) {
			m.widths = append(m.widths, xlMinWidth)
		}
		for i, wd := range w.widths {
			m.widths[i] = max(m.widths[i], wd)
		}
		switch {
		case m.header > 0:
			if w.lastData > 0 {
				m.last = w.lastData
			}
		case w.header > 0:
			m.header, m.cols, m.last = w.header, w.cols, w.last
		}
		m.n = w.n
		return m.x.add(w.x.buf, w.n)
	}
	return inOrderRange(xlBlockPupils, bl.n, newSlot, format, write)
}
