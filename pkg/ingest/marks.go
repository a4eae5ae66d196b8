package ingest

import (
	"bytes"
	"encoding/binary"
	"io"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/worker"
)

// chunkSize is the unit of parallel work: big enough that channel traffic
// is negligible (a chunk is some twenty thousand rows), small enough that
// the few in flight, with their parsed records, are a small part of a run's
// memory: at 4 MiB they were some 40 MB of a 40,000-pupil run's peak,
// whatever the number of pupils. A variable only so that a fuzz test can
// cut a small file into many chunks.
var chunkSize = 1 << 20

// bytesPerRow is a marks row's usual length, for sizing a batch's records
// once rather than growing them row by row.
const bytesPerRow = 48

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
	local  bool           // the mark was a local code mapped by a profile
	// sameID: the id is the one of the last row of the chunk parsed
	// without a rejection (the batch stores it once).
	sameID bool
	// notUTF8: a field of the row held bytes that are not UTF-8 in a file
	// read as UTF-8 (they were read as Windows-1252; see decodeMixed).
	notUTF8 bool
	// extra is the 1-based column of a non-blank cell to the right of the
	// header's last column, or 0.
	extra int32
	// For a file whose date order is not declared: the month-first reading
	// of an ambiguous date (day is the day-first one), and what the date
	// says about the order. A date that settles the order carries its text
	// in detail (reason stays empty), for the message if the file turns out
	// to mix orders.
	alt   register.Day
	dkind dateKind
}

type chunk struct {
	seq  int
	line int // line number of the chunk's first record
	data []byte
	buf  *[]byte
	// last: data runs to the end of the file, so a record still open at
	// its end is a cut-off one, not a runaway (see lastRecordEnd).
	last bool
	// long, when above 0, makes this chunk a line longer than
	// maxRecordBytes that the reader skipped: long is its length.
	long int
	// mapEnd is where data ends in a mapped file's data (mappedText), or 0.
	mapEnd int
	// strays are the starts in data, in order, of the records near its end
	// that the reader decided strays (see lastRowEnd and straysBefore):
	// one the worker finds still open at data's end is a stray if it is
	// here, else a runaway.
	strays []int32
}

// marksCols are the column indexes a marks row is read through.
type marksCols struct {
	id, date, session, mark              int
	surname, forename, year, reg, school int
	need                                 int // fields a row must have
	serial                               int // Excel date system of date cells, or noSerial
	order                                dateOrder
	anchor                               int // the middle year of the file's dates; 0: none known
	local                                map[string]mark.ID
	// The date cache, per worker: a pupil's AM and PM rows share a date.
	lastDate         []byte
	lastDay, lastAlt register.Day
	lastKind         dateKind
	lastOK, lastFar  bool
	// dates, when set, caches readDate by the date's bytes (a worker's
	// own: each worker sets its own table).
	dates []dateEntry
	// The days a date may fall on: within maxYearsAway of anchor.
	nearFrom, nearTo register.Day
	// Whether a day-first-only and a month-first-only date has been seen
	// (in this chunk): only the first of each keeps its text.
	sawDayFirst, sawMonthFirst bool
	// prevSchool is the school field of the row that last captured the
	// pupil's details: a new school with the same id is another pupil
	// (a local id) or enrolment (a UPN), so it is captured again.
	prevSchool []byte
	// cp1252 says the row bytes are Windows-1252, not UTF-8. Everything
	// the parser interprets (delimiters, quotes, dates, sessions, codes) is
	// ASCII in both, so rows are parsed as they are and only text that
	// reaches an output (names, and any id with a byte of 0x80 or more) is
	// decoded: a whole authority's export costs no transcoding pass.
	cp1252 bool
}

// text returns a field as UTF-8 text. Bytes that are not valid UTF-8 in a
// file sniffed as UTF-8 are read as Windows-1252 too: the sniffing sample is
// the first 64 KiB, and an export can be plain ASCII that far and still be
// Excel's Windows CSV.
func (m *marksCols) text(b []byte) string {
	if hasHigh(b) {
		if m.cp1252 {
			return decode1252(b)
		}
		if !utf8.Valid(b) {
			return decodeMixed(b)
		}
	}
	return string(b)
}

// notUTF8 reports a field with bytes that are not UTF-8 in a file read as
// UTF-8: the row gets a not_utf8 finding.
func (m *marksCols) notUTF8(b []byte) bool {
	return !m.cp1252 && hasHigh(b) && !utf8.Valid(b)
}

