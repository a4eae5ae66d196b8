package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// FuzzSplitRecord: the CSV splitter never panics, always makes progress,
// counts the line breaks it consumed, and never returns more text than it
// consumed; on input without quotes the fields joined back are exactly the
// record.
func FuzzSplitRecord(f *testing.F) {
	for _, s := range []string{
		"a,b,c\n", "a,b\r\nc,d", `"a,b",c`, `"say ""hi""",x`, "\"line1\nline2\",x\nnext",
		"a,b,", ",,\n", `"a"b,c`, `O"Brien,x`, "\"open\nnever closed", "\r\n\r\n", "", "\"", `""""`,
		"a;b;\"c;d\"\n", "a\tb\t\"c\td\"\r\n", "x\r", "\"\r\n\",\"\"\r\n",
		"V1,Ahmed,Ivy,R,02/09/2024,AM,/\nV1,Ahmed,Ivy,R,02/09/2024,PM,\\\nV1,Ahmed,Ivy,R,03/09/2024,AM,\r\nV1,Ahmed,Ivy\nV1,Ahmed,Ivy,R,\"x\"\n",
		"a,b,c\na,b,c\na,b\na,b,c,d\na,b,c,d\r\n\na,b,c\n",
	} {
		f.Add([]byte(s), byte(','))
	}
	f.Add([]byte("a;b\n"), byte(';'))
	f.Add([]byte("a\tb\n"), byte('\t'))
	f.Fuzz(func(t *testing.T, data []byte, delim byte) {
		if delim == '"' || delim == '\n' || delim == '\r' {
			t.Skip("not a delimiter")
		}
		var fields [][]byte
		var ls lineSplitter
		pos := 0
		for records := 0; pos < len(data); records++ {
			start := pos
			var lines int
			var st recStatus
			// The header's width comes from the data's first byte, so
			// the stray-quote checks are fuzzed too (0: not known).
			width := 0
			if len(data) > 0 {
				width = int(data[0] % 8)
			}
			fields, pos, lines, st = splitRow(data, start, delim, width, fields)
			// The marks workers' one-pass splitter gives the same record
			// whenever it takes one.
			if lf, next, ok := ls.split(data, start, delim); ok {
				if st != recOK || next != pos || lines != 1 || !slices.EqualFunc(lf, fields, bytes.Equal) {
					t.Fatalf("record %q: splitLine gives %q to %d, splitRow %q to %d (status %d, lines %d)", data[start:pos], lf, next, fields, pos, st, lines)
				}
			} else if st == recOK && lines == 1 && data[pos-1] == '\n' && bytes.IndexByte(data[start:pos], '"') < 0 && pos-start <= maxRecordBytes+1 {
				t.Fatalf("record %q: splitLine declined a plain line", data[start:pos])
			}
			if pos <= start || pos > len(data) {
				t.Fatalf("record at %d ended at %d (len %d)", start, pos, len(data))
			}
			seg := data[start:pos]
			if lines != bytes.Count(seg, []byte{'\n'}) {
				t.Fatalf("record %q: lines = %d, want %d", seg, lines, bytes.Count(seg, []byte{'\n'}))
			}
			if pos < len(data) && data[pos-1] != '\n' {
				t.Fatalf("record %q (status %d) ended before a line break", seg, st)
			}
			if st == recOpen && pos != len(data) {
				t.Fatalf("open record %q did not run to the end", seg)
			}
			if (st == recRunaway || st == recStray) && lines != 1 {
				t.Fatalf("runaway record %q did not end after its first line", seg)
			}
			if st == recStray && len(fields) != 0 {
				t.Fatalf("stray record %q kept fields %q", seg, fields)
			}
			joined := bytes.Join(fields, []byte{delim})
			if len(joined) > len(seg) {
				t.Fatalf("fields %q joined are longer than the record %q", fields, seg)
			}
			if bytes.IndexByte(seg, '"') < 0 {
				want := bytes.TrimSuffix(bytes.TrimSuffix(seg, []byte{'\n'}), []byte{'\r'})
				if !bytes.Equal(joined, want) {
					t.Fatalf("unquoted record %q: fields %q joined give %q", seg, fields, joined)
				}
			}
			if records > len(data) {
				t.Fatal("more records than bytes")
			}
		}
	})
}

