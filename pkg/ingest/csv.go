package ingest

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// The bounds on one CSV record. A register row is a few dozen bytes on one
// line; a quoted cell may hold line breaks (a note, an address), but a
// record that runs on past these is a stray quote swallowing the rows below
// it, or a file that is not a register, and holding it whole would let one
// bad byte cost gigabytes. They are variables only so tests can lower them.
var (
	// maxRecordBytes bounds a record's length, line breaks inside quotes
	// included: 1 MiB.
	maxRecordBytes = 1 << 20
	// maxRecordLines bounds the physical lines one record may span: a
	// quoted field still open after this many line breaks is a runaway.
	maxRecordLines = 100
)

// recStatus says how splitRecord's record ended.
type recStatus uint8

const (
	// recOK: a whole record, ended by a line break or by the end of data
	// (the caller knows whether more data may follow).
	recOK recStatus = iota
	// recOpen: a quoted field is still open at the end of data, within the
	// bounds. At the end of the file that is a cut-off export (or a missing
	// quote); otherwise more data is needed to decide.
	recOpen
	// recRunaway: a quoted field ran past maxRecordLines lines or
	// maxRecordBytes bytes without closing. The record is rejected as one
	// row at its first line, and next is the start of the line after that
	// one, so the rows the quote would have swallowed are read after all.
	recRunaway
	// recLong: the record's first line is longer than maxRecordBytes. next
	// is past its line break, or len(data) when the break is not in data
	// (a streaming caller then skips input up to it).
	recLong
	// recStray: a quoted field ran onto later lines and closed there, but
	// what it swallowed looks like whole rows (it holds a row's worth of
	// delimiters, or the record ends with more fields than the header
	// has): two stray quotes paired up. As with recRunaway, the record is
	// rejected at its first line and next is the line after that one.
	recStray
)

// splitRecord parses the CSV record that starts at data[pos:] into dst and
// returns the fields, the position after the record, the number of line
// breaks it consumed and how it ended. Unquoted fields are slices of data
// (no copying); a quoted field is copied only when it holds an escaped
// quote. The record ends at a line break outside quotes or at the end of
// data; see recStatus for the bounded cases. A caller reading in pieces
// gets the same answer for a record whatever the piece, as long as the
// piece holds the record or maxRecordBytes+1 bytes of it, which is what
// keeps the parallel reader's chunks in step with a single pass.
//
// It follows RFC 4180 with the leniencies Excel's own exports need: CRLF or
// LF, a stray quote inside an unquoted field kept as text, and trailing
// empty fields kept (they are harmless and keep column positions).
func splitRecord(data []byte, pos int, delim byte, dst [][]byte) ([][]byte, int, int, recStatus) {
	return splitRow(data, pos, delim, 0, dst)
}

