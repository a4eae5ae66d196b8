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
// Without a school column the result is one row per pupil id, so the id must
// name one child across the table (a UPN): for one UPN's rows at several
// schools it is attendrisk's child view, the schools' marks combined. With a
// school column (Columns.School) it is one row per school and pupil, the
// per-enrolment figures each school's own rows hold, so a local id that two
// schools share is two pupils. The figures of one school never depend on
// another school's rows, which is what lets a national run be sharded.
//
// What the SQL does not do, and attendrisk does, is everything about reading
// exports: the table is assumed clean (typed dates, one mark per row). It
// skips sessions other than AM and PM and codes that are not DfE codes; it
// does not report them. A revised export's marks are not preferred over the
// earlier export's: two marks for a session are settled by the best mark.
package sqlgen
