package ingest

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// LayoutSummary is one row per pupil (or per school, or per area) with
// session counts instead of marks.
const LayoutSummary Layout = "summary"

// The summary layout's total columns, by normalised header.
var totalAliases = map[string][]string{
	"possible":     {"possiblesessions", "possible", "sessionspossible", "sesspossible", "possiblemaximumsessions"},
	"present":      {"presentsessions", "present", "sessionspresent"},
	"aea":          {"approvededucationalactivity", "aea", "aeasessions"},
	"attended":     {"overallattendance", "attended", "sessionsattended", "attendedsessions", "attendance"},
	"authorised":   {"authorisedabsence", "authorised", "sessionsauthorised", "sessauthorised", "authorisedsessions"},
	"unauthorised": {"unauthorisedabsence", "unauthorised", "sessionsunauthorised", "sessunauthorised", "unauthorisedsessions"},
	"absence":      {"overallabsence", "absence", "sessoverall", "absencesessions", "totalabsence"},
}

// geoColumns identify a row of area-level data such as DfE's published
// files, where no single column names the row.
var geoColumns = []string{"country_name", "region_name", "la_name", "education_phase", "school_type"}

// reasonColumn matches DfE's per-code column names, e.g.
// reason_i_authorised_illness or reason_c1_authorised_regulated_performance.
var reasonColumn = regexp.MustCompile(`^reason_([a-z0-9]+)_`)

type codeCol struct {
	index int
	id    mark.ID
}

type summaryCols struct {
	idCols    []int
	aggregate bool
	totals    map[string]int
	codes     []codeCol
	present   bool // the code columns include the present marks
}

