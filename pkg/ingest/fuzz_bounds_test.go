package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// readView is everything a read gives a user: the error, or the register
// and the whole account.
type readView struct {
	Err      string
	Reg      map[string]pupilView
	Counts   [6]int
	Account  map[string][]string
	Encoding string
}

func readForView(t *testing.T, path string, opts Options) readView {
	t.Helper()
	q := quality.New()
	q.Limit = 1 << 20
	b := register.NewBuilder(q)
	if err := ReadFile(path, opts, b); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v is not an *ingest.Error", err)
		}
		return readView{Err: err.Error()}
	}
	if err := q.Balanced(); err != nil {
		t.Fatal(err)
	}
	return readView{Reg: viewRegister(b.Reg), Account: lineView(q), Encoding: q.Files[0].Encoding,
		Counts: [6]int{q.RowsRead, q.RowsUsed, q.RowsRejected, q.MarksRead, q.MarksUsed, q.MarksRejected}}
}

// FuzzChunkedRead: with the record bounds lowered so that small inputs hit
// them, a marks CSV cut into chunks of a few bytes, parsed by three
// workers, reads exactly as it does in one chunk: the same register, the
// same account with the same line numbers, the same error. This is the
// property the parallel reader's boundary rules (runaway quotes, long
// lines, cut-off last rows) exist to keep.
func FuzzChunkedRead(f *testing.F) {
	for _, s := range []string{
		"A1,02/09/2024,AM,/\nA1,02/09/2024,PM,\\\n",
		"A1,\"02/09/2024,AM,/\nA2,02/09/2024,AM,/\nA3,02/09/2024,AM,/\nA4,02/09/2024,AM,/\nA5,02/09/2024,AM,/\n",
		"A1,02/09/2024,AM,/\nA2," + strings.Repeat("x", 40) + ",AM,/\nA3,02/09/2024,AM,/\n",
		"A1,\"a\nb\",02/09/2024,AM,/\nA2,02/09/2024,AM,/\n",
		"A1,02/09/2024,AM,/\nA2,02/09",
		"A1,02/09/2024,AM,/\n\x00\x00\x00",
		"A1,02/09/2024,AM,/\rA2,02/09/2024,AM,/\r",
		"A1,O\"Brien,02/09/2024,AM,/\nA2,\"x\"\"y\",02/09/2024,AM,/\n",
		"A\xe91,02/09/2024,AM,/\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, allow bool) {
		b, l, c := maxRecordBytes, maxRecordLines, chunkSize
		defer func() { maxRecordBytes, maxRecordLines, chunkSize = b, l, c }()
		maxRecordBytes, maxRecordLines = 32, 3
		path := filepath.Join(t.TempDir(), "f.csv")
		writeFile(t, filepath.Dir(path), "f.csv", append([]byte("UPN,Date,Session,Mark\n"), data...))
		opts := Options{Layout: LayoutMarks, AllowIncomplete: allow}
		opts.Workers = 1
		one := readForView(t, path, opts)
		chunkSize = 48
		opts.Workers = 3
		many := readForView(t, path, opts)
		if diff := cmp.Diff(one, many); diff != "" {
			t.Fatalf("one chunk and many disagree (-one +many):\n%s", diff)
		}
	})
}