// splitRow is splitRecord for a file whose header has width columns (0:
// not known yet, as while the header is being looked for). A quoted field
// may hold line breaks, but in a register such a field is a note, not
// rows: one that spans lines and holds width-1 delimiters or more (as many
// as a whole row), or a record spanning lines that ends with more fields
// than the header, is two stray quotes pairing up, swallowing the rows
// between them: recStray. The check reads only the record's own bytes, so
// it gives the same answer whatever piece of input the record is read from.
func splitRow(data []byte, pos int, delim byte, width int, dst [][]byte) ([][]byte, int, int, recStatus) {
	dst = dst[:0]
	start0 := pos
	n := len(data)
	// Fast path, nearly every row of a register: find the line end and make
	// sure the line holds no quote (both with the vectorised IndexByte),
	// then split on the delimiter alone.
	if pos < n {
		end, next := n, n
		if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
			end, next = pos+i, pos+i+1
		}
		if end-pos > maxRecordBytes {
			lines := 0
			if next > end {
				lines = 1
			}
			return dst, next, lines, recLong
		}
		line := data[pos:end]
		if bytes.IndexByte(line, '"') < 0 {
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
			dst = splitDelim(line, delim, dst)
			lines := 0
			if next > end {
				lines = 1
			}
			return dst, next, lines, recOK
		}
	}
	// The record must end within maxRecordBytes (its line break may be the
	// byte after): scan no further, so a runaway is decided from a bounded
	// prefix, the same one whatever follows.
	capped := false
	if n-start0 > maxRecordBytes+1 {
		n = start0 + maxRecordBytes + 1
		capped = true
	}
	// runaway ends the record at its first line: the first line is not
	// longer than the bound (checked above), so its break is within data.
	runaway := func() ([][]byte, int, int, recStatus) {
		i := bytes.IndexByte(data[start0:], '\n')
		return dst[:0], start0 + i + 1, 1, recRunaway
	}
	stray := func() ([][]byte, int, int, recStatus) {
		_, next, lines, _ := runaway()
		return dst[:0], next, lines, recStray
	}
	lines := 0
	for {
		if pos < n && data[pos] == '"' {
			// Quoted field.
			pos++
			start := pos
			fieldStart, linesBefore := pos, lines
			var buf []byte
			closed := false
			for pos < n {
				i := bytes.IndexByte(data[pos:n], '"')
				if i < 0 {
					lines += bytes.Count(data[pos:n], nl)
					pos = n
					break
				}
				lines += bytes.Count(data[pos:pos+i], nl)
				if lines >= maxRecordLines {
					return runaway()
				}
				if pos+i+1 < n && data[pos+i+1] == '"' {
					buf = append(buf, data[start:pos+i+1]...)
					pos += i + 2
					start = pos
					continue
				}
				if buf != nil {
					buf = append(buf, data[start:pos+i]...)
				} else {
					buf = data[start : pos+i]
				}
				pos += i + 1
				closed = true
				break
			}
			if closed && width >= 3 && lines > linesBefore && bytes.Count(data[fieldStart:pos], []byte{delim}) >= width-1 {
				return stray()
			}
			if !closed {
				if capped || lines >= maxRecordLines {
					return runaway()
				}
				if buf == nil {
					buf = data[start:n]
				} else {
					buf = append(buf, data[start:n]...)
				}
				dst = append(dst, buf)
				return dst, n, lines, recOpen
			}
			// Text after the closing quote up to the delimiter is kept, as
			// Excel does ("a"b -> ab).
			for pos < n && data[pos] != delim && data[pos] != '\n' {
				if data[pos] != '\r' {
					buf = append(buf[:len(buf):len(buf)], data[pos])
				}
				pos++
			}
			dst = append(dst, buf)
		} else {
			start := pos
			for pos < n && data[pos] != delim && data[pos] != '\n' {
				pos++
			}
			end := pos
			if end > start && data[end-1] == '\r' && (pos == n || data[pos] == '\n') {
				end--
			}
			dst = append(dst, data[start:end])
		}
		if pos >= n {
			if capped {
				return runaway()
			}
			if width > 0 && lines > 0 && len(dst) > width {
				return stray()
			}
			return dst, n, lines, recOK
		}
		if data[pos] == '\n' {
			if width > 0 && lines > 0 && len(dst) > width {
				return stray()
			}
			return dst, pos + 1, lines + 1, recOK
		}
		pos++ // delimiter
		if pos == n {
			if capped {
				return runaway()
			}
			dst = append(dst, data[n:n])
			if width > 0 && lines > 0 && len(dst) > width {
				return stray()
			}
			return dst, n, lines, recOK
		}
	}
}

var nl = []byte{'\n'}

// lastRecordEnd returns the end of the last record in data that is decided
// without more input, or -1 when there is none; and, when data ends inside a
// line longer than maxRecordBytes, where that line starts (else -1), for the
// caller to skip the rest of it. Chunks always start at a record boundary.
// It walks the records with splitRecord itself, so a stray quote or a
// runaway field moves a chunk boundary exactly as a single pass would see
// it. Within a chunk cut here, a record whose quote is still open at the
// chunk's end can only be one decided a runaway or a stray (see
// lastRowEnd): which of the two, the chunk alone cannot say.
func lastRecordEnd(data []byte, delim byte) (end, longAt int) {
	end, longAt, _ = lastRowEnd(data, delim, 0, nil)
	return end, longAt
}

