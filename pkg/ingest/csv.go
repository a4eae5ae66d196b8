package ingest

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// splitRecord parses the CSV record that starts at data[pos:] into dst and
// returns the fields, the position after the record and the number of line
// breaks it consumed. Unquoted fields are slices of data (no copying); a
// quoted field is copied only when it holds an escaped quote. The record
// ends at a line break outside quotes or at the end of data; a quoted field
// that never closes runs to the end of data, which the caller reports.
//
// It follows RFC 4180 with the leniencies Excel's own exports need: CRLF or
// LF, a stray quote inside an unquoted field kept as text, and trailing
// empty fields kept (they are harmless and keep column positions).
func splitRecord(data []byte, pos int, delim byte, dst [][]byte) ([][]byte, int, int, bool) {
	dst = dst[:0]
	lines := 0
	n := len(data)
	// Fast path, nearly every row of a register: find the line end and make
	// sure the line holds no quote (both with the vectorised IndexByte),
	// then split on the delimiter alone.
	if pos < n {
		end, next := n, n
		if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
			end, next = pos+i, pos+i+1
		}
		line := data[pos:end]
		if bytes.IndexByte(line, '"') < 0 {
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
			dst = splitDelim(line, delim, dst)
			if next > end {
				lines = 1
			}
			return dst, next, lines, true
		}
	}
	for {
		if pos < n && data[pos] == '"' {
			// Quoted field.
			pos++
			start := pos
			var buf []byte
			closed := false
			for pos < n {
				i := bytes.IndexByte(data[pos:], '"')
				if i < 0 {
					lines += bytes.Count(data[pos:], nl)
					pos = n
					break
				}
				lines += bytes.Count(data[pos:pos+i], nl)
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
			if !closed {
				if buf == nil {
					buf = data[start:n]
				} else {
					buf = append(buf, data[start:n]...)
				}
				dst = append(dst, buf)
				return dst, n, lines, false
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
			return dst, n, lines, true
		}
		if data[pos] == '\n' {
			return dst, pos + 1, lines + 1, true
		}
		pos++ // delimiter
		if pos == n {
			dst = append(dst, data[n:n])
			return dst, n, lines, true
		}
	}
}

var nl = []byte{'\n'}

// lastRecordEnd returns the end of the last complete record in data (just
// past its line break), or -1 when there is none. Chunks always start at a
// record boundary, so quote state starts outside quotes. It follows
// splitRecord's quoting rules exactly (a quote opens a quoted field only at
// the start of a field; inside one, "" is a quote; elsewhere a quote is
// text), or a stray quote in a name would move a chunk boundary and the
// parallel parse would disagree with a single pass.
func lastRecordEnd(data []byte, delim byte) int {
	if bytes.IndexByte(data, '"') < 0 {
		i := bytes.LastIndexByte(data, '\n')
		if i < 0 {
			return -1
		}
		return i + 1
	}
	end := -1
	inQuote, fieldStart := false, true
	for i := 0; i < len(data); i++ {
		c := data[i]
		if inQuote {
			if c == '"' {
				if i+1 < len(data) && data[i+1] == '"' {
					i++
				} else {
					inQuote = false
				}
			}
			continue
		}
		switch c {
		case '"':
			inQuote = fieldStart
			fieldStart = false
		case delim:
			fieldStart = true
		case '\n':
			end = i + 1
			fieldStart = true
		default:
			fieldStart = false
		}
	}
	return end
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
