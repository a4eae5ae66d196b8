package analysis

import "github.com/attendrisk/attendrisk/pkg/worker"

// WorkerPanic, WorkerCatch and Rethrow are the worker package's, kept here
// under the names the analysis and render code use.
type (
	WorkerPanic = worker.Panic
	WorkerCatch = worker.Catch
)

// Rethrow raises the first recorded panic again in the caller.
func Rethrow(cs []WorkerCatch) { worker.Rethrow(cs) }

// testWorkerHook, when set by a test, runs inside every worker: a test sets
// it to panic, to prove the panic reaches the caller.
var testWorkerHook func()
