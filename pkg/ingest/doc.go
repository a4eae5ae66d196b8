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
// No input may hang it, exhaust memory, or be read silently wrong
// (bounds.go, xlsx.go): only regular files are opened; a CSV record is
// bounded (a runaway quote rejects one row and reading resumes on the next
// line; an over-long line is skipped, not held); a file that ends mid-row,
// or in zero bytes, fails unless Options.AllowIncomplete; a workbook's zip
// sizes are checked before anything is unpacked.
//
// A workbook is read by this package's own streaming reader (xlsxbook.go,
// xlsxstream.go): archive/zip and a scanner of the sheet XML that holds one
// token at a time, with the shared strings read once. A register grid of a
// school's year is read several times faster than through excelize's row
// reader, which spent most of the run allocating XML tokens; excelize is
// still used to write workbooks. A sheet whose XML is damaged or cut off is
// refused with its row and cell, where excelize stopped silently.
//
// Each file's numeric dates are read in one order, declared or decided
// from the file's own dates before any row is applied (order.go); a file
// whose dates contradict each other is refused rather than half-read.
package ingest
