package render

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"hash/crc32"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// xlTestRow is one row for both writers: its cells (nil values with a
// style are style-only cells; a zero cell is skipped) and its height.
type xlTestRow struct {
	cells  []excelize.Cell
	height float64
}

// xlTestTexts are the texts the escaping must get right: XML's special
// characters, whitespace at either end (xml:space), control characters,
// bytes that are not UTF-8, characters outside the BMP, text that looks
// like Excel's _xHHHH_ escapes, and text past Excel's 32,767 characters.
var xlTestTexts = []string{
	"plain", "Oak Primary", `quote " and apostrophe '`, "a & b < c > d", "&amp; already",
	" leading space", "trailing space ", "\ttab at start", "line\nbreak", "ends in a line feed\n",
	"\r\ncarriage", "carriage\r return", "mid\ttab", "nul\x00byte", "bell\x07 and \x1f unit",
	"del \x7f is a character", "bad \xff\xfe bytes", "lone \xc3", "surrogate \xed\xa0\x80 bytes",
	"\uFFFD replacement", "not a character \uFFFE\uFFFF", "emoji 👩‍🏫 and 𝄞", "Zoë Ångström",
	"_x0041_", "a_x0041_b", "_x005F_", "_x005F_x0041_", "_x005f_x0041_", "_xD800_ dropped", "_x12_ short",
	"_x004G_ not hex", "__x0041__", "=1+1", "+44 formula", "\u2028 line separator", "tab\t\tboth\t",
	strings.Repeat("a", xlTotalCellChars), strings.Repeat("a", xlTotalCellChars+5),
	strings.Repeat("é", xlTotalCellChars/2+9), strings.Repeat("𝄞", xlTotalCellChars/2+3),
	strings.Repeat("x", xlTotalCellChars-1) + "𝄞", " " + strings.Repeat("b", xlTotalCellChars+1) + " ",
}

func xlTestRows() []xlTestRow {
	var rows []xlTestRow
	var texts []excelize.Cell
	for i, s := range xlTestTexts {
		texts = append(texts, excelize.Cell{StyleID: i % 3, Value: s})
	}
	rows = append(rows, xlTestRow{cells: texts})
	rows = append(rows, xlTestRow{cells: []excelize.Cell{
		{Value: 0}, {StyleID: 2, Value: -17}, {Value: math.MaxInt64}, {Value: math.MinInt64},
		{Value: 0.1234}, {StyleID: 1, Value: 1e21}, {Value: math.Copysign(0, -1)}, {Value: 5e-324}, {Value: 123456.789},
		{Value: math.NaN()}, {Value: math.Inf(1)}, {Value: math.Inf(-1)},
		{Value: true}, {StyleID: 3, Value: false}, {StyleID: 4}, {}, {StyleID: 1, Value: "after a gap"},
	}, height: 30})
	rows = append(rows, xlTestRow{}, xlTestRow{height: 409})
	rows = append(rows, xlTestRow{cells: []excelize.Cell{{StyleID: 12, Value: 45678}}, height: 22.5})
	// A row wide enough to need three-letter column names.
	wide := make([]excelize.Cell, 800)
	for i := range wide {
		wide[i] = excelize.Cell{Value: i}
	}
	rows = append(rows, xlTestRow{cells: wide, height: 15})
	return rows
}

// xlSheetDataOf is the <sheetData> element of a written workbook's first
// sheet.
func xlSheetDataOf(t *testing.T, book []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		from, to := strings.Index(s, "<sheetData>"), strings.Index(s, "</sheetData>")
		if from < 0 || to < from {
			t.Fatalf("no sheetData in %q", s)
		}
		return s[from : to+len("</sheetData>")]
	}
	t.Fatal("no sheet1.xml")
	return ""
}

// xlStreamWriterRows is the <sheetData> excelize's StreamWriter.SetRow
// writes for rows.
func xlStreamWriterRows(t *testing.T, rows []xlTestRow) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		vals := make([]any, len(r.cells))
		for j := range r.cells {
			if r.cells[j] != (excelize.Cell{}) {
				vals[j] = &r.cells[j]
			}
		}
		var opts []excelize.RowOpts
		if r.height > 0 {
			opts = append(opts, excelize.RowOpts{Height: r.height})
		}
		name, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(name, vals, opts...); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var book bytes.Buffer
	if err := f.Write(&book); err != nil {
		t.Fatal(err)
	}
	return xlSheetDataOf(t, book.Bytes())
}

