package ingest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/worker"
)

// TestReadQuoteAtChunkEdge: a quoted field that spans lines is rejected for
// the same reason, on the same line, however the parallel reader cuts the
// file: in one chunk, in chunks of every size from 2 bytes to the whole
// file (so that each record boundary, and each byte inside the quote's
// lines, is a chunk's end once), mapped and read, and as readRows reads it
// row by row. (Not 1 byte: read()'s reader grows its buffer only when less
// than chunkSize/2 is free, so with chunkSize 1 it can loop reading into a
// full buffer; the knob is a test's.) The bounds are lowered to 32 bytes
// and 3 lines, as FuzzChunkedRead's are. The first case is what that target found: a
// chunk that ended after a stray's first line, its closing quote in a line
// too long for any chunk, made the worker call it unclosed_quote where one
// pass says stray_quote (the quote is closed, on line 3, after a row's
// worth of delimiters: two stray quotes pairing up, not one missing).
func TestReadQuoteAtChunkEdge(t *testing.T) {
	const header = "UPN,Date,Session,Mark\n"
	const row = "A1,02/09/2024,AM,/\n"
	tests := []struct {
		name  string
		data  string
		allow bool
		// want is the account, by reason: the line and any detail;
		// counts rows read, used and rejected.
		want   map[string][]string
		counts [3]int
	}{
		{
			name:   "FuzzChunkedRead 5fb6e5949fcfe25c: a stray closed in a line too long, the file's last",
			data:   "\"000000000\n00,01.01.2022,A ,B\"" + strings.Repeat("0", 53),
			want:   map[string][]string{"stray_quote": {"2"}, "line_too_long": {"3 72 bytes"}},
			counts: [3]int{2, 0, 2},
		},
		{
			name:   "a stray closed in a line too long, rows after it",
			data:   row + "\"x\na,b,c,d\"" + strings.Repeat("y", 40) + "\n" + row + row,
			want:   map[string][]string{"stray_quote": {"3"}, "line_too_long": {"4 48 bytes"}, "duplicate_mark": {"5 02/09/2024 AM /", "6 02/09/2024 AM /"}},
			counts: [3]int{5, 1, 4},
		},
		{
			// A stray's closing quote as far from its start as the bound
			// lets it be (maxRecordBytes), the first byte of a line too
			// long: the chunk ends 32 bytes after the stray's start, the
			// farthest back a stray the worker must be told of can start
			// (straysBefore keeping fewer fails here).
			name:   "a stray closed by the last byte the bound reaches, a line too long",
			data:   row + "\"a,b,c,d" + strings.Repeat("x", 23) + "\n\"" + strings.Repeat("y", 40) + "\n" + row,
			want:   map[string][]string{"stray_quote": {"3"}, "line_too_long": {"4 41 bytes"}, "duplicate_mark": {"5 02/09/2024 AM /"}},
			counts: [3]int{4, 1, 3},
		},
		{
			name:   "a quote closed in a line too long, no row's worth of delimiters: the record runs past the bound",
			data:   row + "\"x\nab\"" + strings.Repeat("y", 40) + "\n" + row,
			want:   map[string][]string{"unclosed_quote": {"3"}, "line_too_long": {"4 43 bytes"}, "duplicate_mark": {"5 02/09/2024 AM /"}},
			counts: [3]int{4, 1, 3},
		},
		{
			name:   "a stray closed on a later line of its own bytes, the line after it opening a quote",
			data:   row + "\"x\na,b\nc,d,e\",\"f\ng\"\n" + row,
			want:   map[string][]string{"stray_quote": {"3"}, "short_row": {"4 2 of 4 columns"}, "bad_date": {`5 "d"`}, "duplicate_mark": {"7 02/09/2024 AM /"}},
			counts: [3]int{5, 1, 4},
		},
		{
			name:   "a stray closed then followed by text",
			data:   row + "A2,\"x\nA3,02/09/2024,AM,/\"x\n" + row,
			want:   map[string][]string{"stray_quote": {"3"}, "unknown_code": {`4 "/\"x"`}, "duplicate_mark": {"5 02/09/2024 AM /"}},
			counts: [3]int{4, 1, 3},
		},
		{
			name:   "a quoted field over two lines, closed then followed by text, within the bounds: one row",
			data:   row + "A1,02/09/2024,PM,\"/\n\"x\n" + row,
			want:   map[string][]string{"unknown_code": {`3 "/\nx"`}, "duplicate_mark": {"5 02/09/2024 AM /"}},
			counts: [3]int{3, 1, 2},
		},
		{
			name:   "a quoted field over lines past the byte bound, never closed",
			data:   row + "A2,\"aaaaaaaaaa\nbbbbbbbbbbbbbbb\nccccccccccccccc\n" + row,
			want:   map[string][]string{"unclosed_quote": {"3"}, "short_row": {"4 1 of 4 columns", "5 1 of 4 columns"}, "duplicate_mark": {"6 02/09/2024 AM /"}},
			counts: [3]int{5, 1, 4},
		},
		{
			name:   "a quoted field over lines past the line bound, never closed",
			data:   row + "A2,\"a\nb\nc\nd\n" + row,
			want:   map[string][]string{"unclosed_quote": {"3"}, "short_row": {"4 1 of 4 columns", "5 1 of 4 columns", "6 1 of 4 columns"}, "duplicate_mark": {"7 02/09/2024 AM /"}},
			counts: [3]int{6, 1, 5},
		},
		{
			name:   "a quote open at the end of the file, within the bounds",
			data:   row + "A2,\"a\nb",
			allow:  true,
			want:   map[string][]string{"incomplete_row": {"3 a quoted field is never closed, or a \" is missing", "4 1 of 4 columns and no line break at the end"}},
			counts: [3]int{3, 1, 2},
		},
	}
	b, l, c := maxRecordBytes, maxRecordLines, chunkSize
	defer func() {
		maxRecordBytes, maxRecordLines, chunkSize = b, l, c
		testMarksRows, testNoMap = false, false
	}()
	maxRecordBytes, maxRecordLines = 32, 3
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := header + tc.data
			path := writeFile(t, t.TempDir(), "f.csv", []byte(file))
			opts := Options{Layout: LayoutMarks, AllowIncomplete: tc.allow}
			check := func(how string) {
				t.Helper()
				defer func() {
					// A panic names the read that raised it.
					if r := recover(); r != nil {
						if p, ok := r.(worker.Panic); ok {
							r = fmt.Sprintf("%v\n%s", p.Value, p.Stack)
						}
						t.Fatalf("%s: panic: %v", how, r)
					}
				}()
				v := readForView(t, path, opts)
				if v.Err != "" {
					t.Fatalf("%s: %s", how, v.Err)
				}
				if diff := cmp.Diff(tc.want, v.Account); diff != "" {
					t.Fatalf("%s: account (-want +got):\n%s", how, diff)
				}
				if got := [3]int{v.Counts[0], v.Counts[1], v.Counts[2]}; got != tc.counts {
					t.Fatalf("%s: rows read, used, rejected %v, want %v", how, got, tc.counts)
				}
			}
			testMarksRows = true
			check("row by row")
			testMarksRows = false
			chunkSize = c
			opts.Workers = 1
			check("one chunk")
			opts.Workers = 3
			for _, mapped := range []bool{true, false} {
				testNoMap = !mapped
				for size := 2; size <= len(file)+1; size++ {
					chunkSize = size
					check(fmt.Sprintf("mapped %v, chunks of %d", mapped, size))
				}
			}
			testNoMap = false
		})
	}
}
