package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The streaming worksheet reader. A register grid of a school's year is
// tens of megabytes of sheet XML, nearly all of it <c r="NX12"
// t="inlineStr"><is><t>/</t></is></c>; encoding/xml's token reader (and
// excelize's row reader on top of it) spends most of the run allocating a
// token per tag. This scanner looks at the bytes once, allocates nothing per
// tag, and keeps at most one token of the sheet in memory (bounded by
// maxXMLToken), so memory is flat however long the sheet is.
//
// It reads only what the register needs: the rows of sheetData, each cell's
// reference, type and value (<v>, an inline string <is>, and whether it has
// a formula <f>), exactly as excelize returns them with RawCellValue (the
// stored value, not a formatted one: a date is its serial number, a number
// stored as text keeps its zeros). Shared strings are read once per
// workbook (sharedStrings.xml, bounded by maxSharedStrings). Where excelize
// silently stops at XML it cannot parse, this reader fails with the row:
// a register that was cut off or damaged is refused, never half read.

const (
	// maxXMLToken bounds one tag or one run of text in a part's XML: Excel
	// holds at most 32,767 characters in a cell, which escaped as XML is
	// well under a megabyte.
	maxXMLToken = 4 << 20
	// maxSharedStrings bounds the shared-strings part, which is held in
	// memory while a sheet is read.
	maxSharedStrings = 256 << 20
	// xlsxMaxRows and xlsxMaxCols are Excel's own limits.
	xlsxMaxRows = 1 << 20
	xlsxMaxCols = 16384
)

// xmlKind is the kind of an XML token.
type xmlKind uint8

const (
	xmlEOF xmlKind = iota
	xmlStart
	xmlEnd
	xmlText  // character data, entities not yet decoded
	xmlCDATA // a CDATA section's content, taken as it is
)

// xmlScanner splits XML into tokens. A token's bytes are valid until the
// next call to next. It checks what it needs to read the sheet right
// (balanced tags, quoted attributes, known entities, valid UTF-8) and
// refuses a DTD, which no XLSX part may have (ECMA-376 Part 2).
type xmlScanner struct {
	r   io.Reader
	buf []byte
	pos int
	eof bool

	kind      xmlKind
	name      []byte // the whole name of a start or end tag, prefix included
	attrs     []byte // the attributes of a start tag, undecoded
	selfClose bool
	text      []byte

	stack []byte // open element names, each followed by a 0 byte
	open  []int  // where each open name starts in stack
}

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: r, buf: make([]byte, 0, 256<<10)}
}

// errXML is malformed XML; the caller says where.
type errXML struct{ msg string }

func (e *errXML) Error() string { return e.msg }

func xmlErr(format string, args ...any) error { return &errXML{fmt.Sprintf(format, args...)} }

var (
	// errCutOff is XML that ends inside an element: an interrupted
	// download or copy, most likely.
	errCutOff  = &errXML{"the XML ends early: cut off"}
	errTooLong = xmlErr("a tag or text of more than %d MiB", maxXMLToken>>20)
)

// more reads more of the input, keeping buf[pos:]. It reports false at the
// end of the input. A token that would need more than maxXMLToken bytes is
// an error.
func (s *xmlScanner) more() (bool, error) {
	if s.eof {
		return false, nil
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:])
		s.buf = s.buf[:n]
		s.pos = 0
	}
	if len(s.buf) >= maxXMLToken {
		return false, errTooLong
	}
	if cap(s.buf)-len(s.buf) < 32<<10 {
		nb := make([]byte, len(s.buf), 2*cap(s.buf))
		copy(nb, s.buf)
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err == io.EOF {
			s.eof = true
			return n > 0, nil
		}
		if err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
}