func hasHigh(b []byte) bool {
	// Eight bytes at a time (the last eight overlapping the ones before):
	// every row's id is looked at.
	if n := len(b); n >= 8 {
		for i := 0; i+8 <= n; i += 8 {
			if binary.LittleEndian.Uint64(b[i:i+8])&(0x80*lo7) != 0 {
				return true
			}
		}
		return binary.LittleEndian.Uint64(b[n-8:])&(0x80*lo7) != 0
	}
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// decode1252 decodes Windows-1252 bytes to UTF-8.
func decode1252(b []byte) string {
	out := make([]byte, 0, len(b)+8)
	for _, c := range b {
		if c < 0x80 {
			out = append(out, c)
		} else {
			out = utf8.AppendRune(out, cp1252[c-0x80])
		}
	}
	return string(out)
}

// lookup finds a mark: the profile's local codes first, then DfE's. local
// says the mark was one of the school's own codes.
func (m *marksCols) lookup(raw []byte) (id mark.ID, ok, local bool) {
	if m.local != nil {
		if id, ok := m.local[strings.ToUpper(string(trimSpace(raw)))]; ok {
			return id, true, true
		}
	}
	if len(raw) == 1 {
		e := oneByteMarks[raw[0]]
		return e.id, e.ok, false
	}
	id, ok = mark.LookupBytes(raw)
	return id, ok, false
}

// oneByteMarks is mark.LookupBytes of every one-byte mark, as nearly every
// mark is one byte: a table look instead of the trimming and the switch.
var oneByteMarks = func() (t [256]struct {
	id mark.ID
	ok bool
}) {
	for c := range t {
		t[c].id, t[c].ok = mark.LookupBytes([]byte{byte(c)})
	}
	return t
}()

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
	m.order = o.DateOrder.internal()
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
	if hasHigh(id) && (m.cp1252 || !utf8.Valid(id)) {
		rec.notUTF8 = m.notUTF8(id)
		id = []byte(m.text(id))
	}
	rec.id = id
	// A pupil's AM and PM rows share a date: reuse the last one parsed.
	raw := fields[m.date]
	if len(raw) != len(m.lastDate) || string(raw) != string(m.lastDate) || m.lastDate == nil {
		m.readDate(raw)
		m.lastDate = append(m.lastDate[:0], raw...)
	}
	if !m.lastOK {
		rec.reason, rec.detail = "bad_date", quoteShort([]byte(m.text(raw)))
		return nil
	}
	if m.lastFar {
		rec.reason, rec.detail = "far_date", m.farDetail(raw)
		return nil
	}
	day := m.lastDay
	rec.day, rec.alt, rec.dkind = day, m.lastAlt, m.lastKind
	date := raw
	school := trimSpace(field(fields, m.school))
	rec.sameID = string(id) == string(prevID)
	if !rec.sameID || string(school) != string(m.prevSchool) {
		m.prevSchool = append(m.prevSchool[:0], school...)
		for _, i := range [...]int{m.surname, m.forename, m.year, m.reg, m.school} {
			if m.notUTF8(field(fields, i)) {
				rec.notUTF8 = true
			}
		}
		rec.info = &register.Info{
			Surname:   m.text(trimSpace(field(fields, m.surname))),
			Forename:  m.text(trimSpace(field(fields, m.forename))),
			YearGroup: m.text(trimSpace(field(fields, m.year))),
			RegGroup:  m.text(trimSpace(field(fields, m.reg))),
			School:    m.text(school),
		}
	}
	raw = fields[m.mark]
	if m.session < 0 {
		am, pm, ok := splitDayCell(string(raw))
		if !ok {
			rec.reason, rec.detail = "unknown_code", quality.Cell(m.text(raw))
			return nil
		}
		second = &markRec{id: id, day: day, alt: rec.alt, dkind: rec.dkind, sess: register.PM, line: rec.line, pmHalf: true}
		rec.sess = register.AM
		rec.code, ok, rec.local = m.lookup([]byte(am))
		if !ok {
			rec.reason, rec.detail = "unknown_code", quality.Cell(am)
		}
		second.code, ok, second.local = m.lookup([]byte(pm))
		if !ok {
			second.reason, second.detail = "unknown_code", quality.Cell(pm)
		}
		if rec.reason == "" {
			m.evidence(rec, date)
		} else if second.reason == "" {
			m.evidence(second, date)
			// The pupil's details travel with the half that is applied:
			// left on a rejected AM half, the PM half would be filed under
			// an enrolment with no school (a second child).
			second.info, rec.info = rec.info, nil
		}
		return second
	}
	sess, ok := parseSession(fields[m.session])
	if !ok {
		rec.reason, rec.detail = "bad_session", quoteShort(fields[m.session])
		return nil
	}
	rec.sess = sess
	code, ok, local := m.lookup(raw)
	rec.local = local
	if !ok {
		rec.reason, rec.detail = "unknown_code", quality.Cell(m.text(raw))
		return nil
	}
	rec.code = code
	if rec.dkind == dateDayFirst && !m.sawDayFirst || rec.dkind == dateMonthFirst && !m.sawMonthFirst {
		m.evidence(rec, date)
	}
	return nil
}

// continuedRows packs the rows from data[pos:] into bt for as long as each
// continues the row before it in its chunk, rel being the line of the row
// at pos within its chunk. It returns the place and line of the first row
// that does not, with what ls.cut said of it (next, ok): the caller reads
// that row in full. pos is len(data) when every row continued.
//
// A row continues the row before when the row before was split by the
// lineSplitter and accepted, its id had no byte of 0x80 or more, and the
// fields the two share (lineSplitter.shared) cover the id, the school and
// the descriptive fields: the row has the same pupil, whose details the row
// before already settled, so parseRow would find sameID, no details to
// capture and nothing to report about the id. Only the date (unless it is
// shared too), the session and the mark are read. A row that is anything
// else (a rejection, or the first date of its kind that settles the order)
// is left to parseRow, which reads it from the start with the same result
// as if this had never been tried (the date cache holds the same date).
func (m *marksCols) continuedRows(ls *lineSplitter, data []byte, pos, rel int, delim byte, keep, headerFields int, bt *batch) (at, line, next int, ok bool) {
	// Rows of the shape of the row before (rowShape) are read by
	// shapedRows; any other row by cut, as before, once ls has been given
	// the last row shapedRows read (cut compares a row with the row
	// before it; that row has the fields of the one ls cut last, at the
	// same places, so only the row moves).
	var sh rowShape
	shaped := sh.of(ls, m, delim, keep, headerFields)
	for pos < len(data) {
		if shaped {
			var lastAt int
			if pos, rel, lastAt = m.shapedRows(&sh, data, pos, rel, bt); lastAt >= 0 {
				ls.row = data[lastAt : lastAt+sh.n-1]
			}
			if pos == len(data) {
				break
			}
		}
		next, ok = ls.cut(data, pos, delim)
		if n := ls.nfields(); !ok || ls.shared < keep || n < m.need || n > headerFields {
			break
		}
		if m.date >= ls.shared {
			raw := ls.field(m.date)
			if len(raw) == 10 && len(m.lastDate) == 10 {
				// dd/mm/yyyy, nearly every row: two loads, not a call.
				if binary.LittleEndian.Uint64(raw) != binary.LittleEndian.Uint64(m.lastDate) ||
					binary.LittleEndian.Uint16(raw[8:]) != binary.LittleEndian.Uint16(m.lastDate[8:]) {
					m.readDate(raw)
					*(*[10]byte)(m.lastDate) = *(*[10]byte)(raw)
				}
			} else if len(raw) != len(m.lastDate) || string(raw) != string(m.lastDate) {
				m.readDate(raw)
				m.lastDate = append(m.lastDate[:0], raw...)
			}
			if !m.lastOK || m.lastFar {
				break
			}
		}
		// AM or PM, and a one-byte DfE code, without the calls.
		var sess register.Session
		var good bool
		sf := ls.field(m.session)
		if len(sf) == 2 && sf[1]|0x20 == 'm' && sf[0]|0x20 == 'a' {
			sess = register.AM
		} else if len(sf) == 2 && sf[1]|0x20 == 'm' && sf[0]|0x20 == 'p' {
			sess = register.PM
		} else if sess, good = parseSession(sf); !good {
			break
		}
		var code mark.ID
		var local bool
		if mf := ls.field(m.mark); m.local == nil && len(mf) == 1 {
			e := oneByteMarks[mf[0]]
			code, good = e.id, e.ok
		} else {
			code, good, local = m.lookup(mf)
		}
		if !good || m.lastKind == dateDayFirst && !m.sawDayFirst || m.lastKind == dateMonthFirst && !m.sawMonthFirst {
			break
		}
		bt.recs = append(bt.recs, crec{idOff: bt.prevOff, idLen: bt.prevLen, line: int32(rel), day: m.lastDay, alt: m.lastAlt, dkind: m.lastKind,
			info: -1, bad: -1, sess: sess, code: code, local: local})
		pos = next
		rel++
		shaped = sh.of(ls, m, delim, keep, headerFields)
	}
	return pos, rel, next, ok
}

