// Package synth generates synthetic school attendance registers: fixtures for
// tests, the committed sample in testdata/sample, and the local-authority-scale
// file that `make bench` times.
//
// Why synthetic: real registers describe identifiable children and can never
// be committed or shared, yet the analyser needs registers whose answers are
// known. Every pupil here is invented (names come from small built-in lists,
// UPNs carry the fictional LA number 999, so no real UPN can match one), and
// each pupil is generated from a Profile that says what the analyser should
// find: a severe absentee, a child missing education, a part-time timetable,
// a suspension, holidays in term time, a Monday/Friday pattern, and so on.
//
// Why deterministic: tests compare bytes, and a benchmark is only comparable
// from run to run if its input is identical. All randomness comes from
// math/rand/v2 PCG sources with fixed seeds: one per school for the roster and
// one per pupil for the marks. A pupil's marks depend only on the seed and the
// pupil, never on how many rows were written before, which is also what lets
// the writers stream: marks are generated one pupil at a time into a reused
// buffer, so memory does not grow with the number of rows.
//
// The marks follow the 2024 DfE codes (see shared/domain/attendance-reference.md
// §1.1). The package deliberately does not import pkg/mark: it is an
// independent oracle, so a mistake in the analyser's code table cannot also
// hide in the data that tests it. The code mix is calibrated on DfE's national
// 2025/26 figures (shared/data/dfe): overall absence about 7 %, authorised
// about 4.5 % (mostly I and M), unauthorised about 2.4 % (mostly O, with G, U
// and a few N), lates L about 2 % of sessions, and about one pupil in five
// persistently absent.
//
// Outputs:
//   - School.WriteMarksCSV: one row per pupil per session (the "marks" layout).
//   - School.WriteGridXLSX: one row per pupil, one column per session (the
//     "register grid" layout), via excelize's StreamWriter.
//   - School.WriteContextCSV: the pupil context flags a safeguarding lead would
//     join on, with deliberate mismatches against the register.
//   - WriteLAMarksCSV: the marks layout for a whole local authority (40,000
//     pupils, 15.3 million rows, 855 MB), with a School column, written
//     without fmt so it generates in seconds.
package synth
