package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// sheetRead is what a reader makes of a workbook: the sheets, the one
// chosen, its date system, and its non-blank rows with their numbers.
type sheetRead struct {
	Sheets   []string
	Sheet    string
	Date1904 bool
	Rows     [][]string
	Lines    []int
}

// readExcelize is the reader this package used before the streaming one:
// excelize's row iterator with raw cell values, a sheet with rows out of
// order loaded whole first (which sorts it). It is kept here only to show
// the streaming reader returns the same.
func readExcelize(t testing.TB, data []byte, want string) (sheetRead, error) {
	t.Helper()
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipBytes, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return sheetRead{}, err
	}
	defer wb.Close()
	var out sheetRead
	out.Sheets = wb.GetSheetList()
	out.Sheet = want
	if want == "" {
		for _, s := range out.Sheets {
			if v, err := wb.GetSheetVisible(s); err == nil && v {
				out.Sheet = s
				break
			}
		}
		if out.Sheet == "" && len(out.Sheets) > 0 {
			out.Sheet = out.Sheets[0]
		}
	}
	props, err := wb.GetWorkbookProps()
	out.Date1904 = err == nil && props.Date1904 != nil && *props.Date1904
	zb, err := openWorkbook(bytes.NewReader(data), int64(len(data)), "x.xlsx")
	if err != nil {
		return out, err
	}
	var part string
	for _, s := range zb.sheets {
		if s.name == out.Sheet {
			part = s.part
		}
	}
	if ordered, err := rowsInOrder(zb.parts[part]); err != nil {
		return out, err
	} else if !ordered {
		if _, err := wb.GetRowVisible(out.Sheet, 1); err != nil {
			return out, err
		}
	}
	rows, err := wb.Rows(out.Sheet)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	row := 0
	for rows.Next() {
		row++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return out, err
		}
		if blankStrings(cells) {
			continue
		}
		out.Rows = append(out.Rows, cells)
		out.Lines = append(out.Lines, row)
	}
	return out, rows.Error()
}

// readStream is the same through the streaming reader.
func readStream(t testing.TB, data []byte, want string) (sheetRead, error) {
	t.Helper()
	wb, err := openWorkbook(bytes.NewReader(data), int64(len(data)), "x.xlsx")
	if err != nil {
		return sheetRead{}, err
	}
	out := sheetRead{Sheets: wb.sheetNames(), Date1904: wb.date1904}
	if out.Sheet, _, err = chooseSheet(wb, "x.xlsx", want, nil); err != nil {
		return out, err
	}
	rs, err := wb.rows(out.Sheet)
	if err != nil {
		return out, err
	}
	defer rs.Close()
	for {
		r, line, err := rs.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out.Rows = append(out.Rows, r)
		out.Lines = append(out.Lines, line)
	}
}

func sameRead(t *testing.T, name string, data []byte, sheet string) {
	t.Helper()
	old, err := readExcelize(t, data, sheet)
	if err != nil {
		t.Fatalf("%s: excelize: %v", name, err)
	}
	got, err := readStream(t, data, sheet)
	if err != nil {
		t.Fatalf("%s: stream: %v", name, err)
	}
	if len(old.Rows) == 0 {
		t.Errorf("%s: no rows read: not a test of the cells", name)
	}
	if testing.Verbose() {
		t.Logf("%s: %q %v", name, got.Rows, got.Lines)
	}
	if diff := cmp.Diff(old, got); diff != "" {
		t.Errorf("%s: streaming reader differs from excelize (-excelize +stream):\n%s", name, diff)
	}
	slow, slowErr := readGeneral(t, data, sheet)
	if slowErr != nil {
		t.Fatalf("%s: stream without the fast path: %v", name, slowErr)
	}
	if diff := cmp.Diff(got, slow); diff != "" {
		t.Errorf("%s: the fast path differs from the general one (-fast +general):\n%s", name, diff)
	}
}