// FuzzParseDate: never panics; any date accepted is a real calendar date in
// the supported range that round-trips through Day.Civil, whichever date
// system (text only, Excel 1900 serials, Excel 1904 serials) and date order
// it is read in; a date that needs no order (ISO, a month name, a serial)
// reads the same in every order; and classify agrees with the orders.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"03/09/2024", "3/9/24", "2024-09-03", "03.09.2024", "03-09-2024", "29/02/2024", "29/02/2025",
		"03/09/2024 00:00:00", "2024-09-03T08:45:00Z", "45538", "45538.5", "1", "2", "109939", "2958465", "0x1p16", "1e5",
		"99/99/9999", "", " ", "31/12/2200", "01/01/1900",
		"09/13/2024", "13/09/2024", "9/13/2024 12:00:00 AM", "24/09/03", "24-09-03",
		"02-Sep-2024", "02-SEP-24", "2 Sep 2024", "2 September 2024", "Mon 02 Sep 2024", "Monday, 2 September 2024",
		"2nd September 2024", "Sep 2, 2024", "September 2 2024", "Tue 03/09/2024", "Sat 09/03/2024", "31 Feb 2024",
		"2 Sept 2024 08:45", "02-Oct-2024", "May 2024", "2 Sep", "Sep 2024 2"} {
		for system := byte(0); system < 3; system++ {
			f.Add(s, system, byte(0))
		}
	}
	f.Add("09/03/2024", byte(0), byte(2))
	f.Add("24/09/03", byte(0), byte(3))
	f.Fuzz(func(t *testing.T, s string, system, order byte) {
		serial := []int{noSerial, serial1900, serial1904}[system%3]
		r, ok := scanDate([]byte(s), serial, true)
		if !ok {
			return
		}
		o := dateOrder(order%3 + 1)
		d, ok := r.in(o)
		if ok {
			y, m, dd := d.Civil()
			back, valid := register.DayOf(y, m, dd)
			if !valid || back != d {
				t.Fatalf("scanDate(%q, serial %d).in(%d) = day %d (%04d-%02d-%02d), which DayOf gives as %d, %v", s, serial, o, d, y, m, dd, back, valid)
			}
			if r.fixed {
				for o2 := orderDMY; o2 <= orderYMD; o2++ {
					if d2, ok2 := r.in(o2); !ok2 || d2 != d {
						t.Fatalf("%q needs no date order but reads %s in order %d and %s, %v in order %d", s, d.ISO(), o, d2.ISO(), ok2, o2)
					}
				}
			}
		}
		dmy, mdy, kind, ok := r.classify()
		d1, ok1 := r.in(orderDMY)
		d2, ok2 := r.in(orderMDY)
		if ok != (ok1 || ok2) || (kind == dateAmbiguous) != (ok1 && ok2 && d1 != d2) ||
			(ok1 && dmy != d1) || (ok2 && !ok1 && mdy != d2) || (kind == dateAmbiguous && mdy != d2) {
			t.Fatalf("classify(%q) = %s, %s, kind %d, %v; day-first %s, %v; month-first %s, %v", s, dmy.ISO(), mdy.ISO(), kind, ok, d1.ISO(), ok1, d2.ISO(), ok2)
		}
		if serial != serial1904 {
			if d3, ok3 := parseDate([]byte(s), serial == serial1900); ok3 != ok1 || d3 != d1 {
				t.Fatalf("parseDate and scanDate(...).in(dmy) disagree on %q", s)
			}
		}
	})
}

// FuzzReadCSV: whatever follows a valid marks header, ReadFile never panics,
// and when it succeeds every row and every mark read is accounted for as
// used or rejected.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"A1,03/09/2024,AM,/\nA1,03/09/2024,PM,\\\n",
		"A1,03/09/2024,AM,Q9\n,03/09/2024,AM,/\nA1,31/02/2024,AM,I\nA1,03/09/2024,XX,I\nA1,03/09/2024\n",
		"A1,03/09/2024,AM,O\nA1,03/09/2024,AM,O\nA1,03/09/2024,AM,I\n",
		"A1,\"03/09/2024\",\"AM\",\"/\"\r\nA2,04/09/2024,pm,c1\r\n",
		"A1,03/09/2024,AM,\"unclosed\n",
		"A1,03/09/2024,AM,/,extra,fields\n\n\n,,,\n",
		"A1,07/09/2024,AM,/\nA1,07/09/2024,PM,#\n",
		"A\xeb1,03/09/2024,AM,/\n",
		"\xff\xfeA\x001\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.csv")
		if err := os.WriteFile(path, append([]byte("UPN,Date,Session,Mark\n"), data...), 0o600); err != nil {
			t.Fatal(err)
		}
		q := quality.New()
		b := register.NewBuilder(q)
		err := ReadFile(path, Options{Workers: 2}, b)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *ingest.Error", err)
			}
			return
		}
		if err := q.Balanced(); err != nil {
			t.Fatal(err)
		}
		stored := 0
		for _, p := range b.Reg.Pupils() {
			p.Each(func(register.Day, register.Session, mark.ID) { stored++ })
		}
		if stored != q.MarksUsed {
			t.Fatalf("%d marks stored, %d counted as used", stored, q.MarksUsed)
		}
	})
}

