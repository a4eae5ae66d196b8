// Package render writes a Result for people (a terminal table, the
// data-quality account) and for programs (CSV, JSON, JSON Lines). The machine
// formats share one column list, so a field has the same name in CSV and
// JSON, and every text cell that a spreadsheet could take for a formula is
// neutralised before it is written. Text from a file that reaches a person
// (the table, the data-quality account, Markdown and HTML) passes through
// Term first, so no cell can send control characters to a terminal.
//
// The terminal table is laid out for a width the caller gives (the
// command measures the terminal): one line a pupil, text cut with an
// ellipsis, the least needed columns left out when it is narrow. The
// workbook (XLSX) is streamed sheet by sheet and set up to print one page
// wide.
//
// explain's pages (ExplainPage) are built once, every file text through
// Term, and written as text, Markdown (every markup character escaped) or
// HTML (html/template, print styles for one child per A4 page, nothing
// loaded from outside); WritePackDir writes a folder of them atomically.
//
// Nothing here writes to os.Stdout: every writer takes an io.Writer, and
// WriteFile creates output files privately and atomically.
package render
