package ingest

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func strs(fields [][]byte) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = string(f)
	}
	return out
}

func TestSplitRecord(t *testing.T) {
	tests := []struct {
		name   string
		data   string
		pos    int
		delim  byte
		want   []string
		next   int
		lines  int
		status recStatus
	}{
		{"simple LF", "a,b,c\nd", 0, ',', []string{"a", "b", "c"}, 6, 1, recOK},
		{"last record without a line break", "a,b,c", 0, ',', []string{"a", "b", "c"}, 5, 0, recOK},
		{"CRLF", "a,b\r\nc", 0, ',', []string{"a", "b"}, 5, 1, recOK},
		{"CR inside an unquoted field is kept", "a\rb,c\n", 0, ',', []string{"a\rb", "c"}, 6, 1, recOK},
		{"CR before EOF", "a,b\r", 0, ',', []string{"a", "b"}, 4, 0, recOK},
		{"starting mid-data", "x\na,b\n", 2, ',', []string{"a", "b"}, 6, 1, recOK},
		{"blank line", "\nnext", 0, ',', []string{""}, 1, 1, recOK},
		{"blank CRLF line", "\r\nnext", 0, ',', []string{""}, 2, 1, recOK},
		{"quoted delimiter", `"a,b",c` + "\n", 0, ',', []string{"a,b", "c"}, 8, 1, recOK},
		{"escaped quotes", `"say ""hi""",x`, 0, ',', []string{`say "hi"`, "x"}, 14, 0, recOK},
		{"only an escaped quote", `""""`, 0, ',', []string{`"`}, 4, 0, recOK},
		{"empty quoted field", `"",x`, 0, ',', []string{"", "x"}, 4, 0, recOK},
		{"embedded newline", "\"line1\nline2\",x\nnext", 0, ',', []string{"line1\nline2", "x"}, 16, 2, recOK},
		{"embedded CRLF kept inside quotes", "\"a\r\nb\",c\r\n", 0, ',', []string{"a\r\nb", "c"}, 10, 2, recOK},
		{"quoted field then CRLF", "\"a\"\r\nb", 0, ',', []string{"a"}, 5, 1, recOK},
		{"trailing empty field at EOF", "a,b,", 0, ',', []string{"a", "b", ""}, 4, 0, recOK},
		{"trailing empty field before LF", "a,b,\n", 0, ',', []string{"a", "b", ""}, 5, 1, recOK},
		{"trailing empty fields CRLF", "a,,\r\n", 0, ',', []string{"a", "", ""}, 5, 1, recOK},
		{"only delimiters", ",,\n", 0, ',', []string{"", "", ""}, 3, 1, recOK},
		{"text after closing quote kept", `"a"b,c`, 0, ',', []string{"ab", "c"}, 6, 0, recOK},
		{"stray quote in an unquoted field", `O"Brien,x`, 0, ',', []string{`O"Brien`, "x"}, 9, 0, recOK},
		{"semicolon", "a;\"b;c\";d\n", 0, ';', []string{"a", "b;c", "d"}, 10, 1, recOK},
		{"tab keeps commas", "a,b\tc\n", 0, '\t', []string{"a,b", "c"}, 6, 1, recOK},
		{"unclosed quote runs to the end", "\"abc\nxyz", 0, ',', []string{"abc\nxyz"}, 8, 1, recOpen},
		{"unclosed quote after an escaped one", `"a""b`, 0, ',', []string{`a"b`}, 5, 0, recOpen},
		{"unclosed quote in a later field", "a,\"b", 0, ',', []string{"a", "b"}, 4, 0, recOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fields, next, lines, status := splitRecord([]byte(tt.data), tt.pos, tt.delim, nil)
			got := struct {
				Fields []string
				Next   int
				Lines  int
				Status recStatus
			}{strs(fields), next, lines, status}
			want := struct {
				Fields []string
				Next   int
				Lines  int
				Status recStatus
			}{tt.want, tt.next, tt.lines, tt.status}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("splitRecord(%q) (-want +got):\n%s", tt.data, diff)
			}
		})
	}
}

