// Command synth writes synthetic attendance registers (see package synth):
// the sample committed in testdata/sample and the local-authority file that
// `make bench` times.
//
//	go run ./cmd/synth -kind school -out testdata/sample
//	go run ./cmd/synth -kind la -out /tmp/attendrisk-bench/la-40000.csv
//
// -kind school writes school-marks.csv, school-grid.xlsx and context.csv into
// the -out directory; -kind la writes one marks CSV with a School column.
// Output is deterministic for a given -seed and -pupils.
package main