// rowShape is the shape of a row that continuedRows has accepted: its
// length, the pupil's fields (the first keep, with their delimiters) as
// words, and where the rest of its delimiters and its line break lie. A
// row of the same shape has, by cut's reading, the same pupil's fields and
// the same fields at the same places, so its date, session and code are
// read where they lie, with no search: nearly every row of a pupil has the
// shape of the row before (the date, the session and the code change, not
// their lengths), and is read with a few word compares (shapedRows)
// instead of cut's search for the longest common prefix with the row
// before, its walk back through the fields and its scan of the rest.
type rowShape struct {
	n    int // the row's bytes, with its line break
	p    int // the pupil's fields' bytes, delimiters included (8 or more)
	full int // whole words in the pupil's fields
	// prefix is the pupil's fields a word at a time, from 0; last the
	// eight bytes that end them.
	prefix [shapePrefixWords]uint64
	last   uint64
	// The rest of the row, a word at each p+8k (words of them): per word,
	// the bytes that are the row's (valid), and which of them are a
	// delimiter and the line break. Each of these must be where the row
	// before had it, and no other valid byte a delimiter, a line break or
	// a quote.
	tail       [shapeWords]tailWord
	words      int
	cr         bool // the line ends in CR LF (the CR is not the code's)
	date       int  // where the date begins
	dateLen    int
	sess, mark int // where the session (two bytes) and the code (one) are
	pats       splitPatterns
}

type tailWord struct{ valid, delim, nl uint64 }

// splitPatterns are a delimiter, a line break and a quote in every byte of
// a word, for finding them eight bytes at a time.
type splitPatterns struct{ d, n, q uint64 }

// stray reports the bytes of w that break the shape tw: a delimiter or
// line break not where tw has one, one missing where it has, or a quote.
func (sp *splitPatterns) stray(w uint64, tw *tailWord) uint64 {
	xd, xn, xq := w^sp.d, w^sp.n, w^sp.q
	md := ^((xd&low7 + low7) | xd | low7)
	mn := ^((xn&low7 + low7) | xn | low7)
	mq := ^((xq&low7 + low7) | xq | low7)
	return ((md ^ tw.delim) | (mn ^ tw.nl) | mq) & tw.valid
}

// shapeWords is the most words of a row after the pupil's fields that a
// rowShape looks at (a date, a session and a one-byte code are two), and
// shapePrefixWords the most whole words of the pupil's fields.
const (
	shapeWords       = 4
	shapePrefixWords = 16
)

// of sets sh to the shape of the row ls cut last, which continuedRows
// has accepted, and reports whether rows of that shape may be read by
// shapedRows: only a row whose date, session and code come after the
// pupil's fields, with a session of two bytes and a code of one, and no
// local codes (m.lookup reads those).
func (sh *rowShape) of(ls *lineSplitter, m *marksCols, delim byte, keep, headerFields int) bool {
	row, ends := ls.row, ls.ends
	if row == nil || keep <= 0 || len(ends) < keep || m.local != nil ||
		m.date < keep || m.session < keep || m.mark < keep {
		return false
	}
	if n := len(ends) + 1; n < m.need || n > headerFields {
		return false
	}
	field := func(j int) (from, to int) {
		from, to = 0, int(ls.last)
		if j > 0 {
			from = int(ends[j-1]) + 1
		}
		if j < len(ends) {
			to = int(ends[j])
		}
		return from, to
	}
	sh.n = len(row) + 1
	sh.p = int(ends[keep-1]) + 1
	sh.full = sh.p / 8
	sh.words = (sh.n - sh.p + 7) / 8
	if sh.p < 8 || sh.full > shapePrefixWords || sh.words > shapeWords {
		return false
	}
	d0, d1 := field(m.date)
	s0, s1 := field(m.session)
	k0, k1 := field(m.mark)
	if s1-s0 != 2 || k1-k0 != 1 {
		return false
	}
	sh.date, sh.dateLen, sh.sess, sh.mark = d0, d1-d0, s0, k0
	sh.cr = int(ls.last) < len(row)
	for k := range sh.full {
		sh.prefix[k] = binary.LittleEndian.Uint64(row[8*k:])
	}
	sh.last = binary.LittleEndian.Uint64(row[sh.p-8:])
	for k := range sh.words {
		t := &sh.tail[k]
		*t = tailWord{}
		for b := range 8 {
			bit := uint64(0x80) << (8 * b)
			switch i := sh.p + 8*k + b; {
			case i < len(row):
				t.valid |= bit
				if row[i] == delim {
					t.delim |= bit
				}
			case i == len(row):
				t.valid |= bit
				t.nl |= bit
			}
		}
	}
	sh.pats = splitPatterns{d: uint64(delim) * lo7, n: uint64('\n') * lo7, q: uint64('"') * lo7}
	return true
}

