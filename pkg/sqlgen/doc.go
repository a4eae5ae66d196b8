// Package sqlgen writes the SQL that computes attendrisk's per-pupil DfE
// figures (possible sessions, present, approved educational activity,
// authorised and unauthorised absence, missing marks, persistent and severe
// absence) from a marks table in a warehouse: one row per pupil, date,
// session and code.
//
// The code-to-category table inside the SQL is generated from package mark's
// code table, and the best-mark order that settles two marks for one session
// from mark.Better, so the SQL cannot drift from the Go. The thresholds are
// the same whole-count comparisons as package metrics (10*absent >= possible,
// 2*absent >= possible): no rate is rounded before a threshold.
//
// What the SQL does not do, and attendrisk does, is everything about reading
// exports: the table is assumed clean (typed dates, one school's or one
// authority's pupils keyed by one id). It skips sessions other than AM and
// PM and codes that are not DfE codes; it does not report them.
package sqlgen
