package ingest

import (
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// withBounds lowers the record bounds for one test.
func withBounds(t *testing.T, bytes, lines int) {
	t.Helper()
	b, l := maxRecordBytes, maxRecordLines
	maxRecordBytes, maxRecordLines = bytes, lines
	t.Cleanup(func() { maxRecordBytes, maxRecordLines = b, l })
}

func TestSplitRecordBounds(t *testing.T) {
	withBounds(t, 20, 3)
	x := strings.Repeat
	tests := []struct {
		name   string
		data   string
		want   []string
		next   int
		lines  int
		status recStatus
	}{
		{"a quoted field over 2 line breaks is fine", "a,\"x\ny\nz\",b\nnext", []string{"a", "x\ny\nz", "b"}, 12, 3, recOK},
		{"a quoted field reaching 3 line breaks is a runaway", "a,\"x\ny\nz\nw\",b\nnext", nil, 5, 1, recRunaway},
		{"a runaway that never closes", "a,\"x\ny\nz\nw\nv", nil, 5, 1, recRunaway},
		{"a record of exactly the byte bound", "\"" + x("x", 7) + "\n" + x("y", 7) + "\",zz\nnext", []string{x("x", 7) + "\n" + x("y", 7), "zz"}, 21, 2, recOK},
		{"a record a byte over it is a runaway", "\"" + x("x", 7) + "\n" + x("y", 7) + "\",zzz\nnext", nil, 9, 1, recRunaway},
		{"a line of exactly the byte bound", x("x", 20) + "\nnext", []string{x("x", 20)}, 21, 1, recOK},
		{"a longer line, its break in the data", x("x", 21) + "\nnext", nil, 22, 1, recLong},
		{"a longer line, no break in the data", x("x", 25), nil, 25, 0, recLong},
		{"a longer line holding a quote", "\"" + x("x", 25) + "\n", nil, 27, 1, recLong},
		{"an open quote within the bounds", "a,\"x\ny", []string{"a", "x\ny"}, 6, 1, recOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields, next, lines, st := splitRecord([]byte(tt.data), 0, ',', nil)
			got := []any{strs(fields), next, lines, st}
			want := []any{tt.want, tt.next, tt.lines, tt.status}
			if tt.want == nil {
				want[0] = []string{}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("splitRecord(%q) (-want +got):\n%s", tt.data, diff)
			}
		})
	}
}

func TestLastRecordEndBounds(t *testing.T) {
	withBounds(t, 20, 3)
	tests := []struct {
		name        string
		data        string
		end, longAt int
	}{
		{"an open quote within the bounds waits", "ok\n\"x\ny", 3, -1},
		// The runaway is decided: its first line is a record, and the lines
		// after it are records of their own.
		{"a runaway is cut after its first line", "ok\n\"x\ny\nz\nw\nv", 12, -1},
		{"a long line without a break is skipped", "ok\n" + strings.Repeat("x", 21), 3, 3},
		{"a long line without quotes anywhere", "ok\nfine\n" + strings.Repeat("x", 21), 8, 8},
		{"a long line with its break is a record", "ok\n" + strings.Repeat("x", 21) + "\nz", 25, -1},
	}
	for _, tt := range tests {
		end, longAt := lastRecordEnd([]byte(tt.data), ',')
		if end != tt.end || longAt != tt.longAt {
			t.Errorf("%s: lastRecordEnd(%q) = %d, %d; want %d, %d", tt.name, tt.data, end, longAt, tt.end, tt.longAt)
		}
	}
}

// lineView is the rejections and findings of a report as "line detail",
// the file name dropped.
func lineView(q *quality.Report) map[string][]string {
	out := map[string][]string{}
	for _, set := range [][]*quality.Reason{q.Rejections(), q.Findings()} {
		for _, r := range set {
			for _, e := range r.Examples {
				where := e.Where
				if i := strings.LastIndexByte(where, ':'); i >= 0 && !strings.Contains(where, "!") {
					where = where[i+1:]
				}
				out[r.Key] = append(out[r.Key], strings.TrimSpace(where+" "+e.Detail))
			}
			if r.Count != len(r.Examples) {
				out[r.Key] = append(out[r.Key], "...")
			}
		}
	}
	return out
}

type rowCounts struct{ Read, Used, Rejected int }

