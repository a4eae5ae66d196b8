package cmd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExpandInputs(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"b.CSV", "a.xlsx", "~$a.xlsx", ".DS_Store", ".x.csv", "notes.txt", "sub/c.csv"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	j := func(s ...string) string { return filepath.Join(append([]string{dir}, s...)...) }
	tests := []struct {
		args []string
		want []string
		err  string
	}{
		{[]string{dir}, []string{j("a.xlsx"), j("b.CSV")}, ""},
		{[]string{j("*.xlsx")}, []string{j("a.xlsx")}, ""},
		{[]string{j("*")}, []string{j("a.xlsx"), j("b.CSV"), j("notes.txt"), j("sub", "c.csv")}, ""},
		{[]string{j("missing.csv")}, []string{j("missing.csv")}, ""}, // reading it names it
		{[]string{j("*.tsv")}, nil, j("*.tsv") + ": no file matches this pattern"},
		{[]string{j("sub", "none")}, []string{j("sub", "none")}, ""},
	}
	for _, tt := range tests {
		got, err := expandInputs(tt.args)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if msg != tt.err {
			t.Errorf("expandInputs(%q) error %q, want %q", tt.args, msg, tt.err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("expandInputs(%q) (-want +got):\n%s", tt.args, diff)
		}
	}
}
