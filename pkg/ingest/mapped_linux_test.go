//go:build linux

package ingest

import (
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// TestMappedFileCutShort: a file cut short by another program while it is
// mapped makes the pages past its new end fault (SIGBUS). The read returns
// an error naming the file and saying what happened, instead of crashing.
func TestMappedFileCutShort(t *testing.T) {
	br := makeBigRegister(bigOptions{pupils: 40, days: 30})
	path := writeFile(t, t.TempDir(), "marks.csv", br.data)
	c := chunkSize
	defer func() { chunkSize, testWorkerHook = c, nil }()
	chunkSize = 4 << 10
	var once sync.Once
	testWorkerHook = func(role string) {
		if role == "chunk" {
			// The first chunk is in a worker's hands, the rest of the file
			// still to be read: cut the file to its header.
			once.Do(func() {
				if err := os.Truncate(path, 60); err != nil {
					t.Error(err)
				}
			})
		}
	}
	err := ReadFile(path, Options{Workers: 2}, register.NewBuilder(newQuality(100)))
	var ie *Error
	if !errors.As(err, &ie) || ie.Loc.File != path || !strings.Contains(ie.Msg, "changed while it was being read") {
		t.Fatalf("ReadFile of a file cut short: %v, want an *Error naming %s", err, path)
	}
}