// boundsFile is a clean register of n rows, one pupil each, with row i
// (1-based) replaced by edit's answer when it gives one. Row i is on line
// i+1 unless an edit adds line breaks.
func boundsFile(layout string, n int, edit func(i int) (string, bool)) string {
	var sb strings.Builder
	if layout == "grid" {
		sb.WriteString("UPN,Surname,02/09/2024 AM\n")
	} else {
		sb.WriteString("UPN,Surname,Date,Session,Mark\n")
	}
	for i := 1; i <= n; i++ {
		if edit != nil {
			if s, ok := edit(i); ok {
				sb.WriteString(s)
				continue
			}
		}
		if layout == "grid" {
			fmt.Fprintf(&sb, "P%d,Smith,/\n", i)
		} else {
			fmt.Fprintf(&sb, "P%d,Smith,02/09/2024,AM,/\n", i)
		}
	}
	return sb.String()
}

// TestReadBounds: a stray quote, a cut-off last row, a zero-filled tail and
// lone carriage returns, in the marks layout (parallel reader, one worker
// and three) and the grid layout (single pass): the rows the problem would
// have swallowed are read, every row is accounted for, and a cut-off file
// fails unless --allow-incomplete.
func TestReadBounds(t *testing.T) {
	stray := func(at int, layout string) func(int) (string, bool) {
		return func(i int) (string, bool) {
			if i != at {
				return "", false
			}
			if layout == "grid" {
				return fmt.Sprintf("P%d,\"Smith,/\n", i), true
			}
			return fmt.Sprintf("P%d,\"Smith,02/09/2024,AM,/\n", i), true
		}
	}
	full := map[string]string{"marks": "P999,Smith,02/09/2024,AM,/", "grid": "P999,Smith,/"}
	bad := map[string]string{"marks": "P999,Smith,02/09/2024,AM,Q9", "grid": "P999,Smith,Q9"}
	short := map[string]string{"marks": "P999,Smith,02/0", "grid": "P999,Smi"}
	shortCols := map[string]string{"marks": "3 of 5", "grid": "2 of 3"}
	const cut = "the export looks cut off; export it again, or give --allow-incomplete to read it without this row"
	type tc struct {
		name    string
		data    func(layout string) string
		allow   bool
		wantErr func(layout string) string // %s is the path
		counts  rowCounts
		// gridUsed: in the grid layout an unknown code rejects the mark,
		// not the row.
		gridUsed bool
		want     func(layout string) map[string][]string
	}
	tests := []tc{
		{
			name:   "stray quote 140 rows before the end: one row rejected",
			data:   func(l string) string { return boundsFile(l, 150, stray(10, l)) },
			counts: rowCounts{150, 149, 1},
			want:   func(string) map[string][]string { return map[string][]string{"unclosed_quote": {"11"}} },
		},
		{
			// Line 11 opens a quote that a stray quote on line 16 would
			// close: the five rows between must not vanish into one.
			name: "two stray quotes five rows apart: one row rejected, the rows between read",
			data: func(l string) string {
				return boundsFile(l, 150, func(i int) (string, bool) {
					if i == 15 {
						if l == "grid" {
							return "P15,O\"Neill,/\n", true
						}
						return "P15,O\"Neill,02/09/2024,AM,/\n", true
					}
					return stray(10, l)(i)
				})
			},
			counts: rowCounts{150, 149, 1},
			want:   func(string) map[string][]string { return map[string][]string{"stray_quote": {"11"}} },
		},
		{
			name: "two stray quotes on adjacent rows, in the same column",
			data: func(l string) string {
				return boundsFile(l, 20, func(i int) (string, bool) {
					if i == 11 {
						if l == "grid" {
							return "P11,Smi\"th,/\n", true
						}
						return "P11,Smi\"th,02/09/2024,AM,/\n", true
					}
					return stray(10, l)(i)
				})
			},
			counts: rowCounts{20, 19, 1},
			want:   func(string) map[string][]string { return map[string][]string{"stray_quote": {"11"}} },
		},
		{
			name: "a quoted name over two lines is one row",
			data: func(l string) string {
				return boundsFile(l, 20, func(i int) (string, bool) {
					if i != 10 {
						return "", false
					}
					if l == "grid" {
						return "P10,\"Smith\nJones\",/\n", true
					}
					return "P10,\"Smith\nJones\",02/09/2024,AM,/\n", true
				})
			},
			counts: rowCounts{20, 20, 0},
			want:   func(string) map[string][]string { return map[string][]string{} },
		},
		{
			name: "quote still open at the end fails",
			data: func(l string) string { return boundsFile(l, 150, stray(140, l)) },
			wantErr: func(string) string {
				return "%s:141: the file ends in the middle of this row (a quoted field is never closed, or a \" is missing): " + cut
			},
		},
		{
			name:   "quote still open at the end, --allow-incomplete",
			data:   func(l string) string { return boundsFile(l, 150, stray(140, l)) },
			allow:  true,
			counts: rowCounts{150, 149, 1},
			want: func(string) map[string][]string {
				return map[string][]string{"incomplete_row": {"141 a quoted field is never closed, or a \" is missing"}}
			},
		},
		{
			name:   "a full last row without a line break is fine",
			data:   func(l string) string { return boundsFile(l, 3, nil) + full[l] },
			counts: rowCounts{4, 4, 0},
			want:   func(string) map[string][]string { return map[string][]string{} },
		},
		{
			name: "a short last row without a line break fails",
			data: func(l string) string { return boundsFile(l, 3, nil) + short[l] },
			wantErr: func(l string) string {
				return "%s:5: the file ends in the middle of this row (" + shortCols[l] + " columns and no line break at the end): " + cut
			},
		},
		{
			name:   "a short last row, --allow-incomplete",
			data:   func(l string) string { return boundsFile(l, 3, nil) + short[l] },
			allow:  true,
			counts: rowCounts{4, 3, 1},
			want: func(l string) map[string][]string {
				return map[string][]string{"incomplete_row": {"5 " + shortCols[l] + " columns and no line break at the end"}}
			},
		},
		{
			name: "zero bytes after the last line break fail",
			data: func(l string) string { return boundsFile(l, 3, nil) + strings.Repeat("\x00", 4096) },
			wantErr: func(string) string {
				return "%s:5: the file ends in the middle of this row (4096 zero bytes in place of the rest of the file): " + cut
			},
		},
		{
			name:   "zero bytes after the last line break, --allow-incomplete",
			data:   func(l string) string { return boundsFile(l, 3, nil) + strings.Repeat("\x00", 4096) },
			allow:  true,
			counts: rowCounts{4, 3, 1},
			want: func(string) map[string][]string {
				return map[string][]string{"incomplete_row": {"5 4096 zero bytes in place of the rest of the file"}}
			},
		},
		{
			name: "zero bytes cutting a full-looking row short fail",
			data: func(l string) string { return boundsFile(l, 3, nil) + full[l] + strings.Repeat("\x00", 100) },
			wantErr: func(string) string {
				return "%s:5: the file ends in the middle of this row (cut off by 100 zero bytes): " + cut
			},
		},
		{
			name: "a lone CR is a line break",
			data: func(l string) string {
				return strings.Replace(boundsFile(l, 4, nil), "/\nP2", "/\rP2", 1) + bad[l] + "\n"
			},
			counts:   rowCounts{5, 4, 1},
			gridUsed: true,
			want: func(l string) map[string][]string {
				return map[string][]string{"unknown_code": {"6 \"Q9\""}}
			},
		},
		{
			name: "old Mac line endings",
			data: func(l string) string {
				return strings.ReplaceAll(boundsFile(l, 4, nil)+bad[l]+"\n", "\n", "\r")
			},
			counts:   rowCounts{5, 4, 1},
			gridUsed: true,
			want: func(l string) map[string][]string {
				return map[string][]string{"unknown_code": {"6 \"Q9\""}}
			},
		},
	}
	for _, layout := range []string{"marks", "grid"} {
		for _, tt := range tests {
			workers := []int{1, 3}
			if layout == "grid" {
				workers = []int{1}
			}
			for _, w := range workers {
				t.Run(fmt.Sprintf("%s/%s/workers=%d", layout, tt.name, w), func(t *testing.T) {
					path := writeFile(t, t.TempDir(), "r.csv", []byte(tt.data(layout)))
					b, err := readPaths(t, Options{Workers: w, AllowIncomplete: tt.allow}, path)
					if tt.wantErr != nil {
						want := strings.ReplaceAll(tt.wantErr(layout), "%s", path)
						if err == nil || err.Error() != want {
							t.Fatalf("error:\n got %v\nwant %s", err, want)
						}
						return
					}
					if err != nil {
						t.Fatal(err)
					}
					q := b.Q
					got := rowCounts{q.RowsRead, q.RowsUsed, q.RowsRejected}
					want := tt.counts
					if layout == "grid" && tt.gridUsed {
						want.Used, want.Rejected = want.Used+1, want.Rejected-1
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("rows (-want +got):\n%s", diff)
					}
					wantView := tt.want(layout)
					if layout == "grid" {
						// Grid locations name the column of the mark.
						for k, v := range wantView {
							for i := range v {
								if k == "unknown_code" {
									v[i] = strings.Replace(v[i], " ", " (02/09/2024 AM) ", 1)
								}
							}
							wantView[k] = v
						}
					}
					if diff := cmp.Diff(wantView, lineView(q)); diff != "" {
						t.Errorf("account (-want +got):\n%s", diff)
					}
				})
			}
		}
	}
}

