package render

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// TestCSVLine: a record csvLine writes is byte for byte what csv.Writer
// writes for the cells formatCell and csvValue make of the same values:
// fields needing quotes (quotes, commas, line breaks, leading white space
// of every kind, \.), formula-like text, numbers, flags, lists and nulls.
func TestCSVLine(t *testing.T) {
	values := []any{
		"", "plain", `say "hi"`, `"`, `""`, `a""b"`, `x"`, `"lead, trail"`, "a,b", "two\nlines", "cr\rhere", "\r\n", " lead", "\tlead", "\u00a0nbsp", "\u2003em",
		`\.`, `\.x`, "=SUM(A1)", "-3", "@x", "caf\u00e9", "|", nil, 0, -12, 123456, 0.0, 12.5, -0.25, 1e-7, 3e21,
		true, false, []string{}, []string{"a"}, []string{"a", "=b", "c,d"}, []string{`"q"`, " s"}, int64(5), struct{}{},
	}
	var l csvLine
	for i := range values {
		row := values[i:min(i+4, len(values))]
		cells := make([]string, len(row))
		for k, v := range row {
			cells[k] = csvValue(v)
			l.value(v)
		}
		var want bytes.Buffer
		cw := csv.NewWriter(&want)
		if err := cw.Write(cells); err != nil {
			t.Fatal(err)
		}
		cw.Flush()
		if diff := cmp.Diff(want.String(), string(l.end())); diff != "" {
			t.Errorf("row %q (-csv.Writer +csvLine):\n%s", cells, diff)
		}
	}
	l.int(-7)
	l.text("x y")
	if got := string(l.end()); got != "-7,x y\n" {
		t.Errorf("int and text: %q", got)
	}
}

// TestISODay: isoDay is register.Day.ISO.
func TestISODay(t *testing.T) {
	for _, d := range []register.Day{1, 59, 365, 10957, 20300, 20665, 2932896, 2932897, -1, -719468, -800000} {
		if got, want := isoDay(d), d.ISO(); got != want {
			t.Errorf("isoDay(%d) = %q, want %q", d, got, want)
		}
	}
}

// FuzzCSVCell holds the CSV writer's byte forms to its string forms and to
// the reference behaviour: neutralNeeded on bytes and on a string, against
// Neutralise as it was written with strings.TrimLeft; appendCSVField on
// bytes and on a string, against csv.Writer writing the neutralised cell.
func FuzzCSVCell(f *testing.F) {
	for _, s := range []string{"", "plain", "=1", " \u00a0 -x", "\u00a0", "\uff1d", "\xc2", "\xc2\xa0\xc2", "a,b", `"q"`, " lead", "\u2003x", `\.`, "\xe2\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if neutralNeeded(s) != neutralNeeded([]byte(s)) {
			t.Fatalf("neutralNeeded(%q): string and bytes differ", s)
		}
		if got, want := Neutralise(s), neutraliseReference(s); got != want {
			t.Fatalf("Neutralise(%q) = %q, want %q", s, got, want)
		}
		cell := Neutralise(s)
		a, b := appendCSVField(nil, cell), appendCSVField(nil, []byte(cell))
		if string(a) != string(b) {
			t.Fatalf("appendCSVField(%q): string %q, bytes %q", cell, a, b)
		}
		var want bytes.Buffer
		cw := csv.NewWriter(&want)
		if err := cw.Write([]string{cell}); err != nil {
			t.Fatal(err)
		}
		cw.Flush()
		if got := string(a) + "\n"; got != want.String() && cell != "" {
			t.Fatalf("field %q: %q, csv.Writer %q", cell, got, want.String())
		}
	})
}

// neutraliseReference is Neutralise as first written, with the standard
// library's trimming and prefix tests.
func neutraliseReference(s string) string {
	if s == "" {
		return s
	}
	t := strings.TrimLeft(s, " \u00a0")
	if t == "" {
		return s
	}
	switch t[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	for _, p := range []string{"\uff1d", "\uff0b", "\uff0d", "\uff20"} {
		if strings.HasPrefix(t, p) {
			return "'" + s
		}
	}
	return s
}