// summaryHeader recognises a summary header: per-code columns or authorised
// and unauthorised totals, and a possible-sessions column or what it can be
// computed from (the present marks' codes, or a present or attended total).
func summaryHeader(headers []string, c columns) (summaryCols, bool) {
	s := summaryCols{totals: map[string]int{}}
	norm := make([]string, len(headers))
	for i, h := range headers {
		norm[i] = normHeader(h)
	}
	for key, al := range totalAliases {
	find:
		for _, a := range al {
			for i, n := range norm {
				if n == a {
					s.totals[key] = i
					break find
				}
			}
		}
	}
	hasAM := false
	for _, h := range headers {
		if strings.EqualFold(strings.TrimSpace(h), "reason_present_am") {
			hasAM = true
		}
	}
	for i, h := range headers {
		lh := strings.ToLower(strings.TrimSpace(h))
		var code string
		switch {
		case lh == "reason_present_am":
			code = "/"
		case lh == "reason_present_pm":
			code = `\`
		case lh == "reason_present":
			if hasAM {
				continue // the AM and PM columns already hold it
			}
			code = "/"
		case reasonColumn.MatchString(lh):
			code = strings.ToUpper(reasonColumn.FindStringSubmatch(lh)[1])
		default:
			if id, ok := mark.Lookup(strings.TrimSpace(h)); ok && strings.TrimSpace(h) != "" && id != mark.MissingID {
				code = mark.Get(id).Code
			}
		}
		if code == "" {
			continue
		}
		id, ok := mark.Lookup(code)
		if !ok {
			continue
		}
		s.codes = append(s.codes, codeCol{i, id})
		if mark.Get(id).Category == mark.Present {
			s.present = true
		}
	}
	_, auth := s.totals["authorised"]
	_, unauth := s.totals["unauthorised"]
	if len(s.codes) == 0 && !(auth && unauth) {
		return s, false
	}
	if _, ok := s.totals["possible"]; !ok {
		// Without a possible-sessions column the possible sessions are
		// computed as DfE defines them, present + AEA + authorised +
		// unauthorised: from the code columns when they include the present
		// marks, else from a present or attended total beside the absence.
		_, pres := s.totals["present"]
		_, att := s.totals["attended"]
		if !s.present && !pres && !att {
			return s, false
		}
	}
	switch {
	case c.has(PupilID):
		s.idCols = []int{c.idx[PupilID]}
	case c.has(School):
		s.idCols = []int{c.idx[School]}
		s.aggregate = true
	default:
		for _, g := range geoColumns {
			for i, h := range headers {
				if strings.EqualFold(strings.TrimSpace(h), g) {
					s.idCols = append(s.idCols, i)
				}
			}
		}
		s.aggregate = true
	}
	return s, len(s.idCols) > 0
}

// maxPupilSessions is the most sessions one pupil can have in a row: two a
// day for 366 days. A summary row of one pupil claiming more is not a count
// of that pupil's sessions (a school total pasted in, a year column read as
// a count), and is rejected rather than ranked.
const maxPupilSessions = 2 * 366

// maxCount bounds any count, a school's or an area's too: England's whole
// year is about 2.5 billion possible sessions. It keeps sums far from
// overflowing.
const maxCount = 1_000_000_000_000

// countText is what a count may look like: digits, with thousands commas
// and a decimal part allowed (the decimal part must then be zero), and a
// sign so that a negative count is named as such.
var countText = regexp.MustCompile(`^[-+]?[0-9][0-9,]*(\.[0-9]+)?$`)

// parseCount reads a whole number of sessions. DfE's files write whole
// numbers, sometimes as 1234.0, and thousands with commas; "c"
// (suppressed), "x" and "z" are not counts. why says what is wrong.
func parseCount(s string) (n int, why string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ""
	}
	if !countText.MatchString(s) {
		return 0, "not a number"
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, "not a number"
	case f < 0:
		return 0, "negative"
	case f != math.Trunc(f):
		return 0, "not a whole number"
	case err != nil || f > maxCount:
		return 0, "more sessions than any school or area has"
	}
	return int(f), ""
}

// summaryRow applies one summary row.
func summaryRow(src rowSource, h header, row []string, line int, b *register.Builder) {
	q := b.Q
	q.RowsRead++
	s := h.summary
	cell := func(i int) string {
		if i < 0 || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	var idParts []string
	for _, i := range s.idCols {
		if v := cell(i); v != "" {
			idParts = append(idParts, v)
		}
	}
	reject := func(key string, col int, detail string) {
		q.RowsRejected++
		q.Reject(key, src.loc(line, col, headerAt(h, col)), detail)
	}
	if len(idParts) == 0 {
		reject("missing_pupil_id", s.idCols[0], "")
		return
	}
	id := strings.Join(idParts, " / ")
	codes := make([]int, mark.NumIDs)
	count := func(i int) (int, bool) {
		n, why := parseCount(cell(i))
		if why != "" {
			reject("bad_count", i, fmt.Sprintf("%s in %s: %s", quoteShort([]byte(cell(i))), headerAt(h, i), why))
			return 0, false
		}
		if !s.aggregate && n > maxPupilSessions {
			reject("impossible_counts", i, fmt.Sprintf("%d in %s: more than the %d sessions a pupil can have in a year", n, headerAt(h, i), maxPupilSessions))
			return 0, false
		}
		return n, true
	}
	for _, c := range s.codes {
		n, ok := count(c.index)
		if !ok {
			return
		}
		codes[c.id] += n
	}
	totals := map[string]int{}
	// Totals in a fixed order, so the first bad cell reported is always the
	// same one.
	for _, key := range totalKeys {
		i, ok := s.totals[key]
		if !ok || cell(i) == "" {
			continue
		}
		n, ok := count(i)
		if !ok {
			return
		}
		totals[key] = n
	}
	if msg, col := impossible(codes, totals, s, h.cols.headers); msg != "" {
		reject("impossible_counts", col, msg)
		return
	}
	mc := newMarksCols(h.cols, Options{})
	info := register.Info{Surname: cell(mc.surname), Forename: cell(mc.forename), YearGroup: cell(mc.year), RegGroup: cell(mc.reg), School: cell(mc.school)}
	loc := src.loc(line, s.idCols[0], "")
	if !b.Summary(id, info, codes, totals, s.present, s.aggregate, loc) {
		q.RowsRejected++
		return
	}
	q.RowsUsed++
	if msg := contradictions(codes, totals, s.present); msg != "" {
		q.Find("counts_mismatch", loc, msg)
	}
}

// totalKeys are the summary totals in the order they are checked.
var totalKeys = []string{"possible", "present", "aea", "attended", "authorised", "unauthorised", "absence"}

// impossible checks that a row's absence fits in its possible sessions, and
// computes the possible sessions when the file has no column for them
// (putting them in totals, as if declared). It returns what cannot be true,
// and the column to point at.
func impossible(codes []int, totals map[string]int, s summaryCols, headers []string) (string, int) {
	var sum [mark.Missing + 1]int
	for i, n := range codes {
		if i > 0 {
			sum[mark.Get(mark.ID(i)).Category] += n
		}
	}
	auth, unauth := sum[mark.Authorised], sum[mark.Unauthorised]
	if v, ok := totals["authorised"]; ok {
		auth = v
	}
	if v, ok := totals["unauthorised"]; ok {
		unauth = v
	}
	absence := auth + unauth
	if v, ok := totals["absence"]; ok && v > absence {
		absence = v
	}
	possible, declared := totals["possible"]
	possibleCol, hasCol := s.totals["possible"]
	col := s.idCols[0]
	switch {
	case declared:
		col = possibleCol
	case s.present:
		possible = sum[mark.Present] + sum[mark.AEA] + sum[mark.Authorised] + sum[mark.Unauthorised]
	case hasCol:
		// The column is there but this row's cell is blank, and the codes
		// cannot give the figure: taking it as 0 would hide the pupil as
		// "not assessable", and as the absence, call them 100% absent.
		return fmt.Sprintf("%s is blank, and the counts do not give the possible sessions", headers[possibleCol]), possibleCol
	default:
		attended, ok := totals["attended"]
		if !ok {
			attended = totals["present"] + totals["aea"]
		}
		possible = attended + absence
		totals["possible"] = possible
	}
	// The figures come from the codes when they cover the present marks,
	// whatever was declared: those must fit in a pupil's year too.
	fromCodes := sum[mark.Present] + sum[mark.AEA] + sum[mark.Authorised] + sum[mark.Unauthorised]
	if !s.aggregate && (!declared || s.present) && max(possible, fromCodes) > maxPupilSessions {
		return fmt.Sprintf("%d possible sessions from the counts: more than the %d a pupil can have in a year", max(possible, fromCodes), maxPupilSessions), s.idCols[0]
	}
	if absence > possible {
		what := "declared"
		if !declared {
			what = "computed from the counts"
		}
		return fmt.Sprintf("absence %d is more than the %d possible sessions %s", absence, possible, what), col
	}
	return "", 0
}

// contradictions compares the declared totals with what the code counts
// give, and with each other, and says what does not add up.
func contradictions(codes []int, totals map[string]int, present bool) string {
	var sum [mark.Missing + 1]int
	for i, n := range codes {
		if i > 0 {
			sum[mark.Get(mark.ID(i)).Category] += n
		}
	}
	var out []string
	check := func(key string, derived int, label string) {
		if v, ok := totals[key]; ok && v != derived {
			out = append(out, fmt.Sprintf("%s %d declared, %d from %s", key, v, derived, label))
		}
	}
	if present {
		possible := sum[mark.Present] + sum[mark.AEA] + sum[mark.Authorised] + sum[mark.Unauthorised]
		check("possible", possible, "the code counts")
		check("present", sum[mark.Present], "the code counts")
		check("aea", sum[mark.AEA], "the code counts")
		check("attended", sum[mark.Present]+sum[mark.AEA], "the code counts")
	}
	if len(codes) > 0 && (sum[mark.Authorised] > 0 || sum[mark.Unauthorised] > 0 || present) {
		check("authorised", sum[mark.Authorised], "the code counts")
		check("unauthorised", sum[mark.Unauthorised], "the code counts")
		check("absence", sum[mark.Authorised]+sum[mark.Unauthorised], "the code counts")
	}
	// The totals among themselves: attended + absence = possible.
	if p, ok := totals["possible"]; ok {
		a, okA := totals["authorised"]
		u, okU := totals["unauthorised"]
		att, okT := totals["attended"]
		if okA && okU && okT && att+a+u != p {
			out = append(out, fmt.Sprintf("attended %d + authorised %d + unauthorised %d = %d, not the %d possible sessions declared", att, a, u, att+a+u, p))
		}
	}
	return strings.Join(out, "; ")
}

// names reports the summary mapping for inspect: which columns identify a
// row, which hold the totals, and which code each count column was read as.
func (s summaryCols) names(headers []string) map[string]string {
	out := map[string]string{}
	var ids []string
	for _, i := range s.idCols {
		ids = append(ids, headers[i])
	}
	out["row_id"] = strings.Join(ids, " + ")
	for key, i := range s.totals {
		out["total."+key] = headers[i]
	}
	for _, c := range s.codes {
		out["code."+mark.Get(c.id).Code] = headers[c.index]
	}
	return out
}