// xlOurRows is the <sheetData> xlRowsXML writes for rows.
func xlOurRows(t *testing.T, rows []xlTestRow) string {
	t.Helper()
	x := &xlRowsXML{}
	for i, r := range rows {
		if err := x.startRow(i + 1); err != nil {
			t.Fatal(err)
		}
		for j, c := range r.cells {
			if c == (excelize.Cell{}) {
				continue
			}
			if err := x.cell(j+1, c.StyleID, c.Value); err != nil {
				t.Fatal(err)
			}
		}
		if err := x.endRow(r.height); err != nil {
			t.Fatal(err)
		}
	}
	return "<sheetData>" + string(xlRowsPlain(t, x)) + "</sheetData>"
}

// TestXLRowsXMLAsStreamWriter: the rows xlRowsXML writes are byte for byte
// those excelize's StreamWriter.SetRow writes for the same cells, texts,
// numbers, booleans, style-only cells, gaps and heights alike.
func TestXLRowsXMLAsStreamWriter(t *testing.T) {
	rows := xlTestRows()
	if diff := cmp.Diff(xlStreamWriterRows(t, rows), xlOurRows(t, rows)); diff != "" {
		t.Errorf("rows differ from the StreamWriter's (-StreamWriter +xlRowsXML):\n%s", diff)
	}
}

// FuzzXLRowsAsStreamWriter: for any text, number and height, the row is
// byte for byte the StreamWriter's.
func FuzzXLRowsAsStreamWriter(f *testing.F) {
	for i, s := range xlTestTexts {
		if len(s) < 200 {
			f.Add(s, int64(i*7919-5000), float64(i)/7, uint16(i%4*15))
		}
	}
	f.Fuzz(func(t *testing.T, s string, n int64, x float64, height uint16) {
		rows := []xlTestRow{{cells: []excelize.Cell{{Value: s}, {StyleID: 2, Value: int(n)}, {Value: x},
			{StyleID: 1, Value: s + "|" + s}}, height: float64(height % 410)}}
		if diff := cmp.Diff(xlStreamWriterRows(t, rows), xlOurRows(t, rows)); diff != "" {
			t.Errorf("row differs from the StreamWriter's (-StreamWriter +xlRowsXML):\n%s", diff)
		}
	})
}

// xlRowsPlain finishes x and inflates its rows, checking their CRC-32,
// length and dictionary tail.
func xlRowsPlain(t *testing.T, x *xlRowsXML) []byte {
	t.Helper()
	if err := x.finish(); err != nil {
		t.Fatal(err)
	}
	chunks, zlen, crc, size, tail := x.deflated()
	data := bytes.Join(chunks, nil)
	if int64(len(data)) != zlen {
		t.Errorf("deflated rows of %d bytes, said %d", len(data), zlen)
	}
	// The blocks are left open: an empty final block ends the stream.
	r := flate.NewReader(io.MultiReader(bytes.NewReader(data), bytes.NewReader([]byte{0x03, 0x00})))
	plain, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("rows do not inflate: %v", err)
	}
	if crc != crc32.ChecksumIEEE(plain) || size != int64(len(plain)) {
		t.Errorf("rows CRC %08x size %d, inflated %08x %d", crc, size, crc32.ChecksumIEEE(plain), len(plain))
	}
	if len(plain) > 0 && (len(tail) == 0 || len(tail) > xlZipDict || !bytes.HasSuffix(plain, tail)) {
		t.Errorf("tail of %d bytes is not the rows' end", len(tail))
	}
	return plain
}

