package mark

import (
	"bytes"
	"time"
)

// Category is the statistical meaning of a code: the bucket DfE counts a
// session in.
type Category uint8

// The categories, in Arbor's "best mark" order (present beats approved
// educational activity beats authorised beats unauthorised beats not
// possible). The order matters: when two different marks are recorded for the
// same session, the one with the lower Category wins (see Better).
const (
	// Present: at school when the register was taken, or late before it closed.
	Present Category = iota + 1
	// AEA: attending an approved educational activity; counts as attendance.
	AEA
	// Authorised absence.
	Authorised
	// Unauthorised absence.
	Unauthorised
	// NotPossible: attendance not required or not possible; outside the
	// possible sessions (D, X, Q, Y1-Y7, Z, #).
	NotPossible
	// CovidX is the 2020/21-2021/22 meaning of X: neither attendance nor
	// absence, but a possible session in DfE's statistics.
	CovidX
	// Missing is "no mark recorded" ("-" or a blank cell): a data-quality
	// finding, never absence, and not a possible session.
	Missing
)

var categoryNames = [...]string{
	Present:      "present",
	AEA:          "approved educational activity",
	Authorised:   "authorised absence",
	Unauthorised: "unauthorised absence",
	NotPossible:  "not a possible session",
	CovidX:       "not counted (COVID-19 X, possible session)",
	Missing:      "missing mark",
}

// String returns the category in words, as printed by `attendrisk codes`.
func (c Category) String() string {
	if int(c) < len(categoryNames) && categoryNames[c] != "" {
		return categoryNames[c]
	}
	return "unknown"
}

// Short is the category's one-word key, used in machine outputs.
func (c Category) Short() string {
	switch c {
	case Present:
		return "present"
	case AEA:
		return "aea"
	case Authorised:
		return "authorised"
	case Unauthorised:
		return "unauthorised"
	case NotPossible:
		return "not_possible"
	case CovidX:
		return "covid_x"
	case Missing:
		return "missing"
	}
	return "unknown"
}

// Possible reports whether a session with this category is one of the
// pupil's possible sessions.
func (c Category) Possible() bool {
	return c >= Present && c <= Unauthorised || c == CovidX
}

// Absent reports whether the category is absence (authorised or unauthorised).
func (c Category) Absent() bool { return c == Authorised || c == Unauthorised }

// ID is a compact code identifier: an index into the code table. The zero ID
// means "no mark stored" and is never a code, so a register can use a plain
// byte array with zero meaning "no session".
type ID uint8

// Code describes one register code.
type Code struct {
	ID       ID
	Code     string   // as written in registers, upper case
	Meaning  string   // short DfE meaning
	Category Category // statistical category since August 2024
	Legacy   bool     // retired code still found in older exports
	Note     string   // how attendrisk counts it, where that needs saying
}