// gridHeader is the header every FuzzGridRow row is read under: session
// columns, a day column, and descriptive columns.
const gridHeader = "UPN,Surname,02/09/2024 AM,02/09/2024 PM,03/09/2024,04/09/2024 AM,04/09/2024 PM,Year"

// FuzzGridRow: one grid row of any content never panics the reader; the row
// is used or rejected, every mark offered is used or rejected, and every
// mark stored is on a session the header names.
func FuzzGridRow(f *testing.F) {
	for _, s := range []string{
		"A1,Smith,/,\\,/\\,I,O,7", "A1,Smith,,,,/,\\,7", "A1,Smith,/,,NN,,L,", ",Smith,/,\\,,,,", "A1,Smith,Q9,\\,C1/,C2 C2,/ O,7",
		"A1", "A1,,,,,,,", ",,,,,,,", "A1,Smith,/,\\,/,I,O,7,extra,cells", "A1,S,-,-,--,-,-", "A1,S,?,?,???,?,?",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		headers := strings.Split(gridHeader, ",")
		cols, err := matchHeader(headers, nil)
		if err != nil {
			t.Fatal(err)
		}
		h, _, err := findHeader([][]string{headers}, []int{1}, "f.csv", Options{}, noSerial)
		if err != nil || h.layout != LayoutGrid {
			t.Fatalf("header: %v, layout %q", err, h.layout)
		}
		sessions := map[string]bool{}
		for _, g := range h.grid {
			if g.both {
				sessions[g.day.ISO()+" AM"], sessions[g.day.ISO()+" PM"] = true, true
			} else {
				sessions[g.day.ISO()+" "+g.session.String()] = true
			}
		}
		q := quality.New()
		b := register.NewBuilder(q)
		row := strings.Split(line, ",")
		gridRow(&textRows{file: "f.csv"}, h, newMarksCols(cols, Options{}), row, 2, b)
		if q.RowsRead != 1 {
			t.Fatalf("rows read = %d, want 1", q.RowsRead)
		}
		if err := q.Balanced(); err != nil {
			t.Fatal(err)
		}
		if q.MarksRead > 2*len(h.grid) {
			t.Fatalf("%d marks read from %d session columns", q.MarksRead, len(h.grid))
		}
		stored := 0
		for _, p := range b.Reg.Pupils() {
			p.Each(func(d register.Day, s register.Session, _ mark.ID) {
				stored++
				if !sessions[d.ISO()+" "+s.String()] {
					t.Fatalf("mark stored on %s %s, which no column names", d.ISO(), s)
				}
			})
		}
		if stored != q.MarksUsed {
			t.Fatalf("%d marks stored, %d counted as used", stored, q.MarksUsed)
		}
	})
}

// FuzzSplitDayCell: a day cell splits into two non-empty marks taken from
// the cell, or not at all; without separators the two marks are the whole
// cell.
func FuzzSplitDayCell(f *testing.F) {
	for _, s := range []string{`/\`, "NN", "C2C2", "C1/", "/C1", "C2 C2", "/ O", "/,O", "/|O", "I", "", "///", "CC1", "Y1Y7", "é/", " / \\ "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		am, pm, ok := splitDayCell(s)
		if !ok {
			if am != "" || pm != "" {
				t.Fatalf("splitDayCell(%q) failed but returned %q, %q", s, am, pm)
			}
			return
		}
		if am == "" || pm == "" {
			t.Fatalf("splitDayCell(%q) = %q, %q: an empty mark", s, am, pm)
		}
		if !strings.Contains(s, am) || !strings.Contains(s, pm) || len(am)+len(pm) > len(s) {
			t.Fatalf("splitDayCell(%q) = %q, %q: not taken from the cell", s, am, pm)
		}
		trimmed := strings.TrimSpace(s)
		if !strings.ContainsAny(trimmed, " ,|;") && am+pm != trimmed {
			t.Fatalf("splitDayCell(%q) = %q, %q: not the whole cell", s, am, pm)
		}
	})
}
