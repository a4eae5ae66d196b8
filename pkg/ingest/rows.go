package ingest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// rowSource yields the data rows of a file one at a time: the path for the
// grid layout (a row per pupil) and for XLSX, where the spreadsheet library
// does the parsing.
type rowSource interface {
	next() (fields []string, line int, err error) // io.EOF at the end
	loc(line, col int, header string) quality.Loc
	excel() bool
	serial() int // the Excel date system of date cells, or noSerial
}

// textRows reads CSV records from a decoded stream. It never holds more
// than a bounded record: a runaway quote, an over-long line and a cut-off
// last row come back as a *rowReject for readRows to account for.
type textRows struct {
	r     io.Reader
	delim byte
	line  int
	file  string
	buf   []byte
	pos   int
	eof   bool
	flds  [][]byte
	// tail is what the end of the file showed; headerFields the columns
	// the header names (a shorter last line with no line break is cut off).
	tail         textTail
	headerFields int
	// width is the header's length, blank trailing cells included: what
	// splitRow's stray-quote checks compare a record with.
	width int
	q     *quality.Report // for the not_utf8 finding
	// sawData and endsNL say whether the text after the header ended with
	// a line break, for where zero bytes after it start.
	sawData, endsNL, tailDone bool
}

// rowReject is a row the text reader could not split into fields: its line
// and why. It is accounted as one rejected row, not a failure.
type rowReject struct {
	line           int
	reason, detail string
}

func (r *rowReject) Error() string { return fmt.Sprintf("line %d: %s", r.line, r.reason) }

func (t *textRows) excel() bool { return false }
func (t *textRows) serial() int { return noSerial }

func (t *textRows) loc(line, col int, header string) quality.Loc {
	return quality.Loc{File: t.file, Line: line, Cell: header}
}

func (t *textRows) next() ([]string, int, error) {
	fields, line, err := t.fields()
	if err != nil {
		return nil, line, err
	}
	return toStrings(fields), line, nil
}

// fields is next without the conversion to text: the fields are valid
// until the following call.
func (t *textRows) fields() ([][]byte, int, error) {
	for {
		if t.pos < len(t.buf) {
			start, line := t.pos, t.line
			fields, next, used, st := splitRow(t.buf, t.pos, t.delim, t.width, t.flds)
			t.flds = fields
			endsLine := t.buf[next-1] == '\n'
			switch {
			case st == recRunaway:
				t.pos, t.line = next, t.line+used
				return nil, line, &rowReject{line, "unclosed_quote", ""}
			case st == recStray:
				t.pos, t.line = next, t.line+used
				return nil, line, &rowReject{line, "stray_quote", ""}
			case st == recLong && (endsLine || t.eof):
				t.pos, t.line = next, t.line+used
				return nil, line, &rowReject{line, "line_too_long", strconv.Itoa(next-start-used) + " bytes"}
			case st == recLong:
				// Skip the rest of the line without holding it.
				n, rest, eof, err := skipLine(t.r, len(t.buf)-start, nil)
				if err != nil {
					return nil, 0, &Error{Loc: quality.Loc{File: t.file}, Msg: "read failed: " + err.Error()}
				}
				t.buf, t.pos = append(t.buf[:0], rest...), 0
				if eof {
					t.eof, t.endsNL = true, false
				} else {
					t.line++
					if len(rest) > 0 {
						t.endsNL = rest[len(rest)-1] == '\n'
					} else {
						t.endsNL = true
					}
				}
				return nil, line, &rowReject{line, "line_too_long", strconv.Itoa(n) + " bytes"}
			case st == recOpen && t.eof:
				// The file ends inside a quoted field: cut off, or a quote
				// is missing. Either way the lines after its first are
				// read as rows of their own.
				t.pos, used = lineAfter(t.buf, start)
				t.line += used
				return nil, line, &rowReject{line, "incomplete_row", "a quoted field is never closed, or a \" is missing"}
			case st == recOK && (endsLine || t.eof):
				t.pos, t.line = next, t.line+used
				if blank(fields) {
					continue
				}
				if !endsLine {
					// The last line has no line break: a full row is fine; a
					// short one, or any followed by zero bytes, was cut off.
					if t.tail.zeros > 0 {
						t.tailDone = true
						return nil, line, &rowReject{line, "incomplete_row", zerosDetail(t.tail.zeros, true)}
					}
					if len(fields) < t.headerFields {
						return nil, line, &rowReject{line, "incomplete_row", strconv.Itoa(len(fields)) + " of " + strconv.Itoa(t.headerFields) + " columns and no line break at the end"}
					}
				}
				if t.q != nil && anyNotUTF8(fields) {
					t.q.Find("not_utf8", quality.Loc{File: t.file, Line: line}, "read as Windows-1252")
				}
				return fields, line, nil
			}
			// Otherwise the record is not decided yet: read more.
		} else if t.eof {
			if t.tail.zeros > 0 && !t.tailDone && (!t.sawData || t.endsNL) {
				// Zero bytes after the last line break stand for the row
				// they replaced.
				t.tailDone = true
				return nil, t.line, &rowReject{t.line, "incomplete_row", zerosDetail(t.tail.zeros, false)}
			}
			return nil, 0, io.EOF
		}
		// Need more data. What is held is at most one undecided record,
		// which splitRecord bounds at maxRecordBytes.
		t.buf = append(t.buf[:0], t.buf[t.pos:]...)
		t.pos = 0
		if cap(t.buf)-len(t.buf) < 64<<10 {
			nb := make([]byte, len(t.buf), 2*cap(t.buf)+256<<10)
			copy(nb, t.buf)
			t.buf = nb
		}
		n, err := t.r.Read(t.buf[len(t.buf):cap(t.buf)])
		t.buf = t.buf[:len(t.buf)+n]
		if n > 0 {
			t.sawData, t.endsNL = true, t.buf[len(t.buf)-1] == '\n'
		}
		if err == io.EOF {
			t.eof = true
		} else if err != nil {
			return nil, 0, &Error{Loc: quality.Loc{File: t.file}, Msg: "read failed: " + err.Error()}
		}
	}
}

