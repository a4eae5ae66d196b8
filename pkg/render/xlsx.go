package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/cohort"
	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/rule"
)

// The workbook's sheets, in order.
const (
	sheetPriority = "Priority"
	sheetDetail   = "Pupil detail"
	sheetPupils   = "All pupils"
	sheetCohort   = "Cohort summary"
	sheetCodes    = "Codes"
	sheetQuality  = "Data quality"
	sheetRules    = "Rules"
)

// XLSX writes the run as a workbook for people who work in Excel or
// LibreOffice: the priority list, every pupil with the CSV's fields, the
// cohort summary with a chart, sessions per code, the data-quality account
// and the rules that produced the tiers.
//
// groups is the cohort summary (cohort.Summarise); nil means the cohort by
// year group, unsuppressed. benchmarks are shown beneath it; nil means none.
//
// Every sheet is streamed: excelize's StreamWriter writes its head and
// tail, and its rows are written as sheet XML and deflated as they are
// made (xlRowsXML, xlsx_sheetxml.go), so 40,000 pupils cost a few rows of
// memory at a time, and their compressed bytes, rather than a cell object
// each. Every
// value is typed: counts are numbers, rates are fractions formatted as
// percentages, dates are Excel dates, flags are booleans, and text is always
// a string value (never a formula) that has passed through Neutralise.
func XLSX(w io.Writer, res *analysis.Result, meta Meta, groups []cohort.Group, benchmarks []cohort.Benchmark) error {
	f := excelize.NewFile()
	b := &xlBook{f: f, res: res, meta: meta, styles: map[xlLook]int{}, rowsAt: map[string]*xlRowsXML{}, ctx: context.Background()}
	// The parts deflated on every core, and the sheets' rows put in
	// (xlsx_zip.go).
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		if buf, ok := w.(*bytes.Buffer); ok {
			buf.Grow(b.zipRoom())
		}
		return newXLSheetZip(xlZipWriter(w), b.rowsAt)
	})
	if sw, ok := w.(*StickyWriter); ok {
		// The workbook is built before a byte reaches w: look at the
		// run's context while building, so Ctrl-C does not wait for it.
		b.ctx = sw.ctx
	}
	defer b.f.Close() // removes the stream writers' temporary files
	if err := b.f.SetSheetName("Sheet1", sheetPriority); err != nil {
		return err
	}
	names := []string{sheetDetail, sheetPupils, sheetCohort, sheetCodes, sheetQuality, sheetRules, sheetMoves}
	if res.Actions != nil {
		// With an actions log, the due follow-ups (xlsx_outstanding.go)
		// come after the priority list.
		names = append([]string{sheetOutstanding}, names...)
	}
	for _, name := range names {
		if _, err := b.f.NewSheet(name); err != nil {
			return err
		}
	}
	list, ranks := b.priority()
	// The cohort summary's sheet (nil here) is made on a goroutine of its
	// own, while the Priority sheet is measured and written: the summaries
	// and the chart's year groups read every pupil, and on an authority's
	// year were most of the writer's own work before its first row, with
	// the other core idle.
	sheets := []*xlSheet{b.prioritySheet(list, ranks), b.detailSheet(list, ranks), b.pupilsSheet(), nil,
		b.codesSheet(), b.qualitySheet(), b.rulesSheet(), b.movesSheet()}
	if res.Actions != nil {
		sheets = append(sheets[:1], append([]*xlSheet{b.outstandingSheet()}, sheets[1:]...)...)
	}
	cohortAt := slices.Index(sheets, nil)
	cohortMade := make(chan struct{})
	// A sheet's rows may be made twice, to measure the columns and to
	// write them (see xlSheet; the sheets of pupils are made once where
	// they can be, xlsx_rows.go). The measuring runs a sheet ahead, on
	// another core: the next sheet is measured while this one is written,
	// which reads the same result and touches nothing the writing does.
	measured := make([]chan xlMeasure, len(sheets))
	for i := range measured {
		measured[i] = make(chan xlMeasure, 1)
	}
	done := make(chan struct{})
	defer close(done)
	caught := make([]analysis.WorkerCatch, 2) // the measuring's, the cohort summary's
	go func() {
		defer close(cohortMade)
		defer caught[1].Catch()
		if groups == nil {
			// An authority's workbook summarises its schools (each
			// school's enrolments, as summary --by school does); the
			// chart beneath is by year group either way.
			by := []string{"year_group"}
			if ManySchools(res) {
				by = []string{"school"}
			}
			groups = cohort.Summarise(res, by, 0)
		}
		sheets[cohortAt] = b.cohortSheet(groups, benchmarks)
	}()
	go func() {
		defer func() {
			for _, c := range measured {
				close(c) // after a panic, the writer stops at the first missing sheet
			}
		}()
		defer caught[0].Catch()
		for i := range sheets {
			if i == cohortAt {
				select {
				case <-cohortMade:
				case <-done:
					return
				}
			}
			s := sheets[i]
			if s == nil {
				return // the cohort summary panicked: the writer raises it
			}
			select {
			case <-done:
				return
			default:
			}
			if s.onePass() {
				measured[i] <- xlMeasure{} // made in one pass, measured only if that fails
				continue
			}
			measured[i] <- b.measure(s)
		}
	}()
	for i := range sheets {
		m, ok := <-measured[i]
		if !ok {
			analysis.Rethrow(caught)
		}
		s := sheets[i]
		if err := m.err; err != nil {
			return fmt.Errorf("xlsx %s sheet: %w", s.name, err)
		}
		if err := b.write(s, m); err != nil {
			return fmt.Errorf("xlsx %s sheet: %w", s.name, err)
		}
	}
	// No SetActiveSheet(0): the first sheet is the active one by default
	// (the workbook view's activeTab is 0), and excelize's SetActiveSheet
	// decodes and re-encodes every sheet to clear its tabSelected, which
	// for a streamed sheet means parsing its buffered XML (the whole
	// Priority sheet, up to 16 MB of each long one) only for the result to
	// be discarded, since a streamed sheet is written from its stream:
	// about 0.8 s and tens of MB on an authority's year, for no byte of
	// the file.
	if err := b.f.SetDocProps(b.docProps()); err != nil {
		return err
	}
	// The zip is held whole for canonicalZip, in excelize's buffer
	// (WriteToBuffer: File.Write is that and a copy of it, 15 MB on an
	// authority's year, which is all it adds for a new file without a
	// password).
	raw, err := b.f.WriteToBuffer()
	if err != nil {
		return err
	}
	return canonicalZip(w, raw.Bytes())
}

// zipRoom is how much of the zip a workbook needs room for when its
// writer is made: the sheets' rows, already deflated, and 1 MB for the
// rest, so that the buffer excelize writes it into is made once rather than
// grown by doubling (an authority's 15 MB copied and cleared some four
// times over).
func (b *xlBook) zipRoom() int {
	n := int64(1 << 20)
	for _, rows := range b.rowsAt {
		_, zlen, _, _, _ := rows.deflated()
		n += zlen
	}
	return int(n)
}

// xlBook is one workbook being written.
type xlBook struct {
	ctx  context.Context
	f    *excelize.File
	res  *analysis.Result
	meta Meta
	// styles are the style ids by look, numbered as first used; only the
	// writer adds to them, under stylesMu, which the block workers read
	// them under (xlMaker.style).
	styles   map[xlLook]int
	stylesMu sync.RWMutex
	// rowsAt is each written sheet's rows by its part's name in the zip
	// (see write and xlSheetZip).
	rowsAt map[string]*xlRowsXML
}

// Value types of a cell besides string, int and bool: a rate stored as a
// fraction and shown as a percentage, and a register date shown as a date.
type (
	xlFraction float64
	xlDate     register.Day
)

// xlLook is how a cell is drawn. Its number format follows from the value's
// type, so a percentage can never be left unformatted.
type xlLook struct {
	num     xlNumFormat
	header  bool // a table's header cell
	title   bool
	section bool // a heading above a table
	bold    bool
	italic  bool
	wrap    bool
	right   bool
	tier    int  // 1 + the tier's index (0: no tier colour)
	noWidth bool // text meant to overflow into empty cells: not measured
	wide    bool // one-line text allowed the wrapped cells' width
	link    bool // a hyperlink: blue and underlined
}

type xlNumFormat uint8

const (
	xlNumNone xlNumFormat = iota
	xlNumInt
	xlNumPct
	xlNumDate
)

// xlCell is one cell: a value (string, int, bool, xlFraction, xlDate or nil)
// and its look.
type xlCell struct {
	v any
	l xlLook
	// span merges the cell with the next span-1 cells of its row, for a
	// paragraph that wraps across the table's width.
	span int
}

