package quality

import (
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"
)

// MaxExamples is how many places are kept for each reason: enough to find
// the pattern in the file, few enough to read.
const MaxExamples = 5

// Loc is a place in an input file.
type Loc struct {
	File  string `json:"file"`
	Sheet string `json:"sheet,omitempty"`
	Line  int    `json:"line,omitempty"` // 1-based line (CSV) or row (XLSX)
	Cell  string `json:"cell,omitempty"` // XLSX cell reference, or grid column header
}

// String formats the place as file:line, or file[sheet]!cell for XLSX.
func (l Loc) String() string {
	switch {
	case l.Sheet != "" && l.Cell != "":
		return fmt.Sprintf("%s[%s]!%s", l.File, l.Sheet, l.Cell)
	case l.Sheet != "" && l.Line == 0:
		return fmt.Sprintf("%s[%s]", l.File, l.Sheet) // a finding about a sheet as a whole
	case l.Sheet != "":
		return fmt.Sprintf("%s[%s]:%d", l.File, l.Sheet, l.Line)
	case l.Cell != "" && l.Line > 0:
		return fmt.Sprintf("%s:%d (%s)", l.File, l.Line, l.Cell)
	case l.Line == 0:
		return l.File // a finding about the file as a whole
	}
	return fmt.Sprintf("%s:%d", l.File, l.Line)
}

// Example is one place a reason applied, with the value that triggered it.
type Example struct {
	Loc    Loc    `json:"-"`
	Where  string `json:"where"`
	Detail string `json:"detail"`
}

// Reason is a counted reason with its first examples.
type Reason struct {
	Key      string    `json:"reason"`
	Text     string    `json:"description"`
	Count    int       `json:"count"`
	Examples []Example `json:"examples"`
	// Expected marks a rejection the user asked for (a date outside the
	// --from/--to window, or the academic year analysed): it is accounted
	// for like any other but --strict does not fail on it.
	Expected bool `json:"expected,omitempty"`
}

func (r *Reason) add(loc Loc, detail string, limit int) {
	r.Count++
	if limit <= 0 {
		limit = MaxExamples
	}
	if len(r.Examples) >= limit {
		return
	}
	e := Example{Loc: loc, Where: loc.String(), Detail: shorten(detail)}
	// A finding about a file as a whole (no line, no detail) says nothing
	// new the second time: "context.csv; context.csv" reads as a fault.
	if loc.Line == 0 && loc.Cell == "" && e.Detail == "" {
		for _, x := range r.Examples {
			if x.Where == e.Where && x.Detail == "" {
				return
			}
		}
	}
	r.Examples = append(r.Examples, e)
}

// FileInfo records what was understood about one input file.
type FileInfo struct {
	Path      string            `json:"path"`
	Sheet     string            `json:"sheet,omitempty"`
	Layout    string            `json:"layout"`
	Encoding  string            `json:"encoding,omitempty"`
	Delimiter string            `json:"delimiter,omitempty"`
	HeaderRow int               `json:"header_row"`
	Columns   map[string]string `json:"columns"` // field → header it was read from
	Rows      int               `json:"rows"`
	// School is the school of the file's rows that name none, and
	// SchoolFrom what named it: "column" (the rows name their own),
	// "--school", "profile", "title row N" or "file name". Both are empty
	// when nothing named one (a run of one file with no school).
	School     string `json:"school,omitempty"`
	SchoolFrom string `json:"school_from,omitempty"`
}

// Report is the account of one run.
type Report struct {
	Files []FileInfo `json:"files"`

	RowsRead     int `json:"rows_read"`
	RowsUsed     int `json:"rows_used"`
	RowsRejected int `json:"rows_rejected"`

	// Marks are session marks. In the marks layout a row is a mark; in the
	// grid layout a row holds many, so marks are accounted for separately:
	// MarksRead = MarksUsed + MarksRejected.
	MarksRead     int `json:"marks_read"`
	MarksUsed     int `json:"marks_used"`
	MarksRejected int `json:"marks_rejected"`

	// Actions accounts for the rows of the actions log (--actions), when
	// one is given.
	Actions Account `json:"actions,omitzero"`

	MissingMarks     int `json:"missing_marks"`
	DuplicateMarks   int `json:"duplicate_marks"`
	ConflictingMarks int `json:"conflicting_marks"`

	// Limit is how many examples each reason keeps; 0 means MaxExamples.
	// inspect raises it to list every problem.
	Limit int `json:"-"`

	rejected map[string]*Reason
	findings map[string]*Reason
	unknown  map[string]int
	legacy   map[string]int
}

