package render

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/synth"
)

// benchResult runs the real pipeline (default rules, sample context) on a
// synthetic 2,000-pupil school once, for the output benchmarks.
func benchResult(b testing.TB) *analysis.Result {
	b.Helper()
	cfg := synth.SampleSchoolConfig()
	cfg.Pupils = 2000
	s, err := synth.NewSchool(cfg)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	marks, context := filepath.Join(dir, "marks.csv"), filepath.Join(dir, "context.csv")
	for path, write := range map[string]func(*bufio.Writer) (int64, error){
		marks:   func(w *bufio.Writer) (int64, error) { return s.WriteMarksCSV(w) },
		context: func(w *bufio.Writer) (int64, error) { return s.WriteContextCSV(w) },
	} {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriter(f)
		if _, err := write(w); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	res, err := analysis.Run(analysis.Input{Files: []string{marks}, ContextFile: context})
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// The output benchmarks time each machine format on the same 2,000 pupils.
func benchFormat(b *testing.B, write func(io.Writer, *analysis.Result) error) {
	res := benchResult(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := write(io.Discard, res); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCSV(b *testing.B) { benchFormat(b, CSV) }

func BenchmarkJSON(b *testing.B) {
	benchFormat(b, func(w io.Writer, r *analysis.Result) error { return JSON(w, r, goldenMeta) })
}

func BenchmarkJSONL(b *testing.B) {
	benchFormat(b, func(w io.Writer, r *analysis.Result) error { return JSONL(w, r, goldenMeta) })
}
