package cmd

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSplitOrder: the schools are written several at a time, but the lines
// saying what was written come in the schools' order, and when one school's
// workbook cannot be written (a folder is in its place) the error is that
// school's, every school before it is written and reported, and no school
// is started after it beyond those already in flight.
func TestSplitOrder(t *testing.T) {
	fx := func(n string) string { return filepath.Join("..", "..", "testdata", "authority", n) }
	inputs := []string{fx("ash.csv"), fx("birch.csv"), fx("oak.csv"), fx("riverside-pru.csv")}
	schools := []string{"Ash-Primary", "Birch-Academy", "Oak-Primary", "Riverside-PRU"}
	line := regexp.MustCompile(`(?m)^wrote \d+ pupils? to .*[/\\]([^/\\]+)\.xlsx$`)
	names := func(stderr string) []string {
		var got []string
		for _, m := range line.FindAllStringSubmatch(stderr, -1) {
			got = append(got, m[1])
		}
		return got
	}

	dir := filepath.Join(t.TempDir(), "schools")
	for range 3 {
		code, _, stderr := run(append([]string{"analyse", "--split-by", "school", "--format", "xlsx", "--as-of", "2024-11-08", "-o", dir}, inputs...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if diff := cmp.Diff(schools, names(stderr)); diff != "" {
			t.Fatalf("lines (-want +got):\n%s\n%s", diff, stderr)
		}
	}

	bad := filepath.Join(t.TempDir(), "schools")
	if err := os.MkdirAll(filepath.Join(bad, "Birch-Academy.xlsx", "in-the-way"), 0o700); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(append([]string{"analyse", "--split-by", "school", "--format", "xlsx", "--as-of", "2024-11-08", "-o", bad}, inputs...)...)
	if code != ExitFailure {
		t.Fatalf("exit %d, want %d: %s", code, ExitFailure, stderr)
	}
	if !strings.Contains(stderr, "Birch-Academy.xlsx") {
		t.Errorf("the error does not name Birch-Academy.xlsx:\n%s", stderr)
	}
	// GOMAXPROCS schools are in flight at once: Birch-Academy's failure is
	// taken once Ash-Primary's success has been, by which time the
	// GOMAXPROCS-1 schools after it have been started, and are written.
	after := min(runtime.GOMAXPROCS(0)-1, 2)
	want := append([]string{"Ash-Primary"}, schools[2:2+after]...)
	if diff := cmp.Diff(want, names(stderr)); diff != "" {
		t.Errorf("after Birch-Academy failed, reported (-want +got):\n%s\n%s", diff, stderr)
	}
	for _, s := range schools[2+after:] {
		if _, err := os.Stat(filepath.Join(bad, s+".xlsx")); err == nil {
			t.Errorf("%s.xlsx was written after the school before it failed", s)
		}
	}
}
