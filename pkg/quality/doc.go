// Package quality keeps the data-quality account of a run: every row read is
// either used or rejected with a reason, and findings that do not reject a row
// (missing marks, legacy codes, duplicate sessions) are counted with the first
// few places they were seen.
//
// Examples name a file and line (or sheet and cell) and the offending value,
// never a pupil's identity: the account is printed to stderr and often ends up
// in a cron job's log, and children's personal data must not.
package quality