// readGeneral is readStream with simpleCell turned off.
func readGeneral(t testing.TB, data []byte, sheet string) (sheetRead, error) {
	xlsxFastPath = false
	defer func() { xlsxFastPath = true }()
	return readStream(t, data, sheet)
}

func TestXLSXStreamGrid(t *testing.T) {
	p := gridWorkbook(t, 200)
	data := mustRead(t, p)
	sameRead(t, "grid", data, "")
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestXLSXStreamFixtures: every workbook in testdata, every sheet of each,
// reads the same through the streaming reader as through excelize.
func TestXLSXStreamFixtures(t *testing.T) {
	paths, err := filepath.Glob("../../testdata/*/*.xlsx")
	if err != nil || len(paths) < 4 {
		t.Fatalf("found %d fixtures (%v), want the 4 or more in testdata", len(paths), err)
	}
	for _, p := range paths {
		data := mustRead(t, p)
		wb, err := openWorkbook(bytes.NewReader(data), int64(len(data)), p)
		if err != nil {
			t.Fatal(err)
		}
		sameRead(t, p, data, "")
		for _, s := range wb.sheetNames() {
			sameRead(t, p+"["+s+"]", data, s)
		}
	}
}

// xlsxParts builds a workbook from its sheets' XML (each a worksheet body:
// what goes inside <sheetData>), the shared strings' <si> items and the
// workbook's <workbookPr> and sheet states.
type xlsxParts struct {
	sheets   []string // sheet names
	states   []string // "", "hidden", "veryHidden"
	data     []string // each sheet's sheetData content
	sst      []string // <si> contents; none means no sharedStrings part
	date1904 bool
	prefix   string // a namespace prefix for the sheet's elements, such as "x:"
	whole    bool   // data is each sheet's whole XML, not only sheetData's content
}

func (x xlsxParts) build(t testing.TB) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	add := func(name, content string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, content)
	}
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	add("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`)
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	var sheets, rels strings.Builder
	for i, name := range x.sheets {
		state := ""
		if i < len(x.states) && x.states[i] != "" {
			state = ` state="` + x.states[i] + `"`
		}
		fmt.Fprintf(&sheets, `<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, name, i+1, state, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
		p := x.prefix
		if x.whole {
			add(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), x.data[i])
			continue
		}
		add(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\r\n"+`<%sworksheet %s xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><%sdimension ref="A1"/><%ssheetData>%s</%ssheetData><%smergeCells count="0"/></%sworksheet>`, p, ns, p, p, x.data[i], p, p, p))
	}
	if x.sst != nil {
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, len(x.sheets)+1)
		add("xl/sharedStrings.xml", fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst %s count="%d" uniqueCount="%d"><si>%s</si></sst>`, ns, len(x.sst), len(x.sst), strings.Join(x.sst, "</si><si>")))
	}
	pr := `<workbookPr/>`
	if x.date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	add("xl/workbook.xml", fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook %s>%s<sheets>%s</sheets></workbook>`, ns, pr, sheets.String()))
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels.String()+`</Relationships>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// TestXLSXStreamSameAsExcelize: workbooks that exercise each kind of cell
// and sheet the reader must handle read the same as through excelize.
func TestXLSXStreamSameAsExcelize(t *testing.T) {
	head := `<row r="1"><c r="A1" t="inlineStr"><is><t>UPN</t></is></c><c r="B1" t="inlineStr"><is><t>Date</t></is></c><c r="C1" t="inlineStr"><is><t>Session</t></is></c><c r="D1" t="inlineStr"><is><t>Mark</t></is></c></row>`
	tests := []struct {
		name  string
		parts xlsxParts
		sheet string
	}{
		{"dates as serial numbers and as text", xlsxParts{sheets: []string{"S"}, data: []string{head +
			`<row r="2"><c r="A2" t="inlineStr"><is><t>A1</t></is></c><c r="B2" s="1"><v>45538</v></c><c r="C2" t="inlineStr"><is><t>AM</t></is></c><c r="D2" t="inlineStr"><is><t>/</t></is></c></row>` +
			`<row r="3"><c r="A3" t="inlineStr"><is><t>A1</t></is></c><c r="B3" t="inlineStr"><is><t>03/09/2024</t></is></c><c r="C3" t="inlineStr"><is><t>PM</t></is></c><c r="D3" t="inlineStr"><is><t>\</t></is></c></row>` +
			`<row r="4"><c r="A4" t="inlineStr"><is><t>A1</t></is></c><c r="B4" s="2"><v>45539.364583333336</v></c><c r="C4" t="d"><v>2024-09-04T00:00:00Z</v></c><c r="D4"><v>1.5E-3</v></c></row>`}}, ""},
		{"shared strings, rich text and escapes", xlsxParts{sheets: []string{"S"}, sst: []string{
			`<t>UPN</t>`, `<t>Mark</t>`, `<r><rPr><b/></rPr><t>Zo</t></r><r><t>ë</t></r><rPh><t>phonetic</t></rPh>`, `<t xml:space="preserve"> padded </t>`, `<t>a_x000D_b_x005F_x0041_</t>`, `<t/>`, `<t>&lt;tag&gt; &amp; &#233;&#x20AC;</t>`},
			data: []string{`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>` +
				`<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v> 3 </v></c><c r="C2" t="s"><v>4</v></c><c r="D2" t="s"><v>5</v></c><c r="E2" t="s"><v>6</v></c></row>`}}, ""},
		{"gaps, blank rows, missing references", xlsxParts{sheets: []string{"S"}, data: []string{head +
			`<row r="3"><c r="A3"><v>7</v></c><c r="D3" t="inlineStr"><is><t>L</t></is></c></row>` +
			`<row r="4"><c r="A4" s="3"/><c r="B4" t="inlineStr"><is><t>  </t></is></c></row>` +
			`<row r="6" spans="1:4"><c><v>1</v></c><c/><c><v>3</v></c><c r="F6"><v>6</v></c><c><v>7</v></c></row>` +
			`<row><c r="B7" t="inlineStr"><is><t>no row number</t></is></c></row>` +
			`<row r="9"/><row r="10"></row><row r="11"><c r="C11" t="str"><v>formula text</v><f>A1&amp;"x"</f></c><c r="E11"><f>1/0</f></c><c r="F11" t="e"><v>#DIV/0!</v></c><c r="G11" t="b"><v>1</v></c><c r="H11" t="b"><v>0</v></c></row>`}}, ""},
		{"hidden first sheet", xlsxParts{sheets: []string{"Lookup", "Register"}, states: []string{"hidden"}, data: []string{
			`<row r="1"><c r="A1" t="inlineStr"><is><t>lookup</t></is></c></row>`, head}}, ""},
		{"very hidden first sheet, second asked for", xlsxParts{sheets: []string{"Lookup", "Register"}, states: []string{"veryHidden", "visible"}, data: []string{
			`<row r="1"><c r="A1" t="inlineStr"><is><t>lookup</t></is></c></row>`, head}}, "Lookup"},
		{"rows out of order", xlsxParts{sheets: []string{"S"}, data: []string{
			`<row r="3"><c r="A3"><v>3</v></c></row>` + head + `<row r="5"><c r="A5"><v>5</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>`}}, ""},
		{"1904 date system", xlsxParts{sheets: []string{"S"}, date1904: true, data: []string{head + `<row r="2"><c r="B2" s="1"><v>44076</v></c></row>`}}, ""},
		{"prefixed elements, CDATA, comments, CRLF", xlsxParts{sheets: []string{"S"}, prefix: "x:", data: []string{
			`<x:row r="1"><!-- a comment --><x:c r="A1" t="inlineStr"><x:is><x:t><![CDATA[<UPN> & id]]></x:t></x:is></x:c><x:c r="B1" t='inlineStr'><x:is><x:t>two` + "\r\n" + `lines` + "\r" + `three</x:t></x:is></x:c>` +
				`<?pi ignored?><x:c r="C1" t="inlineStr"><x:is><x:r><x:t>run</x:t></x:r></x:is></x:c></x:row>`}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sameRead(t, tt.name, tt.parts.build(t), tt.sheet)
		})
	}
	// Workbooks excelize itself writes: shared strings, dates with a
	// number format, numbers and booleans.
	f := excelize.NewFile()
	for i, v := range []any{"UPN", "Date", "Mark", "0012", 12, 12.5, true, date(2024, 9, 2), time.Date(2024, 9, 2, 8, 45, 0, 0, time.UTC), "/"} {
		cell, _ := excelize.CoordinatesToCellName(i%3+1, i/3+1)
		if s, ok := v.(string); ok {
			f.SetCellStr("Sheet1", cell, s)
		} else {
			f.SetCellValue("Sheet1", cell, v)
		}
	}
	f.SetCellFormula("Sheet1", "D4", "A1&B1")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	sameRead(t, "excelize-written", buf.Bytes(), "")
}

// TestXLSXStreamDamaged: a sheet the reader cannot read fails with the
// file, sheet, row and (where it is in one) cell, and says what to do;
// excelize ended such a sheet silently at the damage, and the rows after
// it were lost without a word.
func TestXLSXStreamDamaged(t *testing.T) {
	const ws = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	head := `<row r="1"><c r="A1" t="inlineStr"><is><t>UPN</t></is></c><c r="B1" t="inlineStr"><is><t>Date</t></is></c><c r="C1" t="inlineStr"><is><t>Session</t></is></c><c r="D1" t="inlineStr"><is><t>Mark</t></is></c></row>`
	row2 := `<row r="2"><c r="A2" t="inlineStr"><is><t>A1</t></is></c><c r="B2" t="inlineStr"><is><t>02/09/2024</t></is></c><c r="C2" t="inlineStr"><is><t>AM</t></is></c>`
	const fix = "; save the workbook again from Excel as .xlsx, or export CSV"
	tests := []struct {
		name  string
		parts xlsxParts
		want  string
	}{
		{"cut off inside a row", xlsxParts{whole: true, data: []string{ws + head + row2 + `<c r="D2" t="inlineStr"><is><t>/`}},
			"%s[S]!D2: cannot read row: the sheet ends inside this row: the file is cut off or damaged" + fix},
		{"cut off between rows", xlsxParts{whole: true, data: []string{ws + head + row2 + `</row><row r="3">`}},
			"%s[S]:3: cannot read row: the sheet ends inside this row: the file is cut off or damaged" + fix},
		{"a tag closing the wrong element", xlsxParts{data: []string{head + row2 + `<c r="D2"><v>1</c></row>`}},
			"%s[S]!D2: cannot read row: the sheet's XML is damaged (</c> closes <v>)" + fix},
		{"a shared string the workbook lacks", xlsxParts{sst: []string{`<t>UPN</t>`}, data: []string{head + row2 + `<c r="D2" t="s"><v>7</v></c></row>`}},
			"%s[S]!D2: cannot read row: the cell refers to a shared string the workbook does not have (it has 1)" + fix},
		{"a shared string index that is a name", xlsxParts{data: []string{head + row2 + `<c r="D2" t="s"><v>Smith</v></c></row>`}},
			"%s[S]!D2: cannot read row: the cell refers to a shared string the workbook does not have (it has 0)" + fix},
		{"a cell reference that is not a cell", xlsxParts{data: []string{head + row2 + `<c r="XFE2"><v>1</v></c></row>`}},
			"%s[S]:2: cannot read row: a cell reference (r) in this row is not a cell (a column A to XFD and a row)" + fix},
		{"a row number that is not a number", xlsxParts{data: []string{head + `<row r="Smith"><c r="A2"><v>1</v></c></row>`}},
			"%s[S]:2: cannot read row: the row's number (r) is not a whole number from 1" + fix},
		{"a name where a tag should be", xlsxParts{data: []string{head + row2 + `<c r="D2"><Smith>1</c></row>`}},
			"%s[S]!D2: cannot read row: the sheet's XML is damaged (</c> closes a tag)" + fix},
		{"a row beyond Excel's last", xlsxParts{data: []string{head + `<row r="1048577"><c r="A1048577"><v>1</v></c></row>`}},
			"%s[S]:1048577: cannot read row: row 1048577 is beyond Excel's last row, 1048576" + fix},
		{"an unknown entity", xlsxParts{data: []string{head + row2 + `<c r="D2" t="inlineStr"><is><t>&Smith;</t></is></c></row>`}},
			"%s[S]!D2: cannot read row: the sheet's XML is damaged (an unknown entity (only &lt; &gt; &amp; &quot; &apos; and &#N; are XML's own))" + fix},
		{"text that is not UTF-8", xlsxParts{data: []string{head + row2 + "<c r=\"D2\" t=\"inlineStr\"><is><t>Zo\xeb</t></is></c></row>"}},
			"%s[S]!D2: cannot read row: the sheet's XML is damaged (text that is not UTF-8)" + fix},
		{"a DTD", xlsxParts{whole: true, data: []string{`<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>` + ws + head + `</sheetData></worksheet>`}},
			"%s[S]: cannot read row: the sheet's XML is damaged (a DTD or other <! declaration, which an XLSX part may not have)" + fix},
		{"a text run longer than any cell", xlsxParts{data: []string{head + row2 + `<c r="D2" t="inlineStr"><is><t>` + strings.Repeat("x", maxXMLToken+1) + `</t></is></c></row>`}},
			"%s[S]!D2: cannot read row: the sheet's XML is damaged (a tag or text of more than 4 MiB)" + fix},
		{"damaged shared strings", xlsxParts{sst: []string{`<t>UPN</b>`}, data: []string{head}},
			"%s: not a readable XLSX workbook (xl/sharedStrings.xml: damaged XML: a closing tag closes <t>); save it again from Excel as .xlsx, or export CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.parts.sheets = []string{"S"}
			path := writeFile(t, t.TempDir(), "damaged.xlsx", tt.parts.build(t))
			want := strings.ReplaceAll(tt.want, "%s", path)
			if _, err := readPaths(t, Options{}, path); err == nil || err.Error() != want {
				t.Errorf("register reader:\n got %v\nwant %s", err, want)
			}
			if _, err := ReadTable(path, "", func([]string) bool { return true }, "a header"); err == nil || err.Error() != want {
				t.Errorf("table reader:\n got %v\nwant %s", err, want)
			}
		})
	}
}