// shapedRows packs the rows from data[pos:] into bt for as long as each
// has sh's shape and continuedRows's cut path would accept it with a
// record it packs here: the same record, and the date cache left as that
// path would leave it (the first row it does not take, that path reads
// again, with the same verdict). It returns where it stopped, the line
// there, and where the last row it took begins (or -1).
func (m *marksCols) shapedRows(sh *rowShape, data []byte, pos, rel int, bt *batch) (at, line, lastAt int) {
	recs := bt.recs
	lastAt = -1
	p, n, need := sh.p, sh.n, sh.p+8*sh.words
	for len(data)-pos >= need {
		r := data[pos:]
		// The pupil's fields, a word at a time: the cases are written out
		// with constant offsets, which the compiler reads with no bounds
		// checks.
		var x uint64
		pw := &sh.prefix
		switch sh.full {
		case 1:
			x = (binary.LittleEndian.Uint64(r) ^ pw[0])
		case 2:
			_ = r[15]
			x = (binary.LittleEndian.Uint64(r) ^ pw[0]) | (binary.LittleEndian.Uint64(r[8:]) ^ pw[1])
		case 3:
			_ = r[23]
			x = (binary.LittleEndian.Uint64(r) ^ pw[0]) | (binary.LittleEndian.Uint64(r[8:]) ^ pw[1]) |
				(binary.LittleEndian.Uint64(r[16:]) ^ pw[2])
		case 4:
			_ = r[31]
			x = (binary.LittleEndian.Uint64(r) ^ pw[0]) | (binary.LittleEndian.Uint64(r[8:]) ^ pw[1]) |
				(binary.LittleEndian.Uint64(r[16:]) ^ pw[2]) | (binary.LittleEndian.Uint64(r[24:]) ^ pw[3])
		case 5:
			_ = r[39]
			x = (binary.LittleEndian.Uint64(r) ^ pw[0]) | (binary.LittleEndian.Uint64(r[8:]) ^ pw[1]) |
				(binary.LittleEndian.Uint64(r[16:]) ^ pw[2]) | (binary.LittleEndian.Uint64(r[24:]) ^ pw[3]) |
				(binary.LittleEndian.Uint64(r[32:]) ^ pw[4])
		case 6:
			_ = r[47]
			x = (binary.LittleEndian.Uint64(r) ^ pw[0]) | (binary.LittleEndian.Uint64(r[8:]) ^ pw[1]) |
				(binary.LittleEndian.Uint64(r[16:]) ^ pw[2]) | (binary.LittleEndian.Uint64(r[24:]) ^ pw[3]) |
				(binary.LittleEndian.Uint64(r[32:]) ^ pw[4]) | (binary.LittleEndian.Uint64(r[40:]) ^ pw[5])
		default:
			for k, w := range pw[:sh.full] {
				x |= binary.LittleEndian.Uint64(r[8*k:]) ^ w
			}
		}
		x |= binary.LittleEndian.Uint64(r[p-8:]) ^ sh.last
		// The rest: a date, AM or PM and a code are two words.
		t, sp := r[p:], &sh.pats
		if sh.words == 2 {
			_ = t[15]
			x |= sp.stray(binary.LittleEndian.Uint64(t), &sh.tail[0]) | sp.stray(binary.LittleEndian.Uint64(t[8:]), &sh.tail[1])
		} else {
			for k := range sh.tail[:sh.words] {
				x |= sp.stray(binary.LittleEndian.Uint64(t[8*k:]), &sh.tail[k])
			}
		}
		if x != 0 || sh.cr && r[n-2] != '\r' {
			break
		}
		raw := r[sh.date : sh.date+sh.dateLen]
		if len(raw) == 10 && len(m.lastDate) == 10 {
			if binary.LittleEndian.Uint64(raw) != binary.LittleEndian.Uint64(m.lastDate) ||
				binary.LittleEndian.Uint16(raw[8:]) != binary.LittleEndian.Uint16(m.lastDate[8:]) {
				m.readDate(raw)
				*(*[10]byte)(m.lastDate) = *(*[10]byte)(raw)
			}
		} else if string(raw) != string(m.lastDate) {
			m.readDate(raw)
			m.lastDate = append(m.lastDate[:0], raw...)
		}
		s0, s1, e := r[sh.sess]|0x20, r[sh.sess+1]|0x20, oneByteMarks[r[sh.mark]]
		if !m.lastOK || m.lastFar || s1 != 'm' || s0 != 'a' && s0 != 'p' || !e.ok ||
			m.lastKind == dateDayFirst && !m.sawDayFirst || m.lastKind == dateMonthFirst && !m.sawMonthFirst {
			break
		}
		sess := register.AM
		if s0 == 'p' {
			sess = register.PM
		}
		recs = append(recs, crec{idOff: bt.prevOff, idLen: bt.prevLen, line: int32(rel), day: m.lastDay, alt: m.lastAlt, dkind: m.lastKind,
			info: -1, bad: -1, sess: sess, code: e.id})
		lastAt = pos
		pos += n
		rel++
	}
	bt.recs = recs
	return pos, rel, lastAt
}

// keepFields is the number of leading fields a row must share with the row
// before to continue it (continuedRows): up to the last of the id, the school and the
// descriptive fields.
func (m *marksCols) keepFields() int {
	return max(m.id, m.school, m.surname, m.forename, m.year, m.reg) + 1
}

// evidence keeps the text of the first date of its kind that settles the
// order (per chunk: the first in file order is the first of its chunk), for
// the message when a file mixes orders.
func (m *marksCols) evidence(rec *markRec, date []byte) {
	switch {
	case rec.dkind == dateDayFirst && !m.sawDayFirst:
		m.sawDayFirst = true
	case rec.dkind == dateMonthFirst && !m.sawMonthFirst:
		m.sawMonthFirst = true
	default:
		return
	}
	rec.detail = quoteShort([]byte(m.text(date)))
}

// readDate parses a date into the cache: in the declared order, or both
// ways when the file's order is still to be decided.
func (m *marksCols) readDate(raw []byte) {
	if m.dates != nil && len(raw) == 10 {
		// A year of a school's register has some 200 dates: each is
		// parsed once per worker, then found by its ten bytes.
		k1, k2 := binary.LittleEndian.Uint64(raw), binary.LittleEndian.Uint16(raw[8:])
		e := &m.dates[(k1*0x9E3779B97F4A7C15>>54^uint64(k2)*0x9E37)&uint64(len(m.dates)-1)]
		if e.set && e.k1 == k1 && e.k2 == k2 {
			m.lastDay, m.lastAlt, m.lastKind, m.lastOK, m.lastFar = e.day, e.alt, e.kind, e.ok, e.far
			return
		}
		m.parseDate(raw)
		*e = dateEntry{k1: k1, k2: k2, set: true, day: m.lastDay, alt: m.lastAlt, kind: m.lastKind, ok: m.lastOK, far: m.lastFar}
		return
	}
	m.parseDate(raw)
}

// dateEntry is one date of a worker's date cache: the ten bytes of the
// date as written, and readDate's reading of them.
type dateEntry struct {
	k1       uint64
	k2       uint16
	set      bool
	kind     dateKind
	ok, far  bool
	day, alt register.Day
}

// dateCacheSize is the number of entries of a worker's date cache (a power
// of two): a few years of dates with room to spare.
const dateCacheSize = 4096

// parseDate is readDate without the cache.
func (m *marksCols) parseDate(raw []byte) {
	m.lastOK, m.lastFar = false, false
	var r rawDate
	if len(raw) == 10 && raw[2] == '/' && raw[5] == '/' {
		// Fast path, nearly every row: nn/nn/nnnn, without the general
		// scanner (the same reading as scanDate's own fast path).
		a, ok1 := two(raw[0], raw[1])
		b, ok2 := two(raw[3], raw[4])
		y, ok3 := four(raw[6:10])
		if !ok1 || !ok2 || !ok3 {
			return
		}
		r = rawDate{a: a, b: b, year: y, last: y, weekday: -1}
	} else {
		var ok bool
		if r, ok = scanDate(raw, m.serial, true); !ok {
			return
		}
	}
	if m.order != orderAuto {
		m.lastDay, m.lastOK = r.in(m.order)
		m.lastAlt, m.lastKind = m.lastDay, dateFixed
	} else {
		m.lastDay, m.lastAlt, m.lastKind, m.lastOK = r.classify()
	}
	// A date is far when it is far in every order the file may use.
	m.lastFar = m.far(m.lastDay) && m.far(m.lastAlt)
}

// setAnchor sets the middle year of the file's dates, against which a
// mistyped year is rejected.
func (m *marksCols) setAnchor(year int) {
	m.anchor = year
	if year != 0 {
		// Dates are read in 1900-2200 only: the bounds stay in that range.
		m.nearFrom = register.MustDay(min(max(year-maxYearsAway, 1900), 2200), 1, 1)
		m.nearTo = register.MustDay(min(max(year+maxYearsAway, 1900), 2200), 12, 31)
	}
}

// far reports a date more than maxYearsAway from the middle year of the
// file's dates: a mistyped year (1924, 2094), not a register date.
func (m *marksCols) far(d register.Day) bool {
	return m.anchor != 0 && (d < m.nearFrom || d > m.nearTo)
}

