package ingest

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// parseDate reads the date formats MIS exports use: dd/mm/yyyy (the UK
// default, also with - or . separators, one-digit day or month, or a
// two-digit year), ISO yyyy-mm-dd, either followed by a time of day that is
// ignored ("03/09/2024 00:00:00"), and, when excelSerial is set, an Excel
// serial day number as XLSX date cells hold. US month-first dates are never
// guessed: 03/09/2024 is 3 September.
func parseDate(b []byte, excelSerial bool) (register.Day, bool) {
	if excelSerial {
		return parseDateOrder(b, serial1900, false)
	}
	return parseDateOrder(b, noSerial, false)
}

// Which Excel serial day numbers a date cell may hold. Workbooks count days
// from 1900 (Windows Excel) or from 1904 (old Mac Excel): the same date is
// 1,462 days apart in the two.
const (
	noSerial   = 0
	serial1900 = 1900
	serial1904 = 1904
)

// parseDateOrder is parseDate with the month first when monthFirst is set,
// and serials read in the given date system.
func parseDateOrder(b []byte, serial int, monthFirst bool) (register.Day, bool) {
	excelSerial := serial != noSerial
	b = trimSpace(b)
	// Fast path: exactly dd/mm/yyyy.
	if len(b) == 10 && b[2] == '/' && b[5] == '/' && !monthFirst {
		d, ok1 := two(b[0], b[1])
		m, ok2 := two(b[3], b[4])
		y, ok3 := four(b[6:10])
		if ok1 && ok2 && ok3 {
			return register.DayOf(y, m, d)
		}
		return 0, false
	}
	if i := indexAny(b, " T"); i > 0 {
		b = b[:i]
	}
	// An Excel serial may carry a time of day as a fraction (45538.5); a
	// dotted date (03.09.2024) has two dots.
	if excelSerial && len(b) > 0 && b[0] >= '0' && b[0] <= '9' && !containsAny(b, "/-") && bytes.Count(b, []byte{'.'}) <= 1 {
		f, err := strconv.ParseFloat(string(b), 64)
		if err != nil || f < 2 || f >= 109940 { // 1900-2200 as read here, the range DayOf accepts
			return 0, false
		}
		// Excel's day 25569 is 1970-01-01 (its 1900 leap-year bug only
		// affects serials before March 1900, which no register holds); in
		// the 1904 system day 0 is 1904-01-01, 24107 days before.
		d := register.Day(int(f) - 25569)
		if serial == serial1904 {
			d = register.Day(int(f) - 24107)
		}
		// The same range as a typed date: a serial far outside it is a
		// number in the wrong column, not a register date.
		y, m, dd := d.Civil()
		return register.DayOf(y, m, dd)
	}
	parts := splitDate(b)
	if len(parts) != 3 {
		return 0, false
	}
	a, ok1 := atoi(parts[0])
	m, ok2 := atoi(parts[1])
	c, ok3 := atoi(parts[2])
	if !ok1 || !ok2 || !ok3 {
		return 0, false
	}
	if len(parts[0]) == 4 { // yyyy-mm-dd
		return register.DayOf(a, m, c)
	}
	if len(parts[2]) == 2 {
		c += 2000
	} else if len(parts[2]) != 4 {
		return 0, false
	}
	if monthFirst {
		return register.DayOf(c, a, m)
	}
	return register.DayOf(c, m, a)
}

func splitDate(b []byte) [][]byte {
	var parts [][]byte
	start := 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '/' || b[i] == '-' || b[i] == '.' {
			parts = append(parts, b[start:i])
			start = i + 1
		}
	}
	return parts
}

func two(a, b byte) (int, bool) {
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return 0, false
	}
	return int(a-'0')*10 + int(b-'0'), true
}

func four(b []byte) (int, bool) {
	x, ok1 := two(b[0], b[1])
	y, ok2 := two(b[2], b[3])
	return x*100 + y, ok1 && ok2
}

func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 4 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseSession reads AM/PM and the other spellings exports use.
func parseSession(b []byte) (register.Session, bool) {
	b = trimSpace(b)
	switch len(b) {
	case 1:
		switch b[0] | 0x20 {
		case 'a':
			return register.AM, true
		case 'p':
			return register.PM, true
		}
	case 2:
		if b[1]|0x20 == 'm' {
			switch b[0] | 0x20 {
			case 'a':
				return register.AM, true
			case 'p':
				return register.PM, true
			}
		}
	}
	switch strings.ToLower(string(b)) {
	case "morning", "a.m.", "a.m":
		return register.AM, true
	case "afternoon", "p.m.", "p.m":
		return register.PM, true
	}
	return 0, false
}

// gridColumn is what a grid header means: one session, or one day whose
// cell holds both marks.
type gridColumn struct {
	day     register.Day
	session register.Session
	both    bool
}

// parseGridHeader reads headers such as "03/09/2024 AM", "2024-09-03 PM",
// "Tue 03/09/2024 AM", "03/09/2024" (a day column) or an Excel serial date.
func parseGridHeader(h string, excel bool) (gridColumn, bool) {
	if excel {
		return parseGridHeaderSerial(h, serial1900)
	}
	return parseGridHeaderSerial(h, noSerial)
}

// parseGridHeaderSerial is parseGridHeader in a given date system.
func parseGridHeaderSerial(h string, serial int) (gridColumn, bool) {
	f := strings.Fields(strings.NewReplacer("(", " ", ")", " ", "_", " ").Replace(h))
	if len(f) == 0 {
		return gridColumn{}, false
	}
	// Drop a leading weekday name.
	if len(f) > 1 && isWeekdayName(f[0]) {
		f = f[1:]
	}
	d, ok := parseDateOrder([]byte(f[0]), serial, false)
	if !ok {
		return gridColumn{}, false
	}
	switch len(f) {
	case 1:
		return gridColumn{day: d, both: true}, true
	case 2:
		s, ok := parseSession([]byte(f[1]))
		if !ok {
			return gridColumn{}, false
		}
		return gridColumn{day: d, session: s}, true
	}
	return gridColumn{}, false
}

func isWeekdayName(s string) bool {
	s = strings.ToLower(strings.TrimSuffix(s, ","))
	for _, w := range []string{"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
		"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		if s == w {
			return true
		}
	}
	return false
}

// splitDayCell splits a day cell holding the AM and PM marks together
// ("/\", "NN", "C2 C2", "/ O") into its two marks. Two-character 2024 codes
// (C1, C2, J1, Y1-Y7) are read whole before single characters.
func splitDayCell(s string) (am, pm string, ok bool) {
	s = strings.TrimSpace(s)
	if f := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '|' || r == ';' }); len(f) == 2 {
		return f[0], f[1], true
	}
	var toks []string
	for i := 0; i < len(s); {
		if i+1 < len(s) {
			if _, known := mark.Lookup(s[i : i+2]); known && isTwoCharCode(s[i:i+2]) {
				toks = append(toks, s[i:i+2])
				i += 2
				continue
			}
		}
		toks = append(toks, s[i:i+1])
		i++
	}
	if len(toks) != 2 {
		return "", "", false
	}
	return toks[0], toks[1], true
}

func isTwoCharCode(s string) bool {
	id, ok := mark.Lookup(s)
	return ok && len(mark.Get(id).Code) == 2
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

func indexAny(b []byte, chars string) int {
	for i, c := range b {
		if strings.IndexByte(chars, c) >= 0 {
			return i
		}
	}
	return -1
}

func containsAny(b []byte, chars string) bool { return indexAny(b, chars) >= 0 }
