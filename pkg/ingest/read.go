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
	"strings"

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
	// MonthFirst reads slashed dates as mm/dd/yyyy (an export from a
	// US-configured Excel). Only a profile sets it: it is never guessed.
	MonthFirst bool
	// LocalCodes maps a school's own codes (upper case) to DfE codes.
	LocalCodes map[string]mark.ID
	// Progress, when set, is told the rows read so far now and then.
	Progress func(file string, rows int)
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
	layout  Layout
	cols    columns
	grid    []gridCol // grid layout: session columns in date order
	line    int       // 1-based line (or row) of the header
	summary summaryCols
}

type gridCol struct {
	gridColumn
	index int
}

// findHeader looks through the first records for the header row: the first
// row that names a pupil id and either the marks fields or session columns.
// Title rows and blank rows above it are skipped, as MIS report exports have
// them.
func findHeader(rows [][]string, firstLine []int, file string, opts Options, serial int) (header, int, error) {
	var firstNonBlank []string
	var mapErr error
	firstLineNo := 0
	for i, r := range rows {
		if blankStrings(r) {
			continue
		}
		if firstNonBlank == nil {
			firstNonBlank, firstLineNo = r, firstLine[i]
		}
		cols, err := matchHeader(r, opts.Map)
		if err != nil {
			if mapErr == nil {
				mapErr = err
			}
			continue // the mapped column may be in a later row
		}
		h := header{cols: cols, line: firstLine[i]}
		for j, cell := range r {
			if isTaken(cols, j) {
				continue
			}
			if gc, ok := parseGridHeaderSerial(cell, serial); ok {
				h.grid = append(h.grid, gridCol{gc, j})
			}
		}
		marks := cols.has(PupilID) && cols.has(Date) && cols.has(Mark)
		grid := cols.has(PupilID) && len(h.grid) > 0
		var summary bool
		h.summary, summary = summaryHeader(r, cols)
		switch {
		case opts.Layout == LayoutSummary && summary, opts.Layout == LayoutAuto && summary && !marks && !grid:
			h.layout = LayoutSummary
		case opts.Layout == LayoutMarks && marks, opts.Layout == LayoutAuto && marks:
			h.layout = LayoutMarks
		case opts.Layout == LayoutGrid && grid, opts.Layout == LayoutAuto && grid:
			h.layout = LayoutGrid
			sort.SliceStable(h.grid, func(a, b int) bool {
				if h.grid[a].day != h.grid[b].day {
					return h.grid[a].day < h.grid[b].day
				}
				return h.grid[a].session < h.grid[b].session
			})
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
	return header{}, 0, errorf(loc, "no header row found in the first %d rows: expected %s; the first row has %s\n(use --map field=Header for other column names, e.g. --map pupil_id=\"Pupil Ref\")",
		len(rows), want, describeRow(firstNonBlank))
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

// maxHeaderSearch is how many rows may stand above the header.
const maxHeaderSearch = 30

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
	// the data starts as many bytes in as the decoded header has runes.
	if _, err := f.Seek(int64(enc.bomLen), io.SeekStart); err != nil {
		return &Error{Loc: quality.Loc{File: path}, Msg: "cannot read: " + plainOSError(err)}
	}
	raw1252 := enc.name == "windows-1252" && h.layout == LayoutMarks
	r := enc.reader(f)
	skip := int64(ends[hi])
	if raw1252 {
		r = f
		skip = int64(utf8.RuneCount(sample[:ends[hi]]))
	}
	r = newCRReader(r)
	if _, err := io.CopyN(io.Discard, r, skip); err != nil {
		return &Error{Loc: quality.Loc{File: path}, Msg: "cannot read: " + err.Error()}
	}
	before := b.Q.RowsRead
	switch h.layout {
	case LayoutMarks:
		err = readMarksCSV(r, path, delim, dataLine, h, opts, b, raw1252, tail)
	case LayoutGrid, LayoutSummary:
		err = readRows(&textRows{r: r, delim: delim, line: dataLine, file: path, tail: tail, q: b.Q, headerFields: namedColumns(h.cols.headers)}, h, opts, b)
	}
	info.Rows = b.Q.RowsRead - before
	b.Q.Files = append(b.Q.Files, info)
	if err == nil && info.Rows == 0 {
		return errorf(quality.Loc{File: path, Line: h.line}, "no register rows after the header: the export is empty")
	}
	return err
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
		return h.summary.names(h.cols.headers)
	}
	return h.cols.names()
}
