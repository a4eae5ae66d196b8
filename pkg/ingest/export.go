package ingest

import (
	"strings"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// Helpers for the packages that read other pupil-keyed tables (the actions
// log): the same pupil id column detection, date reading and XLSX handling
// as the registers and the context file, so a file that works for one
// works for the others.

// PupilIDColumn returns the index of the pupil id column of a header row,
// found as a register's is (UPN, Pupil ID, Adno, ..., or --map pupil_id=).
func PupilIDColumn(headers []string, user map[Field]string) (int, bool) {
	c, err := matchHeader(headers, onlyID(user))
	if err != nil || !c.has(PupilID) {
		return 0, false
	}
	return c.idx[PupilID], true
}

// ParseDay reads one date cell day-first, as a single date outside a
// register is read: dd/mm/yyyy, yyyy-mm-dd, month names (2 Sep 2024), with
// or without a time of day after it; xlsx also accepts an Excel serial day
// number (1900 date system), as XLSX date cells hold.
func ParseDay(s string, xlsx bool) (register.Day, bool) {
	serial := noSerial
	if xlsx {
		serial = serial1900
	}
	return readDate([]byte(strings.TrimSpace(s)), serial, orderDMY)
}

// XLSX reports whether the table was read from a workbook (cell references
// and date serials) rather than a CSV.
func (t *Table) XLSX() bool { return t.xlsx }