func xlTxt(s string) xlCell          { return xlCell{v: s} }
func xlNum(n int) xlCell             { return xlCell{v: n} }
func xlPctOf(percent float64) xlCell { return xlCell{v: xlFrac(percent)} }

// xlBenchPct is a benchmark rate, an empty cell where the source publishes
// none.
func xlBenchPct(percent float64) xlCell {
	if percent < 0 {
		return xlCell{}
	}
	return xlPctOf(percent)
}
func xlStyled(v any, l xlLook) xlCell { return xlCell{v: v, l: l} }

// xlFrac turns a percentage into the fraction a spreadsheet stores, rounded
// as the CSV and JSON round it (two decimal places of a percent), so the
// same pupil shows the same rate in every output.
func xlFrac(percent float64) xlFraction { return xlFraction(math.Round(percent*100) / 10000) }

// xlRole marks the rows of the sheet's main table: the one table a sheet
// can filter (Excel allows one autofilter per sheet), whose header is frozen.
type xlRole uint8

const (
	xlRoleOther xlRole = iota
	xlRoleHeader
	xlRoleData
)

type xlRow struct {
	cells []xlCell
	role  xlRole
}

// xlSheet is a sheet's content. rows may be called twice, once to measure
// the columns and once to write them, because a cell's wrapping (so its
// style, and the styles are numbered as first used) and a row's height
// follow from the widths of the columns, which are known only after the
// last row: for the pupil sheets it regenerates each row from the result
// rather than holding 40,000 rows in memory. A sheet of blocks that can be
// is made once instead (xlsx_rows.go).
type xlSheet struct {
	name string
	rows func(yield func(xlRow) error) error
	// freezeCols is how many columns stay in view when scrolling right.
	freezeCols int
	// oneLine keeps every row one line tall: text longer than its column
	// is never wrapped (the sheet cuts it itself, or it is the whole
	// value of a cell meant for filtering, shown in full in the formula
	// bar).
	oneLine bool
	// chart, if set, adds a chart once the rows are known.
	chart func(f *excelize.File) error
	// links, if set, are the sheet's hyperlinks to places in the workbook,
	// in the order they are listed.
	links func() []xlLink
	// blocks, if set, are the sheet's rows as a head, each pupil's rows and
	// a tail, made a block of pupils at a time on every core (rows is then
	// blocks.rows; see xlsx_rows.go).
	blocks *xlBlocks
}

// xlRowsOf is a sheet body held in memory (the small sheets).
func xlRowsOf(rows []xlRow) func(func(xlRow) error) error {
	return func(yield func(xlRow) error) error {
		for _, r := range rows {
			if err := yield(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// Column widths, in characters of the default font.
const (
	xlMinWidth   = 5
	xlMaxWidth   = 50 // one-line cells; longer text wraps
	xlWrapWidth  = 70 // wrapped cells (factors, next steps, sources)
	xlLineHeight = 15 // points per line of the default 11-point font
	xlMaxHeight  = 409
)

// xlCancelEvery is how many rows a sheet is built between looks at the
// run's context.
const xlCancelEvery = 1024

// xlMeasure is a sheet's first pass over its rows: the column widths,
// the main table's header and last rows and width, and the row count.
type xlMeasure struct {
	widths                []float64
	header, last, cols, n int
	err                   error
	measured              bool // false: left to be made in one pass
}

// measure makes the sheet's rows once to size its columns. It reads the
// result only, so it may run beside the writing of another sheet.
func (b *xlBook) measure(s *xlSheet) xlMeasure {
	var widths []float64
	header, last, cols, n := 0, 0, 0, 0
	err := s.rows(func(r xlRow) error {
		n++
		if n%xlCancelEvery == 0 {
			if err := b.ctx.Err(); err != nil {
				return err
			}
		}
		switch {
		case r.role == xlRoleHeader && header == 0:
			header, last, cols = n, n, len(r.cells)
		case r.role == xlRoleData && header > 0:
			last = n
		}
		for len(widths) < len(r.cells) {
			widths = append(widths, xlMinWidth)
		}
		for i, c := range r.cells {
			widths[i] = max(widths[i], xlCellWidth(c))
		}
		return nil
	})
	return xlMeasure{widths, header, last, cols, n, err, true}
}

// write streams one sheet: its rows first, as sheet XML (xlMaker), then
// the widths and panes, which excelize's stream writer accepts until a row
// goes through it (none does) and writes at the head of the sheet; the
// autofilter and chart are set through the File API before Flush, which is
// when the stream writes them out. m is the sheet's measure, or (a sheet
// made in one pass) none: then the widths are those of the rows as made,
// and if the rows cannot be made in one pass the sheet is measured here
// and made again.
func (b *xlBook) write(s *xlSheet, m xlMeasure) error {
	// Fit to one page wide: set before the stream writer, which writes
	// the sheet properties when it starts.
	if err := b.f.SetSheetProps(s.name, &excelize.SheetPropsOptions{FitToPage: xlPtr(true)}); err != nil {
		return err
	}
	sw, err := b.f.NewStreamWriter(s.name)
	if err != nil {
		return err
	}
	// The part the stream writer writes to, which xlSheetZip fills with
	// the rows: excelize names a new workbook's sheet parts by their sheet
	// ids. The part must be a sheet excelize has loaded (it is, until
	// Flush unloads it, so it is looked up here), and xlSheetZip fails if
	// it never sees it written.
	path := "xl/worksheets/sheet" + strconv.Itoa(sw.SheetID) + ".xml"
	if _, ok := b.f.Sheet.Load(path); !ok || b.rowsAt[path] != nil {
		return fmt.Errorf("internal error: sheet %q is not the part %s", s.name, path)
	}
	// The rows are written as sheet XML by xlRowsXML (xlsx_sheetxml.go),
	// not by the stream writer's SetRow, and go between the head and tail
	// the stream writer writes when the part goes into the zip
	// (xlSheetZip).
	rows := &xlRowsXML{}
	mk := &xlMaker{b: b, s: s, final: m.widths, x: rows, sw: sw}
	if !m.measured {
		mk.final = nil
	}
	err = mk.all()
	if errors.Is(err, errXLUnsafe) && !m.measured {
		// A row's bytes hang on rows still to come: measure, and make the
		// rows again. Nothing of the first try has reached the stream
		// writer (a merged cell is never made in one pass), and the styles
		// it numbered are those of the rows before the one it stopped at,
		// in their order, which the second try numbers the same way.
		_ = rows.finish() // waits for its blocks' compressors: dropped
		xlTraced(s.name, "measured again")
		if m = b.measure(s); m.err != nil {
			return m.err
		}
		rows = &xlRowsXML{}
		mk = &xlMaker{b: b, s: s, final: m.widths, x: rows, sw: sw}
		err = mk.all()
	}
	if err != nil {
		return err
	}
	if err := rows.finish(); err != nil {
		return err
	}
	if !m.measured {
		xlTraced(s.name, "one pass")
		m = xlMeasure{widths: mk.widths, header: mk.header, last: mk.last, cols: mk.cols, n: mk.n, measured: true}
	} else if mk.n != m.n {
		return fmt.Errorf("internal error: sheet measured as %d rows, made as %d", m.n, mk.n)
	}
	widths, header, last, cols, n := m.widths, m.header, m.last, m.cols, m.n
	// Last column first: the stream writer puts each width before the ones
	// already set, and the file must list the columns in ascending order.
	for i := len(widths) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, widths[i]); err != nil {
			return err
		}
	}
	if header > 0 {
		if err := b.table(s, sw, header, last, cols); err != nil {
			return err
		}
	}
	if err := b.printSetup(s.name); err != nil {
		return err
	}
	if s.oneLine && n > 0 && len(widths) > 0 {
		// The print area ends at the last column: text that runs on past
		// it into empty cells would otherwise widen the printed page, and
		// one page wide would shrink the sheet to nothing.
		if err := b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", Scope: s.name,
			RefersTo: fmt.Sprintf("%s!$A$1:$%s$%d", xlQuoteSheet(s.name), xlColName(len(widths)), n)}); err != nil {
			return err
		}
	}
	if s.chart != nil {
		if err := s.chart(b.f); err != nil {
			return err
		}
	}
	if s.links != nil {
		// Written here (xlAppendLinks) rather than by excelize's
		// SetCellHyperLink, which looks through every link the sheet
		// already has before adding one: 8,000 links on an authority's
		// Priority sheet took 0.1 s.
		rows.links = xlAppendLinks(nil, s.links())
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	b.rowsAt[path] = rows
	return nil
}

// printSetup makes a sheet print readably on A4: landscape, one page wide
// and as many long as it takes (FitToHeight 0), with margins of about a
// centimetre and a footer naming the sheet, the page and the as-of date.
// The header row is repeated on every page by the Print_Titles name that
// table defines.
func (b *xlBook) printSetup(sheet string) error {
	if err := b.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: xlPtr(xlPaperA4),
		Orientation: xlPtr("landscape"), FitToWidth: xlPtr(1), FitToHeight: xlPtr(0)}); err != nil {
		return err
	}
	if err := b.f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: xlPtr(0.4), Right: xlPtr(0.4),
		Top: xlPtr(0.5), Bottom: xlPtr(0.6), Header: xlPtr(0.3), Footer: xlPtr(0.3)}); err != nil {
		return err
	}
	// & starts a code in a header or footer: a literal one is doubled.
	asOf := strings.ReplaceAll(b.asOf(), "&", "&&")
	return b.f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddFooter: "&L&A&CPage &P of &N&RAs of " + asOf})
}