// anyNotUTF8 reports a field that is not valid UTF-8.
func anyNotUTF8(fields [][]byte) bool {
	for _, f := range fields {
		if hasHigh(f) && !utf8.Valid(f) {
			return true
		}
	}
	return false
}

// xlsxRows reads a worksheet through the streaming reader (xlsxstream.go).
// Cells come back raw, so a date cell is its Excel serial number and a
// number stored as text keeps its leading zeros.
type xlsxRows struct {
	date1904 bool
	rows     *bookRows
	file     string
	sheet    string
}

func (x *xlsxRows) excel() bool { return true }
func (x *xlsxRows) serial() int {
	if x.date1904 {
		return serial1904
	}
	return serial1900
}

func (x *xlsxRows) loc(line, col int, _ string) quality.Loc {
	if col < 0 || col >= xlsxMaxCols || line < 1 || line > xlsxMaxRows {
		return quality.Loc{File: x.file, Sheet: x.sheet, Line: line}
	}
	return quality.Loc{File: x.file, Sheet: x.sheet, Line: line, Cell: cellName(col+1, line)}
}

func (x *xlsxRows) next() ([]string, int, error) { return x.rows.next() }

func readXLSX(f *os.File, size int64, path string, opts Options, b *register.Builder) error {
	wb, err := openWorkbook(f, size, path)
	if err != nil {
		return err
	}
	defer wb.Close()
	sheet, sheets, err := chooseSheet(wb, path, opts.Sheet, b.Q)
	if err != nil {
		return err
	}
	rows, err := wb.rows(sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	src := &xlsxRows{rows: rows, file: path, sheet: sheet, date1904: wb.date1904}

	var cand [][]string
	var lines []int
	for len(cand) < maxTitleRows+2 { // blank rows are skipped: titles, a header of two rows

		r, line, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		cand = append(cand, r)
		lines = append(lines, line)
	}
	h, hi, err := findHeader(cand, lines, path, opts, src.serial())
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Loc.Sheet = sheet
			if len(sheets) > 1 {
				e.Msg += fmt.Sprintf("\n(the workbook has the sheets %s: choose one with --sheet NAME)", quoteList(sheets))
			}
		}
		return err
	}
	info := quality.FileInfo{Path: path, Sheet: sheet, Layout: string(h.layout), Encoding: "xlsx", HeaderRow: h.line, Columns: h.columnNames()}
	reportTitles(b.Q, cand[:h.first], lines, func(line int) quality.Loc { return quality.Loc{File: path, Sheet: sheet, Line: line} })
	nameFileSchool(h, cand[:h.first], lines, opts, b, &info)
	var fd *fileDates
	if h.layout == LayoutMarks {
		// The date scans (order.go) read the sheet again from the top,
		// through their own row iterator.
		mc := newMarksCols(h.cols, opts)
		mc.serial = src.serial()
		last, width := lines[hi], len(h.cols.headers)
		scan := scanRows(func() (func() ([][]byte, int, error), func(), error) {
			rs, err := wb.rows(sheet)
			if err != nil {
				return nil, nil, err
			}
			x := &xlsxRows{rows: rs, file: path, sheet: sheet, date1904: src.date1904}
			var fields [][]byte
			return func() ([][]byte, int, error) {
				for {
					r, line, err := x.next()
					if err != nil {
						return nil, line, err
					}
					if line <= last {
						continue
					}
					fields = fields[:0]
					for _, c := range r {
						fields = append(fields, []byte(c))
					}
					for len(fields) < width { // as readRows pads a spreadsheet row
						fields = append(fields, nil)
					}
					return fields, line, nil
				}
			}, func() { rs.Close() }, nil
		}, mc, func(line int) quality.Loc { return src.loc(line, mc.mark, "") })
		if fd, err = newFileDates(opts.DateOrder, scan); err != nil {
			return err
		}
	}
	// Rows already read past the header are replayed first.
	src2 := &replayRows{rowSource: src, rows: cand[hi+1:], lines: lines[hi+1:]}
	before := b.Q.RowsRead
	err = readRows(src2, h, opts, b, fd)
	if fd != nil {
		fd.report(b.Q)
	}
	reportMonthFirst(b.Q, h.monthFirst)
	info.Rows = b.Q.RowsRead - before
	b.Q.Files = append(b.Q.Files, info)
	if err == nil && info.Rows == 0 {
		return &Error{Loc: quality.Loc{File: path, Sheet: sheet, Line: h.line}, Msg: "no register rows after the header: the sheet is empty"}
	}
	return err
}

