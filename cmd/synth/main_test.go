package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/synth"
	"github.com/google/go-cmp/cmp"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name      string
		args      []string
		code      int
		files     []string // written under dir
		stderrHas string
	}{
		{"school", []string{"-kind", "school", "-pupils", "60", "-out", filepath.Join(dir, "s")}, 0,
			[]string{"s/school-marks.csv", "s/school-grid.xlsx", "s/context.csv"}, "wrote"},
		{"la", []string{"-kind", "la", "-pupils", "300", "-out", filepath.Join(dir, "la", "la.csv")}, 0,
			[]string{"la/la.csv"}, "wrote"},
		{"no out", []string{"-kind", "la"}, 2, nil, "usage:"},
		{"bad kind", []string{"-kind", "grid", "-out", dir}, 2, nil, `-kind "grid"`},
		{"bad flag", []string{"-pupil", "3"}, 2, nil, "flag provided but not defined"},
		{"too few pupils", []string{"-kind", "school", "-pupils", "10", "-out", filepath.Join(dir, "small")}, 1, nil, "10 pupils"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := run(tt.args, &stderr); code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.stderrHas) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.stderrHas)
			}
			for _, f := range tt.files {
				if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
					t.Errorf("%s: %v", f, err)
				}
			}
		})
	}
	// No temporary files are left behind next to the outputs.
	left, _ := filepath.Glob(filepath.Join(dir, "*", ".*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %q", left)
	}
}

// TestSampleUpToDate fails when testdata/sample no longer matches what the
// generator writes, so a change to package synth cannot silently leave the
// committed sample behind. `make sample` rewrites it.
func TestSampleUpToDate(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	if code := run([]string{"-kind", "school", "-out", dir}, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, f := range []string{"school-marks.csv", "school-grid.xlsx", "context.csv"} {
		want, err := os.ReadFile(filepath.Join("..", "..", "testdata", "sample", f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want, got) {
			t.Errorf("testdata/sample/%s is stale: run `make sample` (seed %d)", f, synth.DefaultSeed)
		}
		if f == "school-marks.csv" {
			// The header is the one the analyser's default reader expects.
			first, _, _ := strings.Cut(string(got), "\n")
			if diff := cmp.Diff(synth.MarksHeader, first); diff != "" {
				t.Errorf("marks header (-want +got):\n%s", diff)
			}
		}
	}
}