// xlPaperA4 is excelize's paper size number for A4.
const xlPaperA4 = 9

// table freezes the rows down to the main table's header and the first
// freezeCols columns, puts an autofilter on the table (which also defines
// the sheet's _xlnm._FilterDatabase name) and repeats the header on every
// printed page.
func (b *xlBook) table(s *xlSheet, sw *excelize.StreamWriter, header, last, cols int) error {
	topLeft := xlCellName(s.freezeCols+1, header+1)
	pane := "bottomLeft"
	if s.freezeCols > 0 {
		pane = "bottomRight"
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: s.freezeCols, YSplit: header, TopLeftCell: topLeft,
		ActivePane: pane, Selection: []excelize.Selection{{SQRef: topLeft, ActiveCell: topLeft, Pane: pane}}}); err != nil {
		return err
	}
	ref := xlCellName(1, header) + ":" + xlCellName(cols, last)
	if err := b.f.AutoFilter(s.name, ref, nil); err != nil {
		return err
	}
	return b.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: s.name,
		RefersTo: fmt.Sprintf("%s!$%d:$%d", xlQuoteSheet(s.name), header, header)})
}

// xlValue converts a cell for the sheet XML, with the look its style is
// made from.
func xlValue(c xlCell) (any, xlLook, error) {
	l := c.l
	var v any
	switch x := c.v.(type) {
	case string:
		// The one place text is written: whatever the sheet, it cannot
		// start a formula when pasted or saved as CSV. Empty text is an
		// empty cell.
		if x != "" {
			if n := Neutralise(x); n == x {
				v = c.v // the value as it was boxed: no copy on the heap
			} else {
				v = n
			}
		}
	case int:
		v, l.num = c.v, xlNumInt
	case bool, float64:
		v = c.v
	case xlFraction:
		v, l.num = float64(x), xlNumPct
	case xlDate:
		// Excel's serial date: days since 30/12/1899, and 01/01/1970 is
		// 25569. The day is a whole number, so no time zone can move it.
		v, l.num = int(x)+25569, xlNumDate
	case nil:
	default:
		return nil, l, fmt.Errorf("internal error: cell value of type %T", c.v)
	}
	return v, l, nil
}

// Number formats: counts with a thousands separator, rates to one decimal
// place of a percent, dates as in England.
var (
	xlFmtPct  = "0.0%"
	xlFmtDate = "dd/mm/yyyy"
)

// Tier colours, highest tier first: red, amber, yellow, then paler shades for
// any further tiers; the lowest tier is always grey, whatever the rules call
// it, so a custom set of tiers is coloured by its order. Each fill has a dark
// font of its own hue, as Excel's Good/Bad/Neutral styles do.
var (
	xlTierFills = [][2]string{{"FFC7CE", "9C0006"}, {"F8CBAD", "843C0C"}, {"FFEB9C", "7F6000"},
		{"FFF2CC", "7F6000"}, {"E2EFDA", "375623"}}
	xlLowestFill = [2]string{"E7E6E6", "3A3838"}
)

func (b *xlBook) tierColours(tier int) [2]string {
	n := 0
	if b.res.Rules != nil {
		n = len(b.res.Rules.Tiers)
	}
	if tier == n-1 {
		return xlLowestFill
	}
	return xlTierFills[min(tier, len(xlTierFills)-1)]
}

// style returns the style for a look, creating it once.
func (b *xlBook) style(l xlLook) (int, error) {
	if id, ok := b.styles[l]; ok {
		return id, nil
	}
	st := &excelize.Style{Font: &excelize.Font{Bold: l.bold || l.header || l.title || l.section, Italic: l.italic}}
	switch {
	case l.title:
		st.Font.Size = 14
	case l.section:
		st.Font.Size = 12
	}
	if !l.title && !l.section {
		// Top-aligned, so a row made tall by a wrapped cell reads from
		// the top in every column.
		st.Alignment = &excelize.Alignment{Vertical: "top", WrapText: l.wrap}
		if l.right {
			st.Alignment.Horizontal = "right"
		}
	}
	switch l.num {
	case xlNumInt:
		st.NumFmt = 3 // #,##0
	case xlNumPct:
		st.CustomNumFmt = &xlFmtPct
	case xlNumDate:
		st.CustomNumFmt = &xlFmtDate
	}
	if l.header {
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}
		st.Border = []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}}
	}
	if l.tier > 0 {
		c := b.tierColours(l.tier - 1)
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c[0]}}
		st.Font.Color = c[1]
	}
	if l.italic && !l.header {
		st.Font.Color = "595959"
	}
	if l.link {
		st.Font.Color, st.Font.Underline = "0563C1", "single"
	}
	id, err := b.f.NewStyle(st)
	if err != nil {
		return 0, err
	}
	b.stylesMu.Lock()
	b.styles[l] = id
	b.stylesMu.Unlock()
	return id, nil
}

// xlText is what a cell's width and wrapping read of its text: its length
// in characters, its longest line's, and whether it has more than one line.
// Made once for each text cell of a row (xlMaker.row) rather than counted
// again for each question.
type xlText struct {
	runes, longest int
	lines          bool
}

func xlTextOf(s string) xlText {
	var t xlText
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			// A line break is one byte and one character, and never
			// part of another character, so the lines' counts add up.
			n := xlRunes(s)
			t.runes += n
			t.longest = max(t.longest, n)
			return t
		}
		n := xlRunes(s[:i])
		t.runes += n + 1
		t.longest = max(t.longest, n)
		t.lines = true
		s = s[i+1:]
	}
}

// xlRunes is utf8.RuneCountInString(s), eight bytes at a time while they
// are ASCII (one character each): most of a workbook's text is.
func xlRunes(s string) int {
	n := 0
	for len(s) >= 8 {
		x := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		if x&0x8080808080808080 != 0 {
			break
		}
		n += 8
		s = s[8:]
	}
	return n + utf8.RuneCountInString(s)
}

// xlCellWidth estimates the column width a cell needs: its longest line in
// characters, plus room for the filter button on a header.
func xlCellWidth(c xlCell) float64 {
	var t xlText
	if s, ok := c.v.(string); ok {
		t = xlTextOf(s)
	}
	return xlCellWidthOf(c, t)
}

// xlCellWidthOf is xlCellWidth with the cell's text, if it is text,
// already read (xlTextOf).
func xlCellWidthOf(c xlCell, t xlText) float64 {
	if c.l.noWidth || c.l.title || c.l.section {
		return xlMinWidth
	}
	var w int
	var digits [32]byte // a number's text, on the stack
	switch x := c.v.(type) {
	case string:
		w = t.longest
		if c.l.header {
			// A header of several words may take two lines, so that
			// "Unauthorised sessions" does not make a column of
			// numbers three times as wide as the numbers.
			if words := strings.Fields(x); len(words) > 1 {
				w = (w + 1) / 2
				for _, word := range words {
					w = max(w, utf8.RuneCountInString(word))
				}
			}
			w += 2 // room for the filter button
		}
	case int:
		n := xlIntLen(x)
		w = n + (n-1)/3
	case bool:
		w = 5
	case float64:
		w = len(strconv.AppendFloat(digits[:0], x, 'f', -1, 64))
	case xlFraction:
		w = 6
	case xlDate:
		w = 10
	}
	limit := xlMaxWidth
	switch {
	case c.l.wrap, c.l.wide:
		limit = xlWrapWidth
	}
	return float64(min(w+2, limit))
}

// xlIntLen is len(strconv.Itoa(n)), the minus sign included, counted
// rather than written out: every number cell of a sheet is measured.
func xlIntLen(n int) int {
	l := 1
	u := uint64(n)
	if n < 0 {
		l, u = 2, -u // two's complement: MinInt64's magnitude too
	}
	for ; u >= 10; u /= 10 {
		l++
	}
	return l
}

