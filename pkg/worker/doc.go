// Package worker carries a panic in one of the pipeline's worker goroutines
// to the goroutine that started them. ingest, analysis and render all run
// workers; a panic there must become cmd.Main's "internal error" (exit 1, no
// pupil data printed), which only a recover on the caller's stack can do.
package worker
