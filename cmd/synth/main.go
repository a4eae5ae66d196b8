package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/attendrisk/attendrisk/pkg/synth"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

// run is main without the exit, so the exit code is decided in one place:
// 2 for a usage error, 1 for a failure to write.
func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kind := fs.String("kind", "school", "what to write: `school` (three files in a directory) or la (one marks CSV)")
	out := fs.String("out", "", "output directory for -kind school, CSV file for -kind la (required)")
	seed := fs.Uint64("seed", synth.DefaultSeed, "random seed; the same seed and size always write the same bytes")
	pupils := fs.Int("pupils", 0, fmt.Sprintf("pupils on the register (default %d for school, %d for la)", synth.SampleSchoolConfig().Pupils, synth.LAPupils))
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: synth -kind school|la -out PATH [-seed N] [-pupils N]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	var err error
	switch *kind {
	case "school":
		cfg := synth.SampleSchoolConfig()
		cfg.Seed = *seed
		if *pupils > 0 {
			cfg.Pupils = *pupils
		}
		err = writeSchool(*out, cfg, stderr)
	case "la":
		cfg := synth.DefaultLAConfig()
		cfg.Seed = *seed
		if *pupils > 0 {
			cfg.Pupils = *pupils
		}
		err = writeFile(*out, stderr, func(w io.Writer) (int64, error) { return synth.WriteLAMarksCSV(w, cfg) })
	default:
		fmt.Fprintf(stderr, "synth: -kind %q: want school or la\n", *kind)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "synth:", err)
		return 1
	}
	return 0
}

func writeSchool(dir string, cfg synth.SchoolConfig, stderr io.Writer) error {
	s, err := synth.NewSchool(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := []struct {
		name  string
		write func(io.Writer) (int64, error)
	}{
		{"school-marks.csv", s.WriteMarksCSV},
		{"school-grid.xlsx", func(w io.Writer) (int64, error) { return int64(len(s.Pupils)), s.WriteGridXLSX(w) }},
		{"context.csv", s.WriteContextCSV},
	}
	for _, f := range files {
		if err := writeFile(filepath.Join(dir, f.name), stderr, f.write); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes path through a temporary file in the same directory and
// renames it into place only when everything was written, so an interrupted
// run never leaves a truncated file that the benchmark's cache check would
// take for a finished one.
func writeFile(path string, stderr io.Writer, write func(io.Writer) (int64, error)) (err error) {
	start := time.Now()
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	n, err := write(bw)
	if err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = errors.Join(tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s: %d rows, %s in %.1fs\n", path, n, size(st.Size()), time.Since(start).Seconds())
	return nil
}

func size(n int64) string {
	if n < 1e6 {
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
