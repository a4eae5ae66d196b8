package render

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The workbook's rows are written as sheet XML here rather than through
// excelize's StreamWriter.SetRow, which on an authority's year (some 140 MB
// of sheet XML) took about 2 CPU-s: a cell name made and parsed for every
// cell, each value boxed into an xlsxC, text escaped through a
// strings.Builder, a regular expression run over it and the result copied
// again. Here a row is appended to a byte slice with the column names made
// once per sheet and the row number once per row, and text is escaped in
// one pass.
//
// Everything else about a sheet is still excelize's: its stream writer
// (given no rows) writes the sheet's head (properties, views, columns) and
// tail (merged cells, autofilter, page setup, drawing), and the rows,
// already deflated, are put between them as the part goes into the zip
// (xlSheetZip). The bytes are
// those SetRow wrote, to the byte: xlsx_sheetxml_test.go checks this cell by
// cell against a StreamWriter, and the escaping against encoding/xml's
// parser.

// xlTotalCellChars is the most UTF-16 units a cell holds (Excel's limit,
// excelize's TotalCellChars): longer text is cut there, as SetRow cut it.
const xlTotalCellChars = 32767

// xlRowsXML is one sheet's <row> elements being written. They are
// deflated as they are written, a block of xlZipBlock bytes at a time on
// the other cores (xlDeflate, as the rest of the part is), so the
// compressing overlaps the making of the rows rather than following it,
// and a sheet is held as its compressed bytes (an authority's 140 MB of
// rows as 12 MB) with nothing in a temporary file. The blocks are left open
// (sync-flushed, not final): xlSheetZip puts the deflated head before them
// and the deflated tail after, one deflate stream as pigz makes them.
type xlRowsXML struct {
	buf   []byte
	cells []byte   // the current row's cells
	cols  []string // column names, A, B, ...
	rowN  []byte   // the current row's number as text
	rows  int
	// hold keeps the rows in buf, never deflated: a block worker's, added
	// to the sheet's rows in order (add).
	hold bool

	links []byte // the sheet's <hyperlinks> element, if any (xlAppendLinks)

	z    *xlDeflate // nil until the first block
	zout xlChunks   // the deflated rows
	crc  uint32     // of the rows, uncompressed
	size int64      // the rows' length, uncompressed
	done bool
}

// xlChunks holds the deflated rows as the blocks came, each its own slice,
// rather than in one bytes.Buffer: an authority's 12 MB of them, grown by
// doubling, was copied and cleared again about twice over on the writer's
// goroutine, and then copied once more to go into the zip.
type xlChunks struct {
	chunks [][]byte
	n      int64
}

func (c *xlChunks) Write(p []byte) (int, error) {
	c.chunks = append(c.chunks, bytes.Clone(p))
	c.n += int64(len(p))
	return len(p), nil
}

// colName is the name of column col (1-based), made once.
func (x *xlRowsXML) colName(col int) string {
	for len(x.cols) < col {
		x.cols = append(x.cols, xlColName(len(x.cols)+1))
	}
	return x.cols[col-1]
}

// startRow begins row n (rows must come in ascending order, as SetRow
// required).
func (x *xlRowsXML) startRow(n int) error {
	if n <= x.rows {
		return fmt.Errorf("internal error: sheet row %d after row %d", n, x.rows)
	}
	if n > 1048576 {
		return fmt.Errorf("internal error: sheet row %d past Excel's last row", n)
	}
	x.rows = n
	x.rowN = strconv.AppendInt(x.rowN[:0], int64(n), 10)
	x.cells = x.cells[:0]
	return nil
}

// cell adds a cell to the row: a string (written as an inline string, as
// SetRow wrote text), an int, a float64, a bool or nil (a cell with only a
// style). style 0 is no s attribute.
func (x *xlRowsXML) cell(col, style int, v any) error {
	if col < 1 || col > 16384 {
		return fmt.Errorf("internal error: sheet column %d", col)
	}
	b := append(x.cells, `<c r="`...)
	b = append(b, x.colName(col)...)
	b = append(b, x.rowN...)
	b = append(b, '"')
	if style != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	switch v := v.(type) {
	case nil:
		b = append(b, '>')
	case string:
		b = xlAppendInlineStr(b, v)
	case int:
		b = append(b, `><v>`...)
		b = strconv.AppendInt(b, int64(v), 10)
		b = append(b, `</v>`...)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b = xlAppendInlineStr(b, fmt.Sprint(v)) // as excelize's setCellFloat
			break
		}
		b = append(b, `><v>`...)
		b = strconv.AppendFloat(b, v, 'f', -1, 64)
		b = append(b, `</v>`...)
	case bool:
		b = append(b, ` t="b"><v>`...)
		if v {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
		b = append(b, `</v>`...)
	default:
		return fmt.Errorf("internal error: sheet cell value of type %T", v)
	}
	x.cells = append(b, `</c>`...)
	return nil
}

