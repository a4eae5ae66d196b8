// Package metrics measures each pupil's register: the DfE figures (possible
// sessions, attendance, authorised and unauthorised absence, persistent and
// severe absence) and the patterns behind them (runs, rolling windows,
// trends) that the rules refer to by name.
//
// Every figure is a whole count of sessions; percentages are derived from the
// counts only for display, and the persistent and severe absence thresholds
// compare the counts themselves (10 × absent ≥ possible), so no rounding can
// move a child across a threshold.
package metrics