// FuzzMarksPaths: a marks CSV read by the parallel reader (its one-pass
// splitter, a plain row applied from its packed record to Builder.Last)
// reads exactly as it does row by row through readRows, which splits with
// splitRow and applies every row through applyRow and Builder.Pupil: the
// same register, account, line numbers and error. The header has no
// school or name columns and the text is ASCII: the two paths differ, as
// they did before the splitter, in whose details a pupil keeps when later
// rows name other details or another school (a chunk's first rows no
// longer differ: FuzzChunkedDetails), and in
// how each reports a field that is not UTF-8.
func FuzzMarksPaths(f *testing.F) {
	for _, s := range []string{
		"A1,02/09/2024,AM,/\nA1,02/09/2024,PM,\\\nA1,03/09/2024,AM,Q\nB2,03/09/2024,AM,/\nA1,03/09/2024,PM,/\nA1,04/09/2024,XM,/\n",
		"A1,02/09/2024,AM,/\nA1,31/02/2024,PM,/\nA1,02/09/2024,PM,/\n,02/09/2024,PM,/\nA1,02/09/2024,PM,/\nB2,02/09/2024,PM,Z\nA1,03/09/2024,AM,/\n",
		"A1,02/09/2024,AM,/\nA1,02/09/2024,AM,/\nA1,02/09/2024,AM,N\nA1,02/09/2024,PM,/,extra\nA1,02/09/2024,PM\n",
		"A1,\"02/09/2024\",AM,/\r\nA1,02/09/2024,PM,/\r\nA1,02/09/1924,AM,/\nA1,13/09/2024,AM,/\nA1,09/13/2024,AM,/\n",
		"a1,02/09/2024,AM,/\nA1,02/09/2024,PM,/\n A1,03/09/2024,AM,/\nA1,03/09/2024,pm,L\nA1,03/09/2024,PM",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, allow bool) {
		if hasHigh(data) {
			t.Skip("not ASCII")
		}
		c := chunkSize
		defer func() { chunkSize = c; testMarksRows = false }()
		chunkSize = 64
		path := filepath.Join(t.TempDir(), "f.csv")
		writeFile(t, filepath.Dir(path), "f.csv", append([]byte("UPN,Date,Session,Mark\n"), data...))
		opts := Options{Layout: LayoutMarks, AllowIncomplete: allow, Workers: 2}
		parallel := readForView(t, path, opts)
		testMarksRows = true
		serial := readForView(t, path, opts)
		if diff := cmp.Diff(serial, parallel); diff != "" {
			t.Fatalf("row by row and the parallel reader disagree (-rows +parallel):\n%s", diff)
		}
	})
}

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// xlsxAllocLimit bounds what reading one small fuzzed workbook may
// allocate: excelize's own working set for a tiny workbook is a few
// megabytes; a reader that believed a declared size would go far past it.
const xlsxAllocLimit = 64 << 20

// FuzzReadXLSXRows: any cells under a marks header, written as a real
// workbook, are read without a panic; every row is accounted for, and the
// read allocates within a fixed bound.
func FuzzReadXLSXRows(f *testing.F) {
	f.Add("A1,02/09/2024,AM,/\nA1,02/09/2024,PM,Q9\n")
	f.Add("A1,45538,AM,/,extra\n,,,\nA2,x,y,z\n")
	f.Add("A1,02/09/2024,AM\n\n\nA1,03/09/2024,PM,N\n")
	f.Fuzz(func(t *testing.T, cells string) {
		wb := excelize.NewFile()
		rows := append([]string{"UPN,Date,Session,Mark"}, strings.Split(cells, "\n")...)
		if len(rows) > 200 {
			rows = rows[:200]
		}
		for r, row := range rows {
			for c, v := range strings.Split(row, ",") {
				if c >= 20 {
					break
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := wb.SetCellStr("Sheet1", cell, v); err != nil {
					t.Skip("excelize will not store this cell:", err)
				}
			}
		}
		var buf bytes.Buffer
		if err := wb.Write(&buf); err != nil {
			t.Skip(err)
		}
		path := writeFile(t, t.TempDir(), "f.xlsx", buf.Bytes())
		var v readView
		if n := allocated(func() { v = readForView(t, path, Options{}) }); n > xlsxAllocLimit {
			t.Fatalf("reading a %d-byte workbook allocated %d MiB", buf.Len(), n>>20)
		}
		if v.Err == "" && v.Counts[0] != v.Counts[1]+v.Counts[2] {
			t.Fatalf("rows %v do not balance", v.Counts)
		}
	})
}

// FuzzReadXLSXBytes: any bytes after a zip signature, seeded with real
// workbooks and a bomb, are refused with an *ingest.Error or read; never a
// panic, never an allocation beyond the bound.
func FuzzReadXLSXBytes(f *testing.F) {
	f.Add(workbook(f, []string{"Sheet1"}, map[string][][]string{"Sheet1": marksRows}))
	f.Add(workbook(f, []string{"Lookup", "Register"}, map[string][][]string{"Lookup": marksRows[:2], "Register": marksRows}))
	f.Add(rawZip(f, "xl/worksheets/sheet1.xml", 1<<40, []byte("<worksheet/>")))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
			data = append([]byte("PK\x03\x04"), data...)
		}
		if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err != nil && len(data) > 64<<10 {
			t.Skip("not a zip, and large")
		}
		path := writeFile(t, t.TempDir(), "f.xlsx", data)
		// What a zip really holds can unpack to 1032 times its size
		// (deflate's limit); allow for that, twice, over the fixed bound.
		if n := allocated(func() { readForView(t, path, Options{}) }); n > xlsxAllocLimit+2*1032*uint64(len(data)) {
			t.Fatalf("reading %d bytes allocated %d MiB", len(data), n>>20)
		}
	})
}

