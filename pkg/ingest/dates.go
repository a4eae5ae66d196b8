package ingest

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// DateOrder is the order of the day, month and year in numeric dates such
// as 09/03/2024. Dates with the year first (2024-09-03), with a month name
// (3 Sep 2024) and Excel date cells read the same in every order.
type DateOrder string

// The date orders. DateAuto decides per file from the file's own dates.
const (
	DateAuto DateOrder = ""
	DMY      DateOrder = "dmy" // 03/09/2024 is 3 September (the UK default)
	MDY      DateOrder = "mdy" // 09/03/2024 is 3 September (US Excel)
	YMD      DateOrder = "ymd" // 24/09/03 is 3 September 2024
)

// ParseDateOrder reads a --date-order or date_order value: dmy, mdy, ymd,
// or auto (or nothing) for detection.
func ParseDateOrder(s string) (DateOrder, error) {
	switch s {
	case "", "auto":
		return DateAuto, nil
	case "dmy", "mdy", "ymd":
		return DateOrder(s), nil
	}
	return DateAuto, fmt.Errorf("%q: expected dmy, mdy or ymd (or auto)", s)
}

// dateOrder is DateOrder as the parser uses it, a byte on the hot path.
type dateOrder uint8

const (
	orderAuto dateOrder = iota
	orderDMY
	orderMDY
	orderYMD
)

func (o DateOrder) internal() dateOrder {
	switch o {
	case DMY:
		return orderDMY
	case MDY:
		return orderMDY
	case YMD:
		return orderYMD
	}
	return orderAuto
}

// rawDate is a date as written, before its order is known: either a day
// already (ISO, a month name, an Excel serial), or two numbers and a year
// whose order the file decides.
type rawDate struct {
	fixed   bool
	day     register.Day // when fixed
	a, b    int          // the first two numbers as written
	year    int          // the last number, two-digit years read as 20yy
	last    int          // the last number as written
	short   bool         // two-digit first and last numbers: yy/mm/dd in the ymd order
	weekday int8         // the weekday the text names, or -1
}

// in reads the date in one order (not orderAuto). A weekday written with
// the date must be the date's weekday: "Tue 09/03/2024" is 3 September
// month-first, and no date at all day-first (9 March 2024 is a Saturday).
func (r rawDate) in(o dateOrder) (register.Day, bool) {
	var d register.Day
	ok := true
	switch {
	case r.fixed:
		d = r.day
	case o == orderMDY:
		d, ok = register.DayOf(r.year, r.a, r.b)
	case o == orderYMD:
		if !r.short {
			return 0, false
		}
		d, ok = register.DayOf(2000+r.a, r.b, r.last)
	default:
		d, ok = register.DayOf(r.year, r.b, r.a)
	}
	if ok && r.weekday >= 0 && d.Weekday() != time.Weekday(r.weekday) {
		return 0, false
	}
	return d, ok
}

// dateKind is what one date says about the file's date order.
type dateKind uint8

const (
	dateFixed      dateKind = iota // reads the same in either order (ISO, 05/05/2024, 3 Sep 2024, a serial)
	dateAmbiguous                  // a different real date day-first and month-first: 09/03/2024
	dateDayFirst                   // a real date only day-first: 13/09/2024
	dateMonthFirst                 // a real date only month-first: 09/13/2024
)

// classify reads a date for a file whose order is not declared: the
// day-first reading, the month-first one, and which of them are real dates.
// ok is false when neither is.
func (r rawDate) classify() (dmy, mdy register.Day, kind dateKind, ok bool) {
	if r.fixed || r.a == r.b { // one reading: 2024-09-03, 05/05/2024
		d, ok := r.in(orderDMY)
		return d, d, dateFixed, ok
	}
	// A number over 12 is no month: most dates need one reading only.
	var d1, d2 register.Day
	var ok1, ok2 bool
	if r.b <= 12 {
		d1, ok1 = r.in(orderDMY)
	}
	if r.a <= 12 {
		d2, ok2 = r.in(orderMDY)
	}
	switch {
	case ok1 && ok2 && d1 == d2:
		return d1, d1, dateFixed, true
	case ok1 && ok2:
		return d1, d2, dateAmbiguous, true
	case ok1:
		return d1, d1, dateDayFirst, true
	case ok2:
		return d2, d2, dateMonthFirst, true
	}
	return 0, 0, dateFixed, false
}

// readDate reads a date in a declared order, or, for orderAuto, day-first
// (the UK default), as a single date value is read outside a file.
func readDate(b []byte, serial int, o dateOrder) (register.Day, bool) {
	r, ok := scanDate(b, serial, true)
	if !ok {
		return 0, false
	}
	if o == orderAuto {
		o = orderDMY
	}
	return r.in(o)
}

