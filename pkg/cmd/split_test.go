package cmd

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// TestSplitBySchool: --split-by school writes one workbook and one email
// summary per school, and no cell of a school's workbook, nor a line of its
// summary, holds another school's pupil. The mover (Ash then Birch) and
// the dual-registered child (Oak and the PRU) are on both their schools'
// rolls.
func TestSplitBySchool(t *testing.T) {
	fx := func(n string) string { return filepath.Join("..", "..", "testdata", "authority", n) }
	dir := filepath.Join(t.TempDir(), "schools")
	code, _, stderr := run("analyse", "-q", "--split-by", "school", "--format", "md", "--as-of", "2024-11-08", "-o", dir,
		fx("ash.csv"), fx("birch.csv"), fx("oak.csv"), fx("riverside-pru.csv"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := map[string][]string{
		"Ash-Primary":   {"A823300113005", "D823300113007", "H823300113002", "U823300113001", "X823300113003"},
		"Birch-Academy": {"H823300113002", "L823300113004", "P823300113006"},
		"Oak-Primary":   {"1001", "1002", "C823200112001"},
		"Riverside-PRU": {"C823200112001"},
	}
	every := map[string]bool{}
	for _, ids := range want {
		for _, id := range ids {
			every[id] = true
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
	}
	var wantFiles []string
	for s := range want {
		wantFiles = append(wantFiles, s+".md", s+".xlsx")
	}
	sort.Strings(wantFiles)
	if diff := cmp.Diff(wantFiles, files); diff != "" {
		t.Fatalf("files (-want +got):\n%s", diff)
	}
	for school, ids := range want {
		f, err := excelize.OpenFile(filepath.Join(dir, school+".xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]bool{}
		for _, sheet := range f.GetSheetList() {
			rows, err := f.GetRows(sheet)
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows {
				for _, cell := range row {
					if every[cell] {
						found[cell] = true
					}
				}
			}
		}
		f.Close()
		var got []string
		for id := range found {
			got = append(got, id)
		}
		sort.Strings(got)
		if diff := cmp.Diff(ids, got); diff != "" {
			t.Errorf("%s.xlsx pupils (-want +got):\n%s", school, diff)
		}
		md, err := os.ReadFile(filepath.Join(dir, school+".md"))
		if err != nil {
			t.Fatal(err)
		}
		mine := map[string]bool{}
		for _, id := range ids {
			mine[id] = true
		}
		for id := range every {
			if !mine[id] && strings.Contains(string(md), "| "+id+" |") {
				t.Errorf("%s.md lists %s, another school's pupil", school, id)
			}
		}
	}

	// -o must be a folder, and --split-by knows only school.
	if code, _, _ := run("analyse", "--split-by", "school", fx("ash.csv")); code != 2 {
		t.Errorf("--split-by without -o: exit %d, want 2", code)
	}
	if code, _, _ := run("analyse", "--split-by", "year", "-o", dir, fx("ash.csv")); code != 2 {
		t.Errorf("--split-by year: exit %d, want 2", code)
	}
}
