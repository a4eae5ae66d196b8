package ingest

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/synth"
)

// BenchmarkReadMarksCSV is the read phase of a run on a marks CSV: the
// parallel parse, the apply in file order and Finish, into a register as
// analysis builds it (one academic year). It reads ATTENDRISK_READ_FILE
// when set (the authority year that bench/run.sh generates, for profiling
// the real size), else a synthetic 2,000-pupil school's year.
func BenchmarkReadMarksCSV(b *testing.B) {
	path := os.Getenv("ATTENDRISK_READ_FILE")
	if path == "" {
		cfg := synth.SampleSchoolConfig()
		cfg.Pupils = 2000
		s, err := synth.NewSchool(cfg)
		if err != nil {
			b.Fatal(err)
		}
		path = filepath.Join(b.TempDir(), "marks.csv")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriter(f)
		if _, err := s.WriteMarksCSV(w); err != nil {
			b.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bl := register.NewBuilder(quality.New())
		year := register.YearOf(register.MustDay(2024, 9, 1))
		bl.YearFrom, bl.YearTo = year.Start(), year.End()
		if err := ReadFiles([]string{path}, Options{}, bl); err != nil {
			b.Fatal(err)
		}
		if err := bl.Q.Balanced(); err != nil {
			b.Fatal(err)
		}
	}
}