func farFrom(d register.Day, anchor int) bool {
	y, _, _ := d.Civil()
	return y < anchor-maxYearsAway || y > anchor+maxYearsAway
}

// maxYearsAway is how far a date's year may be from the middle year of
// the file's dates. A register export covers a term, a year, or a few
// years of history; a year decades away is a typing slip.
const maxYearsAway = 2

func (m *marksCols) farDetail(raw []byte) string {
	return quoteShort([]byte(m.text(raw))) + " (the file's dates are around " + strconv.Itoa(m.anchor) + ")"
}

// quoteShort quotes a cell value for a message (or withholds it when it may
// be a name: see quality.MayBeName), cut short so that a stray
// long cell (a pasted note, a name in the wrong column) does not flood the
// report.
func quoteShort(b []byte) string { return quality.Short(string(b)) }

// apply hands one parsed row to the builder and keeps the row account. A
// file that turns out to mix date orders stops here with an error.
func apply(b *register.Builder, fd *fileDates, rec *markRec, loc quality.Loc) error {
	q := b.Q
	if rec.notUTF8 {
		q.Find("not_utf8", loc, "read as Windows-1252")
	}
	if rec.extra > 0 {
		q.Find("beyond_header", loc, "column "+strconv.Itoa(int(rec.extra)))
	}
	if rec.reason != "" {
		q.MarksRead++
		b.Reject(rec.reason, loc, rec.detail)
		return nil
	}
	day := rec.day
	if rec.dkind != dateFixed && !(fd.order == orderDMY && rec.dkind != dateMonthFirst) {
		var err error
		if day, err = fd.resolve(rec, loc); err != nil {
			return err
		}
	}
	q.MarksRead++
	var p *register.Pupil
	if rec.info != nil {
		// The first row of a pupil (or of a new school for the same id)
		// decides the enrolment; the rows after it are the same one.
		p = b.PupilAt(rec.id, rec.info.School, loc)
		b.SetInfoAt(p, *rec.info, loc)
	} else {
		p = b.Pupil(rec.id)
	}
	if b.Mark(p, day, rec.sess, rec.code, loc) && rec.local {
		q.Find("local_code", loc, "read as "+mark.Get(rec.code).Code)
	}
	return nil
}

// applyPlain applies the records of a parsed chunk from i on for as long as
// each is plain, and returns the index of the first that is not (or the
// number of records). A plain record is nearly every row: one mark of the
// pupil of the row before, nothing to report about the row itself and a
// date that needs no deciding (order is the file's, as decided so far).
// This is applyRow for it, without building the markRec; loc's line is
// moved to the row's of each mark that MarkAt applies.
func applyPlain(b *register.Builder, cur *batch, i int, order dateOrder, loc *quality.Loc) int {
	q := b.Q
	recs := cur.recs
	// No details (c.info < 0): the worker saw the same id (and school) as
	// the chunk's last row it did not reject, so the pupil is the one that
	// row's apply found, the builder's last: no need to compare ids. The
	// same pupil, then, for every row here: its run is settled once (and
	// again after MarkAt, which may change it), and the rows it applies
	// are counted once (n), before anything else may read the account.
	var p *register.Pupil
	var run register.PlainRun
	n := 0
	for ; i < len(recs); i++ {
		c := &recs[i]
		if c.bad >= 0 || c.info >= 0 || i+1 < len(recs) && recs[i+1].pmHalf ||
			!(c.dkind == dateFixed || order == orderDMY && c.dkind != dateMonthFirst) {
			break
		}
		if p == nil {
			if p = b.Last(); p == nil {
				p = b.Pupil(cur.ids[c.idOff : c.idOff+c.idLen])
			}
			run = b.Plain(p)
		}
		if !c.local && run.Mark(c.day, c.sess, c.code) {
			n++
			continue
		}
		q.MarksRead += n + 1
		q.RowsRead += n + 1
		q.MarksUsed += n
		q.RowsUsed += n
		n = 0
		loc.Line = cur.line + int(c.line)
		// MarkAt reports the mark used exactly when it counts it in
		// MarksUsed: the row is used when its one mark is.
		if b.MarkAt(p, c.day, c.sess, c.code, loc) {
			q.RowsUsed++
			if c.local {
				q.Find("local_code", *loc, "read as "+mark.Get(c.code).Code)
			}
		} else {
			q.RowsRejected++
		}
		run = b.Plain(p)
	}
	q.MarksRead += n
	q.RowsRead += n
	q.MarksUsed += n
	q.RowsUsed += n
	return i
}

// applyRow applies a marks row (one or, for a whole-day mark, two session
// marks) and counts the row as used when any of its marks was used.
func applyRow(b *register.Builder, fd *fileDates, rec, second *markRec, loc quality.Loc) error {
	q := b.Q
	usedBefore := q.MarksUsed
	if err := apply(b, fd, rec, loc); err != nil {
		return err
	}
	if second != nil {
		if err := apply(b, fd, second, loc); err != nil {
			return err
		}
	}
	q.RowsRead++
	if q.MarksUsed > usedBefore {
		q.RowsUsed++
	} else {
		q.RowsRejected++
	}
	return nil
}

// crec is markRec packed for the parallel path: no pointers, so a chunk's
// hundred thousand records cost the garbage collector nothing to scan, and
// a quarter of the memory. The id lives in the batch's id arena; the rare
// extras (descriptive fields, a rejection's detail) in side slices.
type crec struct {
	idOff, idLen int32
	day          register.Day
	line         int32
	info         int32 // index into batch.infos, or -1
	bad          int32 // index into batch.bad, or -1
	sess         register.Session
	code         mark.ID
	alt          register.Day
	pmHalf       bool
	local        bool
	dkind        dateKind
}

// badRec holds the rare extras of a row: a rejection, or a finding about
// it (kept here so that crec stays small).
type badRec struct {
	reason, detail string
	notUTF8        bool
	extra          int32
}

// batch is one parsed chunk, applied as a unit and then recycled.
type batch struct {
	seq, line int
	recs      []crec
	ids       []byte
	infos     []register.Info
	bad       []badRec
	buf       *[]byte // the chunk's bytes, returned to the reader
	mapEnd    int     // the chunk's mapEnd
	// prevOff and prevLen place the id of the last record added without a
	// rejection, which a record with sameID shares.
	prevOff, prevLen int32
}