// The table. Order is the order `attendrisk codes` prints, and ID is the
// position + 1. Never reorder entries without regenerating golden files: IDs
// are only used in memory, but output order follows the table.
var table = []Code{
	{Code: "/", Meaning: "Present (AM)", Category: Present},
	{Code: `\`, Meaning: "Present (PM)", Category: Present},
	{Code: "L", Meaning: "Late, arrived before the register closed", Category: Present},
	{Code: "K", Meaning: "Attending education provision arranged by the local authority", Category: AEA},
	{Code: "V", Meaning: "Educational visit or trip", Category: AEA},
	{Code: "P", Meaning: "Approved sporting activity", Category: AEA},
	{Code: "W", Meaning: "Work experience", Category: AEA},
	{Code: "B", Meaning: "Other approved educational activity (off-site, supervised)", Category: AEA},
	{Code: "C", Meaning: "Leave of absence for exceptional circumstances", Category: Authorised},
	{Code: "C1", Meaning: "Leave for a regulated performance or regulated employment abroad", Category: Authorised},
	{Code: "C2", Meaning: "Leave for a pupil on an agreed part-time timetable", Category: Authorised},
	{Code: "E", Meaning: "Suspended or permanently excluded, no alternative provision", Category: Authorised},
	{Code: "I", Meaning: "Illness (not a medical or dental appointment)", Category: Authorised},
	{Code: "J1", Meaning: "Leave to attend an interview", Category: Authorised},
	{Code: "M", Meaning: "Medical or dental appointment", Category: Authorised},
	{Code: "R", Meaning: "Religious observance", Category: Authorised},
	{Code: "S", Meaning: "Study leave for a public examination", Category: Authorised},
	{Code: "T", Meaning: "Mobile child (Traveller), travelling as agreed", Category: Authorised},
	{Code: "G", Meaning: "Holiday not granted by the school", Category: Unauthorised},
	{Code: "N", Meaning: "Reason not yet established (replace within 5 school days)", Category: Unauthorised},
	{Code: "O", Meaning: "Absent in other or unknown circumstances", Category: Unauthorised},
	{Code: "U", Meaning: "Arrived after the register closed", Category: Unauthorised},
	{Code: "D", Meaning: "Attending another school where also registered (dual registration)", Category: NotPossible},
	{Code: "X", Meaning: "Non-compulsory school age, not required to attend", Category: NotPossible,
		Note: "in 2020/21 and 2021/22 (1 Sep 2020 to 31 Aug 2022) X meant COVID-19 non-attendance and DfE counted it as a possible session; attendrisk does the same for marks dated then"},
	{Code: "Q", Meaning: "Unable to attend: the local authority has not made access arrangements", Category: NotPossible},
	{Code: "Y1", Meaning: "Unable to attend: transport normally provided not available", Category: NotPossible},
	{Code: "Y2", Meaning: "Unable to attend: widespread travel disruption", Category: NotPossible},
	{Code: "Y3", Meaning: "Unable to attend: part of the premises out of use", Category: NotPossible},
	{Code: "Y4", Meaning: "Unable to attend: whole school site unexpectedly closed", Category: NotPossible},
	{Code: "Y5", Meaning: "Unable to attend: in criminal justice detention", Category: NotPossible},
	{Code: "Y6", Meaning: "Unable to attend: public health guidance or law", Category: NotPossible},
	{Code: "Y7", Meaning: "Unable to attend: any other unavoidable cause", Category: NotPossible},
	{Code: "Z", Meaning: "Prospective pupil, not on roll", Category: NotPossible,
		Note: "outside enrolment"},
	{Code: "#", Meaning: "Planned school closure (e.g. INSET)", Category: NotPossible},
	{Code: "H", Meaning: "Authorised family holiday (retired August 2024)", Category: Authorised, Legacy: true,
		Note: "DfE still counts legacy H as authorised absence"},
	{Code: "F", Meaning: "Agreed extended family holiday (retired 2013)", Category: Authorised, Legacy: true,
		Note: "DfE folds F into H: authorised absence"},
	{Code: "J", Meaning: "Interview (retired August 2024, now J1)", Category: AEA, Legacy: true,
		Note: "DfE still counts legacy J as approved educational activity"},
	{Code: "Y", Meaning: "Unable to attend, exceptional circumstances (retired August 2024, now Y1-Y7 and Q)", Category: NotPossible, Legacy: true},
	{Code: "-", Meaning: "No mark recorded", Category: Missing,
		Note: "a data-quality finding, never absence; a blank cell is read the same way"},
}

var byCode map[string]ID

// NumIDs is one more than the largest ID, for sizing per-code count arrays.
var NumIDs int

// Well-known IDs the rest of the pipeline needs without a lookup.
var (
	MissingID ID
	XID       ID
	ZID       ID
)

func init() {
	byCode = make(map[string]ID, len(table))
	for i := range table {
		table[i].ID = ID(i + 1)
		byCode[table[i].Code] = table[i].ID
	}
	NumIDs = len(table) + 1
	MissingID = byCode["-"]
	XID = byCode["X"]
	ZID = byCode["Z"]
}

// Table returns every code in print order. The slice is a copy.
func Table() []Code {
	out := make([]Code, len(table))
	copy(out, table)
	return out
}

// Get returns the code with the given ID. It panics on an ID that did not
// come from this package, which is a programming error.
func Get(id ID) Code { return table[id-1] }

// Lookup finds a raw register mark: surrounding white space is trimmed and
// ASCII letters are matched case-insensitively. Only ASCII is
// folded: Unicode case rules would read the Turkish dotless ı as I and the
// long ſ as S, and no register code is written that way. A blank mark is
// the missing mark. The second result is false for a mark that is not a
// DfE code.
func Lookup(raw string) (ID, bool) {
	return LookupBytes([]byte(raw))
}

// isSpace is ASCII white space, as trimmed around a mark.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}

// LookupBytes is Lookup for the hot path: it does not allocate.
func LookupBytes(b []byte) (ID, bool) {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	// Spreadsheets leave Unicode spaces too (a no-break space after a code
	// is common); trimming them costs a look only when an edge is not ASCII.
	if len(b) > 0 && (b[0] >= 0x80 || b[len(b)-1] >= 0x80) {
		if t := bytes.TrimSpace(b); len(t) != len(b) {
			return LookupBytes(t)
		}
	}
	switch len(b) {
	case 0:
		return MissingID, true
	case 1:
		if id := single[b[0]]; id != 0 {
			return id, true
		}
		return 0, false
	case 2:
		var buf [2]byte
		buf[0], buf[1] = upper(b[0]), upper(b[1])
		id, ok := byCode[string(buf[:])] // no allocation: map lookup by converted slice
		return id, ok
	}
	return 0, false // every code is one or two characters
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// single maps every one-byte mark (either case) to its ID.
var single [256]ID

func init() {
	for _, c := range table {
		if len(c.Code) == 1 {
			single[c.Code[0]] = c.ID
			if c.Code[0] >= 'A' && c.Code[0] <= 'Z' {
				single[c.Code[0]+'a'-'A'] = c.ID
			}
		}
	}
}

// covidXStart and covidXEnd bound the two academic years in which DfE counted
// X (COVID-19 non-attendance) as a possible session.
var (
	covidXStart = time.Date(2020, 9, 1, 0, 0, 0, 0, time.UTC)
	covidXEnd   = time.Date(2022, 8, 31, 0, 0, 0, 0, time.UTC)
)

// CategoryOn returns the category a code counts in on a given date. Only X
// depends on the date (see covidXStart).
func CategoryOn(id ID, day time.Time) Category {
	if id == XID && !day.Before(covidXStart) && !day.After(covidXEnd) {
		return CovidX
	}
	return table[id-1].Category
}

// Better reports whether mark a should win over mark b when both are recorded
// for the same session. It follows Arbor's best-mark hierarchy (present, then
// AEA, then authorised, then unauthorised, then not possible), with a missing
// mark losing to any real code, and ties broken by code-table order so the
// result never depends on the order rows were read in.
func Better(a, b ID) bool {
	ca, cb := rank(a), rank(b)
	if ca != cb {
		return ca < cb
	}
	return a < b
}

func rank(id ID) Category {
	c := table[id-1].Category
	if c == CovidX {
		return NotPossible
	}
	return c
}
