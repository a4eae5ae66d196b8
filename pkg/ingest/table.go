package ingest

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/attendrisk/attendrisk/pkg/quality"
)

// Table is a small file read whole: a context file or a summary export, one
// row per pupil (or per school), so holding it in memory is fine.
type Table struct {
	Headers []string
	Rows    [][]string
	Lines   []int // line (CSV) or row (XLSX) of each row
	Titles  []int // lines (rows) of the title rows skipped above the header
	Info    quality.FileInfo
	// Date1904: an XLSX workbook whose date serials count from 1904, so a
	// date cell read as a number is 1,462 days short of its 1900 serial.
	Date1904 bool
	xlsx     bool
}

// Loc returns the place of a cell, for messages.
func (t *Table) Loc(row, col int) quality.Loc {
	l := quality.Loc{File: t.Info.Path, Line: t.Lines[row]}
	if t.xlsx {
		l.Sheet = t.Info.Sheet
		if cell, err := excelize.CoordinatesToCellName(col+1, t.Lines[row]); err == nil {
			l.Cell = cell
		}
	} else if col >= 0 && col < len(t.Headers) {
		l.Cell = t.Headers[col]
	}
	return l
}

// ReadTable reads a CSV or XLSX file whose header row is the first row that
// isHeader accepts, at most maxTitleRows non-blank rows down; describe says
// what such a header looks like, for the error when none is found.
func ReadTable(path, sheet string, isHeader func([]string) bool, describe string) (*Table, error) {
	data, err := readWhole(path)
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, &Error{Loc: quality.Loc{File: path}, Msg: "file is empty, expected " + describe}
	}
	var rows [][]string
	var lines []int
	cutLast := false // the last row has no line break after it
	t := &Table{Info: quality.FileInfo{Path: path}}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		t.xlsx = true
		rows, lines, t.Info.Sheet, t.Date1904, err = readXLSXAllDates(path, data, sheet)
		t.Info.Encoding = "xlsx"
	} else {
		enc := detectEncoding(data, false)
		if z := countTrailingZeros(data, strings.HasPrefix(enc.name, "utf-16")); z > 0 {
			return nil, &Error{Loc: quality.Loc{File: path}, Msg: fmt.Sprintf("ends in %d zero bytes: the file looks cut off (an interrupted copy?); save it again", z)}
		}
		t.Info.Encoding = enc.name
		text, derr := io.ReadAll(enc.reader(bytes.NewReader(data[enc.bomLen:])))
		if derr != nil {
			return nil, &Error{Loc: quality.Loc{File: path}, Msg: "cannot decode as " + enc.name + ": " + derr.Error()}
		}
		loneCRs(text, true)
		delim := detectDelimiter(text)
		t.Info.Delimiter = delimName(delim)
		var ends []int
		rows, lines, ends, cutLast, err = splitTable(path, text, delim, 0, 0, 1)
		if err == nil && bytes.IndexByte(text, '"') >= 0 {
			// Split again below the header, now that its width is known,
			// so that two stray quotes pairing up across rows fail here as
			// they would in a register (splitRow).
			for i := 0; i < len(rows) && i <= maxTitleRows; i++ {
				if isHeader(rows[i]) {
					var below [][]string
					var at []int
					if i+1 < len(rows) {
						below, at, _, cutLast, err = splitTable(path, text, delim, len(rows[i]), ends[i], lines[i+1])
					}
					rows, lines = append(rows[:i+1], below...), append(lines[:i+1], at...)
					break
				}
			}
		}
	}
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(rows) && i <= maxTitleRows; i++ {
		if !isHeader(rows[i]) {
			continue
		}
		last := len(rows) - 1
		if want := namedColumns(rows[i]); cutLast && last > i && len(rows[last]) < want {
			return nil, errorf(quality.Loc{File: path, Line: lines[last]}, "the file ends in the middle of this row (%d of %d columns and no line break at the end): it looks cut off; save it again", len(rows[last]), want)
		}
		t.Headers = rows[i]
		t.Info.HeaderRow = lines[i]
		t.Rows = rows[i+1:]
		t.Lines = lines[i+1:]
		t.Info.Rows = len(t.Rows)
		t.Titles = lines[:i]
		return t, nil
	}
	first := []string{}
	loc := quality.Loc{File: path}
	if len(rows) > 0 {
		first = rows[0]
		loc.Line = lines[0]
	}
	searched := ""
	if len(rows) > maxTitleRows+1 {
		searched = fmt.Sprintf(" in the first %d rows (at most %d title rows may stand above the header)", maxTitleRows+1, maxTitleRows)
	}
	return nil, errorf(loc, "no header row found%s: expected %s; the first row has %s", searched, describe, describeRow(first))
}

// splitTable splits text into its non-blank records from byte pos, which
// is on line line, for a header of width columns (0: not known yet): the
// records, the line each starts on, the byte after each, and whether the
// last has no line break after it. A record that cannot be read whole
// fails the file: a context or summary file is small and read whole, and a
// row lost from it would silently drop a pupil's context.
func splitTable(path string, text []byte, delim byte, width, pos, line int) (rows [][]string, lines, ends []int, cutLast bool, err error) {
	var fields [][]byte
	for pos < len(text) {
		var used int
		var st recStatus
		start := line
		fields, pos, used, st = splitRow(text, pos, delim, width, fields)
		line += used
		loc := quality.Loc{File: path, Line: start}
		switch st {
		case recOpen:
			return nil, nil, nil, false, errorf(loc, "a quoted field starting on this line is never closed (a \" is missing)")
		case recRunaway:
			return nil, nil, nil, false, errorf(loc, "a quoted field starting on this line runs past %d lines or %d bytes without closing (a \" is missing)", maxRecordLines, maxRecordBytes)
		case recStray:
			return nil, nil, nil, false, errorf(loc, "a quoted field starting on this line runs onto the lines below and swallows what look like whole rows (a stray \" here or below): remove or double the stray quote and save the file again")
		case recLong:
			return nil, nil, nil, false, errorf(loc, "the line is longer than %d bytes: not a table of pupils", maxRecordBytes)
		}
		if blank(fields) {
			continue
		}
		rows = append(rows, toStrings(fields))
		lines = append(lines, start)
		ends = append(ends, pos)
		cutLast = text[pos-1] != '\n'
	}
	return rows, lines, ends, cutLast, nil
}

// TitleLoc is the place of a skipped title row, for the data-quality
// account.
func (t *Table) TitleLoc(line int) quality.Loc {
	l := quality.Loc{File: t.Info.Path, Line: line}
	if t.xlsx {
		l.Sheet = t.Info.Sheet
	}
	return l
}

// SnakeCase turns a header into a rules-friendly name: "Young Carer" →
// young_carer, "CP Plan?" → cp_plan, "Free School Meals (FSM)" →
// free_school_meals_fsm.
func SnakeCase(h string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.TrimSpace(h) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			under = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
			under = false
		default:
			if !under && b.Len() > 0 {
				b.WriteByte('_')
				under = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}
