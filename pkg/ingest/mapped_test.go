package ingest

import (
	"bytes"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/worker"
)

// readMappedView reads path into a fresh register and returns every enrolment's
// marks and details, the row account, and the error's text.
func readMappedView(t *testing.T, path string, opts Options) (map[string]pupilView, accountView, string) {
	t.Helper()
	return readEnrolments(t, func(b *register.Builder) error { return ReadFile(path, opts, b) })
}

// readEnrolments runs read into a fresh builder and returns every
// enrolment's marks and details, the row account (checked to balance), and
// the error's text.
func readEnrolments(t *testing.T, read func(*register.Builder) error) (map[string]pupilView, accountView, string) {
	t.Helper()
	q := quality.New()
	q.Limit = 1 << 20
	b := register.NewBuilder(q)
	if err := read(b); err != nil {
		return nil, accountView{}, err.Error()
	}
	if err := q.Balanced(); err != nil {
		t.Fatal(err)
	}
	return viewEnrolments(b.Reg), viewAccount(q), ""
}

// compareMapped reads path mapped (where the system maps files) and through
// read(), with chunks of size bytes, and fails on any difference. It
// returns the account.
func compareMapped(t *testing.T, path string, opts Options, size int) accountView {
	t.Helper()
	c := chunkSize
	defer func() { chunkSize = c; testNoMap = false }()
	chunkSize = size
	mapReg, mapAcc, mapErr := readMappedView(t, path, opts)
	testNoMap = true
	readReg, readAcc, readErr := readMappedView(t, path, opts)
	if diff := cmp.Diff(readErr, mapErr); diff != "" {
		t.Fatalf("errors (-read +mapped):\n%s", diff)
	}
	if diff := cmp.Diff(readReg, mapReg); diff != "" {
		t.Fatalf("registers (-read +mapped):\n%s", diff)
	}
	if diff := cmp.Diff(readAcc, mapAcc); diff != "" {
		t.Fatalf("accounts (-read +mapped):\n%s", diff)
	}
	return mapAcc
}

const mappedHeader = "UPN,Surname,Forename,School,Date,Session,Mark\n"

// FuzzMarksMapped checks the marks reader on a mapped file (mappedText:
// chunks cut where the data lies, lone CRs fixed in place, pages given back
// as rows are applied) against the same reader on the same file read with
// read(), with chunks small enough that every record boundary is tried.
func FuzzMarksMapped(f *testing.F) {
	for _, s := range []string{
		"A1,Ash,Ivy,S1,02/09/2024,AM,/\nA1,Ash,Ivy,S1,02/09/2024,PM,\\\nA1,Ash,Ivy,S1,03/09/2024,AM,Q\nB2,Elm,Al,S1,03/09/2024,AM,/\nB2,Elm,Al,S1,03/09/2024,AM,N\n",
		"A1,Ash,Ivy,S1,02/09/2024,AM,/\rA1,Ash,Ivy,S1,02/09/2024,PM,/\r\nA1,\"Ash\",Ivy,S1,03/09/2024,AM,/\r",
		"A1,\"Ash\nAsh\",Ivy,S1,02/09/2024,AM,/\nA1,Ash,Ivy,S1,02/09/2024,PM,/\nA1,\"Ash,Ivy,S1,03/09/2024,AM,/\nA1,Ash,Ivy,S1,03/09/2024,PM",
		"A1,Ash,Ivy,S1,02/09/2024,AM,/\n\n\nA1,Ash,Ivy,S1,02/09/2024,PM,/\x00\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := writeFile(t, t.TempDir(), "f.csv", append([]byte(mappedHeader), data...))
		compareMapped(t, path, Options{Layout: LayoutMarks, AllowIncomplete: true, Workers: 2}, 64)
	})
}