// FuzzChunkedDetails: with name and school columns, where each chunk's
// first rows carry the pupil's details again, a file cut into many chunks
// reads exactly as one chunk: the same enrolments (by school and id),
// details, marks and account. (A blank surname used to be filled from a
// chunk's first row where a single pass left it blank.)
func FuzzChunkedDetails(f *testing.F) {
	for _, s := range []string{
		"A1,,S1,02/09/2024,AM,/\nA1,,S1,02/09/2024,PM,\\\nA1,Ash,S1,03/09/2024,AM,/\nA1,Ash,S1,03/09/2024,PM,/\nA1,Ash,S1,04/09/2024,AM,/\nA1,Ash,S1,04/09/2024,PM,/\n",
		"A1,Ash,S1,02/09/2024,AM,/\nA1,Ash,S2,02/09/2024,PM,/\nA1,Ash,S1,03/09/2024,AM,Q\nA1,,S1,03/09/2024,PM,/\nB2,Birch,S1,03/09/2024,AM,/\nB2,Elm,S1,03/09/2024,PM,/\n",
		"A1,Ash,S1,02/09/2024,AM,ZZ\nA1,Oak,S1,02/09/2024,PM,/\nA1,Ash,S1,03/09/2024,AM,/\nA1,,S2,03/09/2024,PM,/\nA1,Ash,S2,04/09/2024,AM,/\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if hasHigh(data) {
			t.Skip("not ASCII")
		}
		c := chunkSize
		defer func() { chunkSize = c }()
		path := filepath.Join(t.TempDir(), "f.csv")
		writeFile(t, filepath.Dir(path), "f.csv", append([]byte("UPN,Surname,School,Date,Session,Mark\n"), data...))
		read := func(workers int) (map[string]pupilView, accountView, string) {
			q := quality.New()
			q.Limit = 1 << 20
			b := register.NewBuilder(q)
			if err := ReadFile(path, Options{Layout: LayoutMarks, AllowIncomplete: true, Workers: workers}, b); err != nil {
				return nil, accountView{}, err.Error()
			}
			return viewEnrolments(b.Reg), viewAccount(q), ""
		}
		oneReg, oneAcc, oneErr := read(1)
		chunkSize = 48
		manyReg, manyAcc, manyErr := read(3)
		if diff := cmp.Diff(oneErr, manyErr); diff != "" {
			t.Fatalf("errors (-one +many):\n%s", diff)
		}
		if diff := cmp.Diff(oneReg, manyReg); diff != "" {
			t.Fatalf("one chunk and many disagree (-one +many):\n%s", diff)
		}
		if diff := cmp.Diff(oneAcc, manyAcc); diff != "" {
			t.Fatalf("accounts (-one +many):\n%s", diff)
		}
	})
}

