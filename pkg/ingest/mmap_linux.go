//go:build linux

package ingest

import (
	"math"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mapFile maps a regular file's size bytes for reading in place (see
// mappedText). The mapping is private and writable: the reader turns a lone
// carriage return into a line break where it stands, as crReader does to
// what it reads, and only a page it writes is copied; the file never
// changes. ok is false when the file cannot be mapped, and it is then read.
//
// The mapping is made with MmapPtr, not syscall.Mmap, because it is given
// back a part at a time (dropPages), which syscall.Munmap does not allow.
func mapFile(f *os.File, size int64) (m []byte, ok bool) {
	if size <= 0 || size > math.MaxInt {
		return nil, false
	}
	p, err := unix.MmapPtr(int(f.Fd()), 0, nil, uintptr(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE)
	if err != nil {
		return nil, false
	}
	m = unsafe.Slice((*byte)(p), int(size))
	// Read once, front to back: the kernel reads ahead of a file not yet
	// in its cache.
	_ = unix.Madvise(m, unix.MADV_SEQUENTIAL)
	return m, true
}

// dropPages unmaps m, a page-aligned part of a mapping made by mapFile
// that the read is done with: the pages stay in the file cache, but are no
// longer part of the process, so its memory (as GNU time and the kernel
// count it) is the chunks in flight, not the file read so far. Unmapped,
// not only advised away (MADV_DONTNEED): the kernel maps a whole large
// folio on a fault, which can map pages given back again, but never
// outside a mapping.
func dropPages(m []byte) {
	if len(m) > 0 {
		_ = unix.MunmapPtr(unsafe.Pointer(&m[0]), uintptr(len(m)))
	}
}