// TestReadLongLine: a 40 MB line is one rejected row, and is never held
// whole: the reader allocates well under the line's size.
func TestReadLongLine(t *testing.T) {
	if testing.Short() {
		t.Skip("large file")
	}
	const size = 40 << 20
	for _, layout := range []string{"marks", "grid"} {
		t.Run(layout, func(t *testing.T) {
			long := "P2," + strings.Repeat("x", size) + "\n"
			if layout == "grid" {
				long = "P2,Smith," + strings.Repeat("/", size) + "\n"
			}
			data := boundsFile(layout, 4, func(i int) (string, bool) { return long, i == 2 })
			path := writeFile(t, t.TempDir(), "long.csv", []byte(data))
			data = ""
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b, err := readPaths(t, Options{Workers: 1}, path)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
				t.Errorf("reading allocated %d MiB for a %d MiB line: it was held", alloc>>20, size>>20)
			}
			q := b.Q
			if got := (rowCounts{q.RowsRead, q.RowsUsed, q.RowsRejected}); got != (rowCounts{4, 3, 1}) {
				t.Errorf("rows = %+v, want 4 = 3 + 1", got)
			}
			want := map[string][]string{"line_too_long": {fmt.Sprintf("3 %d bytes", len(long)-1)}}
			if diff := cmp.Diff(want, lineView(q)); diff != "" {
				t.Errorf("account (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadRunawayAcrossChunks: a runaway quote whose 100 lines straddle the
// parallel reader's chunk boundary, and a 2 MiB line straddling the next,
// are read exactly as a single pass reads them, whatever the workers.
func TestReadRunawayAcrossChunks(t *testing.T) {
	if testing.Short() {
		t.Skip("large file")
	}
	var sb strings.Builder
	sb.WriteString("UPN,Surname,Date,Session,Mark\n")
	line, strayLine, longLine := 2, 0, 0
	rows := 0
	for sb.Len() < 3*chunkSize {
		rows++
		switch {
		case strayLine == 0 && sb.Len() > chunkSize-2000:
			strayLine = line
			fmt.Fprintf(&sb, "P%d,\"Smith,02/09/2024,AM,/\n", rows)
		case longLine == 0 && sb.Len() > 2*chunkSize-(1<<20):
			longLine = line
			fmt.Fprintf(&sb, "P%d,%s,02/09/2024,AM,/\n", rows, strings.Repeat("x", 2<<20))
		default:
			fmt.Fprintf(&sb, "P%d,Smith,02/09/2024,AM,/\n", rows)
		}
		line++
	}
	path := writeFile(t, t.TempDir(), "big.csv", []byte(sb.String()))
	for _, w := range []int{1, 4} {
		b, err := readPaths(t, Options{Workers: w}, path)
		if err != nil {
			t.Fatal(err)
		}
		q := b.Q
		if got := (rowCounts{q.RowsRead, q.RowsUsed, q.RowsRejected}); got != (rowCounts{rows, rows - 2, 2}) {
			t.Errorf("workers=%d: rows = %+v, want %d = %d + 2", w, got, rows, rows-2)
		}
		want := map[string][]string{
			"unclosed_quote": {fmt.Sprint(strayLine)},
			"line_too_long":  {fmt.Sprintf("%d %d bytes", longLine, len(fmt.Sprintf("P%d,", longLine-1))+2<<20+len(",02/09/2024,AM,/"))},
		}
		if diff := cmp.Diff(want, lineView(q)); diff != "" {
			t.Errorf("workers=%d: account (-want +got):\n%s", w, diff)
		}
	}
}

// TestReadStrayByte: one Windows-1252 byte in a UTF-8 file changes one
// character, not every accented name, and is reported with its line.
func TestReadStrayByte(t *testing.T) {
	rows := []string{
		"A1,Zoë,Öztürk,02/09/2024,AM,/",
		"A2,Siobhán,Murphy,02/09/2024,AM,/",
		"A3,Jos\xe9,García,02/09/2024,AM,/", // line 4: é as Windows-1252
		"A4,Zoë,O\x92Neill,02/09/2024,AM,/", // line 5: valid UTF-8 and a stray ’ in one row
		"A5,Renée,Dubois,02/09/2024,AM,/",
	}
	data := "UPN,Forename,Surname,Date,Session,Mark\n" + strings.Join(rows, "\n") + "\n"
	want := map[string]register.Info{
		"A1": {Forename: "Zoë", Surname: "Öztürk"}, "A2": {Forename: "Siobhán", Surname: "Murphy"},
		"A3": {Forename: "José", Surname: "García"}, "A4": {Forename: "Zoë", Surname: "O’Neill"},
		"A5": {Forename: "Renée", Surname: "Dubois"},
	}
	for _, w := range []int{1, 2} {
		path := writeFile(t, t.TempDir(), "r.csv", []byte(data))
		b, err := readPaths(t, Options{Workers: w}, path)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]register.Info{}
		for _, p := range b.Reg.Pupils() {
			got[p.ID] = p.Info
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("workers=%d: names (-want +got):\n%s", w, diff)
		}
		if enc := b.Q.Files[0].Encoding; enc != "utf-8" {
			t.Errorf("encoding = %q, want utf-8", enc)
		}
		wantQ := map[string][]string{"not_utf8": {"4 read as Windows-1252", "5 read as Windows-1252"}}
		if diff := cmp.Diff(wantQ, lineView(b.Q)); diff != "" {
			t.Errorf("workers=%d: account (-want +got):\n%s", w, diff)
		}
	}
}

// TestReadNotRegular: a FIFO (which would block an open for ever with no
// writer) and a device are refused before they are opened, by the register
// reader and the context reader alike.
func TestReadNotRegular(t *testing.T) {
	fifo := t.TempDir() + "/register.csv"
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	for _, path := range []string{fifo, "/dev/null"} {
		want := path + ": not a regular file (a pipe, device or socket): expected a CSV or XLSX file saved on disk"
		done := make(chan [2]error)
		go func() {
			_, err := readPaths(t, Options{}, path)
			_, cerr := ReadContext(path, "", nil, quality.New())
			done <- [2]error{err, cerr}
		}()
		select {
		case errs := <-done:
			for i, err := range errs {
				if err == nil || err.Error() != want {
					t.Errorf("reader %d: error:\n got %v\nwant %s", i, err, want)
				}
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("reading %s hung", path)
		}
	}
}

// TestReadContextBounds: a context file is read whole, and one that is cut
// off or runs away always fails, naming the file and line: context is
// joined on the pupil id, so a lost row would silently drop a pupil's flags.
func TestReadContextBounds(t *testing.T) {
	rows := func(n int, edit func(i int) string) string {
		var sb strings.Builder
		sb.WriteString("UPN,Young Carer,FSM\n")
		for i := 1; i <= n; i++ {
			if s := edit(i); s != "" {
				sb.WriteString(s)
				continue
			}
			fmt.Fprintf(&sb, "P%d,Y,N\n", i)
		}
		return sb.String()
	}
	none := func(int) string { return "" }
	tests := []struct {
		name, data, want string
	}{
		{"a runaway quote", rows(150, func(i int) string {
			if i == 5 {
				return "P5,\"Y,N\n"
			}
			return ""
		}), `%s:6: a quoted field starting on this line runs past 100 lines or 1048576 bytes without closing (a " is missing)`},
		{"two stray quotes pairing up", rows(10, func(i int) string {
			switch i {
			case 5:
				return "P5,\"Y,N\n"
			case 8:
				return "P8,Y\",N\n"
			}
			return ""
		}), `%s:6: a quoted field starting on this line runs onto the lines below and swallows what look like whole rows (a stray " here or below): remove or double the stray quote and save the file again`},
		{"a quote open at the end", rows(10, func(i int) string {
			if i == 5 {
				return "P5,\"Y,N\n"
			}
			return ""
		}), `%s:6: a quoted field starting on this line is never closed (a " is missing)`},
		{"a long line", rows(3, func(i int) string {
			if i == 2 {
				return "P2," + strings.Repeat("Y", 2<<20) + ",N\n"
			}
			return ""
		}), "%s:3: the line is longer than 1048576 bytes: not a table of pupils"},
		{"a cut-off last row", rows(3, none) + "P4,Y", "%s:5: the file ends in the middle of this row (2 of 3 columns and no line break at the end): it looks cut off; save it again"},
		{"a zero-filled tail", rows(3, none) + strings.Repeat("\x00", 512), "%s: ends in 512 zero bytes: the file looks cut off (an interrupted copy?); save it again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "context.csv", []byte(tt.data))
			_, err := ReadContext(path, "", nil, quality.New())
			if want := strings.ReplaceAll(tt.want, "%s", path); err == nil || err.Error() != want {
				t.Errorf("error:\n got %v\nwant %s", err, want)
			}
		})
	}
	// A note over two lines is one row, read whole.
	path := writeFile(t, t.TempDir(), "context.csv", []byte("UPN,Note,FSM\nP1,\"moved house,\nnew address\",N\nP2,,Y\n"))
	c, err := ReadContext(path, "", nil, quality.New())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"P1", "P2"}, c.Order); diff != "" {
		t.Errorf("pupils with a two-line note (-want +got):\n%s", diff)
	}
	// A last row with every column and no line break is read.
	path = writeFile(t, t.TempDir(), "context.csv", []byte(rows(3, none)+"P4,Y,N"))
	c, err = ReadContext(path, "", nil, quality.New())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"P1", "P2", "P3", "P4"}, c.Order); diff != "" {
		t.Errorf("pupils (-want +got):\n%s", diff)
	}
}

