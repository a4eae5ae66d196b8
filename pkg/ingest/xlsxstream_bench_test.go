package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/synth"
)

// gridWorkbook writes a synthetic school's year as an XLSX register grid
// (the layout make bench times against pandas with openpyxl).
func gridWorkbook(b testing.TB, pupils int) string {
	b.Helper()
	cfg := synth.SampleSchoolConfig()
	cfg.Pupils = pupils
	s, err := synth.NewSchool(cfg)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.WriteGridXLSX(&buf); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "grid.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkReadXLSXGrid reads a 1,500-pupil school's year from an XLSX
// register grid into the register: the ingest part of issue 12's XLSX
// target.
func BenchmarkReadXLSXGrid(b *testing.B) {
	path := gridWorkbook(b, 1500)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := quality.New()
		if err := ReadFile(path, Options{}, register.NewBuilder(q)); err != nil {
			b.Fatal(err)
		}
	}
}