// lastRowEnd is lastRecordEnd for a header of width columns (see splitRow):
// the reader cuts chunks with the same width its workers split rows with.
// It also appends to strays (emptied first) the start of every record it
// decided a stray. A stray's next is the line after its first, so a chunk
// may end there, or anywhere in the lines the quote swallowed, before the
// bytes that decided it (the closing quote, which may even lie in a line
// too long to be in any chunk): the worker then finds the quote open at the
// chunk's end and can tell a stray from a runaway only by this list.
func lastRowEnd(data []byte, delim byte, width int, strays []int32) (end, longAt int, _ []int32) {
	strays = strays[:0]
	if bytes.IndexByte(data, '"') < 0 {
		i := bytes.LastIndexByte(data, '\n')
		if len(data)-(i+1) > maxRecordBytes {
			longAt = i + 1
		} else {
			longAt = -1
		}
		if i < 0 {
			return -1, longAt, strays
		}
		return i + 1, longAt, strays
	}
	end, longAt = -1, -1
	var fields [][]byte
	for pos := 0; pos < len(data); {
		var next int
		var st recStatus
		fields, next, _, st = splitRow(data, pos, delim, width, fields)
		switch {
		case st == recOpen:
			return end, -1, strays
		case st == recLong && data[next-1] != '\n':
			return end, pos, strays
		case st == recOK && data[next-1] != '\n':
			return end, -1, strays
		case st == recStray:
			strays = append(strays, int32(pos))
		}
		pos, end = next, next
	}
	return end, longAt, strays
}

// straysBefore returns the strays (from lastRowEnd) that a chunk ending at
// cut must carry: those that start before cut, within maxRecordBytes+1 of
// it. A stray starting further back is read by the worker from the same
// capped prefix the reader decided it from, so the worker finds it a stray
// itself; only the ones left are ever looked up, and dropping the others
// keeps a file of many strays from costing a list per chunk. It returns a
// copy (nil when none), as the reader reuses strays for the next chunk.
func straysBefore(strays []int32, cut int) []int32 {
	hi := len(strays)
	for hi > 0 && int(strays[hi-1]) >= cut {
		hi--
	}
	lo := hi
	for lo > 0 && cut-int(strays[lo-1]) <= maxRecordBytes+1 {
		lo--
	}
	if lo == hi {
		return nil
	}
	return append([]int32(nil), strays[lo:hi]...)
}

// blank reports whether a record is empty (a blank line, or only empty
// fields, as spreadsheets leave below the data).
func blank(fields [][]byte) bool {
	for _, f := range fields {
		if len(trimSpace(f)) > 0 {
			return false
		}
	}
	return true
}

const (
	lo7  = 0x0101010101010101
	low7 = 0x7f7f7f7f7f7f7f7f
)

// splitDelim appends the delimiter-separated fields of a quote-free line.
// It looks at eight bytes at a time: XOR with the delimiter repeated turns
// delimiter bytes into zero bytes, and an exact zero-byte test marks each of
// them. (The shorter (x-0x01..)&^x&0x80.. test is not exact: a borrow out of
// a zero byte flags the next byte if it is 0x01, which after a comma is "-",
// the missing mark.) Adding 0x7f to each byte's low seven bits sets its top
// bit unless all seven were zero, and can never carry into the next byte.
func splitDelim(line []byte, delim byte, dst [][]byte) [][]byte {
	pat := uint64(delim) * lo7
	start, i := 0, 0
	for ; i+8 <= len(line); i += 8 {
		x := binary.LittleEndian.Uint64(line[i:]) ^ pat
		m := ^((x&low7 + low7) | x | low7)
		for m != 0 {
			j := i + bits.TrailingZeros64(m)>>3
			dst = append(dst, line[start:j])
			start = j + 1
			m &= m - 1
		}
	}
	for ; i < len(line); i++ {
		if line[i] == delim {
			dst = append(dst, line[start:i])
			start = i + 1
		}
	}
	return append(dst, line[start:])
}

// lineSplitter is splitRow's fast path in one pass, for the marks workers:
// it takes a quote-free record that ends with a line break within data.
// It looks at eight bytes at a time for the delimiter, the line break and a
// quote together (the same exact zero-byte test as splitDelim), instead of
// finding the line break and a quote with IndexByte and then splitting the
// line again. It keeps where each field ends, not the fields: a worker
// reads the three or four fields of a row it needs (field), and makes the
// slices of all of them (fields) only for a row it reads in full.
//
// A register's rows come grouped by pupil, and a pupil's rows differ only
// towards the end (the date, the session, the mark): the fields that lie
// wholly within the bytes a row shares with the row before end where that
// row's did, so only the rest of the row is scanned. The row before is only
// ever one of the same chunk (reset at a chunk's start).
type lineSplitter struct {
	row  []byte  // the last row cut (to its line break), or nil
	ends []int32 // where in row each field but the last ends (its delimiter)
	last int32   // where in row the last field ends (before a CR)
	// shared is how many of the last row's first fields are the row
	// before's, byte for byte (0 when there was no row before): the
	// marks workers skip reading them again (marksCols.continuedRows).
	shared int
	buf    [][]byte // split's fields
}

