package render

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWritePackDir: a folder pack is private, whole, replaces only an
// earlier pack, and a failed write leaves the earlier pack as it was.
func TestWritePackDir(t *testing.T) {
	pages := explainPages(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "pack")
	if err := WritePackDir(context.Background(), dir+"/", nil, pages, explainMeta); err != nil {
		t.Fatal(err)
	}
	names := func() []string {
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var ns []string
		for _, e := range es {
			ns = append(ns, e.Name())
			fi, _ := e.Info()
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s mode %v, want 0600", e.Name(), fi.Mode().Perm())
			}
		}
		return ns
	}
	if diff := cmp.Diff([]string{"index.html", "pupil-001.html", "pupil-002.html", "pupil-003.html"}, names()); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v, want 0700", fi.Mode().Perm())
	}
	index, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	for _, want := range []string{`href="pupil-001.html"`, "&lt;script&gt;", "not findings of neglect"} {
		if !strings.Contains(string(index), want) {
			t.Errorf("index lacks %q", want)
		}
	}
	// A cancelled run writes nothing: the earlier pack of three stays.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WritePackDir(ctx, dir, nil, pages[:1], explainMeta); err == nil {
		t.Error("a cancelled write succeeded")
	}
	if len(names()) != 4 {
		t.Errorf("the earlier pack changed: %v", names())
	}
	// A rerun replaces the earlier pack whole.
	if err := WritePackDir(context.Background(), dir, nil, pages[:1], explainMeta); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"index.html", "pupil-001.html"}, names()); diff != "" {
		t.Errorf("after a rerun (-want +got):\n%s", diff)
	}
	// Nothing is left beside it.
	if es, _ := os.ReadDir(parent); len(es) != 1 {
		t.Errorf("left beside the pack: %v", es)
	}
	// A folder with anything else in it, or holding an input, is refused.
	other := filepath.Join(parent, "mine")
	os.Mkdir(other, 0o700)
	os.WriteFile(filepath.Join(other, "notes.docx"), []byte("x"), 0o600)
	if err := WritePackDir(context.Background(), other, nil, pages, explainMeta); err == nil || !strings.Contains(err.Error(), "notes.docx") {
		t.Errorf("a folder of other files: %v", err)
	}
	if err := WritePackDir(context.Background(), dir, []string{filepath.Join(dir, "pupil-001.html")}, pages, explainMeta); err == nil {
		t.Error("a pack over its own input was written")
	}
}
