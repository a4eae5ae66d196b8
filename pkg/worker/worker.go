package worker

import "runtime/debug"

// Panic is a panic raised in a worker goroutine, carried to the goroutine
// that started the workers and raised there again. A panic in a goroutine
// of its own cannot be recovered by anyone else: Go would end the program
// with its raw panic message (which may quote a pupil's data) instead of the
// "internal error" that cmd.Main reports.
type Panic struct {
	Value any    // what the worker panicked with
	Stack []byte // the worker's stack, for ATTENDRISK_DEBUG
}

// Catch records a worker's panic. Deferred in the worker after its cleanup
// (wg.Done, close(ch)) is deferred, so it runs first and the cleanup still
// runs: the caller's Wait returns and nobody blocks on the dead worker.
type Catch struct{ p *Panic }

// Catch is deferred directly (defer c.Catch()), so recover sees the panic.
func (c *Catch) Catch() {
	if r := recover(); r != nil {
		c.p = &Panic{Value: r, Stack: debug.Stack()}
	}
}

// Rethrow raises the first recorded panic again in the caller. Call it only
// after every worker has finished (their Wait returned or their channel is
// closed), so reading the records does not race with the workers.
func Rethrow(cs []Catch) {
	for _, c := range cs {
		if c.p != nil {
			panic(*c.p)
		}
	}
}