// scanDate reads the formats MIS exports use, without deciding the order
// of numeric dates: dd/mm/yyyy or mm/dd/yyyy (also with - or . separators,
// one-digit day or month, or a two-digit year), ISO yyyy-mm-dd, month names
// in English (02-Sep-2024, 2 Sep 2024, 2 September 2024, Sep 2, 2024, 2nd
// September 2024), any of them after a weekday name (Mon 02 Sep 2024) and,
// when allowTime is set, followed by a time of day, which is ignored
// (03/09/2024 00:00:00, 2024-09-03T08:45:00Z, 9/3/2024 12:00:00 AM). With
// an Excel date system it also reads serial day numbers, as XLSX date cells
// hold. Anything else after the date makes it no date: "03/09/2024 Notes" is
// a header, not a day.
func scanDate(b []byte, serial int, allowTime bool) (rawDate, bool) {
	b = trimSpace(b)
	// Fast path: exactly nn/nn/nnnn, nearly every row of a register.
	if len(b) == 10 && b[2] == '/' && b[5] == '/' {
		a, ok1 := two(b[0], b[1])
		m, ok2 := two(b[3], b[4])
		y, ok3 := four(b[6:10])
		if ok1 && ok2 && ok3 {
			return rawDate{a: a, b: m, year: y, last: y, weekday: -1}, true
		}
		return rawDate{}, false
	}
	if serial != noSerial && len(b) > 0 && b[0] >= '0' && b[0] <= '9' && !containsAny(b, "/- ") && bytes.Count(b, []byte{'.'}) <= 1 {
		d, ok := serialDay(b, serial)
		return rawDate{fixed: true, day: d, weekday: -1}, ok
	}
	wd := int8(-1)
	if tok, rest := leadingWord(b); tok != nil {
		if w, ok := weekdayNumber(tok); ok {
			wd = int8(w)
			b = trimSeparators(rest)
		}
	}
	r, ok := scanNumeric(b, allowTime)
	if !ok {
		r, ok = scanSpaced(b, allowTime)
	}
	r.weekday = wd
	return r, ok
}

// serialDay reads an Excel serial day number (which may carry a time of day
// as a fraction: 45538.5).
func serialDay(b []byte, serial int) (register.Day, bool) {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f < 2 || f >= 109940 { // 1900-2200 as read here, the range DayOf accepts
		return 0, false
	}
	// Excel's day 25569 is 1970-01-01 (its 1900 leap-year bug only affects
	// serials before March 1900, which no register holds); in the 1904
	// system day 0 is 1904-01-01, 24107 days before.
	d := register.Day(int(f) - 25569)
	if serial == serial1904 {
		d = register.Day(int(f) - 24107)
	}
	// The same range as a typed date: a serial far outside it is a number
	// in the wrong column, not a register date.
	y, m, dd := d.Civil()
	return register.DayOf(y, m, dd)
}

// scanNumeric reads a date written as one word with - / or . between its
// parts (03/09/2024, 2024-09-03, 02-Sep-2024), then perhaps a time.
func scanNumeric(b []byte, allowTime bool) (rawDate, bool) {
	end := len(b)
	for i := 0; i < len(b); i++ {
		if b[i] == ' ' || ((b[i] == 'T' || b[i] == 't') && i > 0 && isDigit(b[i-1]) && i+1 < len(b) && isDigit(b[i+1])) {
			end = i
			break
		}
	}
	if end < len(b) && (!allowTime || !isTimeOfDay(b[end+1:])) {
		return rawDate{}, false
	}
	parts := splitDate(b[:end])
	if len(parts) != 3 {
		return rawDate{}, false
	}
	if m := monthNumber(parts[1]); m > 0 { // 02-Sep-2024
		return namedDate(parts[0], m, parts[2])
	}
	a, ok1 := atoi(parts[0])
	m, ok2 := atoi(parts[1])
	c, ok3 := atoi(parts[2])
	if !ok1 || !ok2 || !ok3 || len(parts[1]) > 2 {
		return rawDate{}, false
	}
	if len(parts[0]) == 4 { // yyyy-mm-dd
		if len(parts[2]) > 2 {
			return rawDate{}, false
		}
		d, ok := register.DayOf(a, m, c)
		return rawDate{fixed: true, day: d}, ok
	}
	if len(parts[0]) > 2 {
		return rawDate{}, false
	}
	r := rawDate{a: a, b: m, year: c, last: c, short: len(parts[0]) == 2 && len(parts[2]) == 2}
	switch len(parts[2]) {
	case 2:
		r.year += 2000
	case 4:
	default:
		return rawDate{}, false
	}
	return r, true
}

