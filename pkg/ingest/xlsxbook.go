package ingest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/quality"
)

// xlsxBook is an open workbook: its sheets as workbook.xml lists them, with
// the part that holds each, read from the zip directory that openWorkbook
// checked. Sheets are read with rows; the shared strings are read once, on
// the first sheet read.
type xlsxBook struct {
	path     string
	parts    map[string]*zip.File
	sheets   []bookSheet
	date1904 bool
	sstPart  string
	sst      []string
	sstRead  bool
}

type bookSheet struct {
	name, state, part string
}

// readBook reads the workbook's list of sheets and where they are.
func readBook(zr *zip.Reader, file string) (*xlsxBook, error) {
	wb := &xlsxBook{path: file, parts: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		wb.parts[f.Name] = f
	}
	// The workbook part is the package's office document.
	bookPart := "xl/workbook.xml"
	if rels, err := wb.rels("_rels/.rels"); err != nil {
		return nil, err
	} else {
		for _, r := range rels {
			if strings.HasSuffix(r.typ, "/officeDocument") {
				bookPart = strings.TrimPrefix(r.target, "/")
				break
			}
		}
	}
	data, err := wb.small(bookPart)
	if err != nil {
		return nil, err
	}
	if data == nil {
		return nil, fmt.Errorf("it has no workbook part %s: not an Excel workbook", bookPart)
	}
	type sheetIDs struct {
		bookSheet
		id string
	}
	var listed []sheetIDs
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", bookPart, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "workbookPr":
			for _, a := range se.Attr {
				if a.Name.Local == "date1904" {
					wb.date1904, _ = strconv.ParseBool(strings.TrimSpace(a.Value))
				}
			}
		case "sheet":
			var s sheetIDs
			for _, a := range se.Attr {
				switch {
				case a.Name.Local == "name" && a.Name.Space == "":
					s.name = a.Value
				case a.Name.Local == "state" && a.Name.Space == "":
					s.state = a.Value
				case a.Name.Local == "id" && strings.Contains(a.Name.Space, "relationships"):
					s.id = a.Value
				}
			}
			listed = append(listed, s)
		}
	}
	// The workbook's relationships say which part holds each sheet.
	dir := path.Dir(bookPart)
	rels, err := wb.rels(path.Join(dir, "_rels", path.Base(bookPart)+".rels"))
	if err != nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, r := range rels {
		target := r.target
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(path.Clean(target), "/")
		} else {
			target = strings.TrimPrefix(path.Clean(dir+"/"+target), "/")
		}
		targets[r.id] = target
		if strings.HasSuffix(r.typ, "/sharedStrings") {
			wb.sstPart = target
		}
	}
	if wb.sstPart == "" {
		wb.sstPart = "xl/sharedStrings.xml"
	}
	for _, s := range listed {
		s.part = targets[s.id]
		wb.sheets = append(wb.sheets, s.bookSheet)
	}
	return wb, nil
}

type relationship struct{ id, typ, target string }

// rels reads a relationships part; a missing one has none.
func (wb *xlsxBook) rels(name string) ([]relationship, error) {
	data, err := wb.small(name)
	if err != nil || data == nil {
		return nil, err
	}
	var out []relationship
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
			var r relationship
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "Id":
					r.id = a.Value
				case "Type":
					r.typ = a.Value
				case "Target":
					r.target = a.Value
				}
			}
			out = append(out, r)
		}
	}
}