// TestXLRowsXMLBlocks: rows past a block are deflated block by block as
// they are written and inflate back whole and in order.
func TestXLRowsXMLBlocks(t *testing.T) {
	for _, rows := range []int{0, 1, 3000, 15000} {
		x := &xlRowsXML{}
		var want bytes.Buffer
		text := strings.Repeat("row text & more ", 40) + "end"
		for n := 1; n <= rows; n++ {
			if err := x.startRow(n); err != nil {
				t.Fatal(err)
			}
			if err := x.cell(1, 0, text); err != nil {
				t.Fatal(err)
			}
			if err := x.cell(2, 3, n); err != nil {
				t.Fatal(err)
			}
			if err := x.endRow(0); err != nil {
				t.Fatal(err)
			}
			ns := strconv.Itoa(n)
			want.WriteString(`<row r="` + ns + `"><c r="A` + ns + `" t="inlineStr"><is><t>` +
				strings.ReplaceAll(text, "&", "&amp;") + `</t></is></c><c r="B` + ns + `" s="3"><v>` + ns + `</v></c></row>`)
		}
		if got := xlRowsPlain(t, x); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%d rows: inflated rows differ (%d bytes, want %d)", rows, len(got), want.Len())
		}
		if err := x.finish(); err == nil {
			t.Error("finished twice: no error")
		}
	}
	x := &xlRowsXML{}
	if err := x.startRow(2); err != nil {
		t.Fatal(err)
	}
	if err := x.startRow(1); err == nil {
		t.Error("row 1 after row 2: no error")
	}
}

// TestXLCRC32Combine: the combined CRC of two pieces is the CRC of the
// whole, for pieces of every size around the squaring steps.
func TestXLCRC32Combine(t *testing.T) {
	whole := xlZipSample(70000)
	for _, cut := range []int{0, 1, 2, 3, 7, 8, 100, 4095, 4096, 65536, 69999, 70000} {
		a, b := whole[:cut], whole[cut:]
		got := xlCRC32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), int64(len(b)))
		if want := crc32.ChecksumIEEE(whole); got != want {
			t.Errorf("cut at %d: %08x, want %08x", cut, got, want)
		}
	}
}

// xlUnescapeByXML parses an inline-string cell's <t> as encoding/xml does.
func xlUnescapeByXML(t *testing.T, cell string) (string, bool) {
	t.Helper()
	var c struct {
		IS struct {
			T struct {
				Space string `xml:"http://www.w3.org/XML/1998/namespace space,attr"`
				Text  string `xml:",chardata"`
			} `xml:"t"`
		} `xml:"is"`
	}
	doc := `<c xmlns:xml="http://www.w3.org/XML/1998/namespace" r="A1"` + cell + `</c>`
	if err := xml.Unmarshal([]byte(doc), &c); err != nil {
		t.Fatalf("%q does not parse: %v", doc, err)
	}
	return c.IS.T.Text, c.IS.T.Space == "preserve"
}

