package render

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/quality"
)

// Quality writes the data-quality account for people: the row arithmetic,
// each rejection reason with its first places, and the findings.
func Quality(w io.Writer, q *quality.Report) {
	files := make([]string, len(q.Files))
	for i, f := range q.Files {
		desc := f.Layout
		if f.Encoding != "" && f.Encoding != "utf-8" {
			desc += ", " + f.Encoding
		}
		if f.Delimiter != "" && f.Delimiter != "comma" {
			desc += ", " + f.Delimiter + "-separated"
		}
		files[i] = fmt.Sprintf("%s (%s, %s", Term(f.Path), Term(desc), N(f.Rows, "row"))
		if s := SchoolNote(f); s != "" {
			files[i] += ", " + Term(s)
		}
		files[i] += ")"
	}
	fmt.Fprintf(w, "data quality: read %s\n", strings.Join(files, "; "))
	fmt.Fprintf(w, "  rows: %d read = %d used + %d rejected\n", q.RowsRead, q.RowsUsed, q.RowsRejected)
	if a := q.Actions; a.Read > 0 {
		fmt.Fprintf(w, "  actions log rows: %d read = %d used + %d rejected\n", a.Read, a.Used, a.Rejected)
	}
	if q.MarksRead != q.RowsRead && q.MarksRead > 0 {
		fmt.Fprintf(w, "  session marks: %d read = %d used + %d rejected\n", q.MarksRead, q.MarksUsed, q.MarksRejected)
	}
	for _, r := range q.Rejections() {
		writeReason(w, "rejected", r)
	}
	if u := q.UnknownCodes(); len(u) > 0 {
		fmt.Fprintf(w, "  unknown codes: %s (left out of the figures)\n", counts(u, true))
	}
	if l := q.LegacyCodes(); len(l) > 0 {
		fmt.Fprintf(w, "  legacy codes: %s (counted as DfE counts them)\n", counts(l, false))
	}
	if q.MissingMarks > 0 {
		fmt.Fprintf(w, "  missing marks: %s with no mark (not counted as absence)\n", N(q.MissingMarks, "session"))
	}
	for _, r := range q.Findings() {
		if r.Key == "legacy_code" || r.Key == "missing_mark" {
			continue
		}
		writeReason(w, "note", r)
	}
}

// SchoolNote says which school a file's rows that name none are at and
// what named it ("school Maple Primary School from title row 1", "school
// elm from the file name"), "schools from the school column", or "" when
// nothing named one.
func SchoolNote(f quality.FileInfo) string {
	switch {
	case f.SchoolFrom == "":
		return ""
	case f.SchoolFrom == "column":
		return "schools from the " + f.Columns["school"] + " column"
	case f.SchoolFrom == "file name" || f.SchoolFrom == "profile":
		return "school " + f.School + " from the " + f.SchoolFrom
	}
	return "school " + f.School + " from " + f.SchoolFrom
}

func writeReason(w io.Writer, kind string, r *quality.Reason) {
	ex := make([]string, len(r.Examples))
	for i, e := range r.Examples {
		ex[i] = Term(e.Where)
		if e.Detail != "" {
			ex[i] += " " + Term(e.Detail)
		}
	}
	more := ""
	if r.Count > len(r.Examples) {
		more = ", ..."
	}
	fmt.Fprintf(w, "  %s %d: %s (%s%s)\n", kind, r.Count, r.Text, strings.Join(ex, "; "), more)
}

// counts lists code ×count; unknown codes are quoted, so a stray space or
// symbol in an export stays visible.
func counts(m map[string]int, quote bool) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		name := Term(k)
		if quote && k != quality.Withheld {
			name = strconv.Quote(k)
		}
		parts[i] = fmt.Sprintf("%s ×%d", name, m[k])
	}
	return strings.Join(parts, ", ")
}
