package render

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

// TestInBlocks checks the block pipeline: every pupil written once, in
// order, whatever the block size and number of cores; a format error or a
// write error stops it with that error; a panic in format reaches the
// caller. None of them may leave a worker blocked (the test would hang).
func TestInBlocks(t *testing.T) {
	pupils := make([]*analysis.Pupil, 1000)
	var want strings.Builder
	for i := range pupils {
		pupils[i] = &analysis.Pupil{ID: fmt.Sprint(i)}
		fmt.Fprintln(&want, i)
	}
	format := func(buf *bytes.Buffer, ps []*analysis.Pupil) error {
		for _, p := range ps {
			fmt.Fprintln(buf, p.ID)
		}
		return nil
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(procs)
		for _, block := range []int{1, 7, 256, 999, 1000, 5000} {
			for _, n := range []int{0, 1, 999, 1000} {
				var got bytes.Buffer
				if err := inBlocksOf(block, pupils[:n], format, got.Write); err != nil {
					t.Fatal(err)
				}
				var w strings.Builder
				for i := 0; i < n; i++ {
					fmt.Fprintln(&w, i)
				}
				if got.String() != w.String() {
					t.Fatalf("procs %d, block %d, %d pupils: wrong output (%d bytes, want %d)", procs, block, n, got.Len(), w.Len())
				}
			}
		}

		bad := errors.New("bad pupil")
		failAt := func(id string) func(*bytes.Buffer, []*analysis.Pupil) error {
			return func(buf *bytes.Buffer, ps []*analysis.Pupil) error {
				for _, p := range ps {
					if p.ID == id {
						return bad
					}
				}
				return format(buf, ps)
			}
		}
		var got bytes.Buffer
		if err := inBlocksOf(10, pupils, failAt("505"), got.Write); !errors.Is(err, bad) {
			t.Fatalf("procs %d: format error: got %v", procs, err)
		}
		if got.String() != want.String()[:strings.Index(want.String(), "\n500\n")+1] {
			t.Fatalf("procs %d: blocks after a failed one were written, or ones before it lost", procs)
		}
		writes := 0
		full := errors.New("disk full")
		err := inBlocksOf(10, pupils, format, func(b []byte) (int, error) {
			if writes++; writes == 3 {
				return 0, full
			}
			return len(b), nil
		})
		if !errors.Is(err, full) || writes != 3 {
			t.Fatalf("procs %d: write error: got %v after %d writes", procs, err, writes)
		}
		func() {
			defer func() {
				if _, ok := recover().(analysis.WorkerPanic); !ok {
					t.Fatalf("procs %d: a panic in format did not reach the caller", procs)
				}
			}()
			inBlocksOf(10, pupils, func(buf *bytes.Buffer, ps []*analysis.Pupil) error {
				if ps[0].ID == "500" {
					panic("bug")
				}
				return format(buf, ps)
			}, got.Write)
		}()
	}
}
