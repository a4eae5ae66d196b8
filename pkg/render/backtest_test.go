package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// TestBacktestUnsafeText: a rules file's factor id and label are input
// text: escaped for the terminal, neutralised in CSV.
func TestBacktestUnsafeText(t *testing.T) {
	bt := &analysis.Backtest{Points: []analysis.BacktestPoint{{
		At: register.MustDay(2024, 9, 13), From: register.MustDay(2024, 9, 2), End: register.MustDay(2024, 9, 27),
		Rows: []analysis.BacktestRow{{Kind: "factor", Name: "x\x1b[2J", Label: "=HYPERLINK(\"http://x\")", Pupils: 2, PA: 1}},
	}}}
	var tb, cb bytes.Buffer
	if err := BacktestTable(&tb, bt); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(tb.String(), "\x1b") || !strings.Contains(tb.String(), `factor x\x1b[2J`) {
		t.Errorf("table not escaped:\n%s", tb.String())
	}
	if err := BacktestCSV(&cb, bt); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cb.String(), ",=HYPERLINK") || !strings.Contains(cb.String(), Neutralise(`=HYPERLINK(`)) {
		t.Errorf("csv not neutralised:\n%s", cb.String())
	}
	if !strings.Contains(tb.String(), "  factor x\\x1b[2J  2       1          50%") {
		t.Errorf("table row:\n%s", tb.String())
	}
}
