// Command attendrisk is the attendance risk analyser. See doc.go and
// README.md; everything it does is in pkg/cmd.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/attendrisk/attendrisk/pkg/cmd"
)

func main() {
	os.Exit(run())
}

// run is main without the exit, shared with the tests' copy of the binary.
//
// Ctrl-C and SIGTERM cancel the run's context: reading and writing stop,
// the temporary output file is removed and the run exits 1 with
// "interrupted". A second signal ends the process at once, for a run that
// is stuck (say, writing to a terminal that is not being read).
//
// SIGPIPE is ignored, so that writing to a closed pipe is an error the run
// reports (exit 1) rather than a silent death by signal: a consumer that
// went away must not look like a complete report.
func run() int {
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // the next signal has its default effect
	}()
	return cmd.MainContext(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}
