package cmd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDropArgs: what Explorer passes when files are dropped onto
// attendrisk.exe (their full paths, in any case, with spaces) becomes an
// analyse run writing the workbook beside the first file; anything that is
// not a list of existing register files runs as typed.
func TestDropArgs(t *testing.T) {
	dir := t.TempDir()
	week := filepath.Join(dir, "Week 47 export.CSV")
	grid := filepath.Join(dir, "grid.xlsx")
	pdf := filepath.Join(dir, "letter.pdf")
	for _, f := range []string{week, grid, pdf} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.csv"), 0o700); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "Week 47 export-attendrisk.xlsx")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"one register", []string{week}, []string{"analyse", "-o", out, week}},
		{"two registers: named after the first", []string{week, grid}, []string{"analyse", "-o", out, week, grid}},
		{"nothing", nil, nil},
		{"a command", []string{"analyse", week}, nil},
		{"a flag", []string{"--help"}, nil},
		{"not a register", []string{pdf}, nil},
		{"a register and something else", []string{week, pdf}, nil},
		{"missing", []string{filepath.Join(dir, "gone.csv")}, nil},
		{"a folder", []string{filepath.Join(dir, "folder.csv")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, gotOut, ok := dropArgs(tt.args)
			if ok != (tt.want != nil) {
				t.Fatalf("ok = %v, want %v", ok, tt.want != nil)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("args (-want +got):\n%s", diff)
			}
			if ok && gotOut != out {
				t.Errorf("out = %q, want %q", gotOut, out)
			}
		})
	}
}