// small reads one of the workbook's own small parts whole, or nil if the
// zip has no such part.
func (wb *xlsxBook) small(name string) ([]byte, error) {
	f := wb.parts[name]
	if f == nil {
		return nil, nil
	}
	if f.UncompressedSize64 > maxBookPart {
		return nil, fmt.Errorf("%s declares %s unpacked, more than a workbook's %s", name, mib(f.UncompressedSize64), mib(maxBookPart))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxBookPart+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return data, nil
}

func (wb *xlsxBook) sheetNames() []string {
	names := make([]string, len(wb.sheets))
	for i, s := range wb.sheets {
		names[i] = s.name
	}
	return names
}

// visible reports whether a sheet of that name (in any case, as Excel
// compares them) is shown: a state of hidden or veryHidden is not.
func (wb *xlsxBook) visible(name string) bool {
	for _, s := range wb.sheets {
		if strings.EqualFold(s.name, name) && (s.state == "" || s.state == "visible") {
			return true
		}
	}
	return false
}

// Close releases nothing (the zip is read through the caller's ReaderAt);
// it is there so that a book is used as excelize's was.
func (wb *xlsxBook) Close() error { return nil }

// bookRows yields a sheet's non-blank rows in row order with their
// numbers: streamed, or, for a sheet whose XML lists rows out of order,
// read whole and sorted first.
type bookRows struct {
	st          *sheetStream
	rc          io.ReadCloser
	rows        [][]string
	lines       []int
	file, sheet string
	last        int
}

// rows opens a sheet by name for reading.
func (wb *xlsxBook) rows(sheet string) (*bookRows, error) {
	cannot := func(msg string) error {
		return &Error{Loc: quality.Loc{File: wb.path, Sheet: sheet}, Msg: "cannot read worksheet: " + msg}
	}
	var part string
	for _, s := range wb.sheets {
		if s.name == sheet {
			part = s.part
			break
		}
	}
	f := wb.parts[part]
	if f == nil {
		return nil, cannot(fmt.Sprintf("the workbook lists sheet %q but holds no part for it", sheet))
	}
	ordered, err := rowsInOrder(f)
	if err != nil {
		return nil, &Error{Loc: quality.Loc{File: wb.path}, Msg: "not a readable XLSX workbook (" + f.Name + ": " + err.Error() + "); save it again from Excel as .xlsx, or export CSV"}
	}
	if !wb.sstRead {
		wb.sstRead = true
		if sf := wb.parts[wb.sstPart]; sf != nil {
			if wb.sst, err = readSharedStrings(sf); err != nil {
				wb.sstRead = false
				return nil, &Error{Loc: quality.Loc{File: wb.path}, Msg: "not a readable XLSX workbook (" + sf.Name + ": " + errText(err) + "); save it again from Excel as .xlsx, or export CSV"}
			}
		}
	}
	rc, err := f.Open()
	if err != nil {
		return nil, cannot(err.Error())
	}
	br := &bookRows{rc: rc, file: wb.path, sheet: sheet, st: &sheetStream{s: newXMLScanner(rc), sst: wb.sst}}
	if ordered {
		return br, nil
	}
	// Rows out of order: read them all, then sort (stably, so that two
	// elements for one row keep their order and neither is lost).
	defer func() { rc.Close(); br.rc = nil }()
	for {
		r, line, err := br.st.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, br.fail(err)
		}
		br.rows = append(br.rows, r)
		br.lines = append(br.lines, line)
	}
	idx := make([]int, len(br.rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return br.lines[idx[a]] < br.lines[idx[b]] })
	rows, lines := make([][]string, len(idx)), make([]int, len(idx))
	for i, j := range idx {
		rows[i], lines[i] = br.rows[j], br.lines[j]
	}
	br.rows, br.lines, br.st = rows, lines, nil
	return br, nil
}

func errText(err error) string {
	if r, ok := err.(*errXML); ok {
		return "damaged XML: " + r.msg
	}
	return err.Error()
}

// next returns the next non-blank row and its number, or io.EOF.
func (br *bookRows) next() ([]string, int, error) {
	if br.st == nil {
		if len(br.rows) == 0 {
			return nil, 0, io.EOF
		}
		r, line := br.rows[0], br.lines[0]
		br.rows, br.lines = br.rows[1:], br.lines[1:]
		return r, line, nil
	}
	r, line, err := br.st.next()
	if err != nil {
		if err == io.EOF {
			return nil, 0, err
		}
		return nil, line, br.fail(err)
	}
	if line <= br.last {
		// rowsInOrder found them in order; a row number going back now
		// means the XML is not what it looked.
		return nil, line, &Error{Loc: quality.Loc{File: br.file, Sheet: br.sheet, Line: line}, Msg: fmt.Sprintf("cannot read row: it comes after row %d in the sheet's XML; save the workbook again from Excel", br.last)}
	}
	br.last = line
	return r, line, nil
}

// fail turns a stream error into the error naming the row and cell.
func (br *bookRows) fail(err error) error {
	loc := quality.Loc{File: br.file, Sheet: br.sheet}
	msg := err.Error()
	if e, ok := err.(*errRow); ok {
		loc.Line, loc.Cell = e.row, e.cell
	}
	return &Error{Loc: loc, Msg: "cannot read row: " + msg + "; save the workbook again from Excel as .xlsx, or export CSV"}
}

// Close closes the sheet's part.
func (br *bookRows) Close() error {
	if br.rc != nil {
		err := br.rc.Close()
		br.rc = nil
		return err
	}
	return nil
}

// readXLSXAll reads a small workbook's sheet whole (a context file or a
// summary export): the sheet asked for, else the first visible one; every
// non-blank row with its number.
// readXLSXAllDates reads a whole sheet (a context or summary file) and says whether the workbook
// counts its date serials from 1904 (Excel for Mac's old default), which a
// reader of the cells as numbers must know to turn a serial into a date.
func readXLSXAllDates(path string, data []byte, sheet string) ([][]string, []int, string, bool, error) {
	wb, err := openWorkbook(bytes.NewReader(data), int64(len(data)), path)
	if err != nil {
		return nil, nil, "", false, err
	}
	rows, lines, sheet, err := wb.all(path, sheet)
	return rows, lines, sheet, wb.date1904, err
}

func (wb *xlsxBook) all(path, sheet string) ([][]string, []int, string, error) {
	var err error
	sheet, _, err = chooseSheet(wb, path, sheet, nil)
	if err != nil {
		return nil, nil, "", err
	}
	rs, err := wb.rows(sheet)
	if err != nil {
		return nil, nil, "", err
	}
	defer rs.Close()
	var rows [][]string
	var lines []int
	for {
		r, line, err := rs.next()
		if err == io.EOF {
			return rows, lines, sheet, nil
		}
		if err != nil {
			return nil, nil, "", err
		}
		rows = append(rows, r)
		lines = append(lines, line)
	}
}
