//go:build !linux

package ingest

import "os"

// mapFile maps a file only on Linux; elsewhere every file is read (see
// mmap_linux.go).
func mapFile(*os.File, int64) ([]byte, bool) { return nil, false }

func dropPages([]byte) {}
