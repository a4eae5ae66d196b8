// Package cmd is attendrisk's command layer: the cobra command tree, flag
// parsing, and the single place where an error becomes an exit code. It reads
// files and writes to the streams it is given; the work itself is done by the
// pipeline packages below it.
package cmd
