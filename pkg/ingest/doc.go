// Package ingest reads MIS attendance exports (CSV or XLSX, marks or grid
// layout) and hands every session mark to a register.Builder, keeping the
// data-quality account as it goes.
//
// It is the first stage of the pipeline: sniff (encoding, delimiter, header
// row, layout), then stream. A marks CSV, the big case (a local authority's
// year is millions of rows), is cut into chunks at record boundaries, parsed
// by one goroutine per core, and applied to the register in file order, so
// line numbers, duplicate handling and the first examples of each problem are
// exactly what a single pass would give.
//
// Each file's numeric dates are read in one order, declared or decided
// from the file's own dates before any row is applied (order.go); a file
// whose dates contradict each other is refused rather than half-read.
package ingest
