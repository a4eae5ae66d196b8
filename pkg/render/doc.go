// Package render writes a Result for people (a terminal table, the
// data-quality account) and for programs (CSV, JSON, JSON Lines). The machine
// formats share one column list, so a field has the same name in CSV and
// JSON, and every text cell that a spreadsheet could take for a formula is
// neutralised before it is written. Text from a file that reaches a person
// (the table, the data-quality account, Markdown and HTML) passes through
// Term first, so no cell can send control characters to a terminal.
//
// Nothing here writes to os.Stdout: every writer takes an io.Writer, and
// WriteFile creates output files privately and atomically.
package render