// xlWrappedLines estimates how many lines wrapped text takes in a column.
func xlWrappedLines(v any, width float64) int {
	s, ok := v.(string)
	if !ok {
		return 1
	}
	per := max(int(width)-2, 1)
	n := 0
	for line := range strings.SplitSeq(s, "\n") {
		n += max(1, (utf8.RuneCountInString(line)+per-1)/per)
	}
	return n
}

func xlCellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func xlColName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}

// xlQuoteSheet quotes a sheet name for a reference ('All pupils'!A1).
func xlQuoteSheet(name string) string { return "'" + strings.ReplaceAll(name, "'", "''") + "'" }

func xlPtr[T any](v T) *T { return &v }

// xlHeaderRow is a table header.
func xlHeaderRow(names ...string) xlRow {
	r := xlRow{role: xlRoleHeader}
	for _, n := range names {
		r.cells = append(r.cells, xlStyled(n, xlLook{header: true}))
	}
	return r
}

// xlSubHeader is the header of a secondary table on a sheet: styled like a
// header, but not the one the sheet filters and freezes.
func xlSubHeader(names ...string) xlRow {
	r := xlHeaderRow(names...)
	r.role = xlRoleOther
	return r
}

func xlSection(s string) xlRow { return xlRow{cells: []xlCell{xlStyled(s, xlLook{section: true})}} }

func xlBlank() xlRow { return xlRow{} }

// xlNote is a line of text that overflows across the empty cells beside it.
func xlNote(s string, italic bool) xlRow {
	return xlRow{cells: []xlCell{xlStyled(s, xlLook{noWidth: true, italic: italic})}}
}

// tierLook colours a pupil's tier cell.
func (b *xlBook) tierLook(p *analysis.Pupil) xlLook {
	if p.Outcome == nil || b.res.Rules == nil {
		return xlLook{}
	}
	i := b.res.Rules.TierIndex(p.Outcome.Tier)
	if i < 0 {
		return xlLook{}
	}
	return xlLook{tier: i + 1}
}

// xlYearValue stores a plain year number ("7", "10") as a number, so the
// column sorts 7, 8, 10 and Excel does not flag numbers stored as text;
// anything else ("R", "Year 7", "07") stays text.
func xlYearValue(s string) any {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n < 100 && strconv.Itoa(n) == s {
		return n
	}
	return s
}

// xlDateCell is a pupil's first or last date, empty for counts-only pupils.
func xlDateCell(d register.Day) xlCell {
	if d == 0 {
		return xlCell{}
	}
	return xlCell{v: xlDate(d)}
}

// run describes the run in one line: the as-of date, the register's dates,
// the tool and the rules.
func (b *xlBook) run() string {
	parts := []string{"As of " + b.asOf()}
	if b.res.From != 0 {
		parts = append(parts, "register "+b.res.From.UK()+" to "+b.res.To.UK())
	}
	parts = append(parts, "attendrisk "+b.meta.Version)
	if r := b.res.Rules; r != nil {
		parts = append(parts, "rules: "+r.Name+", version "+r.Version)
	}
	return strings.Join(parts, "; ") + "."
}

// asOfDay parses meta.AsOf (yyyy-mm-dd).
func (b *xlBook) asOfDay() (register.Day, bool) {
	t, err := time.Parse("2006-01-02", b.meta.AsOf)
	if err != nil {
		return 0, false
	}
	return register.DayFromTime(t), true
}

func (b *xlBook) asOf() string {
	if d, ok := b.asOfDay(); ok {
		return d.UK()
	}
	return b.meta.AsOf
}

func (b *xlBook) docProps() *excelize.DocProperties {
	p := &excelize.DocProperties{Title: "Attendance priority list", Subject: "School attendance indicators",
		Creator: "attendrisk " + b.meta.Version, Description: Disclaimer, Language: "en-GB"}
	if _, ok := b.asOfDay(); ok {
		// The as-of date rather than the clock, like every other output's
		// as_of: a re-run for the same date records the same date.
		p.Created = b.meta.AsOf + "T00:00:00Z"
		p.Modified = p.Created
	}
	return p
}

// priority lists the pupils who need looking at: with rules, those in a
// tier above the lowest; without, the persistent and severe absentees.
func (b *xlBook) priority() (list []*analysis.Pupil, ranks []int) {
	rules := b.res.Rules
	for i, p := range b.res.Pupils {
		keep := false
		if rules != nil {
			tier := -1 // an unknown tier is not "above the lowest"
			if p.Outcome != nil && !p.Aggregate {
				tier = rules.TierIndex(p.Outcome.Tier)
			}
			keep = tier >= 0 && tier < len(rules.Tiers)-1
		} else {
			keep = p.PA() || p.SA()
		}
		if keep {
			list = append(list, p)
			ranks = append(ranks, i+1) // the pupil's place in the whole list
		}
	}
	return list, ranks
}

// Priority sheet cut widths, in characters: the factors and the first
// next step are cut with an ellipsis so that every pupil takes one line on
// screen and on paper; the whole text is on the Pupil detail sheet.
const (
	xlFactorsCut = 60
	xlStepCut    = 45
	xlNameCut    = 30
)

