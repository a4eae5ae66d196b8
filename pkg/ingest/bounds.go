package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/attendrisk/attendrisk/pkg/quality"
)

// This file holds what keeps a bad input from hanging the program, eating
// memory, or being read as something it is not: the checks on what a path
// is, the zero-filled tail of an interrupted copy, cut-off last rows, lone
// carriage returns and stray bytes that are not UTF-8.

// checkRegular refuses anything but a regular file before it is opened:
// opening a FIFO with no writer blocks for ever, and a device can be
// endless.
func checkRegular(path string, describe string) error {
	st, err := os.Stat(path)
	if err != nil {
		return &Error{Loc: quality.Loc{File: path}, Msg: "cannot open: " + plainOSError(err)}
	}
	switch {
	case st.IsDir():
		return &Error{Loc: quality.Loc{File: path}, Msg: "is a directory, expected " + describe}
	case !st.Mode().IsRegular():
		return &Error{Loc: quality.Loc{File: path}, Msg: "not a regular file (a pipe, device or socket): expected " + describe + " saved on disk"}
	}
	return nil
}

// maxTableBytes bounds a file read whole (a context file or a summary
// export: a row per pupil, a few megabytes for a whole authority).
const maxTableBytes = 256 << 20

// readWhole reads a small file whole, refusing what is not a regular file
// or is larger than maxTableBytes.
func readWhole(path string) ([]byte, error) {
	if err := checkRegular(path, "a CSV or XLSX file"); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{Loc: quality.Loc{File: path}, Msg: "cannot open: " + plainOSError(err)}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTableBytes+1))
	if err != nil {
		return nil, &Error{Loc: quality.Loc{File: path}, Msg: "cannot read: " + plainOSError(err)}
	}
	if len(data) > maxTableBytes {
		return nil, &Error{Loc: quality.Loc{File: path}, Msg: fmt.Sprintf("is larger than %d MiB, the most a table read whole may be", maxTableBytes>>20)}
	}
	return data, nil
}

// countTrailingZeros counts the zero bytes that end data (in UTF-16, whole
// zero code units only).
func countTrailingZeros(data []byte, utf16 bool) int {
	n := 0
	for n < len(data) && data[len(data)-1-n] == 0 {
		n++
	}
	if utf16 {
		n -= n % 2
	}
	return n
}

// textTail is what the end of a text file showed before it was read.
type textTail struct {
	// zeros is how many zero bytes end the file (an interrupted copy
	// leaves the space it reserved filled with them); the text read stops
	// before them.
	zeros int64
}

// zeroTail counts the zero bytes that end the file's size bytes, reading
// backwards a block at a time.
func zeroTail(f io.ReaderAt, size int64) (int64, error) {
	var run int64
	buf := make([]byte, 64<<10)
	for end := size; end > 0; {
		n := int64(len(buf))
		if n > end {
			n = end
		}
		if _, err := f.ReadAt(buf[:n], end-n); err != nil && err != io.EOF {
			return 0, err
		}
		i := n - 1
		for i >= 0 && buf[i] == 0 {
			i--
		}
		run += n - 1 - i
		if i >= 0 {
			break
		}
		end -= n
	}
	return run, nil
}

// zerosDetail describes a zero-filled tail: cutting a row short (midRow),
// or standing where the rows after the last line break would be.
func zerosDetail(n int64, midRow bool) string {
	z := strconv.FormatInt(n, 10) + " zero bytes"
	if n == 1 {
		z = "1 zero byte"
	}
	if midRow {
		return "cut off by " + z
	}
	return z + " in place of the rest of the file"
}

// incompleteError is the failure for a file that ends mid-row, unless
// --allow-incomplete turns it into a rejected row.
func incompleteError(loc quality.Loc, detail string) error {
	return errorf(loc, "the file ends in the middle of this row (%s): the export looks cut off; export it again, or give --allow-incomplete to read it without this row", detail)
}

// namedColumns is how many columns a header names: its cells up to the
// last non-blank one. A data row with fewer fields, on a last line with no
// line break, was cut off.
func namedColumns(headers []string) int {
	n := len(headers)
	for n > 0 && strings.TrimSpace(headers[n-1]) == "" {
		n--
	}
	return n
}

// lineAfter returns the start of the line after the one that starts at pos,
// and how many line breaks that passes (1, or 0 at the end of data).
func lineAfter(data []byte, pos int) (int, int) {
	if i := bytes.IndexByte(data[pos:], '\n'); i >= 0 {
		return pos + i + 1, 1
	}
	return len(data), 0
}

// skipLine reads r up to and including the next line break, keeping none of
// the line: the rest of a line longer than maxRecordBytes. It returns the
// line's whole length (seen counts the bytes already read), the bytes read
// after the break appended to dst, and whether the input ended first.
func skipLine(r io.Reader, seen int, dst []byte) (int, []byte, bool, error) {
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return seen + i, append(dst, buf[i+1:n]...), false, nil
		}
		seen += n
		if err == io.EOF {
			return seen, dst, true, nil
		}
		if err != nil {
			return seen, dst, false, err
		}
	}
}

// crReader turns a lone carriage return (old Mac line endings, or one left
// in a line by an editor) into a line break, as text editors show it, so
// that it never joins two rows into one. CRLF is left alone. The length
// never changes, so byte offsets found in the sniffing sample stay true.
type crReader struct{ br *bufio.Reader }

func newCRReader(r io.Reader) io.Reader { return crReader{bufio.NewReaderSize(r, 64<<10)} }

func (c crReader) Read(p []byte) (int, error) {
	n, err := c.br.Read(p)
	q := p[:n]
	for i := bytes.IndexByte(q, '\r'); i >= 0; {
		if i+1 < len(q) {
			if q[i+1] != '\n' {
				q[i] = '\n'
			}
		} else if next, perr := c.br.Peek(1); perr != nil || next[0] != '\n' {
			q[i] = '\n'
		}
		j := bytes.IndexByte(q[i+1:], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return n, err
}

// loneCRs does what crReader does to text held whole. A CR that ends a
// sample cut short is left: the record it ends is not used.
func loneCRs(b []byte, atEOF bool) {
	for i := bytes.IndexByte(b, '\r'); i >= 0; {
		if i+1 < len(b) {
			if b[i+1] != '\n' {
				b[i] = '\n'
			}
		} else if atEOF {
			b[i] = '\n'
		}
		j := bytes.IndexByte(b[i+1:], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
}

// decodeMixed decodes a field of a UTF-8 file that is not valid UTF-8:
// every valid UTF-8 sequence stays as it is and only the bytes that are not
// part of one are read as Windows-1252. One stray byte from a pasted name
// then changes one character, not every accented name in the file.
func decodeMixed(b []byte) string {
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			out = utf8.AppendRune(out, cp1252[b[0]-0x80])
			b = b[1:]
			continue
		}
		out = append(out, b[:size]...)
		b = b[size:]
	}
	return string(out)
}

// beyondHeader returns the 1-based column of the first non-blank field to
// the right of the header's named columns, or 0: a row that runs past its
// header is reported, as those cells are not read.
func beyondHeader(fields [][]byte, named int) int {
	for j := named; j < len(fields); j++ {
		if len(trimSpace(fields[j])) > 0 {
			return j + 1
		}
	}
	return 0
}