// endRow finishes the row; height 0 leaves it to the application.
func (x *xlRowsXML) endRow(height float64) error {
	if height > 409 {
		return errors.New("internal error: row height past 409 points")
	}
	b := append(x.buf, `<row r="`...)
	b = append(b, x.rowN...)
	b = append(b, '"')
	if height > 0 {
		b = append(b, ` ht="`...)
		b = strconv.AppendFloat(b, height, 'f', -1, 64)
		b = append(b, `" customHeight="1"`...)
	}
	b = append(b, '>')
	b = append(b, x.cells...)
	x.buf = append(b, `</row>`...)
	if !x.hold && len(x.buf) >= xlZipBlock {
		return x.push()
	}
	return nil
}

// add appends rows made by a block worker's xlRowsXML, up to row last.
// Once rows have gone to the compressor they go to it straight from the
// worker's buffer, not copied into buf first: the compressor cuts its
// blocks at fixed offsets of the rows, whatever the sizes of the writes.
func (x *xlRowsXML) add(rows []byte, last int) error {
	if last < x.rows {
		return fmt.Errorf("internal error: sheet rows to %d after row %d", last, x.rows)
	}
	x.rows = last
	if x.z != nil && len(x.buf) == 0 && !x.hold {
		return x.deflate(rows)
	}
	x.buf = append(x.buf, rows...)
	if len(x.buf) >= xlZipBlock {
		return x.push()
	}
	return nil
}

// push hands the rows held to the compressor.
func (x *xlRowsXML) push() error {
	if x.z == nil {
		x.z = newXLDeflate(&x.zout, xlZipLevel, max(1, runtime.GOMAXPROCS(0)))
	}
	err := x.deflate(x.buf)
	x.buf = x.buf[:0]
	return err
}

// deflate hands rows to the compressor, which has started.
func (x *xlRowsXML) deflate(rows []byte) error {
	x.crc = crc32.Update(x.crc, crc32.IEEETable, rows)
	x.size += int64(len(rows))
	_, err := x.z.Write(rows)
	return err
}

// finish deflates the last rows and waits for every block.
func (x *xlRowsXML) finish() error {
	if x.done {
		return errors.New("internal error: sheet rows finished twice")
	}
	x.done = true
	if len(x.buf) > 0 {
		if err := x.push(); err != nil {
			return err
		}
	}
	x.buf, x.cells = nil, nil
	if x.z == nil {
		return nil
	}
	return x.z.flushOpen()
}

// deflated is the finished rows: deflate blocks ending on a byte boundary
// with no final block (in pieces, to be written one after another, of
// zlen bytes in all), the CRC-32 and length of the rows they hold, and the
// rows' last bytes (up to deflate's window) as the next block's
// dictionary.
func (x *xlRowsXML) deflated() (data [][]byte, zlen int64, crc uint32, size int64, tail []byte) {
	if x.z == nil {
		return nil, 0, 0, 0, nil
	}
	return x.zout.chunks, x.zout.n, x.crc, x.size, x.z.tail
}

// xlLink is a hyperlink from a cell to a place in the workbook.
type xlLink struct{ ref, location, tooltip string }

// xlAppendLinks appends a sheet's <hyperlinks> element as excelize's
// SetCellHyperLink made it (type "Location", with a tooltip): its
// xlsxHyperlinks encoded by encoding/xml, attributes escaped as
// EscapeText escapes them.
func xlAppendLinks(b []byte, links []xlLink) []byte {
	if len(links) == 0 {
		return b
	}
	b = append(b, `<hyperlinks>`...)
	for _, l := range links {
		b = append(b, `<hyperlink ref="`...)
		b = xlAppendAttr(b, l.ref)
		if l.location != "" {
			b = append(b, `" location="`...)
			b = xlAppendAttr(b, l.location)
		}
		if l.tooltip != "" {
			b = append(b, `" tooltip="`...)
			b = xlAppendAttr(b, l.tooltip)
		}
		b = append(b, `"></hyperlink>`...)
	}
	return append(b, `</hyperlinks>`...)
}

// xlAppendAttr is an attribute value escaped as encoding/xml escapes it:
// as EscapeText, line feeds included.
func xlAppendAttr(b []byte, s string) []byte {
	start := len(b)
	b = xlAppendEscaped(b, s)
	if strings.IndexByte(s, '\n') < 0 {
		return b
	}
	esc := strings.ReplaceAll(string(b[start:]), "\n", "&#xA;")
	return append(b[:start], esc...)
}

