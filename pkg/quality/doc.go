// Package quality keeps the data-quality account of a run: every row read is
// either used or rejected with a reason, and findings that do not reject a row
// (missing marks, legacy codes, duplicate sessions) are counted with the first
// few places they were seen.
//
// Examples name a file and line (or sheet and cell), the kind of problem and
// the offending value when it cannot be a name (see Cell), never a pupil's
// identity: the account is printed to stderr and often ends up in a cron
// job's log, and children's personal data must not. A pseudonymised run
// rewrites the values that remain (Report.Rewrite) so no real id is left.
package quality