// xlShortLabel is a factor's label without its parenthesised detail
// ("Persistently absent (10% or more of possible sessions missed)" is
// "Persistently absent"): the short form a one-line list has room for. The
// full label is on the Pupil detail and Rules sheets.
func xlShortLabel(label string) string {
	var b strings.Builder
	depth := 0
	for _, r := range label {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	out = strings.ReplaceAll(out, " ,", ",")
	if out == "" {
		return label
	}
	return out
}

// xlFactorLabels is the fired factors as short labels, "; "-joined,
// protective ones marked with a "+" (they lower the score).
func xlFactorLabels(p *analysis.Pupil) string {
	var parts []string
	for _, f := range outcome(p).Fired {
		l := xlShortLabel(f.Factor.Label)
		if f.Factor.Protective() {
			l = "+" + l
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, "; ")
}

// xlShortLabels is one generator's short labels by factor, "+" included
// for a protective one, made once each: xlShortLabel for every fired
// factor of every listed pupil was about a tenth of the Priority sheet's
// instructions, and a set has a few dozen factors.
type xlShortLabels struct {
	of  map[*rule.Factor]string
	buf []byte
}

// xlMaxShortLabels bounds the labels kept, should a result's factors not
// be its set's own (every pupil's a copy): past it they are made each time.
const xlMaxShortLabels = 4096

// factors is xlFactorLabels(p).
func (c *xlShortLabels) factors(p *analysis.Pupil) string {
	if c.of == nil {
		c.of = map[*rule.Factor]string{}
	}
	b := c.buf[:0]
	for i, f := range outcome(p).Fired {
		l, ok := c.of[f.Factor]
		if !ok {
			l = xlShortLabel(f.Factor.Label)
			if f.Factor.Protective() {
				l = "+" + l
			}
			if len(c.of) < xlMaxShortLabels {
				c.of[f.Factor] = l
			}
		}
		if i > 0 {
			b = append(b, "; "...)
		}
		b = append(b, l...)
	}
	c.buf = b
	return string(b)
}

// xlFlag is a pupil's PA/SA cell.
func xlFlag(p *analysis.Pupil) string {
	switch {
	case p.SA():
		return "SA"
	case p.PA():
		return "PA"
	}
	return ""
}

// xlChangeWords is a pupil's changes since the --compare run, in words.
func xlChangeWords(p *analysis.Pupil) string {
	words := make([]string, 0, len(p.Changes))
	for _, k := range p.Changes {
		if t, ok := changeTitles[k]; ok {
			k = t
		}
		words = append(words, k)
	}
	return strings.Join(words, "; ")
}

// xlDetail is one row of the Pupil detail sheet: a fired factor or a next
// step of a pupil on the priority list.
type xlDetail struct {
	kind, label, evidence, source string
}

// xlDetails is a pupil's detail rows: the fired factors (risk, then
// protective) with their evidence, then every next step. A pupil with
// neither still has one row, so that the Priority sheet's link has
// somewhere to go.
// xlDetailRows is len(xlDetails(p)), without making the rows' text.
func xlDetailRows(p *analysis.Pupil) int {
	o := outcome(p)
	return max(1, len(o.Fired)+len(o.Steps))
}

func xlDetails(p *analysis.Pupil) []xlDetail {
	o := outcome(p)
	out := make([]xlDetail, 0, len(o.Fired)+len(o.Steps))
	for i, f := range o.Fired {
		out = append(out, xlDetail{kind: f.Factor.Kind + " factor", label: f.Factor.Label,
			evidence: strings.Join(o.Evidence(i), "; "), source: f.Factor.Source})
	}
	for _, s := range o.Steps {
		out = append(out, xlDetail{kind: "next step", label: s.Text, source: s.Source})
	}
	if len(out) == 0 {
		out = append(out, xlDetail{kind: "none", label: "no factors fired and no next steps"})
	}
	return out
}

// xlDetailHeader is the row of the Pupil detail sheet's header; the first
// pupil's rows follow it.
const xlDetailHeader = 4

// xlMaxLinks stays under Excel's limit of 65,530 hyperlinks a sheet.
const xlMaxLinks = 65000

func (b *xlBook) prioritySheet(list []*analysis.Pupil, ranks []int) *xlSheet {
	shown := 0
	for _, p := range b.res.Pupils {
		if !p.Aggregate {
			shown++
		}
	}
	rules := b.res.Rules
	compared := b.meta.Compared != ""
	var summary string
	var head []string
	if rules != nil {
		lowest := rules.Tiers[len(rules.Tiers)-1].Name
		summary = fmt.Sprintf("%d of %d pupils are in a tier above %s. ", len(list), shown, lowest)
		head = []string{"Rank", "Tier", "Score", "Pupil ID", "Name", "School", "Year", "Reg group", "Absence %",
			"Unexplained sessions", "Unauthorised sessions", "Authorised sessions", "PA/SA", "Factors (+ protective)", "First next step"}
	} else {
		summary = fmt.Sprintf("%d of %d pupils are persistently (10%%+) or severely (50%%+) absent. ", len(list), shown)
		head = []string{"Rank", "Persistent or severe", "Pupil ID", "Name", "School", "Year", "Reg group", "Possible sessions",
			"Absence %", "Unexplained sessions", "Unauthorised sessions", "Authorised sessions"}
	}
	if compared {
		head = append(head, "Change since "+b.meta.Compared)
	}
	// Each pupil's first row on the Pupil detail sheet, for the link
	// from the pupil's id.
	detailRow := make([]int, len(list))
	if rules != nil {
		row := xlDetailHeader + 1
		for i, p := range list {
			detailRow[i] = row
			row += xlDetailRows(p)
		}
	}
	const headerRow = 5
	bl := &xlBlocks{head: []xlRow{
		{cells: []xlCell{xlStyled("Attendance priority list", xlLook{title: true})}},
		xlNote(summary+b.run(), false),
		xlNote(Disclaimer, true),
		xlBlank(),
		xlHeaderRow(head...),
	}, n: len(list), measureFirst: true}
	if len(list) == 0 {
		bl.tail = []xlRow{xlNote("No pupils to list.", true)}
	}
	bl.newGen = func() func(int, func(xlRow) error) error {
		var cells []xlCell // this generator's own, a row at a time
		var labels xlShortLabels
		return func(i int, yield func(xlRow) error) error {
			p := list[i]
			f := p.Figures
			abs := xlCell{}
			if f.Assessable() {
				abs = xlPctOf(f.Pct(f.Absent()))
			}
			// The cause breakdown is the one every output uses
			// (unexplained_sessions): N, O and sessions with no mark.
			split := [...]xlCell{xlNum(p.Causes.Unexplained), xlNum(f.Unauthorised), xlNum(f.Authorised)}
			name := xlTxt(clip(pupilName(p), xlNameCut))
			if rules != nil {
				o := outcome(p)
				id := xlTxt(p.ID)
				if i < xlMaxLinks {
					id = xlStyled(p.ID, xlLook{link: true})
				}
				step := ""
				if len(o.Steps) > 0 {
					step = o.Steps[0].Text
				}
				cells = append(cells[:0], xlNum(ranks[i]), xlStyled(o.Tier, b.tierLook(p)), xlNum(o.Score), id, name,
					xlTxt(p.Info.School), xlCell{v: xlYearValue(p.Info.YearGroup)}, xlTxt(p.Info.RegGroup), abs)
				cells = append(cells, split[:]...)
				cells = append(cells, xlTxt(xlFlag(p)), xlStyled(clip(labels.factors(p), xlFactorsCut), xlLook{wide: true}),
					xlStyled(clip(step, xlStepCut), xlLook{wide: true}))
			} else {
				flag := "persistent"
				if p.SA() {
					flag = "severe"
				}
				cells = append(cells[:0], xlNum(ranks[i]), xlTxt(flag), xlTxt(p.ID), name, xlTxt(p.Info.School),
					xlCell{v: xlYearValue(p.Info.YearGroup)}, xlTxt(p.Info.RegGroup), xlNum(f.Possible), abs)
				cells = append(cells, split[:]...)
			}
			if compared {
				cells = append(cells, xlTxt(xlChangeWords(p)))
			}
			return yield(xlRow{cells: cells, role: xlRoleData})
		}
	}
	s := xlBlockSheet(sheetPriority, bl)
	s.oneLine = true
	if rules != nil {
		s.links = func() []xlLink {
			links := make([]xlLink, min(len(list), xlMaxLinks))
			for i := range links {
				links[i] = xlLink{ref: xlCellName(4, headerRow+1+i),
					location: xlQuoteSheet(sheetDetail) + "!A" + strconv.Itoa(detailRow[i]), tooltip: "Evidence and next steps"}
			}
			return links
		}
	}
	return s
}

// detailSheet is the evidence behind the Priority sheet: for each pupil on
// it, in the same order, a row per fired factor with its evidence and
// source, then a row per next step. Each pupil's id on the Priority sheet
// links to the pupil's first row here.
func (b *xlBook) detailSheet(list []*analysis.Pupil, ranks []int) *xlSheet {
	intro := "Each pupil on the Priority sheet: the factors that fired, with the evidence, and every next step, with their sources."
	if b.res.Rules == nil {
		intro = "No rules were applied (--no-rules): there are no factors or next steps to show."
	}
	bl := &xlBlocks{head: []xlRow{
		{cells: []xlCell{xlStyled("Pupil detail", xlLook{title: true})}},
		xlNote(intro, false),
		xlNote(Disclaimer, true),
		xlHeaderRow("Rank", "Pupil ID", "Name", "Kind", "Factor or step", "Evidence", "Source"),
	}}
	if b.res.Rules != nil {
		bl.n = len(list)
		bl.rowsOf = func(i int) int { return xlDetailRows(list[i]) }
	}
	bl.newGen = func() func(int, func(xlRow) error) error {
		wrap := xlLook{wrap: true}
		cells := make([]xlCell, 7)
		return func(i int, yield func(xlRow) error) error {
			p := list[i]
			rank, id, name := xlNum(ranks[i]), xlTxt(p.ID), xlTxt(pupilName(p))
			for _, d := range xlDetails(p) {
				cells = append(cells[:0], rank, id, name, xlTxt(d.kind),
					xlStyled(d.label, wrap), xlStyled(d.evidence, wrap), xlStyled(d.source, wrap))
				if err := yield(xlRow{role: xlRoleData, cells: cells}); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return xlBlockSheet(sheetDetail, bl)
}

// pupilsSheet is every listed pupil with the CSV's field names as headers,
// one row each, in priority order.
func (b *xlBook) pupilsSheet() *xlSheet {
	head := make([]string, 0, len(pupilColumns)+2)
	for _, c := range pupilColumns {
		head = append(head, c.name)
	}
	pupils := b.res.Pupils
	bl := &xlBlocks{head: []xlRow{xlHeaderRow(append(head, "factors", "next_steps")...)}, n: len(pupils)}
	bl.newGen = func() func(int, func(xlRow) error) error {
		cells := make([]xlCell, len(head)+2)
		var text []byte // this generator's own: the rows are made on every core
		pc := b.newPupilCells()
		return func(i int, yield func(xlRow) error) error {
			p := pupils[i]
			for j := range pupilColumns {
				cells[j] = pc.cell(p, j)
			}
			// The CSV's cells, one line: this sheet is for sorting and
			// filtering, one row a pupil; Pupil detail has them to read.
			cells[len(head)] = xlStyled(xlFactorsText(p, &text), xlLook{wide: true})
			cells[len(head)+1] = xlStyled(xlStepsText(p, &text), xlLook{wide: true})
			return yield(xlRow{cells: cells, role: xlRoleData})
		}
	}
	s := xlBlockSheet(sheetPupils, bl)
	// Keep the id and name in view while scrolling across 30 columns.
	s.freezeCols, s.oneLine = 3, true
	return s
}

// xlFactorsText is factorsText(p, " | ") made in one buffer, reused, with
// one string allocated: the All pupils sheet makes it twice for every pupil.
func xlFactorsText(p *analysis.Pupil, buf *[]byte) string {
	b := (*buf)[:0]
	o := outcome(p)
	for i, f := range o.Fired {
		if i > 0 {
			b = append(b, " | "...)
		}
		if f.Factor.Kind == "protective" {
			b = append(b, "protective: "...)
		}
		b = append(b, f.Factor.Label...)
		if ev := o.Evidence(i); len(ev) > 0 {
			b = append(b, " ["...)
			for j, e := range ev {
				if j > 0 {
					b = append(b, "; "...)
				}
				b = append(b, e...)
			}
			b = append(b, ']')
		}
	}
	*buf = b
	return string(b)
}

// xlStepsText is stepsText(p, " | ") made as xlFactorsText is.
func xlStepsText(p *analysis.Pupil, buf *[]byte) string {
	b := (*buf)[:0]
	for i, s := range outcome(p).Steps {
		if i > 0 {
			b = append(b, " | "...)
		}
		b = append(b, s.Text...)
	}
	*buf = b
	return string(b)
}

// xlPupilCells types the fields of pupilColumns for the All pupils sheet
// (the CSV writes every value as text, the workbook as what it is): one
// generator's, with each column's kind read from its name once and every
// value put into the one cellWriter (column.get made a cellWriter on the
// heap for each cell, and boxed its value once more).
type xlPupilCells struct {
	b     *xlBook
	kinds []xlColKind
	w     xlColumnCell
}

type xlColKind uint8

const (
	xlColPlain xlColKind = iota
	xlColPct             // a rate in percent (_pct), stored as a fraction
	xlColFirst
	xlColLast
	xlColYear
	xlColTier
)

func (b *xlBook) newPupilCells() *xlPupilCells {
	g := &xlPupilCells{b: b, kinds: make([]xlColKind, len(pupilColumns))}
	for j, c := range pupilColumns {
		switch {
		case c.name == "first_date":
			g.kinds[j] = xlColFirst
		case c.name == "last_date":
			g.kinds[j] = xlColLast
		case c.name == "year_group":
			g.kinds[j] = xlColYear
		case c.name == "tier":
			g.kinds[j] = xlColTier
		case strings.HasSuffix(c.name, "_pct"):
			g.kinds[j] = xlColPct
		}
	}
	return g
}

// cell is pupil p's cell of pupilColumns[j].
func (g *xlPupilCells) cell(p *analysis.Pupil, j int) xlCell {
	switch g.kinds[j] {
	case xlColFirst:
		return xlDateCell(p.First)
	case xlColLast:
		return xlDateCell(p.Last)
	case xlColYear:
		return xlCell{v: xlYearValue(p.Info.YearGroup)}
	case xlColTier:
		return xlStyled(outcome(p).Tier, g.b.tierLook(p))
	}
	g.w.pct = g.kinds[j] == xlColPct
	pupilColumns[j].put(p, &g.w)
	return g.w.c
}

// xlColumnCell is the cellWriter of xlPupilCells: the cell of the value
// put, as column.get's value was made one (empty text an empty cell, a
// rate as a fraction).
type xlColumnCell struct {
	pct bool
	c   xlCell
}

func (w *xlColumnCell) putNull()         { w.c = xlCell{} }
func (w *xlColumnCell) putText(s string) { w.c = xlColumnText(s) }
func (w *xlColumnCell) putInt(n int)     { w.c = xlCell{v: n} }
func (w *xlColumnCell) putFloat(f float64) {
	if w.pct {
		w.c = xlCell{v: xlFrac(f)}
		return
	}
	w.c = xlCell{v: f}
}
func (w *xlColumnCell) putBool(b bool)         { w.c = xlCell{v: b} }
func (w *xlColumnCell) putDate(d register.Day) { w.c = xlColumnText(isoDay(d)) }
func (w *xlColumnCell) putList(l []string)     { w.c = xlCell{v: append(make([]string, 0, len(l)), l...)} }

func xlColumnText(s string) xlCell {
	if s == "" {
		return xlCell{}
	}
	return xlTxt(s)
}

// xlDimension is a cohort grouping the summary's key columns may be.
type xlDimension struct {
	name, title string
	get         func(p *analysis.Pupil) string
}

var xlDimensions = []xlDimension{
	{"year_group", "Year group", func(p *analysis.Pupil) string { return p.Info.YearGroup }},
	{"reg_group", "Reg group", func(p *analysis.Pupil) string { return p.Info.RegGroup }},
	{"school", "School", func(p *analysis.Pupil) string { return p.Info.School }},
	{"tier", "Tier", func(p *analysis.Pupil) string {
		if p.Outcome == nil {
			return ""
		}
		return p.Outcome.Tier
	}},
}

// xlKeyDimensions names the groups' key columns. A Group does not record what
// it was grouped by, so each column is matched against the dimensions: the
// one whose values over the pupils are exactly the column's keys names it.
// A context column, or an ambiguous match, is just "Group n".
func xlKeyDimensions(res *analysis.Result, groups []cohort.Group) []xlDimension {
	n := 1
	for _, g := range groups {
		n = max(n, len(g.Key))
	}
	out := make([]xlDimension, n)
	for i := range out {
		out[i].title = "Group"
		if n > 1 {
			out[i].title = fmt.Sprintf("Group %d", i+1)
		}
		keys := map[string]bool{}
		for _, g := range groups {
			if len(g.Key) == n && !xlIsTotal(g) {
				keys[g.Key[i]] = true
			}
		}
		if len(keys) == 0 {
			continue
		}
		found := -1
		for d, dim := range xlDimensions {
			if xlValuesAre(res, dim, keys) {
				if found >= 0 {
					found = -1
					break
				}
				found = d
			}
		}
		if found >= 0 {
			out[i] = xlDimensions[found]
		}
	}
	return out
}

// xlValuesAre reports whether dim's values over the pupils (a blank one as
// "(blank)") are exactly keys. It looks each pupil's value up rather than
// making the set of them (four sets of an authority's 40,000 pupils), and
// stops at the first value that is not a key, which for all but the
// dimension summarised is the first pupil's.
func xlValuesAre(res *analysis.Result, dim xlDimension, keys map[string]bool) bool {
	seen := make(map[string]bool, len(keys))
	for _, p := range res.All {
		if p.Aggregate {
			continue
		}
		v := dim.get(p)
		if v == "" {
			v = "(blank)"
		}
		if !keys[v] {
			return false
		}
		if !seen[v] {
			seen[v] = true
		}
	}
	return len(seen) == len(keys)
}

func xlIsTotal(g cohort.Group) bool { return len(g.Key) == 1 && g.Key[0] == "All pupils" }

func (b *xlBook) cohortSheet(groups []cohort.Group, benchmarks []cohort.Benchmark) *xlSheet {
	dims := xlKeyDimensions(b.res, groups)
	nk := len(dims)
	var head []string
	for _, d := range dims {
		head = append(head, d.title)
	}
	head = append(head, "Pupils", "Possible sessions", "Overall absence rate", "Authorised absence rate",
		"Unauthorised absence rate", "Persistent absentees", "Persistent absence rate", "Severe absentees",
		"Severe absence rate", "Note")
	rows := []xlRow{xlHeaderRow(head...)}
	for _, g := range groups {
		total := xlIsTotal(g)
		cells := make([]xlCell, nk)
		for i := range cells {
			if i < len(g.Key) && (i == 0 || !total) {
				cells[i] = xlStyled(xlKeyValue(g.Key[i], dims[i]), xlLook{bold: total})
			}
		}
		if g.Suppressed {
			c := xlStyled(Suppressed, xlLook{right: true})
			why := "fewer pupils than the suppression threshold"
			if g.Secondary {
				why = "withheld so that a smaller group cannot be worked out from the total"
			}
			cells = append(cells, c, c, c, c, c, c, c, c, c, xlTxt(why))
		} else {
			f := g.Figures
			cells = append(cells, xlNum(g.Pupils), xlNum(f.Possible), xlPctOf(f.Pct(f.Absent())), xlPctOf(f.Pct(f.Authorised)),
				xlPctOf(f.Pct(f.Unauthorised)), xlNum(g.PA), xlPctOf(g.PAPct()), xlNum(g.SA), xlPctOf(g.SAPct()), xlCell{})
		}
		rows = append(rows, xlRow{cells: cells, role: xlRoleData})
	}
	if len(benchmarks) > 0 {
		rows = append(rows, xlBlank())
		if c := compulsoryRow(groups); c != nil {
			// The row the national figures compare with, beside them.
			cells := make([]xlCell, nk)
			cells[0] = xlStyled(c.Key[0], xlLook{bold: true})
			if c.Suppressed {
				s := xlStyled(Suppressed, xlLook{right: true})
				cells = append(cells, s, s, s, s, s, s, s, s, s, xlTxt("withheld so that a smaller group cannot be worked out from the total"))
			} else {
				f := c.Figures
				cells = append(cells, xlNum(c.Pupils), xlNum(f.Possible), xlPctOf(f.Pct(f.Absent())), xlPctOf(f.Pct(f.Authorised)),
					xlPctOf(f.Pct(f.Unauthorised)), xlNum(c.PA), xlPctOf(c.PAPct()), xlNum(c.SA), xlPctOf(c.SAPct()),
					xlTxt("the pupils the national figures cover"))
			}
			rows = append(rows, xlRow{cells: cells})
		}
		for _, bm := range benchmarks {
			cells := make([]xlCell, nk)
			cells[0] = xlStyled(bm.Name, xlLook{italic: true})
			cells = append(cells, xlCell{}, xlCell{}, xlPctOf(bm.Overall), xlPctOf(bm.Authorised), xlPctOf(bm.Unauthorised),
				xlCell{}, xlBenchPct(bm.Persistent), xlCell{}, xlBenchPct(bm.Severe), xlStyled(bm.Source, xlLook{italic: true}))
			rows = append(rows, xlRow{cells: cells})
		}
	}
	rows = append(rows, xlBlank(), xlRow{cells: []xlCell{{v: "Absence rates are summed sessions over summed possible " +
		"sessions, never averaged rates. Persistent (10%+) and severe (50%+) absence rates are shares of the pupils with " +
		"possible sessions. c: fewer pupils than the suppression threshold, or withheld with such a group so that it cannot be worked out from the total, so the figures are not shown (as in DfE statistics)." +
		strings.TrimRight(" "+NationalNote(groups), " "),
		l: xlLook{noWidth: true, italic: true}, span: len(head)}}})

	// The chart's data: persistent and severe absence by year group.
	years := b.yearGroups(groups, dims)
	if len(years) == 0 {
		return &xlSheet{name: sheetCohort, rows: xlRowsOf(rows)}
	}
	// The national persistent absence rate is drawn across the chart as a
	// line: a chart has no reference line of its own, so it is a series
	// with the same value in every year group.
	var national *cohort.Benchmark
	for i := range benchmarks {
		if benchmarks[i].Persistent > 0 {
			national = &benchmarks[i]
			break
		}
	}
	head2 := []string{"Year group", "Pupils", "Persistent absence rate", "Severe absence rate"}
	if national != nil {
		head2 = append(head2, national.Name+" persistent absence rate")
	}
	rows = append(rows, xlBlank(), xlSection("Persistent and severe absence by year group"), xlSubHeader(head2...))
	first := len(rows) + 1
	for _, g := range years {
		cells := []xlCell{{v: xlYearValue(g.Key[0])}}
		if g.Suppressed {
			c := xlStyled(Suppressed, xlLook{right: true})
			cells = append(cells, c, c, c)
		} else {
			cells = append(cells, xlNum(g.Pupils), xlPctOf(g.PAPct()), xlPctOf(g.SAPct()))
		}
		if national != nil {
			cells = append(cells, xlBenchPct(national.Persistent))
		}
		rows = append(rows, xlRow{cells: cells})
	}
	last := len(rows)
	anchor := xlCellName(len(head2)+2, first-2)
	chart := func(f *excelize.File) error {
		ref := func(col int) string {
			c := xlColName(col)
			return fmt.Sprintf("%s!$%s$%d:$%s$%d", xlQuoteSheet(sheetCohort), c, first, c, last)
		}
		series := func(col int, colour string) excelize.ChartSeries {
			return excelize.ChartSeries{Name: fmt.Sprintf("%s!$%s$%d", xlQuoteSheet(sheetCohort), xlColName(col), first-1),
				Categories: ref(1), Values: ref(col),
				Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}}}
		}
		var combo []*excelize.Chart
		if national != nil {
			line := series(5, "404040")
			line.Line = excelize.LineOptions{Width: 1.5, Dash: excelize.LineDashDash,
				Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"404040"}}}
			line.Marker = excelize.ChartMarker{Symbol: "none"}
			combo = append(combo, &excelize.Chart{Type: excelize.Line, Series: []excelize.ChartSeries{line}})
		}
		return f.AddChart(sheetCohort, anchor, &excelize.Chart{
			Type:       excelize.Col,
			VaryColors: xlPtr(false), // one colour per series, not per bar
			Series:     []excelize.ChartSeries{series(3, "ED7D31"), series(4, "C00000")},
			Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Persistent and severe absence by year group"}}},
			Legend:     excelize.ChartLegend{Position: "bottom"},
			XAxis:      excelize.ChartAxis{Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Year group"}}}},
			YAxis:      excelize.ChartAxis{MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}},
			Dimension:  excelize.ChartDimension{Width: 560, Height: 300},
			Format:     excelize.GraphicOptions{OffsetX: 10, AltText: "Persistent and severe absence rates by year group"},
		}, combo...)
	}
	return &xlSheet{name: sheetCohort, rows: xlRowsOf(rows), chart: chart}
}

// xlKeyValue writes a year group as a number, other keys as text.
func xlKeyValue(k string, d xlDimension) any {
	if d.name == "year_group" {
		return xlYearValue(k)
	}
	return k
}

// yearGroups is the chart's breakdown. When the summary is by year group
// alone it is reused as it is, suppression included. Otherwise it is
// computed, and a year group is suppressed if it is no bigger than a group
// the caller suppressed: the chart must not show what the table hides.
//
// The year groups are in school order (see xlYearOrder), whatever order
// the summary has them in.
func (b *xlBook) yearGroups(groups []cohort.Group, dims []xlDimension) []cohort.Group {
	var out []cohort.Group
	if len(dims) == 1 && dims[0].name == "year_group" {
		for _, g := range groups {
			if !xlIsTotal(g) {
				out = append(out, g)
			}
		}
	} else {
		threshold := 0
		for _, g := range groups {
			if g.Suppressed {
				threshold = max(threshold, g.Pupils+1)
			}
		}
		out = append(out, cohort.Summarise(b.res, []string{"year_group"}, threshold)[1:]...)
	}
	slices.SortStableFunc(out, func(x, y cohort.Group) int { return xlYearOrder(x.Key[0], y.Key[0]) })
	return out
}

// xlYearOrder orders year groups as a school does: nursery, reception,
// then years 1 to 13 by number (so 10 follows 9, not 1), then anything
// else alphabetically, and a blank year group last. "Year 7", "Y7", "yr 7"
// and "07" are year 7; "R", "Rec" and "Reception" are reception; "N",
// "N1", "N2" and "Nursery" are nursery.
func xlYearOrder(a, b string) int {
	ra, na := xlYearRank(a)
	rb, nb := xlYearRank(b)
	if ra != rb {
		return ra - rb
	}
	if na != nb {
		return na - nb
	}
	return strings.Compare(a, b)
}

// xlYearRank is a year group's band (0 nursery, 1 reception, 2 a numbered
// year, 3 other text, 4 blank) and its number within the band.
func xlYearRank(s string) (band, n int) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" || t == "(blank)" {
		return 4, 0
	}
	for _, p := range []string{"year", "yr", "y"} {
		if rest, ok := strings.CutPrefix(t, p); ok {
			if v, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil {
				return 2, v
			}
		}
	}
	if v, err := strconv.Atoi(t); err == nil {
		return 2, v
	}
	switch t {
	case "r", "yr", "rec", "reception", "year r":
		return 1, 0
	case "n", "nursery":
		return 0, 99 // after N1 and N2
	}
	if rest, ok := strings.CutPrefix(t, "n"); ok {
		if v, err := strconv.Atoi(rest); err == nil {
			return 0, v
		}
	}
	return 3, 0
}

