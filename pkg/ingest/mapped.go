package ingest

import (
	"bytes"
	"os"
	"sync/atomic"
	"unsafe"
)

// mappedText is the data of a marks CSV read in place, from a mapping of
// the file (mapFile), rather than copied out of the file cache by read()
// into chunk buffers: on an authority's year (855 MB) that copy was a tenth
// of the read's CPU time. Only a regular file whose text needs no decoding
// (UTF-8, or Windows-1252 read raw) is mapped; a pipe, a UTF-16 file, or a
// file on a system without mapFile is read as before.
//
// The reader goroutine turns lone carriage returns into line breaks in the
// mapping as it cuts chunks (fixCRs, what crReader does to text read), the
// workers split the chunks where they lie, and the apply gives back each
// chunk's whole pages once its rows are applied (release), so the process
// holds the chunks in flight, not the file.
//
// A file cut short by another program while it is mapped makes the pages
// past its new end fault (SIGBUS). The goroutines that touch the mapping
// run with debug.SetPanicOnFault, and catchFault turns that fault into an
// error naming the file instead of a crash.
type mappedText struct {
	all      []byte // the whole mapping, from the file's first byte
	off, end int    // the data: all[off:end] (after the header, before a zero-filled tail)
	released int    // all[:released] has been given back
	fault    atomic.Bool
}

// mapText maps the data of file, all[off:end], or returns nil when the file
// cannot be mapped.
func mapText(f *os.File, size int64, off, end int64) *mappedText {
	if off > end || end > size {
		return nil
	}
	m, ok := mapFile(f, size)
	if !ok {
		return nil
	}
	return &mappedText{all: m, off: int(off), end: int(end)}
}

func (m *mappedText) data() []byte { return m.all[m.off:m.end] }

// release gives back the whole pages before the data's offset end: the
// rows before it have been applied.
func (m *mappedText) release(end int) {
	abs := (m.off + end) &^ (os.Getpagesize() - 1)
	if abs > m.released {
		dropPages(m.all[m.released:abs])
		m.released = abs
	}
}

// close ends the mapping. Nothing may touch the data after it.
func (m *mappedText) close() {
	dropPages(m.all[m.released:])
	m.released = len(m.all)
}

// catchFault, deferred in a goroutine that reads the mapping, records the
// fault of a page of the mapping that is gone (the file was cut short) and
// lets the goroutine end; any other panic goes on, to worker.Catch.
func (m *mappedText) catchFault() {
	r := recover()
	if r == nil {
		return
	}
	if e, ok := r.(interface{ Addr() uintptr }); ok && len(m.all) > 0 {
		base := uintptr(unsafe.Pointer(&m.all[0]))
		if a := e.Addr(); a >= base && a-base < uintptr(len(m.all)) {
			m.fault.Store(true)
			return
		}
	}
	panic(r)
}

// fixCRs turns the lone carriage returns of data[from:to] into line breaks,
// as crReader does (a CR at the very end of the data is a line break too),
// and returns where data is fixed up to: to, or from when that is past to.
// Skipping a line longer than maxRecordBytes fixes up to 64 KiB past the
// line's break, which, in chunks smaller than that (as tests cut them), is
// past the next chunk's end.
func fixCRs(data []byte, from, to int) int {
	if from >= to {
		return from
	}
	q := data[from:to]
	for i := bytes.IndexByte(q, '\r'); i >= 0; {
		if j := from + i + 1; j == len(data) || data[j] != '\n' {
			q[i] = '\n'
		}
		k := bytes.IndexByte(q[i+1:], '\r')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return to
}
