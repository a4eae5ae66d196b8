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
	"syscall"
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

// failAfter accepts n bytes, then fails as a full disk does.
type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) <= f.n {
		f.n -= len(p)
		return len(p), nil
	}
	k := f.n
	f.n = 0
	return k, syscall.ENOSPC
}

// TestStickyWriter: the first error sticks, later writes fail with it
// without reaching the writer, a short write is an error, and a cancelled
// context fails the next write.
func TestStickyWriter(t *testing.T) {
	t.Run("the first error sticks", func(t *testing.T) {
		fw := &failAfter{n: 5}
		w := NewStickyWriter(context.Background(), fw)
		if n, err := io.WriteString(w, "abc"); n != 3 || err != nil {
			t.Fatalf("first write: %d, %v", n, err)
		}
		if n, err := io.WriteString(w, "defg"); n != 2 || !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("second write: %d, %v; want 2, ENOSPC", n, err)
		}
		fw.n = 100 // the disk has room again: too late, the output is cut
		if n, err := io.WriteString(w, "h"); n != 0 || !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("third write: %d, %v; want 0, ENOSPC", n, err)
		}
		if !errors.Is(w.Err(), syscall.ENOSPC) {
			t.Errorf("Err() = %v", w.Err())
		}
	})
	t.Run("a short write", func(t *testing.T) {
		w := NewStickyWriter(context.Background(), shortWriter{})
		if _, err := w.Write([]byte("abcd")); !errors.Is(err, io.ErrShortWrite) || !errors.Is(w.Err(), io.ErrShortWrite) {
			t.Errorf("err = %v, Err() = %v; want io.ErrShortWrite", err, w.Err())
		}
	})
	t.Run("a cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		var buf strings.Builder
		w := NewStickyWriter(ctx, &buf)
		io.WriteString(w, "one ")
		cancel()
		if _, err := io.WriteString(w, "two"); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if buf.String() != "one " {
			t.Errorf("written %q", buf.String())
		}
	})
}

type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return len(p) / 2, nil }

// TestWriteFileFailures: whatever stops a write (a full disk the writer
// ignored, a cancelled run, a panic), the temporary file is removed and an
// earlier output is kept whole.
func TestWriteFileFailures(t *testing.T) {
	const old = "last week's report\n"
	ctxCancelled, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.csv")
	reset := func() {
		if err := os.WriteFile(out, []byte(old), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	check := func(t *testing.T) {
		t.Helper()
		if got, _ := os.ReadFile(out); string(got) != old {
			t.Errorf("the earlier output changed to %q", got)
		}
		if diff := cmp.Diff([]string{"out.csv"}, listDir(t, dir)); diff != "" {
			t.Errorf("directory (-want +got):\n%s", diff)
		}
	}
	t.Run("a cancelled run", func(t *testing.T) {
		reset()
		err := WriteFile(ctxCancelled, out, nil, writeString("pupil_id\n"))
		if !errors.Is(err, context.Canceled) || err.Error() != "writing "+out+": context canceled" {
			t.Errorf("err = %v", err)
		}
		check(t)
	})
	t.Run("cancelled after the last write", func(t *testing.T) {
		reset()
		ctx, cancel := context.WithCancel(context.Background())
		err := WriteFile(ctx, out, nil, func(w io.Writer) error {
			io.WriteString(w, "pupil_id\n")
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
		check(t)
	})
	t.Run("a panic in the writer", func(t *testing.T) {
		reset()
		func() {
			defer func() {
				if recover() == nil {
					t.Error("the panic was swallowed")
				}
			}()
			WriteFile(context.Background(), out, nil, func(w io.Writer) error {
				io.WriteString(w, "pupil_id\n")
				panic("bug")
			})
		}()
		check(t)
	})
}

// TestCheckOutput: what -o may name.
func TestCheckOutput(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("named pipes and devices are Unix files here")
	}
	dir := t.TempDir()
	reg := filepath.Join(dir, "r.csv")
	if err := os.WriteFile(reg, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "old.json")
	if err := os.WriteFile(old, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := mkfifo(fifo); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(reg, filepath.Join(dir, "to-reg")); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ path, err string }{
		{filepath.Join(dir, "new.json"), ""},
		{old, ""},
		{filepath.Join(dir, "dangling"), ""},
		{reg, "refusing to write the output over the input file " + reg},
		{filepath.Join(dir, "to-reg"), "refusing to write the output over the input file " + reg},
		{dir, "refusing to write the output to " + dir + ": it is a directory, not a regular file"},
		{fifo, "refusing to write the output to " + fifo + ": it is a named pipe, not a regular file"},
		{"/dev/null", "refusing to write the output to /dev/null: it is a device, not a regular file"},
	}
	for _, tt := range tests {
		got := ""
		if err := CheckOutput(tt.path, []string{"", reg, filepath.Join(dir, "missing-input")}); err != nil {
			got = err.Error()
		}
		if got != tt.err {
			t.Errorf("CheckOutput(%s) = %q, want %q", tt.path, got, tt.err)
		}
	}
}
