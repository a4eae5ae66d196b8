//go:build linux

package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// smallDisk mounts a 64 KiB tmpfs for the test, or skips it where mounting
// is not permitted (not root, or no tmpfs).
func smallDisk(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount a 64 KiB tmpfs to fill (%v): run the tests as root to check a full disk", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	return dir
}

// TestWriteFileFullDisk: on a disk that fills up, the output fails naming
// itself, even when the writer ignores the errors of its writes (as
// fmt.Fprintf in a loop does), and the earlier output is kept whole with no
// temporary file beside it.
func TestWriteFileFullDisk(t *testing.T) {
	dir := smallDisk(t)
	out := filepath.Join(dir, "out.csv")
	const old = "last week's report\n"
	if err := os.WriteFile(out, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(context.Background(), out, nil, func(w io.Writer) error {
		for i := 0; i < 10000; i++ {
			fmt.Fprintf(w, "A%07d,Surname,Forename,present\n", i) // 300 KB, errors ignored
		}
		return nil
	})
	if !errors.Is(err, syscall.ENOSPC) || err.Error() != "writing "+out+": no space left on device" {
		t.Errorf("err = %v, want writing %s: no space left on device", err, out)
	}
	if got, _ := os.ReadFile(out); string(got) != old {
		t.Errorf("the earlier output changed to %.40q", got)
	}
	if diff := cmp.Diff([]string{"out.csv"}, listDir(t, dir)); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
}