// codesSheet is the sessions recorded with each code over the whole cohort,
// every code always, in the order `attendrisk codes` prints them.
func (b *xlBook) codesSheet() *xlSheet {
	t := b.res.Totals
	rows := []xlRow{xlHeaderRow("Code", "Meaning", "Category", "Sessions", "Share of possible sessions", "Note")}
	for _, c := range mark.Table() {
		n := t.Codes.Get(c.ID)
		share := xlCell{} // not a possible session: no share of them
		if c.Category.Possible() && t.Possible > 0 {
			share = xlPctOf(100 * float64(n) / float64(t.Possible))
		}
		note := c.Note
		if c.Legacy {
			note = strings.TrimSuffix("legacy code; "+note, "; ")
		}
		rows = append(rows, xlRow{role: xlRoleData, cells: []xlCell{xlTxt(c.Code), xlTxt(c.Meaning), xlTxt(c.Category.String()),
			xlNum(n), share, xlStyled(note, xlLook{wrap: true})}})
	}
	total := xlCell{}
	if t.Possible > 0 {
		total = xlPctOf(100)
	}
	rows = append(rows, xlBlank(), xlRow{cells: []xlCell{{}, xlStyled("Possible sessions", xlLook{bold: true}), {},
		xlStyled(t.Possible, xlLook{bold: true}), total}})
	return &xlSheet{name: sheetCodes, rows: xlRowsOf(rows)}
}