// replayRows yields buffered rows before continuing with the source.
type replayRows struct {
	rowSource
	rows  [][]string
	lines []int
}

func (r *replayRows) next() ([]string, int, error) {
	if len(r.rows) > 0 {
		row, line := r.rows[0], r.lines[0]
		r.rows, r.lines = r.rows[1:], r.lines[1:]
		return row, line, nil
	}
	return r.rowSource.next()
}

// readRows applies every row of a source in the header's layout.
func readRows(src rowSource, h header, opts Options, b *register.Builder, fd *fileDates) error {
	mc := newMarksCols(h.cols, opts)
	mc.serial = src.serial()
	named := namedColumns(h.cols.headers)
	if fd != nil {
		mc.setAnchor(fd.anchor)
	}
	var prevID []byte
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := opts.cancelled(); err != nil {
				return err
			}
		}
		row, line, err := src.next()
		if err == io.EOF {
			return nil
		}
		var rj *rowReject
		if errors.As(err, &rj) {
			loc := src.loc(rj.line, -1, "")
			if rj.reason == "incomplete_row" && !opts.AllowIncomplete {
				return incompleteError(loc, rj.detail)
			}
			rejectRow(b, h.layout, rj.reason, loc, rj.detail)
			continue
		}
		if err != nil {
			return err
		}
		for j := named; j < len(row); j++ {
			if strings.TrimSpace(row[j]) != "" {
				b.Q.Find("beyond_header", src.loc(line, j, ""), "column "+strconv.Itoa(j+1))
				break
			}
		}
		switch h.layout {
		case LayoutMarks:
			// A spreadsheet row ends at its last non-empty cell, so a blank
			// mark at the end of a row is simply absent: pad to the header,
			// and the blank reads as the missing mark it is. (A CSV row
			// really is short when it lacks columns; it is not padded.)
			n := len(row)
			if src.excel() && n < len(h.cols.headers) {
				n = len(h.cols.headers)
			}
			fields := make([][]byte, n)
			for i, s := range row {
				fields[i] = []byte(s)
			}
			rec := markRec{}
			second := mc.parseRow(fields, &rec, prevID)
			if rec.reason == "" {
				prevID = rec.id
			}
			if err := applyRow(b, fd, &rec, second, src.loc(line, mc.mark, "")); err != nil {
				return err
			}
		case LayoutGrid:
			gridRow(src, h, mc, row, line, b)
		case LayoutSummary:
			summaryRow(src, h, row, line, b)
		}
	}
}

