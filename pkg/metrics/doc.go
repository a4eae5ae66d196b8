// Package metrics measures each pupil's register: the DfE figures (possible
// sessions, attendance, authorised and unauthorised absence, persistent and
// severe absence) and the patterns behind them (runs, rolling windows,
// trends) that the rules refer to by name.
//
// Every figure is a whole count of sessions; percentages are derived from the
// counts only for display, and the persistent and severe absence thresholds
// compare the counts themselves (10 × absent ≥ possible), so no rounding can
// move a child across a threshold.
//
// Indicators (indicator.go) is the one table of every name a rules
// expression can read, with its kind, group and documentation. The rules
// schema, the README's indicator table and `attendrisk rules indicators`
// are generated from it. The values are still written by hand-written
// AddVars functions straight into the rules environment, because that is
// the hot path (every pupil of a local authority, on every run), and tests
// hold each of them, and each AddEvidence, to the table: the same names,
// the same kinds, a sentence for every indicator. Evidence stays in the
// AddEvidence functions rather than in the table because the sentences
// read a computation's internals (run dates, window bounds) that the table
// could not reach without exporting them, and because a pupil's sentences
// are written in two batches only when a factor fires for them.
package metrics