// TestSplitRecordMatchesEncodingCSV reads well-formed RFC 4180 data record
// by record and compares with the standard library's reader.
func TestSplitRecordMatchesEncodingCSV(t *testing.T) {
	data := "UPN,Surname,Date,Session,Mark\r\n" +
		"A1,\"O'Brien, Jr\",03/09/2024,AM,/\r\n" +
		"A1,\"Say \"\"hi\"\"\",03/09/2024,PM,\\\r\n" +
		"A2,\"two\nlines\",04/09/2024,AM,\r\n" +
		"A3,,04/09/2024,PM,I\n"
	want, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	b := []byte(data)
	pos, lines := 0, 0
	var fields [][]byte
	for pos < len(b) {
		var n int
		var st recStatus
		fields, pos, n, st = splitRecord(b, pos, ',', fields)
		if st != recOK {
			t.Fatalf("incomplete record at %d", pos)
		}
		lines += n
		got = append(got, strs(fields))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-encoding/csv +splitRecord):\n%s", diff)
	}
	if lines != strings.Count(data, "\n") {
		t.Errorf("lines = %d, want %d", lines, strings.Count(data, "\n"))
	}
}

func TestSplitRecordReusesDst(t *testing.T) {
	dst := make([][]byte, 0, 8)
	fields, _, _, _ := splitRecord([]byte("a,b,c\n"), 0, ',', dst)
	if &fields[0] != &dst[:1][0] {
		t.Error("splitRecord did not reuse dst")
	}
	data := []byte("x,y\n")
	fields, _, _, _ = splitRecord(data, 0, ',', fields)
	if diff := cmp.Diff([]string{"x", "y"}, strs(fields)); diff != "" {
		t.Errorf("second record (-want +got):\n%s", diff)
	}
	// Unquoted fields are slices of the input, not copies.
	if &fields[0][0] != &data[0] {
		t.Error("unquoted field was copied")
	}
}

func TestLastRecordEnd(t *testing.T) {
	tests := []struct {
		data string
		want int
	}{
		{"a,b\nc,d\n", 8},
		{"a,b\nc,d", 4},
		{"a,b", -1},
		{"", -1},
		{"\"x\ny\",1\nz", 8},
		{"a\n\"x\ny", 2}, // the line break inside the open quote is not an end
		{"\"a\"\"\nb\"\n", 8},
	}
	for _, tt := range tests {
		if got, _ := lastRecordEnd([]byte(tt.data), ','); got != tt.want {
			t.Errorf("lastRecordEnd(%q) = %d, want %d", tt.data, got, tt.want)
		}
	}
}

