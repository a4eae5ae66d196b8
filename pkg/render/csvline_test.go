package render

import (
	"bytes"
	"encoding/csv"
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