// next reads the next token.
func (s *xmlScanner) next() error {
	for {
		if s.pos >= len(s.buf) {
			ok, err := s.more()
			if err != nil {
				return err
			}
			if !ok {
				if len(s.open) > 0 {
					return errCutOff
				}
				s.kind = xmlEOF
				return nil
			}
		}
		b := s.buf[s.pos:]
		if b[0] != '<' {
			i := bytes.IndexByte(b, '<')
			if i < 0 && !s.eof {
				if _, err := s.more(); err != nil {
					return err
				}
				continue
			}
			if i < 0 {
				i = len(b)
			}
			if i > maxXMLToken {
				return errTooLong
			}
			s.kind, s.text = xmlText, b[:i]
			s.pos += i
			return nil
		}
		n, err := s.tag(b)
		if err != nil {
			return err
		}
		if n == 0 { // the tag runs past what is read
			ok, err := s.more()
			if err != nil {
				return err
			}
			if !ok {
				return errCutOff
			}
			continue
		}
		if n > maxXMLToken {
			return errTooLong
		}
		s.pos += n
		if s.kind == xmlEOF { // a comment or processing instruction: skipped
			continue
		}
		return nil
	}
}

// tag reads the tag at the start of b and returns its length, or 0 when b
// ends before it does.
func (s *xmlScanner) tag(b []byte) (int, error) {
	if len(b) < 2 {
		return 0, nil
	}
	switch b[1] {
	case '?':
		i := bytes.Index(b[2:], []byte("?>"))
		if i < 0 {
			return 0, nil
		}
		s.kind = xmlEOF
		return i + 4, nil
	case '!':
		switch {
		case bytes.HasPrefix(b, []byte("<!--")):
			i := bytes.Index(b[4:], []byte("-->"))
			if i < 0 {
				return 0, nil
			}
			s.kind = xmlEOF
			return i + 7, nil
		case bytes.HasPrefix(b, []byte("<![CDATA[")):
			i := bytes.Index(b[9:], []byte("]]>"))
			if i < 0 {
				return 0, nil
			}
			s.kind, s.text = xmlCDATA, b[9:9+i]
			return i + 12, nil
		case len(b) < 9:
			return 0, nil
		}
		return 0, xmlErr("a DTD or other <! declaration, which an XLSX part may not have")
	case '/':
		i := bytes.IndexByte(b, '>')
		if i < 0 {
			return 0, nil
		}
		name := b[2:i]
		for len(name) > 0 && isXMLSpace(name[len(name)-1]) {
			name = name[:len(name)-1]
		}
		if len(s.open) == 0 || !bytes.Equal(name, s.topBytes()) {
			if len(s.open) == 0 {
				return 0, xmlErr("%s closes no open element", tagName("/", name))
			}
			return 0, xmlErr("%s closes %s", tagName("/", name), tagName("", s.topBytes()))
		}
		s.stack = s.stack[:s.open[len(s.open)-1]]
		s.open = s.open[:len(s.open)-1]
		s.kind, s.name = xmlEnd, name
		return i + 1, nil
	}
	// A start tag: its name, then attributes until > or />. A > inside a
	// quoted value does not end it.
	i := 1
	for i < len(b) && !isXMLSpace(b[i]) && b[i] != '>' && b[i] != '/' {
		i++
	}
	if i == len(b) {
		return 0, nil
	}
	if i == 1 {
		return 0, xmlErr("a tag with no name")
	}
	name := b[1:i]
	attrStart := i
	for {
		for i < len(b) && isXMLSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return 0, nil
		}
		switch b[i] {
		case '>':
			s.kind, s.name, s.attrs, s.selfClose = xmlStart, name, b[attrStart:i], false
			s.open = append(s.open, len(s.stack))
			s.stack = append(append(s.stack, name...), 0)
			return i + 1, nil
		case '/':
			if i+1 >= len(b) {
				return 0, nil
			}
			if b[i+1] != '>' {
				return 0, xmlErr("%s has a stray /", tagName("", name))
			}
			s.kind, s.name, s.attrs, s.selfClose = xmlStart, name, b[attrStart:i], true
			return i + 2, nil
		}
		// name = "value" or 'value'
		j := i
		for j < len(b) && b[j] != '=' && !isXMLSpace(b[j]) && b[j] != '>' && b[j] != '/' {
			j++
		}
		if j == i {
			return 0, xmlErr("%s has a malformed attribute", tagName("", name))
		}
		for j < len(b) && isXMLSpace(b[j]) {
			j++
		}
		if j >= len(b) {
			return 0, nil
		}
		if b[j] != '=' {
			return 0, xmlErr("%s has an attribute with no value", tagName("", name))
		}
		j++
		for j < len(b) && isXMLSpace(b[j]) {
			j++
		}
		if j >= len(b) {
			return 0, nil
		}
		q := b[j]
		if q != '"' && q != '\'' {
			return 0, xmlErr("%s has an unquoted attribute value", tagName("", name))
		}
		k := bytes.IndexByte(b[j+1:], q)
		if k < 0 {
			return 0, nil
		}
		i = j + 1 + k + 1
	}
}