// TestReadSummaryCutOff: the summary layout is read by the same text
// reader, and a cut-off last row counts as one rejected row of its own.
func TestReadSummaryCutOff(t *testing.T) {
	data := "UPN,Possible,Authorised,Unauthorised,/,\\,I,O\nA1,20,2,1,9,8,2,1\nA2,20,0,0,10,10,0,0\nA3,20,2"
	path := writeFile(t, t.TempDir(), "s.csv", []byte(data))
	_, err := readPaths(t, Options{}, path)
	want := path + ":4: the file ends in the middle of this row (3 of 8 columns and no line break at the end): the export looks cut off; export it again, or give --allow-incomplete to read it without this row"
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n got %v\nwant %s", err, want)
	}
	b, err := readPaths(t, Options{AllowIncomplete: true}, path)
	if err != nil {
		t.Fatal(err)
	}
	q := b.Q
	if got := (rowCounts{q.RowsRead, q.RowsUsed, q.RowsRejected}); got != (rowCounts{3, 2, 1}) {
		t.Errorf("rows = %+v, want 3 = 2 + 1", got)
	}
	if diff := cmp.Diff(map[string][]string{"incomplete_row": {"4 3 of 8 columns and no line break at the end"}}, lineView(q)); diff != "" {
		t.Errorf("account (-want +got):\n%s", diff)
	}
}

