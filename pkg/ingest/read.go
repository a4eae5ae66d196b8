package ingest

import (
	"bytes"
	"context"
	"unicode/utf8"

	"errors"
	"fmt"
	"github.com/attendrisk/attendrisk/pkg/mark"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// Layout is the shape of an export.
type Layout string

// The layouts. LayoutAuto detects the layout from the header row.
const (
	LayoutAuto  Layout = ""
	LayoutMarks Layout = "marks" // one row per pupil per session
	LayoutGrid  Layout = "grid"  // one row per pupil, one column per session or day
)

// Options control how files are read.
type Options struct {
	Layout  Layout
	Sheet   string           // XLSX sheet; empty means the first
	Map     map[Field]string // user header mappings (--map)
	Workers int              // parsing goroutines for a marks CSV; 0 means one per core
	// DateOrder is the order of numeric dates (--date-order, or a
	// profile's date_order); DateAuto decides it per file from the file's
	// own dates (see order.go).
	DateOrder DateOrder
	// LocalCodes maps a school's own codes (upper case) to DfE codes.
	LocalCodes map[string]mark.ID
	// Progress, when set, is told the rows read so far now and then.
	Progress func(file string, rows int)
	// School names the school of every row whose file has no school
	// column (--school, or a profile's school).
	School string
	// SchoolFrom says what named School (SchoolFromFlag, the default, or
	// SchoolFromProfile), for the data-quality account.
	SchoolFrom string
	// RevisionOrder orders two exports of one school (see ReadFiles).
	RevisionOrder register.RevisionOrder
	// Context, when set, is checked between chunks and rows: cancelling it
	// (Ctrl-C) stops a long read cleanly, and the read returns its error.
	Context context.Context
	// AllowIncomplete reads a file that ends mid-row (a cut-off export or
	// copy) with that row rejected, instead of failing (--allow-incomplete).
	AllowIncomplete bool
}

// cancelled returns the error of a cancelled Options.Context, else nil.
func (o Options) cancelled() error {
	if o.Context == nil {
		return nil
	}
	return o.Context.Err()
}

// Error is a problem that stops a file from being read at all. It names the
// place and says what was expected.
type Error struct {
	Loc quality.Loc
	Msg string
}

func (e *Error) Error() string {
	if e.Loc.Line == 0 && e.Loc.Cell == "" {
		if e.Loc.Sheet != "" {
			return fmt.Sprintf("%s[%s]: %s", e.Loc.File, e.Loc.Sheet, e.Msg)
		}
		return fmt.Sprintf("%s: %s", e.Loc.File, e.Msg)
	}
	return e.Loc.String() + ": " + e.Msg
}

func errorf(loc quality.Loc, format string, args ...any) error {
	return &Error{Loc: loc, Msg: fmt.Sprintf(format, args...)}
}

// ReadFile reads one export into the builder.
func ReadFile(path string, opts Options, b *register.Builder) error {
	// A school named by the file's title rows is this file's only.
	saved := b.School
	defer func() { b.School = saved }()
	if err := checkRegular(path, "a CSV or XLSX file"); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return &Error{Loc: quality.Loc{File: path}, Msg: "cannot open: " + plainOSError(err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return &Error{Loc: quality.Loc{File: path}, Msg: "cannot read: " + plainOSError(err)}
	}
	if !st.Mode().IsRegular() { // replaced since the check
		return &Error{Loc: quality.Loc{File: path}, Msg: "not a regular file (a pipe, device or socket): expected a CSV or XLSX file saved on disk"}
	}
	if st.Size() == 0 {
		return &Error{Loc: quality.Loc{File: path}, Msg: "file is empty, expected a header row and register rows"}
	}
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	if bytes.HasPrefix(head[:n], []byte("PK\x03\x04")) {
		return readXLSX(f, st.Size(), path, opts, b)
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".xls" || bytes.HasPrefix(head[:n], []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return &Error{Loc: quality.Loc{File: path}, Msg: "is an old Excel .xls workbook; save it as .xlsx or CSV and try again"}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return &Error{Loc: quality.Loc{File: path}, Msg: "cannot read: " + plainOSError(err)}
	}
	return readText(f, st.Size(), path, opts, b)
}

func plainOSError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// header is what sniffing found.
type header struct {
	layout Layout
	cols   columns
	grid   []gridCol // grid layout: session columns in date order
	far    []gridCol // grid columns dated years away from the rest: their marks are rejected
	anchor int       // the year most of a grid's columns are in
	width  int       // columns up to the header's last non-blank cell
	line   int       // 1-based line (or row) of the header (its first row)
	first  int       // index of the header's first row among the rows searched
	// monthFirst is the header date that made a grid month-first, when its
	// order was detected.
	monthFirst *dateEvidence
	summary    summaryCols
}

type gridCol struct {
	gridColumn
	index int
}

// maxTitleRows is how many non-blank rows may stand above the header: MIS
// report exports put a title, a school name, a print date and the like
// there, never pages of them. A header further down is no header: the file
// is not a register export, or not the one meant.
const maxTitleRows = 10

// findHeader looks through the first records for the header row: the first
// row that names a pupil id and either the marks fields or session columns.
// Title rows and blank rows above it are skipped, as MIS report exports have
// them. A grid header may take two rows: the dates on the first (perhaps
// once per day over two merged cells) and AM/PM under them. It returns the
// index of the header's last row.
func findHeader(rows [][]string, firstLine []int, file string, opts Options, serial int) (header, int, error) {
	var firstNonBlank []string
	var mapErr error
	firstLineNo := 0
	nonBlank := 0
	for i, r := range rows {
		if blankStrings(r) {
			continue
		}
		if nonBlank++; nonBlank > maxTitleRows+1 {
			break
		}
		if firstNonBlank == nil {
			firstNonBlank, firstLineNo = r, firstLine[i]
		}
		if opts.Layout == LayoutAuto || opts.Layout == LayoutGrid {
			h, last, ok, err := twoRowHeader(rows, firstLine, i, file, opts, serial)
			if err != nil {
				return header{}, 0, err
			}
			if ok {
				return h, last, nil
			}
		}
		cols, err := matchHeader(r, opts.Map)
		if err != nil {
			if mapErr == nil {
				mapErr = err
			}
			continue // the mapped column may be in a later row
		}
		h := header{cols: cols, line: firstLine[i], first: i, width: width(r)}
		var cells []gridHead
		var texts []string
		var idx []int
		for j, cell := range r {
			if isTaken(cols, j) {
				continue
			}
			if g, ok := scanGridHeader(cell, serial); ok && g.real() {
				cells, texts, idx = append(cells, g), append(texts, cell), append(idx, j)
			}
		}
		marks := cols.has(PupilID) && cols.has(Date) && cols.has(Mark)
		grid := cols.has(PupilID) && len(cells) > 0
		var summary bool
		h.summary, summary = summaryHeader(r, cols)
		switch {
		case opts.Layout == LayoutSummary && summary, opts.Layout == LayoutAuto && summary && !marks && !grid:
			h.layout = LayoutSummary
		case opts.Layout == LayoutMarks && marks, opts.Layout == LayoutAuto && marks:
			h.layout = LayoutMarks
		case opts.Layout == LayoutGrid && grid, opts.Layout == LayoutAuto && grid:
			h.layout = LayoutGrid
			line := firstLine[i]
			days, mf, err := gridDates(cells, texts, opts.DateOrder, func(k int) quality.Loc {
				return headerLoc(file, line, idx[k], serial, r[idx[k]])
			})
			if err != nil {
				return header{}, 0, err
			}
			h.monthFirst = mf
			for k, g := range cells {
				h.grid = append(h.grid, gridCol{gridColumn{day: days[k], session: g.session, both: g.both}, idx[k]})
			}
			h.placeGrid()
		default:
			continue
		}
		return h, i, nil
	}
	loc := quality.Loc{File: file, Line: firstLineNo}
	if mapErr != nil {
		// A --map naming a column no row has is the likeliest cause. The
		// columns listed are the header's, not the first data row's that
		// happened to fail first: the row most like a header.
		// When that row has the mapped columns, the mapping is not the
		// problem: the layout is, and the message below says what it lacks.
		r, line := likeliestHeader(rows, firstLine)
		if _, err := matchHeader(r, opts.Map); err != nil {
			return header{}, 0, errorf(quality.Loc{File: file, Line: line}, "%s", err.Error())
		}
	}
	if firstNonBlank == nil {
		return header{}, 0, &Error{Loc: quality.Loc{File: file}, Msg: "no rows: expected a header row and register rows"}
	}
	var want string
	switch opts.Layout {
	case LayoutMarks:
		want = "a marks header with a pupil id (UPN, Pupil ID, Adno, Admission Number, Student ID), Date, Session (AM/PM) and Mark (Code)"
	case LayoutSummary:
		want = "a summary header with a row id (a pupil id, a school, or DfE's geography columns), per-code counts (I, M, G, ... or reason_i_authorised_illness, ...) or authorised and unauthorised absence, and possible sessions (or the present counts, / \\ L or a present total, to compute them from)"
	case LayoutGrid:
		want = "a grid header with a pupil id (UPN, Pupil ID, Adno, ...) and session columns such as \"03/09/2024 AM\" or day columns such as \"03/09/2024\""
	default:
		want = "a header row with a pupil id (UPN, Pupil ID, Adno, Admission Number, Student ID) and either Date, Session and Mark columns (marks layout) or session columns such as \"03/09/2024 AM\" (grid layout)"
	}
	searched := fmt.Sprintf("in the first %d rows", len(rows))
	if nonBlank > maxTitleRows+1 {
		searched = fmt.Sprintf("in the first %d rows (at most %d title rows may stand above the header)", maxTitleRows+1, maxTitleRows)
	}
	return header{}, 0, errorf(loc, "no header row found %s: expected %s; the first row has %s\n(use --map field=Header for other column names, e.g. --map pupil_id=\"Pupil Ref\")",
		searched, want, describeRow(firstNonBlank))
}

// likeliestHeader picks the row that names the most fields without the
// user's mappings (the first such, and the first non-blank row if none
// names any), for an error about the header.
func likeliestHeader(rows [][]string, firstLine []int) ([]string, int) {
	best, bestN := -1, 0
	for i, r := range rows {
		if blankStrings(r) {
			continue
		}
		if best < 0 {
			best = i
		}
		c, _ := matchHeader(r, nil)
		n := len(c.idx)
		if _, ok := summaryHeader(r, c); ok {
			n++
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	return rows[best], firstLine[best]
}

// real reports whether a header's date is a real date in some order.
func (g gridHead) real() bool {
	_, _, _, ok := g.date.classify()
	return ok
}

// placeGrid sorts a grid's columns into date order and moves the columns
// dated years away from the rest (a mistyped year) aside, so that they
// neither count nor stretch a pupil's enrolment.
func (h *header) placeGrid() {
	days := make([]register.Day, len(h.grid))
	for k, g := range h.grid {
		days[k] = g.day
	}
	anchor, far := farYears(days)
	h.anchor = anchor
	kept := h.grid[:0]
	for _, g := range h.grid {
		if far[g.day] {
			h.far = append(h.far, g)
		} else {
			kept = append(kept, g)
		}
	}
	h.grid = kept
	sort.SliceStable(h.grid, func(a, b int) bool {
		if h.grid[a].day != h.grid[b].day {
			return h.grid[a].day < h.grid[b].day
		}
		return h.grid[a].session < h.grid[b].session
	})
}

// headerLoc is the place of a header cell, for messages: the XLSX cell, or
// the CSV line and the header text.
func headerLoc(file string, line, col, serial int, text string) quality.Loc {
	if serial != noSerial {
		if cell, err := excelize.CoordinatesToCellName(col+1, line); err == nil {
			return quality.Loc{File: file, Line: line, Cell: cell}
		}
	}
	return quality.Loc{File: file, Line: line, Cell: "column " + strconv.Itoa(col+1)}
}

// width is the number of columns up to a row's last non-blank cell.
func width(r []string) int {
	n := len(r)
	for n > 0 && strings.TrimSpace(r[n-1]) == "" {
		n--
	}
	return n
}

// twoRowHeader reads a grid header over two rows, rows[i] with the dates
// and the next non-blank row with AM/PM under them, as MIS registers lay
// out a week:
//
//	UPN,Surname,02/09/2024,,03/09/2024,
//	,,AM,PM,AM,PM
//
// A date stands for the blank cells to its right (merged cells), up to the
// next non-blank cell. The second row must hold only sessions under the
// dates and, elsewhere, only labels under blank cells: a row with a value
// under a label is a pupil's row, not a header. ok is false when rows[i]
// does not start such a header.
func twoRowHeader(rows [][]string, lines []int, i int, file string, opts Options, serial int) (h header, last int, ok bool, err error) {
	d := rows[i]
	k := i + 1
	for k < len(rows) && blankStrings(rows[k]) {
		k++
	}
	if k >= len(rows) {
		return header{}, 0, false, nil
	}
	s := rows[k]
	cell := func(r []string, j int) string {
		if j < len(r) {
			return strings.TrimSpace(r[j])
		}
		return ""
	}
	n := max(width(d), width(s))
	// The dates of the first row, and the date each column falls under.
	var dates []gridHead
	var texts []string
	var dateCol []int
	under := make([]int, n) // index into dates, or -1
	cur := -1
	for j := 0; j < n; j++ {
		if v := cell(d, j); v != "" {
			cur = -1
			if g, ok := scanGridHeader(v, serial); ok && g.both && g.real() {
				cur = len(dates)
				dates, texts, dateCol = append(dates, g), append(texts, v), append(dateCol, j)
			}
		}
		under[j] = cur
	}
	if len(dates) == 0 {
		return header{}, 0, false, nil
	}
	merged := make([]string, n)
	type sessCol struct {
		date  int
		sess  register.Session
		index int
	}
	var sess []sessCol
	for j := 0; j < n; j++ {
		v := cell(s, j)
		if v == "" {
			merged[j] = cell(d, j)
			continue
		}
		if ss, ok := parseSession([]byte(v)); ok && under[j] >= 0 {
			sess = append(sess, sessCol{under[j], ss, j})
			merged[j] = texts[under[j]] + " " + v
			continue
		}
		if under[j] >= 0 || cell(d, j) != "" {
			return header{}, 0, false, nil // a value under a date or a label: a pupil's row
		}
		merged[j] = v
	}
	if len(sess) == 0 {
		return header{}, 0, false, nil
	}
	cols, err := matchHeader(merged, opts.Map)
	if err != nil || !cols.has(PupilID) {
		return header{}, 0, false, nil
	}
	for _, c := range sess {
		if isTaken(cols, c.index) {
			return header{}, 0, false, nil
		}
	}
	line := lines[i]
	days, mf, err := gridDates(dates, texts, opts.DateOrder, func(q int) quality.Loc {
		return headerLoc(file, line, dateCol[q], serial, texts[q])
	})
	if err != nil {
		return header{}, 0, false, err
	}
	// Every date needs its sessions, each once.
	seen := map[[2]int]int{}
	has := make([]bool, len(dates))
	for _, c := range sess {
		key := [2]int{int(days[c.date]), int(c.sess)}
		if prev, dup := seen[key]; dup {
			return header{}, 0, false, errorf(headerLoc(file, lines[k], c.index, serial, ""), "the session row under the dates has %s twice under %q (columns %d and %d): each date needs one AM and one PM column",
				c.sess, texts[c.date], prev+1, c.index+1)
		}
		seen[key] = c.index
		has[c.date] = true
	}
	for q, ok := range has {
		if !ok {
			return header{}, 0, false, errorf(headerLoc(file, line, dateCol[q], serial, texts[q]), "the date %q has no AM or PM under it in the session row (line %d): each date needs its session columns", texts[q], lines[k])
		}
	}
	h = header{cols: cols, line: line, first: i, width: n, layout: LayoutGrid, monthFirst: mf}
	for _, c := range sess {
		h.grid = append(h.grid, gridCol{gridColumn{day: days[c.date], session: c.sess}, c.index})
	}
	h.placeGrid()
	return h, k, true, nil
}

func isTaken(c columns, j int) bool {
	for _, i := range c.idx {
		if i == j {
			return true
		}
	}
	return false
}

func blankStrings(r []string) bool {
	for _, s := range r {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// testMarksRows, when set by a test, reads a marks CSV (not one read as raw
// Windows-1252) row by row through readRows, the path of the grid layout,
// instead of the parallel reader: FuzzMarksPaths compares the two.
var testMarksRows bool

// testNoMap, when set by a test, reads a marks CSV through read() even where
// it could be mapped (mappedText): FuzzMarksMapped compares the two.
var testNoMap bool

// maxHeaderSearch is how many rows are searched for the header: the title
// rows, the header and the second row of a two-row grid header, and blank
// rows between them.
const maxHeaderSearch = 200

func readText(file *os.File, size int64, path string, opts Options, b *register.Builder) error {
	raw := make([]byte, sampleSize)
	n, err := io.ReadFull(file, raw)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return &Error{Loc: quality.Loc{File: path}, Msg: "cannot read: " + plainOSError(err)}
	}
	raw = raw[:n]
	// A zero-filled tail is cut off before anything is read: the text
	// stops where the zeros start, and the row they end is incomplete.
	var tail textTail
	if tail.zeros, err = zeroTail(file, size); err != nil {
		return &Error{Loc: quality.Loc{File: path}, Msg: "cannot read: " + plainOSError(err)}
	}
	if int64(n) > size-tail.zeros {
		raw = raw[:size-tail.zeros]
	}
	enc := detectEncoding(raw, int64(len(raw)) < size-tail.zeros)
	if strings.HasPrefix(enc.name, "utf-16") && tail.zeros%2 == 1 {
		// Only whole zero code units: the last character's high byte may
		// be a zero of its own.
		if int64(len(raw)) == size-tail.zeros {
			raw = append(raw, 0)
		}
		tail.zeros--
	}
	if tail.zeros > 0 && size-tail.zeros <= int64(enc.bomLen) {
		return &Error{Loc: quality.Loc{File: path}, Msg: "holds only zero bytes (a copy that was cut off?): expected a header row and register rows"}
	}
	f := io.NewSectionReader(file, 0, size-tail.zeros)
	truncated := int64(len(raw)) < f.Size()
	sample, err := io.ReadAll(enc.reader(bytes.NewReader(raw[enc.bomLen:])))
	if err != nil {
		return &Error{Loc: quality.Loc{File: path}, Msg: "cannot decode as " + enc.name + ": " + err.Error()}
	}
	loneCRs(sample, !truncated)
	delim := detectDelimiter(sample)
	if truncated {
		// Only whole records count: the last one may be cut by the sample.
		if end, _ := lastRecordEnd(sample, delim); end > 0 {
			sample = sample[:end]
		}
	}

	// Split the sample into records, remembering where each starts.
	var rows [][]string
	var lines []int
	var ends []int
	pos, line := 0, 1
	var fields [][]byte
	for pos < len(sample) && len(rows) < maxHeaderSearch {
		var used int
		var st recStatus
		start := line
		fields, pos, used, st = splitRecord(sample, pos, delim, fields)
		if st == recOpen {
			break
		}
		line += used
		if st != recOK {
			// A runaway or over-long record above the header is no header:
			// keep its place, as a blank row.
			fields = fields[:0]
		}
		rows = append(rows, toStrings(fields))
		lines = append(lines, start)
		ends = append(ends, pos)
	}
	h, hi, err := findHeader(rows, lines, path, opts, noSerial)
	if err != nil {
		return err
	}
	info := quality.FileInfo{Path: path, Layout: string(h.layout), Encoding: enc.name, Delimiter: delimName(delim),
		HeaderRow: h.line, Columns: h.columnNames()}
	// The data starts on the line after the header record (which may itself
	// span lines when a quoted header holds a line break).
	start := 0
	if hi > 0 {
		start = ends[hi-1]
	}
	dataLine := lines[hi] + countLines(sample[start:ends[hi]])

	// Re-read from the start of the data. A Windows-1252 marks file is
	// read raw (see marksCols.cp1252); in it every character is one byte, so
	// the data starts as many bytes in as the decoded header has runes. The
	// date scans (order.go) read the data again, through their own reader.
	raw1252 := enc.name == "windows-1252" && h.layout == LayoutMarks
	skip := int64(ends[hi])
	if raw1252 {
		skip = int64(utf8.RuneCount(sample[:ends[hi]]))
	}
	openData := func() (io.Reader, error) {
		var r io.Reader = io.NewSectionReader(f, int64(enc.bomLen), f.Size()-int64(enc.bomLen))
		if !raw1252 {
			r = enc.reader(r)
		}
		r = newCRReader(r)
		if _, err := io.CopyN(io.Discard, r, skip); err != nil {
			return nil, &Error{Loc: quality.Loc{File: path}, Msg: "cannot read: " + err.Error()}
		}
		return r, nil
	}
	r, err := openData()
	if err != nil {
		return err
	}
	reportTitles(b.Q, rows[:h.first], lines, func(line int) quality.Loc { return quality.Loc{File: path, Line: line} })
	nameFileSchool(h, rows[:h.first], lines, opts, b, &info)
	before := b.Q.RowsRead
	switch h.layout {
	case LayoutMarks:
		scan := scanRows(func() (func() ([][]byte, int, error), func(), error) {
			r, err := openData()
			if err != nil {
				return nil, nil, err
			}
			t := &textRows{r: r, delim: delim, line: dataLine, file: path, headerFields: namedColumns(h.cols.headers), width: len(h.cols.headers)}
			return t.fields, func() {}, nil
		}, newMarksCols(h.cols, opts), func(line int) quality.Loc { return quality.Loc{File: path, Line: line} })
		var fd *fileDates
		if fd, err = newFileDates(opts.DateOrder, scan); err == nil {
			if testMarksRows && !raw1252 {
				err = readRows(&textRows{r: r, delim: delim, line: dataLine, file: path, tail: tail, q: b.Q, headerFields: namedColumns(h.cols.headers), width: len(h.cols.headers)}, h, opts, b, fd)
			} else {
				// Text read as it is (UTF-8, or Windows-1252 read raw) is
				// read in place from a mapping of the file when it can be.
				var mt *mappedText
				if (enc.decoder == nil || raw1252) && !testNoMap {
					mt = mapText(file, size, int64(enc.bomLen)+skip, size-tail.zeros)
				}
				err = readMarksCSV(r, mt, path, delim, dataLine, h, opts, b, raw1252, tail, fd)
			}
			fd.report(b.Q)
		}
	case LayoutGrid, LayoutSummary:
		err = readRows(&textRows{r: r, delim: delim, line: dataLine, file: path, tail: tail, q: b.Q, headerFields: namedColumns(h.cols.headers), width: len(h.cols.headers)}, h, opts, b, nil)
		reportMonthFirst(b.Q, h.monthFirst)
	}
	info.Rows = b.Q.RowsRead - before
	b.Q.Files = append(b.Q.Files, info)
	if err == nil && info.Rows == 0 {
		return errorf(quality.Loc{File: path, Line: h.line}, "no register rows after the header: the export is empty")
	}
	return err
}

// reportTitles reports the non-blank rows above a header as skipped title
// rows. Their text is not repeated: a row above the header may be anything.
func reportTitles(q *quality.Report, rows [][]string, lines []int, loc func(line int) quality.Loc) {
	for k, r := range rows {
		if !blankStrings(r) {
			q.Find("title_row", loc(lines[k]), "")
		}
	}
}

func countLines(b []byte) int { return bytes.Count(b, nl) }

func delimName(d byte) string {
	switch d {
	case ',':
		return "comma"
	case ';':
		return "semicolon"
	case '\t':
		return "tab"
	case '|':
		return "pipe"
	}
	return string(d)
}

// toStrings converts a record's fields to text. In a field that is not
// valid UTF-8 (a Windows-1252 byte past the sniffing sample, or one stray
// byte in a UTF-8 file) the bytes that are not UTF-8 are read as
// Windows-1252 (decodeMixed), so no output ever carries broken text.
func toStrings(fields [][]byte) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		if hasHigh(f) && !utf8.Valid(f) {
			out[i] = decodeMixed(f)
		} else {
			out[i] = string(f)
		}
	}
	return out
}

// columnNames reports which column became which field.
func (h header) columnNames() map[string]string {
	if h.layout == LayoutSummary {
		n := h.summary.names(h.cols.headers)
		if h.cols.has(School) {
			// The school column keys a summary's local ids too, and the
			// account names it ("schools from the School column").
			n[string(School)] = h.cols.headers[h.cols.idx[School]]
		}
		return n
	}
	return h.cols.names()
}
