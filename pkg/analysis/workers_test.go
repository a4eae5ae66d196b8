package analysis

import (
	"testing"
	"time"
)

// TestWorkerPanicReachesCaller: a panic inside a worker goroutine (figures,
// patterns, rules evaluation) is raised again in the goroutine that ran the
// analysis, as a WorkerPanic, so cmd.Main's recover turns it into an
// "internal error" with exit 1 instead of Go ending the program with the
// raw panic; and no worker is left blocking the run.
func TestWorkerPanicReachesCaller(t *testing.T) {
	testWorkerHook = func() { panic("boom in a worker") }
	defer func() { testWorkerHook = nil }()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		_, _ = Run(Input{Files: []string{declinedRegister}})
	}()
	select {
	case r := <-done:
		wp, ok := r.(WorkerPanic)
		if !ok {
			t.Fatalf("recovered %T %v, want a WorkerPanic", r, r)
		}
		if wp.Value != "boom in a worker" || len(wp.Stack) == 0 {
			t.Errorf("WorkerPanic %v with %d bytes of stack, want the worker's value and stack", wp.Value, len(wp.Stack))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the run did not return after a worker panicked: a worker is blocking it")
	}
}
