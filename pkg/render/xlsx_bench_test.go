package render

import (
	"io"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

// The workbook and Parquet benchmarks time the two outputs that do the most
// beyond the CSV's work, on the same 2,000 pupils as BenchmarkCSV.
func BenchmarkXLSX(b *testing.B) {
	benchFormat(b, func(w io.Writer, r *analysis.Result) error { return XLSX(w, r, goldenMeta, nil, nil) })
}

func BenchmarkParquet(b *testing.B) {
	benchFormat(b, func(w io.Writer, r *analysis.Result) error { return Parquet(w, r, goldenMeta) })
}
