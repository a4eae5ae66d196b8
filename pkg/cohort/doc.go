// Package cohort summarises a result by group (year group, school, a context
// column, tier): pupils, summed sessions, absence rates and persistent and
// severe absence rates, beside national benchmarks, with small groups
// suppressed the way DfE suppresses them in published statistics.
package cohort
