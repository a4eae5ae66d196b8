package ingest

import (
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sampleSize is how much of a file is read to sniff its encoding, delimiter
// and header row: enough for a title block and dozens of rows.
const sampleSize = 64 << 10

// textEncoding is a detected text encoding.
type textEncoding struct {
	name    string
	bomLen  int
	decoder func() *encoding.Decoder // nil for UTF-8
}

// detectEncoding decides how a text file is encoded from its first bytes:
// a byte-order mark settles it; otherwise NUL bytes in alternate positions
// mean UTF-16 without a mark (Excel's "Unicode Text" always writes one, but
// other tools do not); otherwise bytes that are not valid UTF-8 mean
// Windows-1252, which is what Excel's plain "CSV" writes on Windows.
func detectEncoding(sample []byte, truncated bool) textEncoding {
	switch {
	case bytes.HasPrefix(sample, []byte{0xEF, 0xBB, 0xBF}):
		return textEncoding{name: "utf-8 (with byte-order mark)", bomLen: 3}
	case bytes.HasPrefix(sample, []byte{0xFF, 0xFE}):
		return textEncoding{name: "utf-16le", bomLen: 2, decoder: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder}
	case bytes.HasPrefix(sample, []byte{0xFE, 0xFF}):
		return textEncoding{name: "utf-16be", bomLen: 2, decoder: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder}
	}
	if len(sample) >= 4 {
		evenNul, oddNul := 0, 0
		for i := 0; i+1 < len(sample) && i < 512; i += 2 {
			if sample[i] == 0 {
				evenNul++
			}
			if sample[i+1] == 0 {
				oddNul++
			}
		}
		pairs := min(len(sample), 512) / 2
		if oddNul > pairs/2 && evenNul == 0 {
			return textEncoding{name: "utf-16le", decoder: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder}
		}
		if evenNul > pairs/2 && oddNul == 0 {
			return textEncoding{name: "utf-16be", decoder: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder}
		}
	}
	s := sample
	if truncated {
		// The sample may end inside a multi-byte character.
		for k := 0; k < 3 && len(s) > 0 && !utf8.Valid(s); k++ {
			s = s[:len(s)-1]
		}
	}
	if utf8.Valid(s) || mostlyUTF8(s) {
		return textEncoding{name: "utf-8"}
	}
	return textEncoding{name: "windows-1252", decoder: charmap.Windows1252.NewDecoder}
}

// mostlyUTF8 tells a UTF-8 file with a stray byte or two (a name pasted
// from a Windows program) from a Windows-1252 one: in UTF-8 text the
// multi-byte sequences outnumber the bytes that fit none, while in
// Windows-1252 text nearly every byte of 0x80 and above fits none. Such a
// file is read as UTF-8 and only its stray bytes as Windows-1252
// (decodeMixed), so the other names keep their accents.
func mostlyUTF8(s []byte) bool {
	multi, bad := 0, 0
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		switch {
		case r == utf8.RuneError && size <= 1:
			bad++
		case size > 1:
			multi++
		}
		s = s[size:]
	}
	return multi > bad
}

// reader wraps r (positioned after any byte-order mark) to yield UTF-8.
func (e textEncoding) reader(r io.Reader) io.Reader {
	if e.decoder == nil {
		return r
	}
	if e.name == "windows-1252" {
		return &cp1252Reader{r: r}
	}
	return transform.NewReader(r, e.decoder())
}

// cp1252Reader decodes Windows-1252 to UTF-8. It is hand-written rather than
// x/text's transformer because a whole local authority's export can arrive
// in this encoding and most of its bytes are ASCII: runs of ASCII are copied
// as they are, and only bytes of 0x80 and above are looked up.
type cp1252Reader struct {
	r       io.Reader
	in      []byte
	pending []byte
}

func (c *cp1252Reader) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	// Each input byte becomes at most 3 output bytes.
	want := len(p) / 3
	if want == 0 {
		want = 1
	}
	if cap(c.in) < want {
		c.in = make([]byte, want)
	}
	n, err := c.r.Read(c.in[:want])
	out := p[:0]
	var spill []byte
	for _, b := range c.in[:n] {
		if b < 0x80 {
			if len(out) < len(p) {
				out = append(out, b)
			} else {
				spill = append(spill, b)
			}
			continue
		}
		var buf [4]byte
		k := utf8.EncodeRune(buf[:], cp1252[b-0x80])
		if len(out)+k <= len(p) && spill == nil {
			out = append(out, buf[:k]...)
		} else {
			spill = append(spill, buf[:k]...)
		}
	}
	c.pending = spill
	return len(out), err
}

// cp1252 maps bytes 0x80-0xFF to runes. 0x80-0x9F are Windows-1252's own
// (€, curly quotes, Š, Ž, ...); undefined ones map to the C1 control of the
// same value, as Windows does; 0xA0-0xFF equal Latin-1.
var cp1252 = func() [128]rune {
	var t [128]rune
	hi := [32]rune{0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
		0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178}
	copy(t[:32], hi[:])
	for i := 32; i < 128; i++ {
		t[i] = rune(0x80 + i)
	}
	return t
}()

// detectDelimiter picks the delimiter that splits the most sample lines into
// the same number (at least two) of fields: comma, semicolon (Excel in many
// European locales), tab (Excel's "Unicode Text") or pipe.
func detectDelimiter(sample []byte) byte {
	best, bestScore := byte(','), -1
	for _, d := range []byte{',', ';', '\t', '|'} {
		counts := map[int]int{}
		pos, recs := 0, 0
		var fields [][]byte
		for pos < len(sample) && recs < 40 {
			var st recStatus
			fields, pos, _, st = splitRecord(sample, pos, d, fields)
			if st == recOpen {
				break
			}
			if st == recOK && !blank(fields) && len(fields) >= 2 {
				counts[len(fields)]++
			}
			recs++
		}
		score := 0
		for n, c := range counts {
			if c*n > score {
				score = c * n
			}
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}
