/*
Attendrisk reads school attendance register exports and lists the pupils whose
attendance needs a professional's attention, with the reasons.

Usage:

	attendrisk analyse [flags] FILE...   per-pupil absence figures, worst first
	attendrisk codes                     the DfE attendance codes and their categories
	attendrisk version                   the version

Exit codes: 0 success, 1 failure (unreadable input, rejected rows with
--strict, invalid rules), 2 usage (unknown flag or command, bad flag value).

See README.md for the input layouts, the rules format and the output schema.
*/
package main