// TestXLSXSharedStringsBound: a shared-strings part declaring more than
// maxSharedStrings is refused before it is unpacked.
func TestXLSXSharedStringsBound(t *testing.T) {
	f := &zip.File{FileHeader: zip.FileHeader{Name: "xl/sharedStrings.xml", UncompressedSize64: maxSharedStrings + 1}}
	_, err := readSharedStrings(f)
	if want := "xl/sharedStrings.xml declares 256.0 MiB unpacked, more than the 256.0 MiB of shared strings attendrisk holds"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

// FuzzXLSXStream: any sheet XML and shared strings, zipped into a
// workbook, are read by the streaming reader without a panic and within a
// fixed allocation bound; what it returns is a valid reading (row numbers
// rising within Excel's limits, no blank row, no row wider than Excel's),
// and what it refuses is an *Error naming the file.
func FuzzXLSXStream(f *testing.F) {
	head := `<row r="1"><c r="A1" t="inlineStr"><is><t>UPN</t></is></c><c r="B1" t="s"><v>0</v></c></row>`
	f.Add(head+`<row r="2"><c r="A2"><v>1</v></c><c r="C2" t="s"><v>1</v></c></row>`, `<t>Date</t></si><si><r><t>a</t></r><r><t>b</t></r>`, false)
	f.Add(`<row r="3"><c><v>3</v></c></row>`+head+`<row><c r="B2" t="b"><v>1</v></c></row>`, `<t>x_x0008_</t>`, false)
	f.Add(`<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t><![CDATA[a<b]]>&amp;&#233;</x:t></x:is></x:c></x:row>`, `<t/>`, false)
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`, ``, true)
	f.Add(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>cut`, `<t>`, true)
	f.Add(`<row r="1"><c r="A1" t="inlineStr"><is><t>a&amp;b</t></is></c><c r="B1"><v>2</v></c><c r="C1" t="s"><v>0</v></c><x:c r="D1"><v>4</v></x:c><c r="E1"><v>5</v><f>1</f></c></row>`, `<t>s</t>`, false)
	f.Fuzz(func(t *testing.T, sheet, sst string, whole bool) {
		if len(sheet)+len(sst) > 1<<20 {
			t.Skip("large")
		}
		data := xlsxParts{sheets: []string{"S"}, data: []string{sheet}, sst: []string{sst}, whole: whole}.build(t)
		var got sheetRead
		var err error
		if n := allocated(func() { got, err = readStream(t, data, "") }); n > xlsxAllocLimit {
			t.Fatalf("reading %d bytes of sheet XML allocated %d MiB", len(sheet), n>>20)
		}
		// The fast path for plain cells reads exactly what the general
		// path does, errors included.
		slow, slowErr := readGeneral(t, data, "")
		if fmt.Sprint(err) != fmt.Sprint(slowErr) {
			t.Fatalf("fast path error %v, general path error %v", err, slowErr)
		}
		if diff := cmp.Diff(slow, got); err == nil && diff != "" {
			t.Fatalf("fast path differs from the general one (-general +fast):\n%s", diff)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Loc.File != "x.xlsx" {
				t.Fatalf("error %v (%T) is not an *Error naming the file", err, err)
			}
			return
		}
		last := 0
		for i, r := range got.Rows {
			line := got.Lines[i]
			if line <= last || line > xlsxMaxRows {
				t.Fatalf("row %d after row %d", line, last)
			}
			last = line
			if blankStrings(r) || len(r) > xlsxMaxCols {
				t.Fatalf("row %d: %d cells, blank %v", line, len(r), blankStrings(r))
			}
		}
	})
}