func (s *lineSplitter) reset() { s.row = nil }

// cut reads the record at data[pos:] into field ends. ok is false when the
// record is anything else (a quote in its line, no line break in data, a
// line longer than maxRecordBytes): the caller then reads it with splitRow,
// which gives the same fields for every record cut accepts. The row's
// fields are then field(0) to field(nfields()-1), until the next call.
func (s *lineSplitter) cut(data []byte, pos int, delim byte) (next int, ok bool) {
	// The most fields whose bytes, delimiter included, are the row
	// before's (counted from the last, as a pupil's next row differs in
	// its last field or two).
	k := 0
	ends := s.ends
	if row := s.row; row != nil {
		// The longest common prefix of the two rows, eight bytes at a
		// time (written out, not called: this is every row's first step).
		rest := data[pos:]
		n := min(len(rest), len(row))
		rest, row = rest[:n], row[:n]
		d := 0
		for ; d+8 <= n; d += 8 {
			if x := binary.LittleEndian.Uint64(rest[d:d+8]) ^ binary.LittleEndian.Uint64(row[d:d+8]); x != 0 {
				d += bits.TrailingZeros64(x) >> 3
				goto differ
			}
		}
		for d < n && rest[d] == row[d] {
			d++
		}
	differ:
		for k = len(ends); k > 0 && int(ends[k-1]) >= d; k-- {
		}
	}
	s.shared = k
	ends = ends[:k]
	start := pos
	if k > 0 {
		start = pos + int(ends[k-1]) + 1
	}
	s.row = nil
	pd, pn, pq := uint64(delim)*lo7, uint64('\n')*lo7, uint64('"')*lo7
	i := start
	limit := min(len(data), pos+maxRecordBytes+1)
	for ; i+8 <= limit; i += 8 {
		w := binary.LittleEndian.Uint64(data[i:])
		xd, xn, xq := w^pd, w^pn, w^pq
		md := ^((xd&low7 + low7) | xd | low7)
		stop := ^((xn&low7 + low7) | xn | low7) | ^((xq&low7 + low7) | xq | low7)
		if stop != 0 {
			// Delimiters before the first stop byte, then the stop.
			k := bits.TrailingZeros64(stop)
			md &= 1<<k - 1
			for md != 0 {
				j := i + bits.TrailingZeros64(md)>>3
				ends = append(ends, int32(j-pos))
				start = j + 1
				md &= md - 1
			}
			i += k >> 3
			goto found
		}
		for md != 0 {
			j := i + bits.TrailingZeros64(md)>>3
			ends = append(ends, int32(j-pos))
			start = j + 1
			md &= md - 1
		}
	}
	for ; i < limit; i++ {
		switch data[i] {
		case delim:
			ends = append(ends, int32(i-pos))
			start = i + 1
		case '\n', '"':
			goto found
		}
	}
	s.ends = ends
	return pos, false
found:
	s.ends = ends
	if data[i] != '\n' || i-pos > maxRecordBytes {
		return pos, false
	}
	end := i
	// A CR before the line break belongs to the last field (the delimiter
	// is never a CR): the line loses it, as splitRow's does.
	if end > start && data[end-1] == '\r' {
		end--
	}
	s.row = data[pos:i]
	s.last = int32(end - pos)
	return i + 1, true
}

// nfields is the number of fields of the row cut last.
func (s *lineSplitter) nfields() int { return len(s.ends) + 1 }

// field is field j of the row cut last.
func (s *lineSplitter) field(j int) []byte {
	from, to := int32(0), s.last
	if j > 0 {
		from = s.ends[j-1] + 1
	}
	if j < len(s.ends) {
		to = s.ends[j]
	}
	return s.row[from:to]
}

// fields appends every field of the row cut last to dst.
func (s *lineSplitter) fields(dst [][]byte) [][]byte {
	from := int32(0)
	for _, e := range s.ends {
		dst = append(dst, s.row[from:e])
		from = e + 1
	}
	return append(dst, s.row[from:s.last])
}

// split is cut and fields: the fields are valid until the next call.
func (s *lineSplitter) split(data []byte, pos int, delim byte) (fields [][]byte, next int, ok bool) {
	if next, ok = s.cut(data, pos, delim); !ok {
		return nil, pos, false
	}
	s.buf = s.fields(s.buf[:0])
	return s.buf, next, true
}
