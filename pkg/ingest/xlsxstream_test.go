package ingest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

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
	if diff := cmp.Diff(old, got); diff != "" {
		t.Errorf("%s: streaming reader differs from excelize (-excelize +stream):\n%s", name, diff)
	}
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