// qualitySheet is the data-quality account as one table, so it can be
// filtered by section: files, row and mark arithmetic, each rejection and
// finding with its first places, unknown and legacy codes.
func (b *xlBook) qualitySheet() *xlSheet {
	rows := []xlRow{xlHeaderRow("Section", "Item", "Count", "Description", "Examples or details")}
	add := func(sec, item string, count int, desc, detail string) {
		rows = append(rows, xlRow{role: xlRoleData, cells: []xlCell{xlTxt(sec), xlTxt(item), xlNum(count), xlStyled(desc, xlLook{wrap: true}),
			xlStyled(detail, xlLook{wrap: true})}})
	}
	q := b.res.Quality
	if q == nil {
		return &xlSheet{name: sheetQuality, rows: xlRowsOf(rows)}
	}
	for _, f := range q.Files {
		desc := []string{f.Layout + " layout"}
		if f.Sheet != "" {
			desc = append(desc, "sheet "+f.Sheet)
		}
		if f.Encoding != "" {
			desc = append(desc, f.Encoding)
		}
		if f.Delimiter != "" {
			desc = append(desc, f.Delimiter+"-separated")
		}
		if f.HeaderRow > 0 {
			desc = append(desc, fmt.Sprintf("header row %d", f.HeaderRow))
		}
		if s := SchoolNote(f); s != "" {
			desc = append(desc, s)
		}
		var cols []string
		for field, h := range f.Columns {
			cols = append(cols, field+" ← "+h)
		}
		slices.Sort(cols)
		add("File", f.Path, f.Rows, strings.Join(desc, ", "), strings.Join(cols, "\n"))
	}
	add("Rows", "read", q.RowsRead, "rows read from the files (read = used + rejected)", "")
	add("Rows", "used", q.RowsUsed, "", "")
	add("Rows", "rejected", q.RowsRejected, "see the rejections below", "")
	add("Session marks", "read", q.MarksRead, "session marks read (read = used + rejected)", "")
	add("Session marks", "used", q.MarksUsed, "", "")
	add("Session marks", "rejected", q.MarksRejected, "", "")
	add("Session marks", "missing", q.MissingMarks, "sessions with no mark recorded (not counted as absence)", "")
	add("Session marks", "duplicate", q.DuplicateMarks, "the same mark again for a session (counted once)", "")
	add("Session marks", "conflicting", q.ConflictingMarks, "a different mark for a session already marked (best mark kept)", "")
	for _, r := range q.Rejections() {
		add("Rejected", r.Key, r.Count, r.Text, xlExamples(r.Count, r.Examples))
	}
	for _, r := range q.Findings() {
		add("Finding", r.Key, r.Count, r.Text, xlExamples(r.Count, r.Examples))
	}
	for _, c := range xlSortedKeys(q.UnknownCodes()) {
		add("Unknown code", c, q.UnknownCodes()[c], "not a DfE code: left out of the figures", "")
	}
	for _, c := range xlSortedKeys(q.LegacyCodes()) {
		add("Legacy code", c, q.LegacyCodes()[c], "counted as DfE counts it", "")
	}
	return &xlSheet{name: sheetQuality, rows: xlRowsOf(rows)}
}