// scanSpaced reads a date with a month name written as words: 2 Sep 2024,
// 2 September 2024, 2nd September 2024, Sep 2, 2024, September 2 2024.
func scanSpaced(b []byte, allowTime bool) (rawDate, bool) {
	var words [3][]byte
	rest := b
	for i := range words {
		rest = trimSeparators(rest)
		j := 0
		for j < len(rest) && rest[j] != ' ' && rest[j] != ',' && rest[j] != '\t' {
			j++
		}
		if j == 0 {
			return rawDate{}, false
		}
		words[i], rest = rest[:j], rest[j:]
	}
	if rest = trimSeparators(rest); len(rest) > 0 && (!allowTime || !isTimeOfDay(rest)) {
		return rawDate{}, false
	}
	if m := monthNumber(words[1]); m > 0 {
		return namedDate(words[0], m, words[2])
	}
	if m := monthNumber(words[0]); m > 0 {
		return namedDate(words[1], m, words[2])
	}
	return rawDate{}, false
}

// namedDate builds a date whose month is named: the day (perhaps with an
// ordinal suffix, 2nd) and a two- or four-digit year.
func namedDate(day []byte, m int, year []byte) (rawDate, bool) {
	if n := len(day); n > 2 && isOrdinal(day[n-2:]) {
		day = day[:n-2]
	}
	d, ok1 := atoi(day)
	y, ok2 := atoi(year)
	if !ok1 || !ok2 || len(day) > 2 {
		return rawDate{}, false
	}
	switch len(year) {
	case 2:
		y += 2000
	case 4:
	default:
		return rawDate{}, false
	}
	dd, ok := register.DayOf(y, m, d)
	return rawDate{fixed: true, day: dd}, ok
}

func isOrdinal(s []byte) bool {
	for _, o := range []string{"st", "nd", "rd", "th"} {
		if bytes.EqualFold(s, []byte(o)) {
			return true
		}
	}
	return false
}

var monthNames = [...]string{"january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december"}

// monthNumber returns 1-12 for an English month name or its three-letter
// abbreviation (also Sept), any case, and 0 for anything else.
func monthNumber(w []byte) int {
	if len(w) < 3 || !isLetter(w[0]) {
		return 0
	}
	for i, name := range monthNames {
		if bytes.EqualFold(w, []byte(name)) || bytes.EqualFold(w, []byte(name[:3])) {
			return i + 1
		}
	}
	if bytes.EqualFold(w, []byte("sept")) {
		return 9
	}
	return 0
}

// weekdayNames are the spellings of each weekday (time.Weekday order)
// exports use: whole, or cut to three or four letters.
var weekdayNames = [7][]string{
	{"sunday", "sun"},
	{"monday", "mon"},
	{"tuesday", "tue", "tues"},
	{"wednesday", "wed"},
	{"thursday", "thu", "thur", "thurs"},
	{"friday", "fri"},
	{"saturday", "sat"},
}

// weekdayNumber reads an English weekday name, any case.
func weekdayNumber(w []byte) (time.Weekday, bool) {
	for i, names := range weekdayNames {
		for _, n := range names {
			if bytes.EqualFold(w, []byte(n)) {
				return time.Weekday(i), true
			}
		}
	}
	return 0, false
}

// leadingWord returns the letters at the start of b and what follows, or
// nil when b does not start with a letter.
func leadingWord(b []byte) (word, rest []byte) {
	i := 0
	for i < len(b) && isLetter(b[i]) {
		i++
	}
	if i == 0 {
		return nil, b
	}
	return b[:i], b[i:]
}

// trimSeparators drops the spaces, commas and full stops between the words
// of a written date ("Monday, 2 September").
func trimSeparators(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == ',' || b[0] == '.' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// isTimeOfDay reports whether what follows a date is a time of day:
// 00:00:00, 08:45, 08:45:00.000+01:00, 08:45:00Z, 12:00:00 AM.
func isTimeOfDay(b []byte) bool {
	b = trimSpace(b)
	for _, suffix := range []string{"am", "pm", "a.m.", "p.m."} {
		if n := len(suffix); len(b) > n && bytes.EqualFold(b[len(b)-n:], []byte(suffix)) {
			b = trimSpace(b[:len(b)-n])
			break
		}
	}
	if len(b) == 0 || !isDigit(b[0]) || bytes.IndexByte(b, ':') < 0 {
		return false
	}
	for _, c := range b {
		if !isDigit(c) && c != ':' && c != '.' && c != ',' && c != '+' && c != '-' && c != 'Z' && c != 'z' {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
