package ingest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// bigRegister is a generated marks CSV larger than several parse chunks,
// with everything the generator knows the reader must find in it.
type bigRegister struct {
	data []byte
	rows int
	want bigView
	// multiNL and multiEnd are the data offsets of the line break inside
	// the multi-line record and of its end.
	multiNL, multiEnd int
}

// bigView is what a read of a big register is compared on.
type bigView struct {
	Pupils                              map[string]bigPupil
	RowsRead, RowsUsed, RowsRejected    int
	MarksRead, MarksUsed, MarksRejected int
	Rejected                            map[string][]string // reason → every "line detail"
	Findings                            map[string]int
}

type bigPupil struct {
	Info  register.Info
	Codes map[string]int
}

type bigOptions struct {
	pupils, days int
	// multiLineAt puts a record with a quoted line break across this byte
	// offset of the data (0: none).
	multiLineAt int
	// strayQuote gives one early pupil the surname O"Brien, unquoted, as a
	// hand-typed export may.
	strayQuote bool
}

// makeBigRegister writes pupils × days × 2 sessions of marks, with bad rows
// of each kind and repeated rows mixed in at fixed intervals.
func makeBigRegister(o bigOptions) bigRegister {
	codes := []string{"/", `\`, "/", `\`, "L", "I", "O", "N", "G", "M", "B", "#", "-", "", "C1", "Y1", "u", "v", "i", "j1"}
	var sb strings.Builder
	header := "UPN,Surname,Forename,Date,Session,Mark\n"
	sb.WriteString(header)
	br := bigRegister{want: bigView{Pupils: map[string]bigPupil{}, Rejected: map[string][]string{}, Findings: map[string]int{}}}
	w := &br.want
	line := 2
	off := 0 // bytes of data written after the header
	placed := o.multiLineAt == 0
	reject := func(reason, detail string) {
		w.Rejected[reason] = append(w.Rejected[reason], strings.TrimSpace(fmt.Sprintf("%d %s", line, detail)))
		w.RowsRejected++
		w.MarksRejected++
	}
	n := 0
	day0 := register.MustDay(2024, 9, 2)
	for p := 0; p < o.pupils; p++ {
		id := fmt.Sprintf("P%05d", p+1)
		surname := fmt.Sprintf("Surname%d", p)
		if p%7 == 3 {
			surname = fmt.Sprintf(`"Smith, %d"`, p) // quoted, with the delimiter inside
		}
		forename := "Zoë Louise"
		info := register.Info{Surname: strings.Trim(surname, `"`), Forename: forename}
		counts := map[string]int{}
		d := day0
		for k := 0; k < o.days; k++ {
			for d.Weekend() {
				d++
			}
			for s := 0; s < 2; s++ {
				n++
				sess := []string{"AM", "PM"}[s]
				code := codes[(n*7+p)%len(codes)]
				date := d.UK()
				rowID := id
				rowSurname := surname
				var kind string
				first := k == 0 && s == 0 // each pupil's first row is always good
				switch {
				case first:
				case n%1009 == 0:
					kind, code = "unknown_code", "Q9"
				case n%1013 == 0:
					kind, date = "bad_date", "31/02/2025"
				case n%2003 == 0:
					kind, rowID = "missing_pupil_id", ""
				case n%3001 == 0:
					kind, sess = "bad_session", "XX"
				}
				if o.strayQuote && p == 2 && k == 1 && s == 0 {
					rowSurname = `O"Brien` // one stray quote in the whole file
				}
				multi := !placed && off+200 > o.multiLineAt
				if multi {
					rowSurname = "\"Multi\n" + strings.Repeat("x", 250) + "\""
					placed = true
				}
				row := strings.Join([]string{rowID, rowSurname, forename, date, sess, code}, ",") + "\n"
				if multi {
					br.multiNL = off + strings.IndexByte(row, '\n')
					br.multiEnd = off + len(row)
				}
				repeat := 1
				if kind == "" && n%997 == 0 {
					repeat = 2 // the same row twice: a duplicate mark
				}
				for r := 0; r < repeat; r++ {
					sb.WriteString(row)
					off += len(row)
					br.rows++
					w.RowsRead++
					w.MarksRead++
					switch {
					case kind == "unknown_code":
						reject(kind, `"Q9"`)
					case kind == "bad_date":
						reject(kind, `"31/02/2025"`)
					case kind == "missing_pupil_id":
						reject(kind, "")
					case kind == "bad_session":
						reject(kind, quality.Withheld) // a word may be a name
					case r == 1:
						id, _ := mark.Lookup(code)
						reject("duplicate_mark", date+" "+sess+" "+mark.Get(id).Code)
					default:
						id, ok := mark.Lookup(code)
						if !ok {
							panic("generator code " + code)
						}
						c := mark.Get(id).Code
						counts[c]++
						if c == "-" {
							w.Findings["missing_mark"]++
						}
						w.RowsUsed++
						w.MarksUsed++
					}
					line += strings.Count(row, "\n")
				}
			}
			d++
		}
		w.Pupils[id] = bigPupil{Info: info, Codes: counts}
	}
	br.data = []byte(sb.String())
	return br
}