// xlAppendInlineStr appends the rest of an inline-string cell after its
// attributes: ` t="inlineStr"><is><t>TEXT</t></is>`, TEXT as excelize's
// setInlineStr made it (trimCellValue with escaping): cut to 32,767 UTF-16
// units; xml:space="preserve" if it starts or ends with a tab, line feed,
// carriage return or space; escaped as encoding/xml's EscapeText escapes,
// except that a line feed is kept as it is; and then any _xHHHH_ in it
// escaped as _x005F_xHHHH_ (bstrMarshal), so that Excel does not read it
// as an escaped character.
func xlAppendInlineStr(b []byte, s string) []byte {
	if len(s) > xlTotalCellChars && xlUTF16Len(s) > xlTotalCellChars {
		s = xlTruncUTF16(s, xlTotalCellChars)
	}
	b = append(b, ` t="inlineStr"><is><t`...)
	if s != "" && (xlSpaceByte(s[0]) || xlSpaceByte(s[len(s)-1])) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	start := len(b)
	b = xlAppendEscaped(b, s)
	if bytes.Contains(b[start:], []byte("_x")) {
		esc := xlBstrMarshal(string(b[start:]))
		b = append(b[:start], esc...)
	}
	return append(b, `</t></is>`...)
}

func xlSpaceByte(c byte) bool { return c == '\t' || c == '\n' || c == '\r' || c == ' ' }

// xlAppendEscaped is encoding/xml's EscapeText with line feeds left as they
// are (excelize replaced its &#xA; by a line feed again): the five XML
// characters as entities, tab and carriage return as character references,
// and anything that is not an XML character (a control character, a
// surrogate, U+FFFE, bytes that are not UTF-8) as U+FFFD.
func xlAppendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		end := len(s)
		if i+8 <= end {
			// Eight bytes at a time while none needs looking at (most
			// of a workbook's text): a byte at a time was about 14
			// instructions a byte.
			if xlPlain8(uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56) {
				i += 8
				continue
			}
			end = i + 8
		}
		for i < end {
			c := s[i]
			if !xlEscByte[c] {
				i++
				continue
			}
			var esc string
			width := 1
			switch c {
			case '"':
				esc = "&#34;"
			case '\'':
				esc = "&#39;"
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '\t':
				esc = "&#x9;"
			case '\n':
				i++
				continue
			case '\r':
				esc = "&#xD;"
			default:
				var r rune
				r, width = utf8.DecodeRuneInString(s[i:])
				if xlIsXMLChar(r) && !(r == utf8.RuneError && width == 1) {
					i += width
					continue
				}
				esc = "\uFFFD"
			}
			b = append(b, s[last:i]...)
			b = append(b, esc...)
			i += width
			last = i
		}
	}
	return append(b, s[last:]...)
}

// xlPlain8 reports whether none of the eight bytes in x is one xlEscByte
// marks: below 0x20, 0x80 or above, or one of " & ' < > (0x22, 0x26 and
// 0x27, 0x3C and 0x3E), each found as a zero byte (has-zero-byte: a byte
// v is zero when v-1 borrows and v had no high bit, exact for the word as
// a whole), with & and ' as one value and < and > as another by masking
// the bit they differ in.
func xlPlain8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) &^ v & highs }
	below := (x - 0x20*ones) &^ x & highs // a byte below 0x20
	quot := zero(x ^ 0x22*ones)
	amp := zero((x ^ 0x26*ones) & (0xFE * ones))
	angle := zero((x ^ 0x3C*ones) & (0xFD * ones))
	return (x&highs | below | quot | amp | angle) == 0
}

// xlEscByte marks the bytes xlAppendEscaped must look at: the five XML
// characters, control characters and the bytes of non-ASCII characters.
var xlEscByte = func() (t [256]bool) {
	for c := range t {
		t[c] = c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\'' || c == '&' || c == '<' || c == '>'
	}
	return t
}()

// xlIsXMLChar is XML 1.0's Char production (encoding/xml's
// isInCharacterRange).
func xlIsXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

func xlUTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func xlTruncUTF16(s string, limit int) string {
	n := 0
	for i, r := range s {
		if n += utf16.RuneLen(r); n > limit {
			return s[:i]
		}
	}
	return s
}

var (
	xlBstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	xlBstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// xlBstrMarshal is excelize v2.11.0's bstrMarshal, line for line (BSD
// 3-Clause, Copyright 2016 - 2025 The excelize Authors), so that text
// holding _xHHHH_ is written exactly as before. Like the original, it drops
// an _xHHHH_ whose HHHH is not a valid character (a surrogate such as
// _xD800_): kept so the bytes stay excelize's; such text does not come from
// a register.
func xlBstrMarshal(s string) (result string) {
	matches, l, cursor := xlBstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	var sb strings.Builder
	for _, match := range matches {
		sb.WriteString(s[cursor:match[0]])
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && xlBstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					sb.WriteString(subStr + "x005F" + subStr)
					continue
				}
			}
			sb.WriteString(subStr + "x005F_")
			continue
		}
		if xlBstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				sb.WriteString("_x005F" + subStr)
				continue
			}
		}
	}
	if cursor < l {
		sb.WriteString(s[cursor:])
	}
	return sb.String()
}