// TestReadOnlyZeros: a file that is nothing but zero bytes is a copy that
// never happened, said so; a UTF-16 file's last zero byte is its own.
func TestReadOnlyZeros(t *testing.T) {
	path := writeFile(t, t.TempDir(), "z.csv", make([]byte, 70000))
	_, err := readPaths(t, Options{}, path)
	if want := path + ": holds only zero bytes (a copy that was cut off?): expected a header row and register rows"; err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
	// "UPN\tDate..." in UTF-16LE ends "\n\x00": one zero, part of the text.
	path = writeFile(t, t.TempDir(), "u.csv", utf16le("UPN\tDate\tSession\tMark\r\nA1\t02/09/2024\tAM\t/\r\n", true))
	if _, err := readPaths(t, Options{}, path); err != nil {
		t.Errorf("UTF-16 file ending in its own zero byte: %v", err)
	}
	// ... and two more zero bytes are a cut-off tail.
	data := append(utf16le("UPN\tDate\tSession\tMark\r\nA1\t02/09/2024\tAM\t/\r\n", true), 0, 0)
	path = writeFile(t, t.TempDir(), "u.csv", data)
	_, err = readPaths(t, Options{}, path)
	if want := path + ":3: the file ends in the middle of this row (2 zero bytes in place of the rest of the file): the export looks cut off; export it again, or give --allow-incomplete to read it without this row"; err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
}
