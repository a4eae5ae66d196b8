// Package cohort summarises a result by group (year group, school, a context
// column, tier): pupils, summed sessions, absence rates and persistent and
// severe absence rates, beside national benchmarks, with small groups
// suppressed the way DfE suppresses them in published statistics. The
// figures are counted on DfE's basis (Year 11's second summer half term left
// out, see analysis.NationalBasis) so that they compare with the national
// ones; the pupil list keeps every session.
package cohort
