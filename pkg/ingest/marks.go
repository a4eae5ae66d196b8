package ingest

import (
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// chunkSize is the unit of parallel work: big enough that channel traffic
// is negligible, small enough that a few in flight stay within memory.
const chunkSize = 4 << 20

// markRec is one parsed row of the marks layout. id points into the chunk's
// bytes, which stay alive until the record has been applied.
type markRec struct {
	id     []byte
	day    register.Day
	sess   register.Session
	code   mark.ID
	line   int32 // relative to the chunk's first line
	reason string
	detail string
	info   *register.Info // set on the first row of each pupil in a chunk
	pmHalf bool           // the PM half of a whole-day mark; same row as the record before
}

type chunk struct {
	seq  int
	line int // line number of the chunk's first record
	data []byte
}

type parsed struct {
	seq  int
	line int
	recs []markRec
	buf  *[]byte
	err  error
}

// marksCols are the column indexes a marks row is read through.
type marksCols struct {
	id, date, session, mark              int
	surname, forename, year, reg, school int
	need                                 int // fields a row must have
	excel                                bool
	monthFirst                           bool
	local                                map[string]mark.ID
}

// lookup finds a mark: the profile's local codes first, then DfE's.
func (m *marksCols) lookup(raw []byte) (mark.ID, bool) {
	if m.local != nil {
		if id, ok := m.local[strings.ToUpper(string(trimSpace(raw)))]; ok {
			return id, true
		}
	}
	return mark.LookupBytes(raw)
}

func newMarksCols(c columns, o Options) marksCols {
	get := func(f Field) int {
		if i, ok := c.idx[f]; ok {
			return i
		}
		return -1
	}
	m := marksCols{id: get(PupilID), date: get(Date), session: get(Session), mark: get(Mark),
		surname: get(Surname), forename: get(Forename), year: get(YearGroup), reg: get(RegGroup), school: get(School)}
	m.need = max(m.id, m.date, m.mark, m.session) + 1
	m.monthFirst = o.MonthFirst
	m.local = o.LocalCodes
	return m
}

func field(fields [][]byte, i int) []byte {
	if i < 0 || i >= len(fields) {
		return nil
	}
	return fields[i]
}

// parseRow reads one marks row into rec. Without a session column a row is
// taken as a whole-day mark and split ("/\") like a grid day cell.
func (m *marksCols) parseRow(fields [][]byte, rec *markRec, prevID []byte) (second *markRec) {
	if len(fields) < m.need {
		rec.reason, rec.detail = "short_row", strconv.Itoa(len(fields))+" of "+strconv.Itoa(m.need)+" columns"
		return nil
	}
	id := trimSpace(fields[m.id])
	if len(id) == 0 {
		rec.reason = "missing_pupil_id"
		return nil
	}
	rec.id = id
	day, ok := parseDateOrder(fields[m.date], m.excel, m.monthFirst)
	if !ok {
		rec.reason, rec.detail = "bad_date", quoteShort(fields[m.date])
		return nil
	}
	rec.day = day
	if string(id) != string(prevID) {
		rec.info = &register.Info{
			Surname:   string(trimSpace(field(fields, m.surname))),
			Forename:  string(trimSpace(field(fields, m.forename))),
			YearGroup: string(trimSpace(field(fields, m.year))),
			RegGroup:  string(trimSpace(field(fields, m.reg))),
			School:    string(trimSpace(field(fields, m.school))),
		}
	}
	raw := fields[m.mark]
	if m.session < 0 {
		am, pm, ok := splitDayCell(string(raw))
		if !ok {
			rec.reason, rec.detail = "unknown_code", quoteShort(raw)
			return nil
		}
		second = &markRec{id: id, day: day, sess: register.PM, line: rec.line, pmHalf: true}
		rec.sess = register.AM
		rec.code, ok = m.lookup([]byte(am))
		if !ok {
			rec.reason, rec.detail = "unknown_code", strconv.Quote(am)
		}
		second.code, ok = m.lookup([]byte(pm))
		if !ok {
			second.reason, second.detail = "unknown_code", strconv.Quote(pm)
		}
		return second
	}
	sess, ok := parseSession(fields[m.session])
	if !ok {
		rec.reason, rec.detail = "bad_session", quoteShort(fields[m.session])
		return nil
	}
	rec.sess = sess
	code, ok := m.lookup(raw)
	if !ok {
		rec.reason, rec.detail = "unknown_code", quoteShort(raw)
		return nil
	}
	rec.code = code
	return nil
}

// quoteShort quotes a cell value for a message, cut short so that a stray
// long cell (a pasted note, a name in the wrong column) does not flood the
// report.
func quoteShort(b []byte) string {
	if len(b) > 16 {
		return strconv.Quote(string(b[:16])) + "..."
	}
	return strconv.Quote(string(b))
}

// apply hands one parsed row to the builder and keeps the row account.
func apply(b *register.Builder, rec *markRec, loc quality.Loc) {
	q := b.Q
	q.MarksRead++
	if rec.reason != "" {
		b.Reject(rec.reason, loc, rec.detail)
		return
	}
	p := b.Pupil(rec.id)
	if rec.info != nil {
		b.SetInfo(p, *rec.info)
	}
	b.Mark(p, rec.day, rec.sess, rec.code, loc)
}

// applyRow applies a marks row (one or, for a whole-day mark, two session
// marks) and counts the row as used when any of its marks was used.
func applyRow(b *register.Builder, rec, second *markRec, loc quality.Loc) {
	q := b.Q
	q.RowsRead++
	usedBefore := q.MarksUsed
	apply(b, rec, loc)
	if second != nil {
		apply(b, second, loc)
	}
	if q.MarksUsed > usedBefore {
		q.RowsUsed++
	} else {
		q.RowsRejected++
	}
}

// readMarksCSV streams a marks-layout CSV: one goroutine cuts the input into
// chunks at record boundaries, workers parse chunks in parallel, and this
// goroutine applies the parsed rows in file order.
func readMarksCSV(r io.Reader, file string, delim byte, firstLine int, h header, opts Options, b *register.Builder) error {
	cols := newMarksCols(h.cols, opts)
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	bufPool := sync.Pool{New: func() any { s := make([]byte, 0, chunkSize); return &s }}
	chunks := make(chan chunk, workers)
	results := make(chan parsed, workers*2)
	done := make(chan struct{})
	defer close(done)

	// Reader: cut at record boundaries, carry the tail over.
	var readErr error
	go func() {
		defer close(chunks)
		var carry []byte
		seq, line := 0, firstLine
		for {
			bp := bufPool.Get().(*[]byte)
			buf := append((*bp)[:0], carry...)
			if cap(buf) < len(carry)+chunkSize/2 {
				nb := make([]byte, len(buf), 2*cap(buf)+chunkSize)
				copy(nb, buf)
				buf = nb
			}
			n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			eof := err == io.EOF || err == io.ErrUnexpectedEOF
			if err != nil && !eof {
				readErr = err
				return
			}
			end := len(buf)
			if !eof {
				end = lastRecordEnd(buf)
				if end < 0 { // one record larger than the buffer: read more
					carry = buf
					*bp = buf[:0]
					continue
				}
			}
			carry = append(carry[:0:0], buf[end:]...)
			*bp = buf
			if end > 0 {
				select {
				case chunks <- chunk{seq: seq, line: line, data: buf[:end]}:
				case <-done:
					return
				}
				seq++
				line += countLines(buf[:end])
			}
			if eof {
				return
			}
		}
	}()

	// Workers.
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var fields [][]byte
			for c := range chunks {
				recs := make([]markRec, 0, len(c.data)/40)
				pos, rel := 0, 0
				var prevID []byte
				for pos < len(c.data) {
					var used int
					var complete bool
					fields, pos, used, complete = splitRecord(c.data, pos, delim, fields)
					line := rel
					rel += used
					if blank(fields) {
						continue
					}
					rec := markRec{line: int32(line)}
					if !complete {
						rec.reason, rec.detail = "short_row", "a quoted field is not closed"
					}
					second := cols.parseRow(fields, &rec, prevID)
					if rec.id != nil {
						prevID = rec.id
					}
					recs = append(recs, rec)
					if second != nil {
						recs = append(recs, *second)
					}
				}
				buf := c.data[:0]
				select {
				case results <- parsed{seq: c.seq, line: c.line, recs: recs, buf: &buf}:
				case <-done:
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	// Apply in order.
	pending := map[int]parsed{}
	next := 0
	for p := range results {
		pending[p.seq] = p
		for {
			cur, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			for i := 0; i < len(cur.recs); i++ {
				rec := &cur.recs[i]
				loc := quality.Loc{File: file, Line: cur.line + int(rec.line)}
				var second *markRec
				if i+1 < len(cur.recs) && cur.recs[i+1].pmHalf {
					second = &cur.recs[i+1]
					i++
				}
				applyRow(b, rec, second, loc)
			}
			bufPool.Put(cur.buf)
			if opts.Progress != nil {
				opts.Progress(file, b.Q.RowsRead)
			}
		}
	}
	if readErr != nil {
		return &Error{Loc: quality.Loc{File: file}, Msg: "read failed: " + readErr.Error()}
	}
	return nil
}