func TestBlank(t *testing.T) {
	tests := []struct {
		fields []string
		want   bool
	}{
		{[]string{""}, true},
		{[]string{"", " ", "\t"}, true},
		{[]string{"", "x"}, false},
		{nil, true},
	}
	for _, tt := range tests {
		var f [][]byte
		for _, s := range tt.fields {
			f = append(f, []byte(s))
		}
		if got := blank(f); got != tt.want {
			t.Errorf("blank(%q) = %v, want %v", tt.fields, got, tt.want)
		}
	}
}

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		name   string
		sample string
		want   byte
	}{
		{"comma", "UPN,Date,Session,Mark\nA1,03/09/2024,AM,/\nA1,03/09/2024,PM,\\\n", ','},
		{"semicolon", "UPN;Date;Session;Mark\nA1;03/09/2024;AM;/\nA1;03/09/2024;PM;\\\n", ';'},
		{"semicolon with commas in quoted names", "UPN;Name;Date;Session;Mark\nA1;\"Smith, Ann\";03/09/2024;AM;/\nA2;\"Jones, Bo\";03/09/2024;AM;/\n", ';'},
		{"tab", "UPN\tDate\tSession\tMark\nA1\t03/09/2024\tAM\t/\n", '\t'},
		{"tab with commas in names", "UPN\tName\tDate\tSession\tMark\nA1\tSmith, Ann\t03/09/2024\tAM\t/\nA2\tJones, Bo\t03/09/2024\tAM\tI\n", '\t'},
		{"pipe", "UPN|Date|Session|Mark\nA1|03/09/2024|AM|/\n", '|'},
		{"title rows above a comma header", "Attendance report\nPrinted 01/10/2024\n\nUPN,Date,Session,Mark\nA1,03/09/2024,AM,/\nA2,03/09/2024,AM,/\n", ','},
		{"one column falls back to comma", "UPN\nA1\nA2\n", ','},
		{"empty", "", ','},
	}
	for _, tt := range tests {
		if got := detectDelimiter([]byte(tt.sample)); got != tt.want {
			t.Errorf("%s: detectDelimiter = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func utf16le(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = append(b, 0xFF, 0xFE)
	}
	for _, r := range s {
		if r > 0xFFFF {
			panic("BMP only")
		}
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func utf16be(s string, bom bool) []byte {
	le := utf16le(s, false)
	var b []byte
	if bom {
		b = append(b, 0xFE, 0xFF)
	}
	for i := 0; i < len(le); i += 2 {
		b = append(b, le[i+1], le[i])
	}
	return b
}

func TestDetectEncoding(t *testing.T) {
	text := "UPN,Forename,Date\nA1,Zoë,03/09/2024\n"
	tests := []struct {
		name      string
		sample    []byte
		truncated bool
		want      string
		bom       int
	}{
		{"ASCII", []byte("UPN,Date\nA1,03/09/2024\n"), false, "utf-8", 0},
		{"UTF-8", []byte(text), false, "utf-8", 0},
		{"UTF-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, text...), false, "utf-8 (with byte-order mark)", 3},
		{"UTF-16LE with BOM", utf16le(text, true), false, "utf-16le", 2},
		{"UTF-16BE with BOM", utf16be(text, true), false, "utf-16be", 2},
		{"UTF-16LE without BOM", utf16le(text, false), false, "utf-16le", 0},
		{"UTF-16BE without BOM", utf16be(text, false), false, "utf-16be", 0},
		{"Windows-1252", []byte("UPN,Forename\nA1,Zo\xeb\n"), false, "windows-1252", 0},
		{"Windows-1252 curly quote", []byte("A1,O\x92Brien\n"), false, "windows-1252", 0},
		// A sample cut inside a multi-byte character is still UTF-8...
		{"UTF-8 cut mid-character", []byte("A1,Zo\xc3"), true, "utf-8", 0},
		// ...but the same bytes at the true end of a file are not.
		{"invalid UTF-8 at the end", []byte("A1,Zo\xc3"), false, "windows-1252", 0},
	}
	for _, tt := range tests {
		got := detectEncoding(tt.sample, tt.truncated)
		if got.name != tt.want || got.bomLen != tt.bom {
			t.Errorf("%s: detectEncoding = %q (BOM %d), want %q (BOM %d)", tt.name, got.name, got.bomLen, tt.want, tt.bom)
		}
	}
}

func TestEncodingReaderDecodes(t *testing.T) {
	want := "UPN,Forename\nA1,Zoë\nA2,Chloé “Clo” Š€\n"
	cp1252 := []byte("UPN,Forename\nA1,Zo\xeb\nA2,Chlo\xe9 \x93Clo\x94 \x8a\x80\n")
	tests := []struct {
		name string
		raw  []byte
	}{
		{"windows-1252", cp1252},
		{"utf-16le", utf16le(want, true)},
		{"utf-16be", utf16be(want, true)},
		{"utf-8 BOM", append([]byte{0xEF, 0xBB, 0xBF}, want...)},
	}
	for _, tt := range tests {
		enc := detectEncoding(tt.raw, false)
		var out bytes.Buffer
		if _, err := out.ReadFrom(enc.reader(bytes.NewReader(tt.raw[enc.bomLen:]))); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if out.String() != want {
			t.Errorf("%s: decoded %q, want %q", tt.name, out.String(), want)
		}
	}
}

// TestCP1252ReaderSmallReads reads through buffers smaller than a decoded
// character, as a caller may.
func TestCP1252ReaderSmallReads(t *testing.T) {
	raw := []byte("Zo\xeb \x80\x93x\x94")
	want := "Zoë €“x”"
	for size := 1; size <= 8; size++ {
		r := &cp1252Reader{r: bytes.NewReader(raw)}
		var got []byte
		buf := make([]byte, size)
		for i := 0; i < 1000; i++ {
			n, err := r.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil && len(r.pending) == 0 {
				break
			}
		}
		if string(got) != want {
			t.Errorf("read size %d: got %q, want %q", size, got, want)
		}
	}
}

// TestSplitDelimEveryByte checks the word-at-a-time splitter against a
// byte-by-byte split for every byte value next to a delimiter, at every
// position in a word: a borrow or carry between bytes would show here (the
// missing mark "-" is one more than ",", and sits right after one).
func TestSplitDelimEveryByte(t *testing.T) {
	for _, delim := range []byte{',', ';', '\t', '|'} {
		for c := 0; c < 256; c++ {
			if c == '"' || c == '\n' {
				continue
			}
			for pos := 0; pos < 17; pos++ {
				line := []byte(strings.Repeat("ab", 9))
				line[pos] = delim
				line[pos+1] = byte(c)
				got := splitDelim(line, delim, nil)
				want := bytes.Split(line, []byte{delim})
				if len(got) != len(want) {
					t.Fatalf("delim %q byte %#x at %d: %d fields, want %d", delim, c, pos, len(got), len(want))
				}
				for i := range want {
					if !bytes.Equal(got[i], want[i]) {
						t.Fatalf("delim %q byte %#x at %d: field %d = %q, want %q", delim, c, pos, i, got[i], want[i])
					}
				}
			}
		}
	}
}
