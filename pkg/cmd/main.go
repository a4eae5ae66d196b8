package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/attendrisk/attendrisk/pkg/render"
	"github.com/attendrisk/attendrisk/pkg/worker"
)

// Exit codes. README.md documents them; keep the two in step.
const (
	ExitOK      = 0
	ExitFailure = 1 // data or runtime failure: unreadable file, bad rows with --strict, invalid rules
	ExitUsage   = 2 // usage: unknown flag or command, bad flag value, missing argument
	// ExitAlert: the run succeeded and its output was written, but a pupil
	// is in the --fail-on tier or above. For cron jobs and alerting.
	ExitAlert = 3
)

// IO is the process's streams.
type IO struct {
	In          io.Reader
	Out, ErrOut io.Writer
	// StdoutTTY and StderrTTY report whether the streams are terminals.
	StdoutTTY, StderrTTY bool
}

// Factory carries what commands need from the outside world, so tests can
// replace the clock and the streams.
type Factory struct {
	IO  *IO
	Now func() time.Time
}

// UsageError is a mistake in how the command was called: exit code 2, with a
// pointer to --help.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// usagef returns a UsageError.
func usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// ExitError ends the run with a particular code after its message.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }

// errSilent ends the run with exit 1 when everything has been said already.
var errSilent = errors.New("silent failure")

// Main runs attendrisk with the given arguments and streams and returns the
// exit code; it is never interrupted (see MainContext).
func Main(args []string, in io.Reader, out, errOut io.Writer) int {
	return MainContext(context.Background(), args, in, out, errOut)
}

// MainContext runs attendrisk until it ends or ctx is cancelled (Ctrl-C,
// SIGTERM): a cancelled run stops reading and writing, leaves no temporary
// file and no half-written output, and exits 1 with "interrupted". It is the
// only place that maps errors to exit codes.
//
// A panic is a bug, but it must not kill the run with Go's exit code 2 (a
// usage error to a script) or print its value, which could hold a pupil's
// details: it is reported as an internal error, with the stack only when
// ATTENDRISK_DEBUG is set.
func MainContext(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) int {
	// Started from Explorer, the console window closes with the program:
	// with no file, say how to use it; with dropped files, analyse them; in
	// both cases keep the window open until Enter, so the messages can be
	// read. From a shell, nothing of this applies.
	if !pauseWanted() {
		return mainContext(ctx, args, in, out, errOut)
	}
	defer pause(in, errOut)
	if len(args) == 0 {
		fmt.Fprint(errOut, explorerHelp)
		return ExitUsage
	}
	if run, _, ok := dropArgs(args); ok {
		args = run
	}
	return mainContext(ctx, args, in, out, errOut)
}

func mainContext(ctx context.Context, args []string, in io.Reader, out, errOut io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintln(errOut, "attendrisk: internal error: a bug in attendrisk, please report it (ATTENDRISK_DEBUG=1 prints the stack trace)")
			if os.Getenv("ATTENDRISK_DEBUG") != "" {
				if wp, ok := r.(worker.Panic); ok {
					errOut.Write(wp.Stack) // where the worker goroutine panicked
				}
				errOut.Write(debug.Stack())
			}
			code = ExitFailure
		}
	}()
	stdout := render.NewStickyWriter(ctx, out)
	ios := &IO{In: in, Out: stdout, ErrOut: errOut}
	if f, ok := out.(*os.File); ok {
		ios.StdoutTTY = term.IsTerminal(int(f.Fd()))
	}
	if f, ok := errOut.(*os.File); ok {
		ios.StderrTTY = term.IsTerminal(int(f.Fd()))
	}
	f := &Factory{IO: ios, Now: time.Now}
	root := newRoot(f)
	root.SetArgs(args)
	root.SetIn(in)
	root.SetOut(stdout)
	root.SetErr(errOut)
	err := root.ExecuteContext(ctx)
	switch {
	case ctx.Err() != nil && (errors.Is(err, ctx.Err()) || errors.Is(stdout.Err(), ctx.Err())):
		// The run stopped because it was told to. A signal that came
		// after the output was written whole changes nothing.
		fmt.Fprintln(errOut, "attendrisk: interrupted")
		return ExitFailure
	case stdout.Err() != nil:
		fmt.Fprintf(errOut, "attendrisk: writing to standard output: %s\n", plainErr(stdout.Err()))
		return ExitFailure
	case err == nil:
		return ExitOK
	case errors.Is(err, errSilent):
		return ExitFailure
	}
	// An error can quote a header, a sheet name or a rules file: it is made
	// safe for the terminal like every other text from a file.
	msg := render.TermLines(strings.TrimSpace(err.Error()))
	var ue *UsageError
	var ee *ExitError
	switch {
	case errors.As(err, &ue) || isCobraUsage(msg):
		fmt.Fprintf(errOut, "attendrisk: %s\nRun 'attendrisk --help' for usage.\n", msg)
		return ExitUsage
	case errors.As(err, &ee):
		fmt.Fprintf(errOut, "attendrisk: %s\n", msg)
		return ee.Code
	}
	fmt.Fprintf(errOut, "attendrisk: %s\n", msg)
	return ExitFailure
}

// newRoot builds the command tree; a test replaces it to reach a panic.
var newRoot = NewCmdRoot

// plainErr drops the file name from an OS error ("write /dev/stdout: broken
// pipe" becomes "broken pipe"): the message names the place itself.
func plainErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// isCobraUsage recognises the usage errors cobra raises itself.
func isCobraUsage(msg string) bool {
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument",
		"invalid argument", "accepts ", "requires at least", "required flag"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// progress returns a callback that shows the rows read so far on stderr, or
// nil when stderr is not a terminal: a cron job's log gets no progress noise.
func progress(ios *IO) func(file string, rows int) {
	if !ios.StderrTTY {
		return nil
	}
	last := time.Time{}
	return func(file string, rows int) {
		if now := time.Now(); now.Sub(last) > 200*time.Millisecond {
			last = now
			fmt.Fprintf(ios.ErrOut, "\rreading %s: %d rows", file, rows)
		}
	}
}

// endProgress clears the progress line.
func endProgress(ios *IO) {
	if ios.StderrTTY {
		fmt.Fprint(ios.ErrOut, "\r\033[K")
	}
}