// TestCellNames: cell references made and read as excelize does, to
// Excel's last column and row.
func TestCellNames(t *testing.T) {
	for _, c := range [][2]int{{1, 1}, {26, 9}, {27, 10}, {52, 99}, {53, 100}, {702, 1000}, {703, 65536}, {16384, 1048576}} {
		want, _ := excelize.CoordinatesToCellName(c[0], c[1])
		if got := cellName(c[0], c[1]); got != want {
			t.Errorf("cellName(%d, %d) = %q, want %q", c[0], c[1], got, want)
		}
		if col, ok := cellColumn([]byte(want)); !ok || col != c[0] {
			t.Errorf("cellColumn(%q) = %d, %v; want %d", want, col, ok, c[0])
		}
		if col, ok := cellColumn([]byte("$" + strings.ToLower(want[:len(want)-len(fmt.Sprint(c[1]))]) + "$" + fmt.Sprint(c[1]))); !ok || col != c[0] {
			t.Errorf("cellColumn of the absolute, lower-case %q = %d, %v", want, col, ok)
		}
	}
	for _, bad := range []string{"", "A", "1", "A0", "XFE1", "A1048577", "A-1", "A1B", "AAAA1"} {
		if col, ok := cellColumn([]byte(bad)); ok {
			t.Errorf("cellColumn(%q) = %d, want refused", bad, col)
		}
	}
}
