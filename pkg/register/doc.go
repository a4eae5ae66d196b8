// Package register holds the normalised register: for each pupil, one mark per
// school session over the time the pupil is on roll. It is the "normalise"
// stage of the pipeline: ingest hands it marks, it settles duplicates and
// conflicts, and the measures are computed from what it holds. Pupil ids are
// held in one canonical form (CanonicalID), the form the context file is
// joined in too.
//
// Storage is one byte per session in a dense per-pupil array spanning the
// pupil's first to last marked day, so memory follows pupils × days in the
// year, never the number of input rows.
package register
