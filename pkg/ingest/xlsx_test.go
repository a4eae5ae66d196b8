package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// workbook builds a workbook of sheets (name → rows of text cells, the
// first row the header) and returns its bytes.
func workbook(t testing.TB, sheets []string, rows map[string][][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, name := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range rows[name] {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellStr(name, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rewriteZip copies a zip, passing each part's content through edit.
func rewriteZip(t testing.TB, data []byte, edit func(name string, content []byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(edit(f.Name, content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

var marksRows = [][]string{
	{"UPN", "Surname", "Date", "Session", "Mark"},
	{"A1", "Smith", "02/09/2024", "AM", "/"},
	{"A1", "Smith", "02/09/2024", "PM", "Q9"},
	{"A1", "Smith", "03/09/2024", "AM", "I"},
	{"A1", "Smith", "03/09/2024", "PM", "O"},
}

// TestReadXLSXHiddenFirstSheet: with no --sheet, a hidden first sheet is
// passed over for the first visible one, and the account says so.
func TestReadXLSXHiddenFirstSheet(t *testing.T) {
	data := workbook(t, []string{"Lookup", "Register"}, map[string][][]string{
		"Lookup":   {{"UPN", "Date", "Session", "Mark"}, {"Z9", "02/09/2024", "AM", "/"}},
		"Register": marksRows,
	})
	data = rewriteZip(t, data, func(name string, c []byte) []byte {
		if name == "xl/workbook.xml" {
			c = bytes.Replace(c, []byte(`<sheet name="Lookup"`), []byte(`<sheet name="Lookup" state="hidden"`), 1)
		}
		return c
	})
	path := writeFile(t, t.TempDir(), "hidden.xlsx", data)
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Q.Files[0].Sheet; got != "Register" {
		t.Errorf("read sheet %q, want Register", got)
	}
	want := map[string][]string{
		"unknown_code": {path + `[Register]!E3 "Q9"`},
		"hidden_sheet": {path + `[Lookup] skipped: read "Register", the first visible sheet (choose with --sheet)`},
	}
	if diff := cmp.Diff(want, lineView(b.Q)); diff != "" {
		t.Errorf("account (-want +got):\n%s", diff)
	}
	// --sheet still reads the hidden one when asked.
	b, err = readPaths(t, Options{Sheet: "Lookup"}, path)
	if err != nil {
		t.Fatal(err)
	}
	if b.Reg.Get("Z9") == nil {
		t.Error("--sheet Lookup did not read the hidden sheet")
	}
}

// TestReadXLSXRowsOutOfOrder: a sheet whose row elements are not in row
// order (other tools than Excel write them so) loses no row, and each row
// keeps its own number.
func TestReadXLSXRowsOutOfOrder(t *testing.T) {
	data := workbook(t, []string{"Sheet1"}, map[string][][]string{"Sheet1": marksRows})
	rowRE := regexp.MustCompile(`<row r="3"[^>]*>.*?</row>`)
	data = rewriteZip(t, data, func(name string, c []byte) []byte {
		if name != "xl/worksheets/sheet1.xml" {
			return c
		}
		row3 := rowRE.Find(c)
		if row3 == nil {
			t.Fatalf("no row 3 in %s", c)
		}
		c = bytes.Replace(c, row3, nil, 1)
		return bytes.Replace(c, []byte("</sheetData>"), append(append([]byte{}, row3...), "</sheetData>"...), 1)
	})
	path := writeFile(t, t.TempDir(), "order.xlsx", data)
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pupilView{"A1": {Info: infoSurname("Smith"), Marks: []string{"2024-09-02 AM /", "2024-09-03 AM I", "2024-09-03 PM O"}}}
	if diff := cmp.Diff(want, viewRegister(b.Reg)); diff != "" {
		t.Errorf("register (-want +got):\n%s", diff)
	}
	// Without the sort, row 3 is merged into row 5 and its bad code lost.
	if diff := cmp.Diff(map[string][]string{"unknown_code": {path + `[Sheet1]!E3 "Q9"`}}, lineView(b.Q)); diff != "" {
		t.Errorf("account (-want +got):\n%s", diff)
	}
	// The context reader sorts them too.
	tbl, err := ReadTable(path, "", func(r []string) bool { return len(r) > 0 && r[0] == "UPN" }, "a header")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{2, 3, 4, 5}, tbl.Lines); diff != "" {
		t.Errorf("table rows (-want +got):\n%s", diff)
	}
}

// TestReadXLSXBeyondHeader: cells to the right of the header are not read,
// and the first of each row is reported.
func TestReadXLSXBeyondHeader(t *testing.T) {
	rows := append([][]string{}, marksRows...)
	rows[3] = append(append([]string{}, rows[3]...), "", "note")
	path := writeFile(t, t.TempDir(), "wide.xlsx", workbook(t, []string{"Sheet1"}, map[string][][]string{"Sheet1": rows}))
	b, err := readPaths(t, Options{}, path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"unknown_code":  {path + `[Sheet1]!E3 "Q9"`},
		"beyond_header": {path + `[Sheet1]!G4 column 7`},
	}
	if diff := cmp.Diff(want, lineView(b.Q)); diff != "" {
		t.Errorf("account (-want +got):\n%s", diff)
	}
}

// rawZip writes a zip whose one part declares size bytes unpacked and holds
// content deflated: the declared size can be a lie either way.
func rawZip(t testing.TB, name string, declared uint64, content []byte) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(content)
	fw.Close()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, UncompressedSize64: declared, CompressedSize64: uint64(comp.Len()), CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	return out.Bytes()
}

// TestReadXLSXBombs: a workbook that declares gigabytes unpacked is refused
// before anything is unpacked, and one that unpacks to more than it
// declares is refused as it is read; neither is held in memory.
func TestReadXLSXBombs(t *testing.T) {
	dir := t.TempDir()
	real := workbook(t, []string{"Sheet1"}, map[string][][]string{"Sheet1": marksRows})
	// A real workbook plus one part declaring 4 GiB.
	declared := rewriteZip(t, real, func(_ string, c []byte) []byte { return c })
	{
		zr, _ := zip.NewReader(bytes.NewReader(declared), int64(len(declared)))
		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		for _, f := range zr.File {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
		bomb := rawZip(t, "xl/media/bomb.bin", 4<<30, []byte("x"))
		br, _ := zip.NewReader(bytes.NewReader(bomb), int64(len(bomb)))
		if err := zw.Copy(br.File[0]); err != nil {
			t.Fatal(err)
		}
		zw.Close()
		declared = out.Bytes()
	}
	// A worksheet that declares 1 KiB and holds 64 MiB.
	lying := rewriteZip(t, real, func(_ string, c []byte) []byte { return c })
	{
		zr, _ := zip.NewReader(bytes.NewReader(lying), int64(len(lying)))
		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		for _, f := range zr.File {
			if f.Name == "xl/worksheets/sheet1.xml" {
				big := []byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + strings.Repeat(" ", 64<<20) + `</sheetData></worksheet>`)
				lie := rawZip(t, f.Name, 1024, big)
				lr, _ := zip.NewReader(bytes.NewReader(lie), int64(len(lie)))
				if err := zw.Copy(lr.File[0]); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
		zw.Close()
		lying = out.Bytes()
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"a part declaring 4 GiB", declared, "%s: the workbook unpacks to more than 1.0 GiB (xl/media/bomb.bin alone declares 4.0 GiB): not a register export, or a damaged one"},
		{"a sheet holding more than it declares", lying, "%s: not a readable XLSX workbook (xl/worksheets/sheet1.xml: zip: not a valid zip file); save it again from Excel as .xlsx, or export CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".xlsx")
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
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

func infoSurname(s string) register.Info { return register.Info{Surname: s} }