// xlExpectedText is what a reader gets back from a text cell: the text cut
// to Excel's limit, with each byte or rune that is not an XML character
// made U+FFFD.
func xlExpectedText(s string) string {
	if xlUTF16Len(s) > xlTotalCellChars {
		s = xlTruncUTF16(s, xlTotalCellChars)
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !xlIsXMLChar(r) || r == utf8.RuneError && w == 1 {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		i += w
	}
	return b.String()
}

// FuzzXLInlineStr: whatever the text, the cell xlAppendInlineStr writes is
// well-formed XML that encoding/xml reads back as the text (cut to 32,767
// UTF-16 units, non-characters as U+FFFD), with xml:space="preserve" when
// the text starts or ends in whitespace (text holding _x is changed by
// excelize's _xHHHH_ escaping, so only its well-formedness is checked); and the escaping agrees with encoding/xml's own.
func FuzzXLInlineStr(f *testing.F) {
	for _, s := range xlTestTexts {
		if len(s) < 200 {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		cell := string(xlAppendInlineStr(nil, s))
		got, preserve := xlUnescapeByXML(t, cell)
		want := xlExpectedText(s)
		// Text holding _x is also passed through excelize's _xHHHH_
		// escaping (checked against the StreamWriter's by
		// TestXLRowsXMLAsStreamWriter); any other text reads back as it is.
		if !strings.Contains(want, "_x") && got != want {
			t.Errorf("text %q reads back as %q, want %q", s, got, want)
		}
		if wantPreserve := want != "" && (xlSpaceByte(want[0]) || xlSpaceByte(want[len(want)-1])); preserve != wantPreserve {
			t.Errorf("text %q: xml:space preserve %v, want %v", s, preserve, wantPreserve)
		}
		// The escaping is encoding/xml's, with line feeds left as they are.
		var esc bytes.Buffer
		if err := xml.EscapeText(&esc, []byte(s)); err != nil {
			t.Fatal(err)
		}
		if got, want := string(xlAppendEscaped(nil, s)), strings.ReplaceAll(esc.String(), "&#xA;", "\n"); got != want {
			t.Errorf("escape %q = %q, want %q", s, got, want)
		}
	})
}

// TestXLAppendLinksAsExcelize: the <hyperlinks> element is the one
// excelize's SetCellHyperLink wrote for the same links, quotes,
// ampersands and line feeds in a location included.
func TestXLAppendLinksAsExcelize(t *testing.T) {
	links := []xlLink{
		{ref: "D6", location: "'Pupil detail'!A5", tooltip: "Evidence and next steps"},
		{ref: "D7", location: "'Tom & Jerry''s'!A21", tooltip: `say "hi" <now>`},
		{ref: "AA100", location: "Sheet2!B2", tooltip: "two\nlines\tand a tab"},
		{ref: "B1", location: "Sheet2!C3"},
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range links {
		var opts []excelize.HyperlinkOpts
		if l.tooltip != "" {
			opts = append(opts, excelize.HyperlinkOpts{Tooltip: xlPtr(l.tooltip)})
		}
		if err := f.SetCellHyperLink("Sheet1", l.ref, l.location, "Location", opts...); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var book bytes.Buffer
	if err := f.Write(&book); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(book.Bytes()), int64(book.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	part, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	s := string(part)
	from, to := strings.Index(s, "<hyperlinks>"), strings.Index(s, "</hyperlinks>")
	if from < 0 || to < from {
		t.Fatalf("no hyperlinks in %q", s)
	}
	want := s[from : to+len("</hyperlinks>")]
	if diff := cmp.Diff(want, string(xlAppendLinks(nil, links))); diff != "" {
		t.Errorf("hyperlinks differ from excelize's (-excelize +ours):\n%s", diff)
	}
	if got := xlAppendLinks(nil, nil); len(got) != 0 {
		t.Errorf("no links: %q", got)
	}
}

// TestXLPupilTexts: the All pupils sheet's factors and next steps, and the
// Pupil detail row counts, are those of factorsText, stepsText and
// xlDetails, for 2,000 pupils under the default rules.
func TestXLPupilTexts(t *testing.T) {
	res := benchResult(t)
	var buf []byte
	fired := 0
	for _, p := range res.Pupils {
		if got, want := xlFactorsText(p, &buf), factorsText(p, " | "); got != want {
			t.Fatalf("pupil %s factors %q, want %q", p.ID, got, want)
		}
		if got, want := xlStepsText(p, &buf), stepsText(p, " | "); got != want {
			t.Fatalf("pupil %s steps %q, want %q", p.ID, got, want)
		}
		if got, want := xlDetailRows(p), len(xlDetails(p)); got != want {
			t.Fatalf("pupil %s detail rows %d, want %d", p.ID, got, want)
		}
		fired += len(outcome(p).Fired)
	}
	if fired == 0 {
		t.Fatal("no factor fired: the test checks nothing")
	}
}

// TestXLPlain8: a word of eight bytes is plain exactly when no byte of it
// is one xlEscByte marks, for every byte value at every place among plain
// bytes of every value (the has-zero-byte tests borrow across bytes, so a
// neighbour's value matters too), and a word with two marked bytes.
func TestXLPlain8(t *testing.T) {
	word := func(b [8]byte) uint64 {
		var x uint64
		for i, c := range b {
			x |= uint64(c) << (8 * i)
		}
		return x
	}
	for fill := range 256 {
		if xlEscByte[fill] {
			continue
		}
		for at := range 8 {
			for c := range 256 {
				var b [8]byte
				for i := range b {
					b[i] = byte(fill)
				}
				b[at] = byte(c)
				if got, want := xlPlain8(word(b)), !xlEscByte[c]; got != want {
					t.Fatalf("% x: plain %v, want %v", b, got, want)
				}
				b[(at+3)%8] = '<'
				if xlPlain8(word(b)) {
					t.Fatalf("% x: plain, but holds '<'", b)
				}
			}
		}
	}
}
