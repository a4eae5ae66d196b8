// Package analysis runs the pipeline in its one direction: ingest the files,
// normalise them into a register, measure each pupil, apply the rules, and
// put the pupils in priority order. It is the only package that knows that
// order; the command layer calls Run and renders the Result.
//
// It also decides what a run may not report: marks from two academic years
// added together (Run analyses one, or refuses the window), a context file
// that does not fit the register, and a run with nothing usable
// (Result.Usable), each as an error value the command layer prints.
package analysis