// FuzzMarksFastPaths: the parallel reader reads exactly the same with its
// fast paths (a row that continues the pupil of the row before, parsed by
// marksCols.continuedRows, and one of the row before's shape by
// marksCols.shapedRows; a plain row applied without its markRec, by
// register.PlainRun where it can) as without them: the same enrolments with
// their details, account, line numbers and error, whatever the bytes
// (names, schools, text that is not UTF-8, local codes) and wherever the
// chunks are cut. Chunks of 64 bytes cut the rows everywhere; chunks of
// 64 KiB hold the whole input, where rows of the same shape follow each
// other (shapedRows reads a row only with some words after it in its
// chunk).
func FuzzMarksFastPaths(f *testing.F) {
	for _, s := range []string{
		"A1,Ash,Ivy,S1,02/09/2024,AM,/\nA1,Ash,Ivy,S1,02/09/2024,PM,\\\nA1,Ash,Ivy,S1,03/09/2024,AM,Q\nA1,Ash,Ivy,S1,03/09/2024,PM,HOL\nB2,Elm,Al,S1,03/09/2024,AM,/\nB2,Elm,Al,S1,03/09/2024,AM,N\n",
		"A1,Ash,Ivy,S1,02/09/2024,AM,/\nA1,Ash,Ivy,S2,02/09/2024,PM,/\nA1,Ash,Ivy,S2,31/02/2024,AM,/\nA1,Ash,Ivy,S2,03/09/2024,XM,/\nA1,Ash,Ivy,S2,03/09/2024,PM,/,x\nA1,Ash,Ivy,S2,04/09/1924,AM,/\nA1,Ash,Ivy,S2,05/09/2024,AM,/\n",
		"A\xe91,N\xe9e,Ivy,S1,02/09/2024,AM,/\nA\xe91,N\xe9e,Ivy,S1,02/09/2024,PM,/\nA1,Ash,,S1,09/13/2024,AM,/\nA1,Ash,,S1,13/09/2024,AM,/\nA1,Ash,,S1,07/09/2024,AM,/\n\nA1,Ash,,S1,08/09/2024,AM,/\n",
		"A1,Ash,Ivy,S1,02/09/2024,AM,/\r\nA1,Ash,Ivy,S1,02/09/2024,PM,/\r\nA1,\"Ash\",Ivy,S1,03/09/2024,AM,/\nA1,Ash,Ivy,S1,03/09/2024,PM,#\nA1,Ash,Ivy,S1,03/09/2024,PM",
		// Rows of one shape, broken by each thing shapedRows must leave to
		// cut: another pupil, a longer or shorter field, a quote, a CR, a
		// delimiter moved, a session or code it does not read, a weekend.
		"K801200001001,Ash,Ivy,S1,02/09/2024,AM,/\nK801200001001,Ash,Ivy,S1,02/09/2024,PM,L\nK801200001001,Ash,Ivy,S1,03/09/2024,AM,I\nK801200001001,Ash,Ivy,S1,03/09/2024,PM,C1\nK801200001001,Ash,Ivy,S1,04/09/2024,AM,\"/\"\nK801200001001,Ash,Ivy,S1,04/09/2024,PM,/\nK801200001001,Ash,Ivy,S1,05/09/2024,am,/\nK801200001001,Ash,Ivy,S1,05/09/2024,P,/\nK801200001001,Ash,Ivy,S1,07/09/2024,AM,#\nK801200001001,Ash,Ivy,S1,6/09/2024,AM,/\nK801200001001,Ash,Ivy,S1,06/09/2024,PM,/\nK801200001002,Ash,Ivy,S1,06/09/2024,PM,/\nK801200001002,Ash,Ivy,S1,06/09/2024,PM,/\n",
		"A1,Ash,Ivy,S1,02/09/2024,AM,/\r\nA1,Ash,Ivy,S1,02/09/2024,PM,/\r\nA1,Ash,Ivy,S1,03/09/2024,AM,N\r\nA1,Ash,Ivy,S1,03/09/2024,PM,\r\r\nA1,Ash,Ivy,S1,04/09/2024,AM,/\r\nA1,Ash,Ivy,S1,04/09/2024,PM,/\n",
		"P0000000000000001,Featherstonehaugh-Smythe,Alexandra Victoria,School of St Mary,02/09/2024,AM,/\nP0000000000000001,Featherstonehaugh-Smythe,Alexandra Victoria,School of St Mary,02/09/2024,PM,/\nP0000000000000001,Featherstonehaugh-Smythe,Alexandra Victoria,School of St Mary,03/09/2024,AM,B\nP0000000000000001,Featherstonehaugh-Smythe,Alexandra Victoria,School of St Mary,03/09/2024,PM,/,\n",
		"1,A,,,02/09/2024,AM,/\n1,A,,,02/09/2024,PM,/\n1,A,,,2024-09-03,AM,/\n1,A,,,2024-09-03,PM,/\n1,A,,,2024-09-04,AM,/\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, local bool) {
		c := chunkSize
		defer func() { chunkSize = c; testSlowPaths = false }()
		path := filepath.Join(t.TempDir(), "f.csv")
		writeFile(t, filepath.Dir(path), "f.csv", append([]byte("UPN,Surname,Forename,School,Date,Session,Mark\n"), data...))
		opts := Options{Layout: LayoutMarks, AllowIncomplete: true, Workers: 2}
		if local {
			g, _ := mark.Lookup("G")
			opts.LocalCodes = map[string]mark.ID{"HOL": g}
		}
		for _, size := range []int{64, 64 << 10} {
			chunkSize = size
			testSlowPaths = false
			fastReg, fastAcc, fastErr := readFastPaths(t, path, opts)
			testSlowPaths = true
			slowReg, slowAcc, slowErr := readFastPaths(t, path, opts)
			if diff := cmp.Diff(slowErr, fastErr); diff != "" {
				t.Fatalf("chunks of %d: errors (-slow +fast):\n%s", size, diff)
			}
			if diff := cmp.Diff(slowReg, fastReg); diff != "" {
				t.Fatalf("chunks of %d: registers (-slow +fast):\n%s", size, diff)
			}
			if diff := cmp.Diff(slowAcc, fastAcc); diff != "" {
				t.Fatalf("chunks of %d: accounts (-slow +fast):\n%s", size, diff)
			}
		}
	})
}

// readFastPaths reads path for FuzzMarksFastPaths and TestMarksShapes, as
// analyse does (ReadFiles: the builder knows the file, as
// register.PlainRun needs): every enrolment with its details and marks,
// the account, and the error.
func readFastPaths(t *testing.T, path string, opts Options) (map[string]pupilView, accountView, string) {
	t.Helper()
	return readEnrolments(t, func(b *register.Builder) error { return ReadFiles([]string{path}, opts, b) })
}