// TestMarksMappedFiles compares the mapped and the read reader on files
// bigger than the fuzz target writes: a year of a small school cut into
// chunks of several sizes, Windows-1252 read raw, and a line longer than
// maxRecordBytes (skipped in the mapping, its lone CRs fixed first).
func TestMarksMappedFiles(t *testing.T) {
	dir := t.TempDir()
	br := makeBigRegister(bigOptions{pupils: 40, days: 30, multiLineAt: 5000, strayQuote: true})
	// Two long lines: one ended by a lone CR (a line break once fixed),
	// one by a line break; the rows after each are read.
	long := append([]byte(mappedHeader), "A1,Ash,Ivy,S1,02/09/2024,AM,/\nA1,"...)
	long = append(long, bytes.Repeat([]byte("x"), maxRecordBytes+100)...)
	long = append(long, "\rA1,Ash,Ivy,S1,02/09/2024,PM,/\nB2,"...)
	long = append(long, bytes.Repeat([]byte("y"), maxRecordBytes+100)...)
	long = append(long, "\nA1,Ash,Ivy,S1,03/09/2024,AM,/\n"...)
	cp := []byte(mappedHeader + "A1,N\xe9e,Ivy,S1,02/09/2024,AM,/\nA1,N\xe9e,Ivy,S1,02/09/2024,PM,/\n" + strings.Repeat("B2,Elm,\xc0l,S1,03/09/2024,AM,/\n", 300))
	tests := []struct {
		name string
		data []byte
		size int
		// long is how many lines are rejected as longer than
		// maxRecordBytes, rows the rows read.
		long, rows int
	}{
		{"a school's register, 4 KiB chunks", br.data, 4 << 10, 0, br.rows},
		{"a school's register, 1 MiB chunks", br.data, 1 << 20, 0, br.rows},
		{"a line longer than maxRecordBytes", long, 64 << 10, 2, 5},
		{"Windows-1252", cp, 512, 0, 302},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, strings.ReplaceAll(tc.name, " ", "_")+".csv", tc.data)
			acc := compareMapped(t, path, Options{AllowIncomplete: true, Workers: 2}, tc.size)
			if len(acc.Rejected["line_too_long"]) != tc.long || acc.RowsRead != tc.rows {
				t.Errorf("rows read %d, want %d; lines too long %v, want %d", acc.RowsRead, tc.rows, acc.Rejected["line_too_long"], tc.long)
			}
		})
	}
}

// TestMarksReaderWorkerPanicMidFile: a worker that panics in the middle of
// a file, with the chunks before and after it in flight, still reaches the
// caller as a worker.Panic, and the read does not hang: the reader, waiting
// for a chunk buffer the apply can never give back, is stopped.
func TestMarksReaderWorkerPanicMidFile(t *testing.T) {
	br := makeBigRegister(bigOptions{pupils: 40, days: 30})
	path := writeFile(t, t.TempDir(), "marks.csv", br.data)
	for _, mapped := range []bool{true, false} {
		c := chunkSize
		chunkSize = 2 << 10
		testNoMap = !mapped
		var n atomic.Int32
		testWorkerHook = func(role string) {
			if role == "chunk" && n.Add(1) == 5 {
				panic("boom in a chunk")
			}
		}
		got := make(chan any, 1)
		go func() {
			defer func() { got <- recover() }()
			_ = ReadFile(path, Options{Workers: 2}, register.NewBuilder(newQuality(100)))
		}()
		select {
		case r := <-got:
			if wp, ok := r.(worker.Panic); !ok || wp.Value != "boom in a chunk" {
				t.Errorf("mapped %v: ReadFile recovered %#v, want the worker's panic", mapped, r)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("mapped %v: ReadFile hangs after a worker's panic", mapped)
		}
		testWorkerHook, testNoMap, chunkSize = nil, false, c
	}
}

// TestMarksMappedLongLineSmallChunks: with maxRecordBytes lowered, a line
// too long for a chunk, with rows after it, is read mapped as it is read
// with read() in chunks of every size. Skipping the line fixes lone CRs up
// to 64 KiB past its break; in chunks smaller than that, the next chunk
// then ended before where the CRs were fixed to, and fixCRs sliced its
// window backwards (a panic, as every fuzz target with small chunks and a
// long line mid-file could meet).
func TestMarksMappedLongLineSmallChunks(t *testing.T) {
	b := maxRecordBytes
	defer func() { maxRecordBytes = b }()
	maxRecordBytes = 32
	// The header and rows fit the lowered bound.
	const row = "A1,02/09/2024,AM,/\n"
	data := "UPN,Date,Session,Mark\n" + row + "A1,03/09/2024,AM," + strings.Repeat("x", 40) + "\rA1,03/09/2024,PM,/\r\n" + row
	path := writeFile(t, t.TempDir(), "f.csv", []byte(data))
	for size := 2; size <= len(data)+1; size++ {
		acc := compareMapped(t, path, Options{Layout: LayoutMarks, AllowIncomplete: true, Workers: 2}, size)
		if want := []string{path + ":3 57 bytes"}; !cmp.Equal(acc.Rejected["line_too_long"], want) || acc.RowsRead != 4 {
			t.Fatalf("chunks of %d: rows read %d, want 4; lines too long %v, want %v", size, acc.RowsRead, acc.Rejected["line_too_long"], want)
		}
	}
}