func (bt *batch) add(rec *markRec) {
	c := crec{day: rec.day, alt: rec.alt, dkind: rec.dkind, line: rec.line, info: -1, bad: -1, sess: rec.sess, code: rec.code, pmHalf: rec.pmHalf, local: rec.local}
	// Rows come grouped by pupil: store an id once per run of rows. The
	// parser has already compared the id with the last one (sameID), and
	// the PM half of a whole-day mark is its row's second record.
	switch n := len(bt.recs); {
	case rec.pmHalf && n > 0:
		c.idOff, c.idLen = bt.recs[n-1].idOff, bt.recs[n-1].idLen
	case rec.sameID:
		c.idOff, c.idLen = bt.prevOff, bt.prevLen
	case len(rec.id) > 0:
		c.idOff, c.idLen = int32(len(bt.ids)), int32(len(rec.id))
		bt.ids = append(bt.ids, rec.id...)
	}
	if rec.reason == "" && !rec.pmHalf && c.idLen > 0 {
		bt.prevOff, bt.prevLen = c.idOff, c.idLen
	}
	if rec.info != nil {
		c.info = int32(len(bt.infos))
		bt.infos = append(bt.infos, *rec.info)
	}
	if rec.reason != "" || rec.detail != "" || rec.notUTF8 || rec.extra > 0 {
		c.bad = int32(len(bt.bad))
		bt.bad = append(bt.bad, badRec{rec.reason, rec.detail, rec.notUTF8, rec.extra})
	}
	bt.recs = append(bt.recs, c)
}

// unpack rebuilds the markRec for applying.
func (bt *batch) unpack(c *crec, rec *markRec) {
	*rec = markRec{id: bt.ids[c.idOff : c.idOff+c.idLen], day: c.day, alt: c.alt, dkind: c.dkind, sess: c.sess, code: c.code, line: c.line, pmHalf: c.pmHalf, local: c.local}
	if c.info >= 0 {
		rec.info = &bt.infos[c.info]
	}
	if c.bad >= 0 {
		b := &bt.bad[c.bad]
		rec.reason, rec.detail, rec.notUTF8, rec.extra = b.reason, b.detail, b.notUTF8, b.extra
	}
}

// freeList recycles buffers through a channel. Unlike sync.Pool it is not
// emptied by the garbage collector, so the big chunk buffers are made once.
type freeList[T any] struct {
	ch  chan T
	new func() T
}

func (f *freeList[T]) get() T {
	select {
	case x := <-f.ch:
		return x
	default:
		return f.new()
	}
}

func (f *freeList[T]) put(x T) {
	select {
	case f.ch <- x:
	default:
	}
}

// bufPool holds the reader's chunk buffers: it makes at most max of them,
// and past that the reader waits for the apply to give one back. That bounds
// the chunks in flight whatever the goroutines' timing: before, a worker
// held up on a busy machine let its partner run ahead, every chunk the
// apply could not yet take got a fresh buffer, and the buffers that came
// back to a full list were dropped, so the heap was faulted in again and
// again (a hundred 1 MiB buffers made for an authority's year, some 100 MB
// of garbage). get is called by the reader goroutine alone.
type bufPool struct {
	ch        chan *[]byte
	made, max int
	size      int
}

func newBufPool(max, size int) *bufPool {
	return &bufPool{ch: make(chan *[]byte, max), max: max, size: size}
}

// get returns a free buffer, or makes one while fewer than max exist, or
// waits for one to be put back; ok is false when done closes first.
func (p *bufPool) get(done <-chan struct{}) (b *[]byte, ok bool) {
	select {
	case b = <-p.ch:
		return b, true
	default:
	}
	if p.made < p.max {
		p.made++
		s := make([]byte, 0, p.size)
		return &s, true
	}
	select {
	case b = <-p.ch:
		return b, true
	case <-done:
		return nil, false
	}
}

// put gives a buffer back. It never blocks: the channel has room for every
// buffer made.
func (p *bufPool) put(b *[]byte) { p.ch <- b }

// testWorkerHook, when set by a test, runs at the start of the marks
// reader's goroutines ("reader", "worker"): a test makes it panic to prove
// the panic reaches the caller instead of killing the process.
var testWorkerHook func(role string)

// testSlowPaths, when set by a test, turns off the parallel reader's fast
// paths (marksCols.continuedRows in the workers, and the apply of a plain row
// without its markRec), so FuzzMarksFastPaths can compare the reader with
// and without them.
var testSlowPaths bool