// xlExamples lists a reason's first places, one a line, and says how many
// more there were.
func xlExamples(count int, ex []quality.Example) string {
	lines := make([]string, 0, len(ex)+1)
	for _, e := range ex {
		l := e.Where
		if e.Detail != "" {
			l += " " + e.Detail
		}
		lines = append(lines, l)
	}
	if more := count - len(ex); more > 0 && len(ex) > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more", more))
	}
	return strings.Join(lines, "\n")
}

func xlSortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// rulesSheet identifies the rules and lists them: the factor catalogue (the
// sheet's filtered table), the tiers, the next steps, and what was not
// evaluated for want of context columns.
func (b *xlBook) rulesSheet() *xlSheet {
	label := func(s string) xlCell { return xlStyled(s, xlLook{bold: true}) }
	value := func(v any) xlCell { return xlStyled(v, xlLook{noWidth: true}) }
	var rows []xlRow
	set := b.res.Rules
	if set == nil {
		rows = append(rows, xlRow{cells: []xlCell{label("Rules"), value("none: figures only (--no-rules)")}})
	} else {
		rows = append(rows,
			xlRow{cells: []xlCell{label("Rules"), value(set.Name)}},
			xlRow{cells: []xlCell{label("Version"), value(set.Version)}},
			xlRow{cells: []xlCell{label("Hash"), value(set.Hash)}})
		if set.Description != "" {
			desc := xlCell{v: strings.Join(strings.Fields(set.Description), " "), l: xlLook{noWidth: true}, span: 6}
			rows = append(rows, xlRow{cells: []xlCell{label("Description"), desc}})
		}
	}
	// The as-of date is a date cell; the version and the register's dates
	// follow it on the same line, so the frozen rows above the factor table
	// stay few.
	asOf := value(b.meta.AsOf)
	if d, ok := b.asOfDay(); ok {
		asOf = xlCell{v: xlDate(d)}
	}
	produced := "attendrisk " + b.meta.Version
	if b.res.From != 0 {
		produced += "; register " + b.res.From.UK() + " to " + b.res.To.UK()
	}
	rows = append(rows, xlRow{cells: []xlCell{label("As of"), asOf, value(produced)}},
		xlRow{cells: []xlCell{label("Note"), xlStyled(Disclaimer, xlLook{noWidth: true, italic: true})}})
	if set == nil {
		return &xlSheet{name: sheetRules, rows: xlRowsOf(rows)}
	}

	wrap := xlLook{wrap: true}
	rows = append(rows, xlHeaderRow("ID", "Kind", "Group", "Weight", "Label", "Source", "When"))
	for _, f := range set.Factors {
		rows = append(rows, xlRow{role: xlRoleData, cells: []xlCell{xlTxt(f.ID), xlTxt(f.Kind), xlTxt(f.Group), xlNum(f.Weight),
			xlStyled(f.Label, wrap), xlStyled(f.Source, wrap), xlStyled(f.When, wrap)}})
	}
	rows = append(rows, xlBlank(), xlSection("Tiers (highest first)"), xlSubHeader("Tier", "Minimum score"))
	for i, t := range set.Tiers {
		rows = append(rows, xlRow{cells: []xlCell{xlStyled(t.Name, xlLook{tier: i + 1}), xlNum(t.MinScore)}})
	}
	// The next steps line up with the factors' columns: id, then the step
	// under the label, its source under the source, its condition under
	// the condition.
	// Steps are suggested by their order:, ties in file order.
	steps := slices.Clone(set.Steps)
	slices.SortStableFunc(steps, func(x, y rule.Step) int { return x.Order - y.Order })
	rows = append(rows, xlBlank(), xlSection("Next steps (in the order they are suggested)"),
		xlSubHeader("ID", "Order", "Tiers", "", "Step", "Source", "When"))
	for _, s := range steps {
		tiers := strings.Join(s.Tiers, ", ")
		if tiers == "" {
			tiers = "all"
		}
		rows = append(rows, xlRow{cells: []xlCell{xlTxt(s.ID), xlNum(s.Order), xlTxt(tiers), {},
			xlStyled(s.Text, wrap), xlStyled(s.Source, wrap), xlStyled(s.When, wrap)}})
	}
	if len(set.Skipped) > 0 {
		rows = append(rows, xlBlank(), xlSection("Not evaluated"), xlSubHeader("ID", "Kind", "Line", "", "Reason"))
		for _, s := range set.Skipped {
			kind := "factor"
			if s.Step {
				kind = "next step"
			}
			rows = append(rows, xlRow{cells: []xlCell{xlTxt(s.ID), xlTxt(kind), xlNum(s.Line), {}, xlStyled(s.Reason(), wrap)}})
		}
	}
	return &xlSheet{name: sheetRules, rows: xlRowsOf(rows)}
}
