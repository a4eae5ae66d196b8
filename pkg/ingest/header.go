package ingest

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// Field is a column attendrisk understands.
type Field string

// The fields of the marks and grid layouts.
const (
	PupilID   Field = "pupil_id"
	Date      Field = "date"
	Session   Field = "session"
	Mark      Field = "mark"
	Surname   Field = "surname"
	Forename  Field = "forename"
	YearGroup Field = "year_group"
	RegGroup  Field = "reg_group"
	School    Field = "school"
)

// Fields lists every mappable field in documentation order.
var Fields = []Field{PupilID, Date, Session, Mark, Surname, Forename, YearGroup, RegGroup, School}

// aliases are the header names MIS exports use for each field, normalised
// (lower case, letters and digits only), in order of preference: where an
// export has both a UPN and an admission number, the UPN identifies the pupil.
var aliases = map[Field][]string{
	PupilID:   {"upn", "pupilid", "studentid", "learnerid", "adno", "admissionnumber", "admissionno", "admno", "pupilnumber", "studentnumber", "mispupilid", "id"},
	Date:      {"date", "sessiondate", "attendancedate", "registerdate"},
	Session:   {"session", "sessionname", "ampm", "amorpm", "period"},
	Mark:      {"mark", "code", "attendancemark", "attendancecode", "sessionmark", "registermark"},
	Surname:   {"legalsurname", "surname", "lastname", "familyname", "preferredsurname"},
	Forename:  {"legalforename", "forename", "firstname", "givenname", "preferredforename"},
	YearGroup: {"year", "yeargroup", "ncyear", "nationalcurriculumyear", "yr"},
	RegGroup:  {"reggroup", "registrationgroup", "regroup", "form", "tutorgroup", "class"},
	School:    {"school", "urn", "schoolname", "establishment", "laestab", "dfeno"},
}

// normHeader folds a header to lower-case letters and digits, so "Legal
// Surname", "legal_surname" and "LEGAL SURNAME " all match.
func normHeader(h string) string {
	var b strings.Builder
	for _, r := range h {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// ParseMap reads --map values of the form field=Header.
func ParseMap(specs []string) (map[Field]string, error) {
	out := map[Field]string{}
	for _, s := range specs {
		k, v, ok := strings.Cut(s, "=")
		if !ok || strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("--map %q: expected field=Header, e.g. pupil_id=\"Pupil Ref\"", s)
		}
		f := Field(strings.TrimSpace(strings.ToLower(k)))
		if _, known := aliases[f]; !known {
			names := make([]string, len(Fields))
			for i, f := range Fields {
				names[i] = string(f)
			}
			return nil, fmt.Errorf("--map %q: unknown field %q (fields: %s)", s, k, strings.Join(names, ", "))
		}
		out[f] = strings.TrimSpace(v)
	}
	return out, nil
}

// columns maps fields to column indexes for one header row.
type columns struct {
	idx     map[Field]int
	headers []string
}

func (c columns) has(f Field) bool { _, ok := c.idx[f]; return ok }

// names reports which header each field was read from, for inspect and the
// data-quality section.
func (c columns) names() map[string]string {
	out := map[string]string{}
	for f, i := range c.idx {
		out[string(f)] = c.headers[i]
	}
	return out
}

// matchHeader maps a header row to fields: user mappings first (exact header,
// then normalised), then the aliases in preference order.
func matchHeader(headers []string, user map[Field]string) (columns, error) {
	c := columns{idx: map[Field]int{}, headers: headers}
	norm := make([]string, len(headers))
	for i, h := range headers {
		norm[i] = normHeader(h)
	}
	taken := map[int]bool{}
	fields := make([]Field, 0, len(user))
	for f := range user {
		fields = append(fields, f)
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i] < fields[j] })
	for _, f := range fields {
		want := user[f]
		found := -1
		for i, h := range headers {
			if strings.TrimSpace(h) == want {
				found = i
				break
			}
		}
		if found < 0 {
			for i := range headers {
				if norm[i] == normHeader(want) {
					found = i
					break
				}
			}
		}
		if found < 0 {
			return c, fmt.Errorf("--map %s=%q: no such column (%s)", f, want, describeColumns(headers))
		}
		c.idx[f] = found
		taken[found] = true
	}
	for _, f := range Fields {
		if c.has(f) {
			continue
		}
	alias:
		for _, a := range aliases[f] {
			for i := range headers {
				if !taken[i] && norm[i] == a {
					c.idx[f] = i
					taken[i] = true
					break alias
				}
			}
		}
	}
	return c, nil
}

// describeRow names a row that was not taken for a header, for an error
// message: the cells that are known header names are quoted, the others only
// counted. The row may be a pupil's record (a headerless export) or a title
// naming a pupil, and error messages never quote a pupil's details.
func describeRow(r []string) string {
	known := map[string]bool{}
	for _, as := range aliases {
		for _, a := range as {
			known[a] = true
		}
	}
	var names []string
	others := 0
	for _, c := range r {
		switch {
		case strings.TrimSpace(c) == "":
		case known[normHeader(c)], isCodeLike(c):
			names = append(names, c)
		default:
			others++
		}
	}
	const why = " (not quoted: a row may hold a pupil's details)"
	switch {
	case others == 0 && len(names) == 0:
		return "no text"
	case others == 0:
		return quoteList(names)
	case len(names) == 0 && others == 1:
		return "1 cell" + why
	case len(names) == 0:
		return fmt.Sprintf("%d cells%s", others, why)
	case others == 1:
		return quoteList(names) + " and 1 other cell" + why
	}
	return fmt.Sprintf("%s and %d other cells%s", quoteList(names), others, why)
}

// isCodeLike is a cell too short to be a name: a code column such as I, M
// or C1 in a summary header (one capital letter, perhaps with a digit).
func isCodeLike(c string) bool {
	c = strings.TrimSpace(c)
	switch {
	case len(c) == 1:
		return c[0] >= 'A' && c[0] <= 'Z'
	case len(c) == 2:
		return c[0] >= 'A' && c[0] <= 'Z' && c[1] >= '0' && c[1] <= '9'
	}
	return false
}

// describeColumns lists the columns of the row taken as the likeliest
// header, so a user can correct a --map. A row with at least one known
// header name is a header, whose cells are column names and safe to quote;
// any other row is described as describeRow does, since it may be a pupil's.
func describeColumns(r []string) string {
	for _, c := range r {
		if isKnownHeader(c) {
			return "columns: " + quoteList(r)
		}
	}
	return "the row has " + describeRow(r)
}

func isKnownHeader(c string) bool {
	n := normHeader(c)
	for _, as := range aliases {
		for _, a := range as {
			if a == n {
				return true
			}
		}
	}
	return false
}

func quoteList(hs []string) string {
	q := make([]string, 0, len(hs))
	for _, h := range hs {
		if strings.TrimSpace(h) != "" {
			q = append(q, fmt.Sprintf("%q", h))
		}
	}
	if len(q) > 12 {
		q = append(q[:12], fmt.Sprintf("and %d more", len(q)-12))
	}
	return strings.Join(q, ", ")
}
