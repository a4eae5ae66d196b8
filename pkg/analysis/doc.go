// Package analysis runs the pipeline in its one direction: ingest the files,
// normalise them into a register, measure each pupil, apply the rules, and
// put the pupils in priority order. It is the only package that knows that
// order; the command layer calls Run and renders the Result.
package analysis