func viewBig(b *register.Builder) bigView {
	q := b.Q
	v := bigView{Pupils: map[string]bigPupil{}, RowsRead: q.RowsRead, RowsUsed: q.RowsUsed, RowsRejected: q.RowsRejected,
		MarksRead: q.MarksRead, MarksUsed: q.MarksUsed, MarksRejected: q.MarksRejected,
		Rejected: map[string][]string{}, Findings: map[string]int{}}
	for _, p := range b.Reg.Pupils() {
		counts := map[string]int{}
		p.Each(func(_ register.Day, _ register.Session, id mark.ID) { counts[mark.Get(id).Code]++ })
		v.Pupils[p.ID] = bigPupil{Info: p.Info, Codes: counts}
	}
	for _, r := range q.Rejections() {
		for _, e := range r.Examples {
			// Where is "file:line"; keep the line.
			where := e.Where[strings.LastIndexByte(e.Where, ':')+1:]
			v.Rejected[r.Key] = append(v.Rejected[r.Key], strings.TrimSpace(where+" "+e.Detail))
		}
		if r.Count != len(r.Examples) {
			v.Rejected[r.Key] = append(v.Rejected[r.Key], "... more")
		}
	}
	for _, r := range q.Findings() {
		v.Findings[r.Key] = r.Count
	}
	return v
}

// readBig reads a generated register with the given workers, keeping every
// example of every reason.
func readBig(t *testing.T, path string, workers int) bigView {
	t.Helper()
	q := newQuality(1 << 20)
	b := register.NewBuilder(q)
	if err := ReadFile(path, Options{Workers: workers}, b); err != nil {
		t.Fatal(err)
	}
	if err := q.Balanced(); err != nil {
		t.Error(err)
	}
	return viewBig(b)
}

// TestReadLargeMarksCSV reads a marks CSV of 200,000 rows (several 4 MiB
// parse chunks, with a record whose quoted line break sits across the first
// chunk boundary) with one worker and with four. Both must give exactly the
// figures and the data-quality account the generator predicts, line numbers
// of every rejected row included.
func TestReadLargeMarksCSV(t *testing.T) {
	if testing.Short() {
		t.Skip("large file")
	}
	br := makeBigRegister(bigOptions{pupils: 400, days: 250, multiLineAt: chunkSize})
	if len(br.data) < 2*chunkSize || br.rows < 200000 {
		t.Fatalf("generated %d bytes, %d rows: want more than two chunks and 200k rows", len(br.data), br.rows)
	}
	if !(br.multiNL < chunkSize && chunkSize < br.multiEnd) {
		t.Fatalf("the multi-line record (line break at %d, end %d) does not straddle the chunk boundary %d", br.multiNL, br.multiEnd, chunkSize)
	}
	path := writeFile(t, t.TempDir(), "big.csv", br.data)
	one := readBig(t, path, 1)
	four := readBig(t, path, 4)
	if diff := cmp.Diff(br.want, one); diff != "" {
		t.Errorf("Workers=1 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(one, four); diff != "" {
		t.Errorf("Workers=4 differs from Workers=1 (-1 +4):\n%s", diff)
	}
}

// TestReadLargeMarksCSVStrayQuote: a stray quote inside an unquoted field
// (O"Brien) is kept as text by the CSV parser; it must not change how the
// rest of a large file is cut into chunks and read.
func TestReadLargeMarksCSVStrayQuote(t *testing.T) {
	if testing.Short() {
		t.Skip("large file")
	}
	br := makeBigRegister(bigOptions{pupils: 300, days: 250, multiLineAt: chunkSize, strayQuote: true})
	if len(br.data) < chunkSize+chunkSize/4 {
		t.Fatalf("generated only %d bytes", len(br.data))
	}
	if !(br.multiNL < chunkSize && chunkSize < br.multiEnd) {
		t.Fatalf("the multi-line record (line break at %d, end %d) does not straddle the chunk boundary %d", br.multiNL, br.multiEnd, chunkSize)
	}
	path := writeFile(t, t.TempDir(), "stray.csv", br.data)
	got := readBig(t, path, 2)
	if diff := cmp.Diff(br.want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestReadSmallMarksCSVMatchesGenerator checks the generator and the view on
// a file within one chunk, so a failure of the large tests points at
// chunking rather than at the test.
func TestReadSmallMarksCSVMatchesGenerator(t *testing.T) {
	br := makeBigRegister(bigOptions{pupils: 30, days: 120, strayQuote: true})
	if len(br.data) >= chunkSize {
		t.Fatalf("generated %d bytes: want less than one chunk", len(br.data))
	}
	path := writeFile(t, t.TempDir(), "small.csv", br.data)
	for _, w := range []int{1, 3} {
		if diff := cmp.Diff(br.want, readBig(t, path, w)); diff != "" {
			t.Errorf("Workers=%d (-want +got):\n%s", w, diff)
		}
	}
	if len(br.want.Rejected["unknown_code"]) == 0 || len(br.want.Rejected["duplicate_mark"]) == 0 {
		t.Error("the generator made no bad rows")
	}
}

func newQuality(limit int) *quality.Report {
	q := quality.New()
	q.Limit = limit
	return q
}