func (s *xmlScanner) topBytes() []byte {
	return s.stack[s.open[len(s.open)-1] : len(s.stack)-1]
}

// depth is how many elements are open.
func (s *xmlScanner) depth() int { return len(s.open) }

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// localName is a tag's name without its namespace prefix (x:row is row).
func localName(name []byte) []byte {
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// nextAttr reads the attribute that starts at or after attrs[i]: its local
// name, its raw (undecoded) value and where the next one may start; ok is
// false when no further whole attribute is there.
func nextAttr(attrs []byte, i int) (name, val []byte, next int, ok bool) {
	for i < len(attrs) && isXMLSpace(attrs[i]) {
		i++
	}
	j := i
	for j < len(attrs) && attrs[j] != '=' && !isXMLSpace(attrs[j]) {
		j++
	}
	name = localName(attrs[i:j])
	for j < len(attrs) && attrs[j] != '"' && attrs[j] != '\'' {
		j++
	}
	if j >= len(attrs) {
		return nil, nil, 0, false
	}
	k := bytes.IndexByte(attrs[j+1:], attrs[j])
	if k < 0 {
		return nil, nil, 0, false
	}
	return name, attrs[j+1 : j+1+k], j + 1 + k + 1, true
}

// attr2 finds two attributes in one pass, as attr does one.
func attr2(attrs []byte, a, b string) (va []byte, oka bool, vb []byte, okb bool) {
	for i := 0; i < len(attrs); {
		name, val, next, ok := nextAttr(attrs, i)
		if !ok {
			break
		}
		switch string(name) {
		case a:
			if !oka {
				va, oka = val, true
			}
		case b:
			if !okb {
				vb, okb = val, true
			}
		}
		i = next
	}
	return
}

// attr finds an attribute by its local name in a start tag's attributes
// and returns its raw (undecoded) value.
func attr(attrs []byte, want string) ([]byte, bool) {
	for i := 0; i < len(attrs); {
		name, val, next, ok := nextAttr(attrs, i)
		if !ok {
			return nil, false
		}
		if string(name) == want {
			return val, true
		}
		i = next
	}
	return nil, false
}

// appendText appends XML character data to dst with its entities decoded
// and its line breaks normalised (CRLF and a lone CR are LF), as an XML
// parser must.
func appendText(dst, raw []byte) ([]byte, error) {
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		if !utf8.Valid(raw) {
			return dst, xmlErr("text that is not UTF-8")
		}
		return append(dst, raw...), nil
	}
	start := len(dst)
	for len(raw) > 0 {
		c := raw[0]
		switch c {
		case '\r':
			dst = append(dst, '\n')
			raw = raw[1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
			continue
		case '&':
		default:
			dst = append(dst, c)
			raw = raw[1:]
			continue
		}
		end := bytes.IndexByte(raw, ';')
		if end < 0 {
			return dst, xmlErr("a & that starts no entity")
		}
		ent := raw[1:end]
		raw = raw[end+1:]
		switch string(ent) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			if len(ent) < 2 || ent[0] != '#' {
				return dst, xmlErr("an unknown entity (only &lt; &gt; &amp; &quot; &apos; and &#N; are XML's own)")
			}
			var n uint64
			var err error
			if ent[1] == 'x' {
				n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
			} else {
				n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
			}
			if err != nil || !utf8.ValidRune(rune(n)) || n == 0 {
				return dst, xmlErr("a character reference &#...; that is not a character")
			}
			dst = utf8.AppendRune(dst, rune(n))
		}
	}
	if !utf8.Valid(dst[start:]) {
		return dst, xmlErr("text that is not UTF-8")
	}
	return dst, nil
}

