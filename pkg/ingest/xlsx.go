package ingest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/attendrisk/attendrisk/pkg/quality"
)

// The bounds on a workbook. An XLSX file is a zip archive, and a few
// kilobytes of zip can declare, or really hold, gigabytes of XML: checked
// before anything is unpacked. A register fits easily (Excel's own limit of
// 1,048,576 rows of marks is a few hundred megabytes of sheet XML).
const (
	maxWorkbookBytes = 256 << 20 // the .xlsx file itself, read into memory
	maxUnzipBytes    = 1 << 30   // all its parts unpacked
	// maxBookPart bounds the workbook's own small parts (workbook.xml and
	// the relationships), which are read whole.
	maxBookPart = 16 << 20
)

// openWorkbook checks a workbook's zip directory against the bounds and
// reads its list of sheets. The declared sizes are checked here; archive/zip
// refuses a part that unpacks to more than it declared, so the actual sizes
// are bounded too. Nothing is unpacked but the workbook's own small parts:
// a sheet is read, streamed, only when asked for (book.rows).
func openWorkbook(r io.ReaderAt, size int64, path string) (*xlsxBook, error) {
	fail := func(msg string) (*xlsxBook, error) {
		return nil, &Error{Loc: quality.Loc{File: path}, Msg: msg}
	}
	if size > maxWorkbookBytes {
		return fail(fmt.Sprintf("the workbook is %s, more than the %s attendrisk reads; export the register as CSV", mib(uint64(size)), mib(maxWorkbookBytes)))
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fail("not a readable XLSX workbook (" + err.Error() + "); save it again from Excel as .xlsx, or export CSV")
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64 // cannot wrap: each is at most 1 GiB here
		if f.UncompressedSize64 > maxUnzipBytes {
			return fail(fmt.Sprintf("the workbook unpacks to more than %s (%s alone declares %s): not a register export, or a damaged one", mib(maxUnzipBytes), f.Name, mib(f.UncompressedSize64)))
		}
		// A declared size is believed only where it is possible: a part
		// cannot be larger packed than the file; deflate cannot expand
		// more than 1032 times; a stored part not at all.
		if f.CompressedSize64 > uint64(size) ||
			(f.Method == zip.Store && f.UncompressedSize64 != f.CompressedSize64) ||
			(f.Method != zip.Store && f.UncompressedSize64 > 1032*f.CompressedSize64+1024) {
			return fail(fmt.Sprintf("not a readable XLSX workbook (%s declares %d bytes unpacked from %d: not possible, the zip is damaged); save it again from Excel as .xlsx, or export CSV", f.Name, f.UncompressedSize64, f.CompressedSize64))
		}
	}
	if total > maxUnzipBytes {
		return fail(fmt.Sprintf("the workbook unpacks to more than %s (its parts declare %s in all): not a register export, or a damaged one", mib(maxUnzipBytes), mib(total)))
	}
	wb, err := readBook(zr, path)
	if err != nil {
		return fail("not a readable XLSX workbook (" + err.Error() + "); save it again from Excel as .xlsx, or export CSV")
	}
	return wb, nil
}

func mib(n uint64) string {
	if n >= 1<<30 {
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
}

// rowsInOrder scans a worksheet's XML for its row elements and reports
// whether their numbers (r="N") only go up. Excel writes them in order,
// but other tools need not; such a sheet is read whole and sorted (see
// book.rows), and a streamed one is read in a single pass.
// It looks at bytes, not XML tokens: "<row" cannot occur in text, where
// "<" is escaped.
func rowsInOrder(f *zip.File) (bool, error) {
	rc, err := f.Open()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	buf := make([]byte, 256<<10)
	var carry []byte
	last := 0
	for {
		n, err := io.ReadFull(rc, buf)
		data := append(carry, buf[:n]...)
		// Keep an unfinished tag for the next read, unless it is longer
		// than any row tag: then it is not one, and not worth holding.
		cut := len(data)
		if err == nil {
			if i := bytes.LastIndexByte(data, '<'); i >= 0 && len(data)-i < 64<<10 && bytes.IndexByte(data[i:], '>') < 0 {
				cut = i
			}
		}
		for _, r := range rowNumbers(data[:cut]) {
			if r <= last {
				return false, nil
			}
			last = r
		}
		carry = append(carry[:0:0], data[cut:]...)
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// rowNumbers finds the r attribute of each row start tag (<row ...> or a
// prefixed <x:row ...>) in whole tags of data. A row without one follows
// the one before, so it counts as in order.
func rowNumbers(data []byte) []int {
	var out []int
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("row"))
		if j < 0 {
			return out
		}
		j += i
		i = j + 3
		if j == 0 || (data[j-1] != '<' && data[j-1] != ':') || i >= len(data) || (data[i] != ' ' && data[i] != '>' && data[i] != '/') {
			continue
		}
		end := bytes.IndexByte(data[i:], '>')
		if end < 0 {
			return out
		}
		tag := data[i : i+end]
		i += end // past the tag, so each byte is looked at once
		if v, ok := attr(tag, "r"); ok {
			if n, err := strconv.Atoi(string(bytes.TrimSpace(v))); err == nil {
				out = append(out, n)
			}
		}
	}
}

// chooseSheet picks the sheet to read: the one asked for, else the first
// visible one. A hidden first sheet (a lookup table, or last year's data
// kept out of sight) is not what anyone means by "the first sheet"; which
// sheets were passed over is reported.
func chooseSheet(wb *xlsxBook, path, want string, q *quality.Report) (string, []string, error) {
	sheets := wb.sheetNames()
	if want != "" {
		for _, s := range sheets {
			if s == want {
				return want, sheets, nil
			}
		}
		return "", sheets, &Error{Loc: quality.Loc{File: path}, Msg: fmt.Sprintf("no sheet named %q (sheets: %s)", want, quoteList(sheets))}
	}
	if len(sheets) == 0 {
		return "", sheets, &Error{Loc: quality.Loc{File: path}, Msg: "workbook has no worksheets"}
	}
	var hidden []string
	for _, s := range sheets {
		if !wb.visible(s) {
			hidden = append(hidden, s)
			continue
		}
		if q != nil {
			for _, h := range hidden {
				q.Find("hidden_sheet", quality.Loc{File: path, Sheet: h}, fmt.Sprintf("skipped: read %q, the first visible sheet (choose with --sheet)", s))
			}
		}
		return s, sheets, nil
	}
	return sheets[0], sheets, nil // every sheet hidden: the first, as Excel would show it when unhidden
}