// rejectRow accounts for a row that could not be split into fields: one
// row read and rejected, and in the marks and grid layouts one session mark
// with it, as a grid row with no pupil id is.
func rejectRow(b *register.Builder, layout Layout, key string, loc quality.Loc, detail string) {
	q := b.Q
	q.RowsRead++
	q.RowsRejected++
	if layout == LayoutSummary {
		q.Reject(key, loc, detail)
		return
	}
	q.MarksRead++
	b.Reject(key, loc, detail)
}

// gridRow applies one grid row: a pupil and a mark per session column. The
// pupil is on roll from the first marked session to the last; blank cells
// before and after are outside enrolment and not read, blank cells between
// are missing marks.
func gridRow(src rowSource, h header, mc marksCols, row []string, line int, b *register.Builder) {
	q := b.Q
	q.RowsRead++
	cell := func(i int) string {
		if i < 0 || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	id := cell(mc.id)
	if id == "" {
		q.RowsRejected++
		// Count the row's marks as read and rejected with it.
		n := 0
		for _, g := range append(h.grid[:len(h.grid):len(h.grid)], h.far...) {
			if cell(g.index) != "" {
				n++
			}
		}
		if n == 0 {
			n = 1 // a row with no marks still stands for one rejected record
		}
		for k := 0; k < n; k++ {
			q.MarksRead++
			b.Reject("missing_pupil_id", src.loc(line, mc.id, "pupil id"), "")
		}
		return
	}
	q.RowsUsed++
	// Marks under a column dated years away from the rest are rejected
	// with their place; the column has no part in the pupil's enrolment.
	for _, g := range h.far {
		if cell(g.index) == "" {
			continue
		}
		n := 1
		if g.both {
			n = 2
		}
		for k := 0; k < n; k++ {
			q.MarksRead++
			b.Reject("far_date", src.loc(line, g.index, headerAt(h, g.index)), strconv.Quote(headerAt(h, g.index))+" (the file's dates are around "+strconv.Itoa(h.anchor)+")")
		}
	}
	idLoc := src.loc(line, mc.id, "pupil id")
	p := b.PupilAt([]byte(id), cell(mc.school), idLoc)
	b.SetInfoAt(p, register.Info{Surname: cell(mc.surname), Forename: cell(mc.forename), YearGroup: cell(mc.year), RegGroup: cell(mc.reg), School: cell(mc.school)}, idLoc)
	first, last := -1, -1
	for k, g := range h.grid {
		if cell(g.index) != "" {
			if first < 0 {
				first = k
			}
			last = k
		}
	}
	if first < 0 {
		return
	}
	for _, g := range h.grid[first : last+1] {
		v := cell(g.index)
		loc := src.loc(line, g.index, headerAt(h, g.index))
		if !g.both {
			q.MarksRead++
			id, ok, local := mc.lookup([]byte(v))
			if !ok {
				b.Reject("unknown_code", loc, quality.Cell(v))
				continue
			}
			if b.Mark(p, g.day, g.session, id, loc) && local {
				q.Find("local_code", loc, "read as "+mark.Get(id).Code)
			}
			continue
		}
		var am, pm string
		if v != "" {
			var ok bool
			am, pm, ok = splitDayCell(v)
			if !ok {
				q.MarksRead += 2
				b.Reject("unknown_code", loc, quality.Cell(v))
				b.Reject("unknown_code", loc, quality.Cell(v))
				continue
			}
		}
		for s, m := range []string{am, pm} {
			q.MarksRead++
			id, ok, local := mc.lookup([]byte(m))
			if !ok {
				b.Reject("unknown_code", loc, quality.Cell(m))
				continue
			}
			if b.Mark(p, g.day, register.Session(s), id, loc) && local {
				q.Find("local_code", loc, "read as "+mark.Get(id).Code)
			}
		}
	}
}

func headerAt(h header, i int) string {
	if i < len(h.cols.headers) {
		return h.cols.headers[i]
	}
	return ""
}