// Account is read = used + rejected for a file other than the registers.
type Account struct {
	Read     int `json:"read"`
	Used     int `json:"used"`
	Rejected int `json:"rejected"`
}

// New returns an empty report.
func New() *Report {
	return &Report{
		rejected: map[string]*Reason{},
		findings: map[string]*Reason{},
		unknown:  map[string]int{},
		legacy:   map[string]int{},
	}
}

// The rejection and finding reasons. Keys are stable: they appear in JSON.
var texts = map[string]string{
	"missing_pupil_id":   "no pupil id",
	"bad_date":           "date is not a real date in the file's date order (dd/mm/yyyy, yyyy-mm-dd, 2 Sep 2024, ...)",
	"far_date":           "date more than 2 years from the middle of the file's dates (a mistyped year?)",
	"title_row":          "row above the header, skipped as a title",
	"month_first":        "dates read month-first (mm/dd/yyyy) throughout the file, as its own dates show",
	"bad_session":        "session is not AM or PM",
	"unknown_code":       "mark is not a DfE attendance code",
	"duplicate_mark":     "the same mark again for a session already marked (counted once)",
	"conflicting_mark":   "a different mark for a session already marked (best mark kept, see README)",
	"outside_window":     "date outside the --from/--to window",
	"short_row":          "row has fewer columns than the header",
	"unclosed_quote":     "a quoted field runs past 100 lines or 1 MiB without closing (a \" is missing): the row is rejected and reading goes on at the next line",
	"stray_quote":        "a quoted field runs onto later lines and swallows what look like whole rows (two stray \" pairing up): the row is rejected and reading goes on at the next line",
	"line_too_long":      "line longer than 1 MiB (skipped without reading it whole)",
	"incomplete_row":     "row cut off at the end of the file (read with --allow-incomplete)",
	"not_utf8":           "bytes that are not UTF-8 in a UTF-8 file, read as Windows-1252",
	"beyond_header":      "cells to the right of the header's last column (not read)",
	"hidden_sheet":       "hidden sheet passed over (no --sheet given)",
	"bad_count":          "count is not a whole number of sessions",
	"counts_mismatch":    "counts that contradict each other (figures use the code counts)",
	"duplicate_row":      "a second summary row for the same pupil or group (first kept)",
	"weekend_mark":       "mark on a Saturday or Sunday",
	"legacy_code":        "legacy code (retired August 2024) counted as DfE counts it",
	"missing_mark":       "no mark recorded for a session (not counted as absence)",
	"covid_x":            "X in 2020/21 or 2021/22 counted as a possible session (COVID-19 meaning)",
	"context_no_pupil":   "context row for a pupil not in the register",
	"pupil_no_context":   "pupil with no row in the context file",
	"context_duplicate":  "pupil appears twice in the context file (first row kept)",
	"context_no_id":      "context row with no pupil id (ignored)",
	"action_no_pupil":    "actions log row for a pupil not in the register",
	"action_after_end":   "actions log row dated after the last day analysed (not read for this run)",
	"actioned_hidden":    "pupils left off the list: already being dealt with",
	"age_unknown":        "compulsory school age not known (no or unrecognised year group, or Reception without a date of birth): statutory steps not evaluated",
	"rule_not_evaluated": "a rule's expression failed for a pupil (reported, never counted as false)",
	"rule_context_type":  "a built-in rule left out: the context column it reads holds another type of value",
	"local_code":         "a school's local code, read as the DfE code its profile maps it to",

	// One academic year analysed, and summary rows that cannot be true.
	"outside_academic_year": "date outside the academic year analysed (the latest with a possible session; choose another with --from/--to)",
	"academic_years":        "the data spans more than one academic year; only one is analysed",
	"impossible_counts":     "counts that cannot be true (absence above possible sessions, or more sessions than a year holds)",

	// A whole authority: identity across schools, and revised exports.
	"bad_upn":         "a UPN whose check letter does not match its digits (DfE's UPN check; the id is kept as written)",
	"details_differ":  "a pupil id whose name or year group differs between rows or files (check the id is one child)",
	"superseded_mark": "a mark replaced by a later export of the same school (or a provisional N replaced by any code)",
	"revision":        "a later export of a school superseded marks of an earlier one",
	"mixed_layouts":   "a UPN's summary row (counts) left out: another export gives the child session marks, and undated counts cannot be added to them",

	// The context's support last-reviewed date.
	"support_review_not_date": "support last-reviewed date in the context is not a date (dd/mm/yyyy or yyyy-mm-dd): read as no review date",
}