// bstrUnescape undoes Excel's escapes of characters XML cannot hold
// (_x0008_ for U+0008; _x005F_ for a literal underscore before one), as
// excelize does for shared and inline strings.
func bstrUnescape(s string) string {
	i := indexBstr(s, 0)
	if i < 0 {
		return s
	}
	out := make([]byte, 0, len(s))
	last := 0
	for ; i >= 0; i = indexBstr(s, last) {
		out = append(out, s[last:i]...)
		hex := s[i+2 : i+6]
		last = i + 7
		n, _ := strconv.ParseUint(hex, 16, 32)
		if hex == "005F" || hex == "005f" {
			out = append(out, '_')
		} else if utf8.ValidRune(rune(n)) {
			out = utf8.AppendRune(out, rune(n))
		}
	}
	return string(append(out, s[last:]...))
}

// indexBstr finds the next _xHHHH_ in s from i, or -1.
func indexBstr(s string, i int) int {
	for {
		j := strings.Index(s[i:], "_x")
		if j < 0 {
			return -1
		}
		j += i
		if j+7 <= len(s) && s[j+6] == '_' && isHex(s[j+2]) && isHex(s[j+3]) && isHex(s[j+4]) && isHex(s[j+5]) {
			return j
		}
		i = j + 1
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// skip reads past the element just started (the current token), its
// content included.
func (s *xmlScanner) skip() error {
	if s.kind != xmlStart || s.selfClose {
		return nil
	}
	d := s.depth()
	for {
		if err := s.next(); err != nil {
			return err
		}
		if s.kind == xmlEOF {
			return xmlErr("the XML ends inside an element")
		}
		if s.kind == xmlEnd && s.depth() < d {
			return nil
		}
	}
}

// content reads the character data of the element just started, up to its
// end tag, appended to dst: its own text and CDATA, not that of elements
// inside it (as encoding/xml does for a string).
func (s *xmlScanner) content(dst []byte) ([]byte, error) {
	if s.selfClose {
		return dst, nil
	}
	d := s.depth()
	for {
		if err := s.next(); err != nil {
			return dst, err
		}
		switch s.kind {
		case xmlEOF:
			return dst, xmlErr("the XML ends inside an element")
		case xmlText:
			var err error
			if dst, err = appendText(dst, s.text); err != nil {
				return dst, err
			}
		case xmlCDATA:
			if !utf8.Valid(s.text) {
				return dst, xmlErr("text that is not UTF-8")
			}
			dst = append(dst, s.text...)
		case xmlStart:
			if err := s.skip(); err != nil {
				return dst, err
			}
		case xmlEnd:
			if s.depth() < d {
				return dst, nil
			}
		}
	}
}

// richText reads a string item (<si> of the shared strings, <is> of an
// inline string) just started: its <t> then the <t> of each run <r>, as
// excelize's xlsxSI.String joins them (phonetic runs <rPh> left out).
func (s *xmlScanner) richText(t, runs []byte) ([]byte, []byte, error) {
	t, runs = t[:0], runs[:0]
	if s.selfClose {
		return t, runs, nil
	}
	d := s.depth()
	for {
		if err := s.next(); err != nil {
			return t, runs, err
		}
		switch s.kind {
		case xmlEOF:
			return t, runs, xmlErr("the XML ends inside a string")
		case xmlEnd:
			if s.depth() < d {
				return t, runs, nil
			}
		case xmlStart:
			var err error
			switch string(localName(s.name)) {
			case "t":
				t, err = s.content(t[:0]) // a later <t> replaces an earlier one
			case "r":
				err = s.run(&runs)
			default:
				err = s.skip()
			}
			if err != nil {
				return t, runs, err
			}
		}
	}
}

// run reads a rich-text run <r> just started: the text of its <t>.
func (s *xmlScanner) run(runs *[]byte) error {
	if s.selfClose {
		return nil
	}
	d := s.depth()
	mark := len(*runs)
	for {
		if err := s.next(); err != nil {
			return err
		}
		switch s.kind {
		case xmlEOF:
			return xmlErr("the XML ends inside a string")
		case xmlEnd:
			if s.depth() < d {
				return nil
			}
		case xmlStart:
			var err error
			if string(localName(s.name)) == "t" {
				*runs, err = s.content((*runs)[:mark])
			} else {
				err = s.skip()
			}
			if err != nil {
				return err
			}
		}
	}
}

// stringItem is a string item's text as excelize gives it.
func stringItem(t, runs []byte) string {
	switch {
	case len(runs) == 0:
		return bstrUnescape(cellString(t))
	case len(t) == 0:
		return bstrUnescape(cellString(runs))
	}
	return bstrUnescape(string(t) + string(runs))
}

// readSharedStrings reads sharedStrings.xml whole: every <si> in order.
func readSharedStrings(f *zip.File) ([]string, error) {
	if f.UncompressedSize64 > maxSharedStrings {
		return nil, fmt.Errorf("%s declares %s unpacked, more than the %s of shared strings attendrisk holds", f.Name, mib(f.UncompressedSize64), mib(maxSharedStrings))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	var out []string
	var t, runs []byte
	for {
		if err := s.next(); err != nil {
			return nil, err
		}
		if s.kind == xmlEOF {
			return out, nil
		}
		if s.kind == xmlStart && string(localName(s.name)) == "si" {
			if t, runs, err = s.richText(t, runs); err != nil {
				return nil, err
			}
			out = append(out, stringItem(t, runs))
		}
	}
}

// sheetStream reads the rows of one worksheet in the order the XML lists
// them.
type sheetStream struct {
	s   *xmlScanner
	sst []string

	row   int  // the number of the row being read, or the last one read
	done  bool // past </sheetData>
	cells []string
	val   []byte
	t     []byte
	runs  []byte
}

// errRow is a row the stream cannot read: its number and what is wrong.
type errRow struct {
	row  int
	cell string // the cell's reference, when the problem is in one
	msg  string
}

func (e *errRow) Error() string { return e.msg }

// next returns the next row with any cell that holds a value: the cells in
// column order (a missing cell is ""), up to the last one with a value,
// and the row's number. It returns io.EOF after the last row.
func (st *sheetStream) next() ([]string, int, error) {
	s := st.s
	for !st.done {
		if err := s.next(); err != nil {
			return nil, st.row, st.wrap(err, "")
		}
		switch s.kind {
		case xmlEOF:
			st.done = true
		case xmlEnd:
			if string(localName(s.name)) == "sheetData" {
				st.done = true
			}
		case xmlStart:
			if string(localName(s.name)) != "row" {
				continue
			}
			cells, err := st.readRow()
			if err != nil {
				return nil, st.row, err
			}
			if !blankStrings(cells) {
				return cells, st.row, nil
			}
		}
	}
	return nil, 0, io.EOF
}

func (st *sheetStream) wrap(err error, cell string) error {
	if err == errCutOff {
		return &errRow{row: st.row, cell: cell, msg: "the sheet ends inside this row: the file is cut off or damaged"}
	}
	var x *errXML
	if errors.As(err, &x) {
		return &errRow{row: st.row, cell: cell, msg: "the sheet's XML is damaged (" + x.msg + ")"}
	}
	return &errRow{row: st.row, cell: cell, msg: err.Error()}
}

// readRow reads the row element just started.
func (st *sheetStream) readRow() ([]string, error) {
	s := st.s
	n := st.row + 1 // a row with no number follows the one before
	if v, ok := attr(s.attrs, "r"); ok {
		r, err := strconv.Atoi(string(bytes.TrimSpace(v)))
		if err != nil || r < 1 {
			st.row++
			return nil, &errRow{row: st.row, msg: "the row's number (r) is not a whole number from 1"}
		}
		n = r
	}
	if n > xlsxMaxRows {
		st.row = n
		return nil, &errRow{row: n, msg: fmt.Sprintf("row %d is beyond Excel's last row, %d", n, xlsxMaxRows)}
	}
	st.row = n
	cells := st.cells[:0]
	if s.selfClose {
		return nil, nil
	}
	d := s.depth()
	col := 0
	for {
		if err := s.next(); err != nil {
			return nil, st.wrap(err, "")
		}
		switch s.kind {
		case xmlEOF:
			return nil, &errRow{row: n, msg: "the sheet ends inside this row: the file is cut off or damaged"}
		case xmlEnd:
			if s.depth() < d {
				out := make([]string, len(cells))
				copy(out, cells)
				st.cells = cells[:0]
				return out, nil
			}
		case xmlStart:
			if string(localName(s.name)) != "c" {
				if err := s.skip(); err != nil {
					return nil, st.wrap(err, "")
				}
				continue
			}
			c, val, ok, err := st.readCell(col)
			if err != nil {
				return nil, err
			}
			col = c
			if !ok {
				continue
			}
			for len(cells) < col {
				cells = append(cells, "")
			}
			cells[col-1] = val
		}
	}
}

// readCell reads the cell element just started, after column prev: its
// column, its value, and whether it holds one (a styled empty cell does
// not).
func (st *sheetStream) readCell(prev int) (int, string, bool, error) {
	s := st.s
	col := prev + 1
	ref, hasRef, t, _ := attr2(s.attrs, "r", "t")
	if hasRef {
		c, ok := cellColumn(ref)
		if !ok {
			return 0, "", false, &errRow{row: st.row, msg: "a cell reference (r) in this row is not a cell (a column A to XFD and a row)"}
		}
		col = c
	} else if col > xlsxMaxCols {
		return 0, "", false, &errRow{row: st.row, msg: fmt.Sprintf("the row has more than %d cells", xlsxMaxCols)}
	}
	// The type is looked at before the children are read: reading them
	// may move the buffer the attributes are in.
	shared, inlineType := string(t) == "s", string(t) == "inlineStr"
	here := func() string { return cellName(col, st.row) }
	if s.selfClose {
		return col, "", false, nil
	}
	d := s.depth()
	formula, inline, hasV := false, false, false
	val := st.val[:0]
	kind, text, simple := byte(0), []byte(nil), false
	if xlsxFastPath {
		kind, text, simple = s.simpleCell()
	}
	switch kind {
	case 'v':
		val, hasV = append(val, text...), true
	case 'i':
		st.t, st.runs, inline = append(st.t[:0], text...), st.runs[:0], true
	}
	for !simple {
		if err := s.next(); err != nil {
			return 0, "", false, st.wrap(err, here())
		}
		if s.kind == xmlEOF {
			return 0, "", false, &errRow{row: st.row, cell: here(), msg: "the sheet ends inside this cell: the file is cut off or damaged"}
		}
		if s.kind == xmlEnd && s.depth() < d {
			break
		}
		if s.kind != xmlStart {
			continue
		}
		var err error
		switch string(localName(s.name)) {
		case "v":
			val, err = s.content(val[:0])
			hasV = true
		case "f":
			formula = true
			err = s.skip()
		case "is":
			inline = true
			st.t, st.runs, err = s.richText(st.t, st.runs)
		default:
			err = s.skip()
		}
		if err != nil {
			return 0, "", false, st.wrap(err, here())
		}
	}
	st.val = val
	var v string
	switch {
	case shared:
		if hasV && len(val) > 0 {
			i, err := strconv.Atoi(string(bytes.TrimSpace(val)))
			if err != nil || i < 0 || i >= len(st.sst) {
				// The value is not quoted: in a damaged file it may be a name.
				return 0, "", false, &errRow{row: st.row, cell: here(), msg: fmt.Sprintf("the cell refers to a shared string the workbook does not have (it has %d)", len(st.sst))}
			}
			v = st.sst[i]
		}
	case inlineType:
		if inline {
			v = stringItem(st.t, st.runs)
		} else {
			v = cellString(val)
		}
	default: // n, b, d, e, str: the stored value as it is
		v = cellString(val)
	}
	if v == "" && !formula {
		return col, "", false, nil
	}
	return col, v, true, nil
}

// xlsxFastPath turns on simpleCell; tests turn it off to show the general
// path reads every sheet the same.
var xlsxFastPath = true

// simpleCell reads the rest of the cell element just started when it is one
// of the two forms Excel and most tools write, <v>TEXT</v></c> or
// <is><t>TEXT</t></is></c> with TEXT plain ASCII (no entity, no CR), and
// already in the buffer: nine cells in ten of a register grid. It returns
// 'v' or 'i' and the text, valid until the next read; anything else is
// left, unread, to the general path, which gives the same result more
// slowly.
func (s *xmlScanner) simpleCell() (byte, []byte, bool) {
	if string(s.topBytes()) != "c" {
		return 0, nil, false
	}
	b := s.buf[s.pos:]
	var kind byte
	var end string
	switch {
	case len(b) > 3 && b[1] == 'v' && string(b[:3]) == "<v>":
		kind, b, end = 'v', b[3:], "</v></c>"
	case len(b) > 7 && b[1] == 'i' && string(b[:7]) == "<is><t>":
		kind, b, end = 'i', b[7:], "</t></is></c>"
	default:
		return 0, nil, false
	}
	i := bytes.IndexByte(b, '<')
	if i < 0 || len(b)-i < len(end) || string(b[i:i+len(end)]) != end {
		return 0, nil, false
	}
	text := b[:i]
	for _, c := range text {
		if c == '&' || c == '\r' || c >= 0x80 {
			return 0, nil, false
		}
	}
	s.pos = len(s.buf) - len(b) + i + len(end)
	s.stack = s.stack[:s.open[len(s.open)-1]]
	s.open = s.open[:len(s.open)-1]
	return kind, text, true
}

// sheetTags are the element names a message may show. A damaged file may
// hold anything where a tag's name should be, a pupil's name included, so
// any other name is not shown.
var sheetTags = map[string]bool{"worksheet": true, "sheetData": true, "row": true, "c": true, "v": true, "f": true, "is": true, "t": true, "r": true, "rPh": true, "si": true, "sst": true}

// tagName shows a tag for a message: <c>, </row>, or "a tag".
func tagName(slash string, name []byte) string {
	if sheetTags[string(localName(name))] {
		return "<" + slash + string(name) + ">"
	}
	if slash != "" {
		return "a closing tag"
	}
	return "a tag"
}

// oneByte holds the one-byte strings, so that a sheet of one-character
// marks (/ \ L N) allocates none.
var oneByte = func() (t [128]string) {
	for i := range t {
		t[i] = string(rune(i))
	}
	return t
}()

func cellString(b []byte) string {
	if len(b) == 1 && b[0] < 128 {
		return oneByte[b[0]]
	}
	return string(b)
}

// cellColumn reads the column of a cell reference such as B7 or $B$7 (the
// row is the row element's). Excel's columns run from A to XFD.
func cellColumn(ref []byte) (int, bool) {
	i, col := 0, 0
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	start := i
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > xlsxMaxCols {
			return 0, false
		}
	}
	if i == start {
		return 0, false
	}
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	digits := ref[i:]
	if len(digits) == 0 || len(digits) > 7 {
		return 0, false
	}
	row := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		row = row*10 + int(c-'0')
	}
	return col, row >= 1 && row <= xlsxMaxRows
}

// cellName is the reference of a cell from its 1-based column and row.
func cellName(col, row int) string {
	var b [16]byte
	i := 4
	for c := col; c > 0 && i > 0; c /= 26 {
		c--
		i--
		b[i] = byte('A' + c%26)
	}
	out := strconv.AppendInt(b[i:4:16], int64(row), 10)
	return string(out)
}
