package ingest

import (
	"strings"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// parseDate reads one date day-first (the UK default) when it is numeric;
// see scanDate for the formats. excelSerial also accepts Excel serial day
// numbers in the 1900 date system, as XLSX date cells hold.
func parseDate(b []byte, excelSerial bool) (register.Day, bool) {
	if excelSerial {
		return readDate(b, serial1900, orderDMY)
	}
	return readDate(b, noSerial, orderDMY)
}

// Which Excel serial day numbers a date cell may hold. Workbooks count days
// from 1900 (Windows Excel) or from 1904 (old Mac Excel): the same date is
// 1,462 days apart in the two.
const (
	noSerial   = 0
	serial1900 = 1900
	serial1904 = 1904
)

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
	if len(b) == 2 && b[1]|0x20 == 'm' {
		// AM or PM as written, nearly every row: no trimming.
		switch b[0] | 0x20 {
		case 'a':
			return register.AM, true
		case 'p':
			return register.PM, true
		}
	}
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

// gridHead is a grid header cell read before the file's date order is
// known: the date as written, and the session or both.
type gridHead struct {
	date    rawDate
	session register.Session
	both    bool
}

// scanGridHeader reads headers such as "03/09/2024 AM", "2024-09-03 PM",
// "Tue 03/09/2024 AM", "2 Sep 2024 (PM)", "03/09/2024" (a day column) or an
// Excel serial date.
func scanGridHeader(h string, serial int) (gridHead, bool) {
	f := strings.Fields(strings.NewReplacer("(", " ", ")", " ", "_", " ").Replace(h))
	if len(f) == 0 {
		return gridHead{}, false
	}
	g := gridHead{both: true}
	if len(f) > 1 {
		if s, ok := parseSession([]byte(f[len(f)-1])); ok {
			g.session, g.both = s, false
			f = f[:len(f)-1]
		}
	}
	r, ok := scanDate([]byte(strings.Join(f, " ")), serial, false)
	if !ok {
		return gridHead{}, false
	}
	g.date = r
	return g, true
}

// parseGridHeader reads a grid header day-first (the UK default).
func parseGridHeader(h string, excel bool) (gridColumn, bool) {
	serial := noSerial
	if excel {
		serial = serial1900
	}
	g, ok := scanGridHeader(h, serial)
	if !ok {
		return gridColumn{}, false
	}
	d, ok := g.date.in(orderDMY)
	return gridColumn{day: d, session: g.session, both: g.both}, ok
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