// Text returns the description of a reason key.
func Text(key string) string {
	if t, ok := texts[key]; ok {
		return t
	}
	return key
}

// Reject records a rejected session mark (and, in the marks layout, its row).
func (r *Report) Reject(key string, loc Loc, detail string) {
	r.reason(r.rejected, key, loc, detail)
	if key == "unknown_code" {
		// The detail is quoted for messages; the map holds the code itself.
		code := detail
		if u, err := strconv.Unquote(detail); err == nil {
			code = u
		}
		r.unknown[code]++
	}
}

// Find records a finding that does not reject anything.
func (r *Report) Find(key string, loc Loc, detail string) {
	r.reason(r.findings, key, loc, detail)
}

// AddFindings adds o's findings to r: what reading the context file found
// joins the account of the registers read after it.
func (r *Report) AddFindings(o *Report) {
	for key, f := range o.findings {
		rs := r.findings[key]
		if rs == nil {
			rs = &Reason{Key: f.Key, Text: f.Text, Expected: f.Expected}
			r.findings[key] = rs
		}
		rs.Count += f.Count
		limit := r.Limit
		if limit <= 0 {
			limit = MaxExamples
		}
		for _, e := range f.Examples {
			if len(rs.Examples) < limit {
				rs.Examples = append(rs.Examples, e)
			}
		}
	}
}

// Legacy counts one use of a legacy code.
func (r *Report) Legacy(code string, loc Loc) {
	r.legacy[code]++
	r.Find("legacy_code", loc, code)
}

func (r *Report) reason(m map[string]*Reason, key string, loc Loc, detail string) {
	rs := m[key]
	if rs == nil {
		rs = &Reason{Key: key, Text: Text(key), Expected: key == "outside_window" || key == "outside_academic_year" || key == "superseded_mark"}
		m[key] = rs
	}
	rs.add(loc, detail, r.Limit)
}

// Rejections returns the rejection reasons, most frequent first.
func (r *Report) Rejections() []*Reason { return sorted(r.rejected) }

// Findings returns the non-rejecting findings, most frequent first.
func (r *Report) Findings() []*Reason { return sorted(r.findings) }

// Rejection returns one reason's count, 0 if it never happened.
func (r *Report) Rejection(key string) int {
	if rs := r.rejected[key]; rs != nil {
		return rs.Count
	}
	return 0
}

// Finding returns one finding's count.
func (r *Report) Finding(key string) int {
	if rs := r.findings[key]; rs != nil {
		return rs.Count
	}
	return 0
}

// UnknownCodes returns each unknown mark with its count.
func (r *Report) UnknownCodes() map[string]int { return r.unknown }

// LegacyCodes returns each legacy code with its count.
func (r *Report) LegacyCodes() map[string]int { return r.legacy }

// StrictFailures counts rejections that --strict treats as a failure.
func (r *Report) StrictFailures() int {
	n := 0
	for _, rs := range r.rejected {
		if !rs.Expected {
			n += rs.Count
		}
	}
	return n
}

// Balanced checks the accounting identity read = used + rejected for rows
// and marks. A false answer is a bug in attendrisk, not in the input.
func (r *Report) Balanced() error {
	if r.RowsRead != r.RowsUsed+r.RowsRejected {
		return fmt.Errorf("internal error: rows read %d != used %d + rejected %d", r.RowsRead, r.RowsUsed, r.RowsRejected)
	}
	if r.MarksRead != r.MarksUsed+r.MarksRejected {
		return fmt.Errorf("internal error: marks read %d != used %d + rejected %d", r.MarksRead, r.MarksUsed, r.MarksRejected)
	}
	return nil
}

func sorted(m map[string]*Reason) []*Reason {
	out := make([]*Reason, 0, len(m))
	for _, r := range m {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// shorten cuts an example's detail for display, so that a stray long cell (a
// pasted note, a name in the wrong column) does not flood the report. Counts
// and the unknown-code table keep the whole value.
func shorten(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
