package analysis

import "runtime/debug"

// WorkerPanic is a panic raised in one of the pipeline's worker goroutines,
// carried to the goroutine that started them and raised there again. A
// panic in a goroutine of its own cannot be recovered by anyone else: Go
// would end the program with its raw panic message (which may quote a
// pupil's data) instead of the "internal error" that cmd.Main reports.
type WorkerPanic struct {
	Value any    // what the worker panicked with
	Stack []byte // the worker's stack, for ATTENDRISK_DEBUG
}

// WorkerCatch records a worker's panic. Deferred in the worker after its
// cleanup (wg.Done) is deferred, so it runs first and the cleanup still
// runs: the caller's Wait returns and nobody blocks on the dead worker.
type WorkerCatch struct{ p *WorkerPanic }

func (c *WorkerCatch) Catch() {
	if r := recover(); r != nil {
		c.p = &WorkerPanic{Value: r, Stack: debug.Stack()}
	}
}

// Rethrow raises the first recorded panic again in the caller.
func Rethrow(cs []WorkerCatch) {
	for _, c := range cs {
		if c.p != nil {
			panic(*c.p)
		}
	}
}

// testWorkerHook, when set by a test, runs inside every worker: a test sets
// it to panic, to prove the panic reaches the caller.
var testWorkerHook func()
