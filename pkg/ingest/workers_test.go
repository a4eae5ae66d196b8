package ingest

import (
	"testing"

	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/worker"
)

// TestMarksReaderPanicReachesCaller: a panic in the marks reader's cutting
// goroutine or in a parse worker is raised again in the goroutine that
// called ReadFile (where cmd.Main recovers it as an internal error), rather
// than killing the process, and the pipeline still shuts down: the call
// returns instead of hanging on a channel.
func TestMarksReaderPanicReachesCaller(t *testing.T) {
	br := makeBigRegister(bigOptions{pupils: 30, days: 60})
	path := writeFile(t, t.TempDir(), "marks.csv", br.data)
	for _, role := range []string{"reader", "worker"} {
		t.Run(role, func(t *testing.T) {
			testWorkerHook = func(r string) {
				if r == role {
					panic("boom in the " + role)
				}
			}
			defer func() { testWorkerHook = nil }()
			var got any
			func() {
				defer func() { got = recover() }()
				b := register.NewBuilder(newQuality(100))
				_ = ReadFile(path, Options{Workers: 3}, b)
			}()
			wp, ok := got.(worker.Panic)
			if !ok {
				t.Fatalf("ReadFile: recovered %#v, want a worker.Panic", got)
			}
			if wp.Value != "boom in the "+role || len(wp.Stack) == 0 {
				t.Errorf("worker.Panic{Value: %v, Stack: %d bytes}", wp.Value, len(wp.Stack))
			}
		})
	}
}
