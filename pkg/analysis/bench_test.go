package analysis

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/synth"
)

// benchSchool writes a synthetic school's marks and context once per
// benchmark, so the benchmarks need no data in the repository.
func benchSchool(b *testing.B, pupils int) (marks, context string) {
	b.Helper()
	cfg := synth.SampleSchoolConfig()
	cfg.Pupils = pupils
	s, err := synth.NewSchool(cfg)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	marks, context = filepath.Join(dir, "marks.csv"), filepath.Join(dir, "context.csv")
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
	return marks, context
}

// BenchmarkAnalyse is the whole pipeline on a 2,000-pupil school's year
// (about 760,000 mark rows): ingest, figures, patterns, context, rules and
// ranking. make bench runs the authority-sized comparison with DuckDB.
func BenchmarkAnalyse(b *testing.B) {
	marks, context := benchSchool(b, 2000)
	st, _ := os.Stat(marks)
	b.SetBytes(st.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(Input{Files: []string{marks}, ContextFile: context}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFiguresOnly is the pipeline without the rules stage.
func BenchmarkFiguresOnly(b *testing.B) {
	marks, _ := benchSchool(b, 2000)
	st, _ := os.Stat(marks)
	b.SetBytes(st.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(Input{Files: []string{marks}, NoRules: true}); err != nil {
			b.Fatal(err)
		}
	}
}