// readMarksCSV streams a marks-layout CSV: one goroutine cuts the input into
// chunks at record boundaries, workers parse chunks in parallel, and this
// goroutine applies the parsed rows in file order. The input is r, or the
// mapped file mt when it is not nil (then r is not read, and mt is closed
// before the return).
func readMarksCSV(r io.Reader, mt *mappedText, file string, delim byte, firstLine int, h header, opts Options, b *register.Builder, cp1252 bool, tail textTail, fd *fileDates) error {
	cols := newMarksCols(h.cols, opts)
	cols.cp1252 = cp1252
	cols.setAnchor(fd.anchor)
	// width is the header's: chunks are cut (lastRowEnd) and rows split
	// (splitRow) with the same width, so a stray quote is decided alike.
	width := len(h.cols.headers)
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	inFlight := 2*workers + 2
	// The test settings are read once, here: the goroutines below may
	// outlive a read that stops with an error, and a test may change them
	// for its next read.
	chunkSize, slowPaths := chunkSize, testSlowPaths
	// Mapped, the pool's buffers are only tokens: a chunk in flight holds
	// one, so the chunks in flight, and the mapped pages not yet given
	// back, are bounded alike.
	bufSize := chunkSize
	if mt != nil {
		bufSize = 0
	}
	bufs := newBufPool(inFlight, bufSize)
	batches := &freeList[*batch]{ch: make(chan *batch, inFlight), new: func() *batch { return &batch{} }}
	chunks := make(chan chunk, workers)
	results := make(chan *batch, workers)
	done := make(chan struct{})
	stop := sync.OnceFunc(func() { close(done) })
	defer stop()
	readerDone := make(chan struct{})
	workersDone := make(chan struct{})
	if mt != nil {
		// Whatever the return, the goroutines that touch the mapping have
		// ended before it is unmapped.
		defer func() {
			stop()
			<-readerDone
			<-workersDone
			mt.close()
		}()
	}

	// Reader: cut at record boundaries, carry the tail over. endLine and
	// endsNL (the line after the last, and whether the text ends with a
	// line break) are read after results is closed.
	var readErr, cancelErr error
	endLine, endsNL := firstLine, true
	// caught[0] is the reader's, caught[1+w] worker w's: a panic in any of
	// them is raised again here once every goroutine has finished.
	caught := make([]worker.Catch, workers+1)
	go func() {
		defer close(readerDone)
		defer close(chunks)
		defer caught[0].Catch()
		if mt != nil {
			debug.SetPanicOnFault(true)
			defer mt.catchFault()
		}
		if testWorkerHook != nil {
			testWorkerHook("reader")
		}
		var carry []byte
		// strays is lastRowEnd's list, reused from window to window.
		var strays []int32
		seq, line := 0, firstLine
		send := func(c chunk) bool {
			c.seq, c.line = seq, line
			// Counted before the send: once sent, a mapped chunk may be
			// applied and given back (unmapped) at any moment.
			n := countLines(c.data)
			select {
			case chunks <- c:
			case <-done:
				return false
			}
			seq++
			line += n
			endLine = line
			return true
		}
		if mt != nil {
			// The same cuts from the mapping, where the data lies: pos is
			// where the next chunk starts, want how much of the data from
			// there to look at (more when one record does not fit).
			data := mt.data()
			pos, fixed, want := 0, 0, chunkSize
			var tok *[]byte
			for pos < len(data) {
				if err := opts.cancelled(); err != nil {
					cancelErr = err
					return
				}
				if tok == nil {
					var ok bool
					if tok, ok = bufs.get(done); !ok {
						return
					}
				}
				end := min(pos+want, len(data))
				eof := end == len(data)
				fixed = fixCRs(data, fixed, end)
				buf := data[pos:end]
				endsNL = buf[len(buf)-1] == '\n'
				cut, longAt := len(buf), -1
				var cutStrays []int32 // the last chunk's worker sees every byte: none
				if !eof {
					cut, longAt, strays = lastRowEnd(buf, delim, width, strays)
					if cut < 0 && longAt < 0 { // an undecided record fills the window
						want += chunkSize
						continue
					}
					cut = max(cut, 0)
					cutStrays = straysBefore(strays, cut)
				}
				if longAt >= 0 {
					// A line longer than maxRecordBytes: skip to its line
					// break (CRs fixed first, as the reader of a stream
					// sees them), then carry on after it.
					start := pos + longAt
					nl := bytes.IndexByte(data[start:fixed], '\n')
					for nl < 0 && fixed < len(data) {
						from := fixed
						fixed = fixCRs(data, fixed, min(fixed+64<<10, len(data)))
						if j := bytes.IndexByte(data[from:fixed], '\n'); j >= 0 {
							nl = from - start + j
						}
					}
					if cut > 0 {
						if !send(chunk{data: buf[:cut], buf: tok, mapEnd: pos + cut, strays: cutStrays}) {
							return
						}
						tok = nil
					}
					if nl < 0 { // the file ends in the long line
						endsNL = false
						send(chunk{long: len(data) - start, last: true})
						return
					}
					if !send(chunk{long: nl}) {
						return
					}
					line++ // the long line's break, not in any chunk's data
					endLine = line
					pos, want = start+nl+1, chunkSize
					continue
				}
				if cut > 0 {
					if !send(chunk{data: buf[:cut], buf: tok, last: eof, mapEnd: pos + cut, strays: cutStrays}) {
						return
					}
					tok = nil
				}
				pos, want = pos+cut, chunkSize
			}
			return
		}
		for {
			if err := opts.cancelled(); err != nil {
				cancelErr = err
				return
			}
			bp, ok := bufs.get(done)
			if !ok {
				return
			}
			buf := append((*bp)[:0], carry...)
			if cap(buf)-len(buf) < chunkSize/2 {
				nb := make([]byte, len(buf), len(buf)+chunkSize)
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
			if len(buf) > 0 {
				endsNL = buf[len(buf)-1] == '\n'
			}
			end, longAt := len(buf), -1
			var cutStrays []int32 // the last chunk's worker sees every byte: none
			if !eof {
				end, longAt, strays = lastRowEnd(buf, delim, width, strays)
				if end < 0 && longAt < 0 { // an undecided record fills the buffer: read more
					carry = append(carry[:0], buf...)
					*bp = buf[:0]
					bufs.put(bp)
					continue
				}
				if end < 0 {
					end = 0
				}
				cutStrays = straysBefore(strays, end)
			}
			if longAt >= 0 {
				// A line longer than maxRecordBytes: skip it without
				// holding it, then carry on after its line break.
				skipped := len(buf) - longAt
				buf = buf[:longAt]
				var rest []byte
				var eofInLine bool
				skipped, rest, eofInLine, err = skipLine(r, skipped, carry[:0])
				if err != nil {
					readErr = err
					return
				}
				if end > 0 {
					*bp = buf
					if !send(chunk{data: buf[:end], buf: bp, strays: cutStrays}) {
						return
					}
				} else {
					bufs.put(bp)
				}
				if !send(chunk{long: skipped, last: eofInLine}) {
					return
				}
				if !eofInLine {
					line++ // the long line's break, not in any chunk's data
					endLine = line
				} else {
					endsNL = false
				}
				carry = rest
				if eofInLine {
					return
				}
				continue
			}
			carry = append(carry[:0], buf[end:]...)
			*bp = buf
			if end > 0 {
				if !send(chunk{data: buf[:end], buf: bp, last: eof, strays: cutStrays}) {
					return
				}
			} else {
				bufs.put(bp)
			}
			if eof {
				return
			}
		}
	}()

	// Workers.
	headerFields := namedColumns(h.cols.headers)
	keep := cols.keepFields()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(c *worker.Catch) {
			// A worker that ends any other way than at the end of the
			// chunks or on done (a panic, a fault in the mapping) leaves a
			// chunk unapplied, and the apply can then never give back the
			// buffers the reader waits for: stop everything.
			finished := false
			defer func() {
				if !finished {
					stop()
				}
			}()
			defer wg.Done()
			defer c.Catch()
			if mt != nil {
				debug.SetPanicOnFault(true)
				defer mt.catchFault()
			}
			if testWorkerHook != nil {
				testWorkerHook("worker")
			}
			var fields [][]byte
			var ls lineSplitter
			cols := cols // each worker has its own date cache
			cols.lastDate = nil
			cols.dates = make([]dateEntry, dateCacheSize)
			for c := range chunks {
				if testWorkerHook != nil {
					testWorkerHook("chunk")
				}
				bt := batches.get()
				bt.seq, bt.line, bt.buf, bt.mapEnd = c.seq, c.line, c.buf, c.mapEnd
				bt.recs, bt.ids, bt.infos, bt.bad = bt.recs[:0], bt.ids[:0], bt.infos[:0], bt.bad[:0]
				bt.prevOff, bt.prevLen = 0, 0
				if want := len(c.data)/bytesPerRow + 16; cap(bt.recs) < want {
					bt.recs = make([]crec, 0, want)
				}
				cols.sawDayFirst, cols.sawMonthFirst = false, false
				if c.long > 0 {
					bt.add(&markRec{reason: "line_too_long", detail: strconv.Itoa(c.long) + " bytes"})
				}
				pos, rel := 0, 0
				ls.reset()
				var prevID []byte
				strays := c.strays // those not yet passed
				// cont: the row before was split by ls and accepted with an
				// id of plain ASCII (see continuedRows).
				cont := false
				for pos < len(c.data) {
					var next int
					var lsOK bool
					if cont && !slowPaths {
						// Nearly every row: the pupil of the row before.
						pos, rel, next, lsOK = cols.continuedRows(&ls, c.data, pos, rel, delim, keep, headerFields, bt)
						if pos == len(c.data) {
							break
						}
					} else {
						next, lsOK = ls.cut(c.data, pos, delim)
					}
					cont = false
					start := pos
					var used int
					var st recStatus
					if lsOK {
						fields, pos, used, st = ls.fields(fields[:0]), next, 1, recOK
					} else {
						fields, pos, used, st = splitRow(c.data, pos, delim, width, fields)
					}
					line := rel
					rec := markRec{line: int32(line)}
					var second *markRec
					switch st {
					case recOpen:
						// Open at the chunk's end: in the file's last chunk
						// the file ends inside the quote; in any other the
						// reader decided it from bytes past the chunk, a
						// stray if it listed it (lastRowEnd), else a
						// runaway, as one pass reads it.
						pos, used = lineAfter(c.data, start)
						for len(strays) > 0 && int(strays[0]) < start {
							strays = strays[1:]
						}
						switch {
						case c.last:
							rec.reason, rec.detail = "incomplete_row", "a quoted field is never closed, or a \" is missing"
						case len(strays) > 0 && int(strays[0]) == start:
							rec.reason = "stray_quote"
						default:
							rec.reason = "unclosed_quote"
						}
					case recRunaway:
						rec.reason = "unclosed_quote"
					case recStray:
						rec.reason = "stray_quote"
					case recLong:
						rec.reason, rec.detail = "line_too_long", strconv.Itoa(pos-start-used)+" bytes"
					}
					rel += used
					if st == recOK {
						// A row whose first field starts with text is not
						// blank (trimSpace trims spaces and tabs in front):
						// nearly every row, without the call.
						if len(fields) == 0 || (len(fields[0]) == 0 || fields[0][0] == ' ' || fields[0][0] == '\t') && blank(fields) {
							continue
						}
						if c.last && pos == len(c.data) && c.data[pos-1] != '\n' {
							// The last line has no line break: a full row is
							// fine; a short one, or any followed by zero
							// bytes, was cut off.
							if tail.zeros > 0 {
								rec.reason, rec.detail = "incomplete_row", zerosDetail(tail.zeros, true)
							} else if len(fields) < headerFields {
								rec.reason, rec.detail = "incomplete_row", strconv.Itoa(len(fields))+" of "+strconv.Itoa(headerFields)+" columns and no line break at the end"
							}
						}
						if rec.reason == "" {
							second = cols.parseRow(fields, &rec, prevID)
							if len(fields) > headerFields {
								rec.extra = int32(beyondHeader(fields, headerFields))
							}
						}
					}
					// A rejected row's pupil details never reach the
					// register, so the next row of the same pupil must
					// capture them again.
					if rec.id != nil && rec.reason == "" {
						prevID = rec.id
						cont = lsOK && second == nil && !hasHigh(rec.id) && cols.session >= 0
					}
					bt.add(&rec)
					if second != nil {
						bt.add(second)
					}
				}
				select {
				case results <- bt:
				case <-done:
					finished = true
					return
				}
			}
			finished = true
		}(&caught[1+w])
	}
	go func() { wg.Wait(); close(results); close(workersDone) }()

	// Apply in order.
	pending := map[int]*batch{}
	next := 0
	var rec, second markRec
	// fast is the place of a row applied on the fast path: only its line
	// moves.
	fast := quality.Loc{File: file}
	// single is what a single pass's parseRow compares a row with.
	var single struct {
		id     []byte
		school string
	}
	for bt := range results {
		pending[bt.seq] = bt
		for {
			cur, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			// fresh: no row of this chunk has been accepted yet. Its
			// worker started with no row before, so its first rows carry
			// the pupil's details even when they continue the last pupil
			// of the chunk before, where a single pass would not have
			// read them: a blank name would be filled, or not, by where
			// a chunk happens to start. Such details are dropped, by the
			// single pass's own test (parseRow: the id of the last row
			// not rejected, the school of the last row whose details
			// were read).
			fresh := true
			for i := 0; i < len(cur.recs); i++ {
				if !slowPaths {
					if j := applyPlain(b, cur, i, fd.order, &fast); j > i {
						fresh = false
						if i = j; i == len(cur.recs) {
							break
						}
					}
				}
				cur.unpack(&cur.recs[i], &rec)
				loc := quality.Loc{File: file, Line: cur.line + int(rec.line)}
				if rec.reason == "incomplete_row" && !opts.AllowIncomplete {
					return incompleteError(loc, rec.detail)
				}
				var sp *markRec
				if i+1 < len(cur.recs) && cur.recs[i+1].pmHalf {
					cur.unpack(&cur.recs[i+1], &second)
					sp = &second
					i++
				}
				// The row's details ride on its AM record, or on the PM half
				// when the AM half was rejected (parseRow).
				carrier := &rec
				if rec.info == nil && sp != nil {
					carrier = sp
				}
				if info := carrier.info; info != nil {
					if fresh && string(carrier.id) == string(single.id) && info.School == single.school {
						carrier.info = nil // as a single pass reads it
					} else {
						single.school = info.School
					}
				}
				if rec.id != nil && rec.reason == "" {
					// The worker's prevID moves on the same condition; a
					// row applied on the fast path above never moves it
					// (it has the id of an earlier row of its chunk).
					single.id = append(single.id[:0], rec.id...)
					fresh = false
				}
				if err := applyRow(b, fd, &rec, sp, loc); err != nil {
					return err
				}
			}
			if mt != nil && cur.mapEnd > 0 {
				mt.release(cur.mapEnd)
			}
			if cur.buf != nil {
				*cur.buf = (*cur.buf)[:0]
				bufs.put(cur.buf)
				cur.buf = nil
			}
			batches.put(cur)
			if opts.Progress != nil {
				opts.Progress(file, b.Q.RowsRead)
			}
		}
	}
	// results is closed: the workers have finished. The reader has too,
	// unless the workers died and left it blocked on a send: stop it and
	// wait, so that its record is safe to read. A dead worker's batch never
	// arrived, so what was applied is incomplete: raise its panic rather
	// than return a partial register.
	stop()
	<-readerDone
	if mt != nil && mt.fault.Load() {
		return &Error{Loc: quality.Loc{File: file}, Msg: "the file changed while it was being read (cut short by another program?): read it again once nothing is writing to it"}
	}
	worker.Rethrow(caught)
	if cancelErr != nil {
		return cancelErr
	}
	if readErr != nil {
		return &Error{Loc: quality.Loc{File: file}, Msg: "read failed: " + readErr.Error()}
	}
	if tail.zeros > 0 && endsNL {
		// Zero bytes after the last line break: the row they replaced is
		// gone, so they stand for one cut-off row.
		loc := quality.Loc{File: file, Line: endLine}
		if !opts.AllowIncomplete {
			return incompleteError(loc, zerosDetail(tail.zeros, false))
		}
		return applyRow(b, fd, &markRec{reason: "incomplete_row", detail: zerosDetail(tail.zeros, false)}, nil, loc)
	}
	return nil
}
