package render

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes an output file whole or not at all: the content goes to a
// private temporary file in the same directory, which is renamed over the
// destination only when every byte has been written and synced. The file is
// readable by its owner only (0600), because it holds children's data. It
// refuses to write over any of the inputs, or to anything but a regular file
// or a new path (see CheckOutput).
//
// Every write is checked (see StickyWriter), so a full disk fails the run
// and keeps the old report. Cancelling ctx (Ctrl-C) stops at the next write;
// the temporary file is removed on every path that does not rename it, a
// panic in write included.
func WriteFile(ctx context.Context, path string, inputs []string, write func(io.Writer) error) (err error) {
	if err := CheckOutput(path, inputs); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot create %s: %w", path, unwrapPath(err))
	}
	renamed := false
	defer func() {
		if !renamed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("cannot create %s: %w", path, unwrapPath(err))
	}
	w := NewStickyWriter(ctx, tmp)
	err = write(w)
	if werr := w.Err(); werr != nil {
		// The sticky error is the first one; a writer that ignored it may
		// have gone on to fail differently, or not at all.
		err = werr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, unwrapPath(err))
	}
	// The last moment to stop: after the rename the new report is in place.
	if err = ctx.Err(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
	}
	renamed = true
	return nil
}

// CheckOutput says whether path may receive an output: it must be a new
// path or a regular file, and not any of the files the run reads (compared
// as files, so another spelling of the path, a symbolic link or a hard link
// to an input is caught too). A device, a named pipe, a socket or a
// directory is refused: the rename would replace it, or the output would go
// somewhere no one reads it back whole.
func CheckOutput(path string, inputs []string) error {
	ps, err := os.Stat(path)
	if err != nil {
		return nil // a new path, or a dangling link the rename replaces
	}
	for _, in := range inputs {
		if in == "" {
			continue
		}
		if is, err := os.Stat(in); err == nil && os.SameFile(ps, is) {
			return fmt.Errorf("refusing to write the output over the input file %s", in)
		}
	}
	if !ps.Mode().IsRegular() {
		return fmt.Errorf("refusing to write the output to %s: it is %s, not a regular file", path, kindOf(ps.Mode()))
	}
	return nil
}

// kindOf names a file type for messages.
func kindOf(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// StickyWriter remembers the first error of its writer, and fails every
// later write with it: a report printed with many small writes whose errors
// are not each checked still fails as a whole, once, when Err is asked. A
// short write is an error (io.ErrShortWrite). It also fails a write once
// its context is cancelled, so a Ctrl-C stops an output being written.
type StickyWriter struct {
	ctx context.Context
	w   io.Writer
	err error
}

// NewStickyWriter wraps w; a nil ctx is never cancelled.
func NewStickyWriter(ctx context.Context, w io.Writer) *StickyWriter {
	if ctx == nil {
		ctx = context.Background()
	}
	return &StickyWriter{ctx: ctx, w: w}
}

// Write writes p unless an earlier write failed or the context is done.
func (s *StickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return 0, err
	}
	n, err := s.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		s.err = err
	}
	return n, err
}

// Err is the first error, or nil.
func (s *StickyWriter) Err() error { return s.err }

// unwrapPath drops the temporary file's name from an error: the message
// names the output instead.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
