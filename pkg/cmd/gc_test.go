package cmd

import (
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's GOGC without changing it.
func gcPercent() int {
	pct := debug.SetGCPercent(-1)
	debug.SetGCPercent(pct)
	return pct
}

// TestLowerGC: the output is written at outputGCPercent, Parquet at
// parquetGCPercent, each restoring the setting it found; a GOGC in the
// environment stands.
func TestLowerGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	t.Setenv("GOGC", "")
	for _, c := range []struct {
		format string
		want   int
	}{{"csv", outputGCPercent}, {"json", outputGCPercent}, {"jsonl", outputGCPercent}, {"xlsx", outputGCPercent}, {"parquet", parquetGCPercent}} {
		restore := lowerGC(c.format)
		if got := gcPercent(); got != c.want {
			t.Errorf("%s is written at GOGC %d, want %d", c.format, got, c.want)
		}
		restore()
		if got := gcPercent(); got != 100 {
			t.Errorf("after %s GOGC is %d, want the 100 it was", c.format, got)
		}
	}
	t.Setenv("GOGC", "80")
	restore := lowerGC("parquet")
	if got := gcPercent(); got != 100 {
		t.Errorf("with GOGC in the environment, GOGC is %d while Parquet is written: the setting should stand", got)
	}
	restore()
}
