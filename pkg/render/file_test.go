package render

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func TestWriteFileCreatesPrivateFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	if err := WriteFile(context.Background(), out, nil, writeString("pupil_id\nA1\n")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "pupil_id\nA1\n" {
		t.Errorf("content = %q", got)
	}
	if runtime.GOOS != "windows" {
		st, _ := os.Stat(out)
		if st.Mode().Perm() != 0o600 {
			t.Errorf("mode = %v, want 0600: the file holds children's data", st.Mode().Perm())
		}
	}
	if diff := cmp.Diff([]string{"out.csv"}, listDir(t, dir)); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
}

func TestWriteFileReplacesAnOldOutput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.json")
	if err := os.WriteFile(out, []byte("an older, longer report\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(context.Background(), out, []string{filepath.Join(dir, "register.csv")}, writeString("{}\n")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if string(got) != "{}\n" {
		t.Errorf("content = %q, want the new output only", got)
	}
	if st, _ := os.Stat(out); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600 even over an old 0644 file", st.Mode().Perm())
	}
}

func TestWriteFileRefusesToOverwriteAnInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "register.csv")
	const register = "UPN,Date,Session,Mark\nA1,03/09/2024,AM,/\n"
	if err := os.WriteFile(in, []byte(register), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.csv")
	if err := os.WriteFile(other, []byte(register), 0o600); err != nil {
		t.Fatal(err)
	}
	names := []struct {
		name string
		path string
	}{
		{"the same path", in},
		{"another spelling of the path", filepath.Join(dir, "sub", "..", "register.csv")},
	}
	if runtime.GOOS != "windows" {
		link := filepath.Join(dir, "link.csv")
		if err := os.Symlink(in, link); err != nil {
			t.Fatal(err)
		}
		names = append(names, struct{ name, path string }{"a symbolic link to it", link})
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		t.Run(n.name, func(t *testing.T) {
			called := false
			err := WriteFile(context.Background(), n.path, []string{other, in}, func(w io.Writer) error { called = true; return nil })
			if err == nil || !strings.Contains(err.Error(), "refusing to write the output over the input file "+in) {
				t.Errorf("err = %v, want a refusal naming %s", err, in)
			}
			if called {
				t.Error("the output was written before refusing")
			}
			if got, _ := os.ReadFile(in); string(got) != register {
				t.Errorf("input changed to %q", got)
			}
		})
	}
	if diff := cmp.Diff([]string{"link.csv", "other.csv", "register.csv", "sub"}, listDir(t, dir)); runtime.GOOS != "windows" && diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
}

func TestWriteFileLeavesNothingWhenTheWriterFails(t *testing.T) {
	boom := errors.New("disk on fire")
	failing := func(w io.Writer) error {
		if _, err := io.WriteString(w, "pupil_id\nA1\nhalf a ro"); err != nil {
			return err
		}
		return boom
	}
	t.Run("no earlier output", func(t *testing.T) {
		dir := t.TempDir()
		out := filepath.Join(dir, "out.csv")
		err := WriteFile(context.Background(), out, nil, failing)
		if !errors.Is(err, boom) {
			t.Errorf("err = %v, want it to wrap the writer's error", err)
		}
		if err != nil && !strings.Contains(err.Error(), out) {
			t.Errorf("err = %v, want it to name %s", err, out)
		}
		if names := listDir(t, dir); len(names) != 0 {
			t.Errorf("left behind %q: no partial output and no temporary file", names)
		}
	})
	t.Run("an earlier output is kept whole", func(t *testing.T) {
		dir := t.TempDir()
		out := filepath.Join(dir, "out.csv")
		if err := os.WriteFile(out, []byte("last week's report\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(context.Background(), out, nil, failing); !errors.Is(err, boom) {
			t.Errorf("err = %v", err)
		}
		if got, _ := os.ReadFile(out); string(got) != "last week's report\n" {
			t.Errorf("earlier output changed to %q", got)
		}
		if diff := cmp.Diff([]string{"out.csv"}, listDir(t, dir)); diff != "" {
			t.Errorf("directory (-want +got):\n%s", diff)
		}
	})
}

func TestWriteFileMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "no-such-dir", "out.csv")
	err := WriteFile(context.Background(), out, nil, writeString("x"))
	if err == nil || !strings.HasPrefix(err.Error(), "cannot create "+out+": ") {
		t.Errorf("err = %v", err)
	}
	if names := listDir(t, dir); len(names) != 0 {
		t.Errorf("left behind %q", names)
	}
}
