package sqlgen

import (
	"fmt"
	"sort"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/mark"
)

// Dialects are the SQL dialects Generate writes. Only DuckDB is tested
// against attendrisk's own figures, so only DuckDB is offered.
var Dialects = []string{"duckdb"}

// Columns names the marks table's columns.
type Columns struct {
	PupilID string // the pupil's id (a UPN, unique across schools)
	Date    string // the session's date, a DATE (or castable to one)
	Session string // AM or PM
	Code    string // the register code as recorded
	// School, when set, is the school column: the figures are then per
	// (school, pupil), attendrisk's per-enrolment figures, and a UPN at two
	// schools has a row at each. Empty: one row per pupil over every row.
	School string
}

// DefaultColumns are the column names when none are given.
var DefaultColumns = Columns{PupilID: "pupil_id", Date: "date", Session: "session", Code: "code"}

// Options says what to generate.
type Options struct {
	Dialect string
	Table   string // may be schema-qualified: a.b.c
	Columns Columns
}

// ParseColumns reads "pupil_id=upn,date=mark_date" over the defaults.
func ParseColumns(s string) (Columns, error) {
	c := DefaultColumns
	if strings.TrimSpace(s) == "" {
		return c, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || v == "" {
			return c, fmt.Errorf("--columns %q: want KEY=COLUMN, e.g. pupil_id=upn", kv)
		}
		switch k {
		case "pupil_id":
			c.PupilID = v
		case "date":
			c.Date = v
		case "session":
			c.Session = v
		case "code":
			c.Code = v
		default:
			return c, fmt.Errorf("--columns: unknown key %q (want pupil_id, date, session, code)", k)
		}
	}
	return c, nil
}

// ident quotes one identifier for DuckDB (and standard SQL): double quotes,
// with a double quote doubled, so any column name is safe to splice in.
func ident(s string) (string, error) {
	if s == "" || strings.ContainsRune(s, 0) {
		return "", fmt.Errorf("identifier %q: want a non-empty name without NUL", s)
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`, nil
}

// tableName quotes a possibly schema-qualified table name part by part.
func tableName(s string) (string, error) {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		q, err := ident(p)
		if err != nil {
			return "", fmt.Errorf("--table %q: %w", s, err)
		}
		parts[i] = q
	}
	return strings.Join(parts, "."), nil
}

// literal is a standard SQL string literal. DuckDB string literals have no
// backslash escapes, so `\` (the PM present mark) is written as is.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// variants are the ASCII case spellings of a code, as mark.Lookup folds
// ASCII case only (SQL's upper() would fold Unicode too).
func variants(code string) []string {
	out := []string{""}
	for i := 0; i < len(code); i++ {
		c := code[i]
		var next []string
		for _, p := range out {
			next = append(next, p+string(c))
			if c >= 'A' && c <= 'Z' {
				next = append(next, p+string(c+'a'-'A'))
			}
		}
		out = next
	}
	return out
}

// category keys written into the SQL: the figure each category counts in.
func categoryKey(c mark.Category) string { return c.Short() }

// Generate returns the SQL.
func Generate(o Options) (string, error) {
	if o.Dialect != "duckdb" {
		return "", fmt.Errorf("--dialect %q: want one of %s", o.Dialect, strings.Join(Dialects, ", "))
	}
	tbl, err := tableName(o.Table)
	if err != nil {
		return "", err
	}
	cols := o.Columns
	if cols == (Columns{}) {
		cols = DefaultColumns
	}
	var q [4]string
	for i, c := range []string{cols.PupilID, cols.Date, cols.Session, cols.Code} {
		if q[i], err = ident(c); err != nil {
			return "", fmt.Errorf("--columns: %w", err)
		}
	}
	pupil, date, session, code := q[0], q[1], q[2], q[3]
	// key is what a row of the result is: a pupil, or a pupil at a school
	// (an enrolment) when the table has a school column. A NULL school is
	// one school of its own, as GROUP BY has it.
	key, schoolCol := "pupil_id", ""
	if cols.School != "" {
		sc, err := ident(cols.School)
		if err != nil {
			return "", fmt.Errorf("--school-column: %w", err)
		}
		key, schoolCol = "school, pupil_id", "\n    CAST("+sc+" AS VARCHAR) AS school,"
	}
	prefixed := func(alias string) string {
		return alias + "." + strings.ReplaceAll(key, ", ", ", "+alias+".")
	}

	// pick is each code's place in mark.Better's order: of two marks for
	// one session the lower pick is kept, as the register keeps it.
	tab := mark.Table()
	order := make([]mark.Code, len(tab))
	copy(order, tab)
	sort.SliceStable(order, func(i, j int) bool { return mark.Better(order[i].ID, order[j].ID) })
	pick := map[mark.ID]int{}
	for i, c := range order {
		pick[c.ID] = i + 1
	}

	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("-- attendrisk: per-pupil DfE attendance figures from a marks table,\n")
	w("-- one row per pupil, date, session (AM/PM) and code.\n")
	w("-- Generated by `attendrisk sql --dialect %s` from attendrisk's code table: do not edit.\n", o.Dialect)
	w("-- Codes are matched after trimming ASCII white space, ASCII case-insensitively;\n")
	w("-- a blank or NULL code is a missing mark ('-'); any other code is left out.\n")
	w("-- Two marks for one pupil-session: the better mark is kept (present, AEA,\n")
	w("-- authorised, unauthorised, not possible; missing last), as attendrisk does.\n")
	w("-- X dated 1 Sep 2020 to 31 Aug 2022 is a possible session (COVID-19 X),\n")
	w("-- neither attendance nor absence. Figures are per pupil and academic year\n")
	w("-- (academic_year 2024 is 2024/25); persistent = 10*absent >= possible,\n")
	w("-- severe = 2*absent >= possible, on whole counts.\n")
	if cols.School != "" {
		w("-- One row per school, pupil and year: each school's own figures for a pupil\n")
		w("-- (an enrolment), as attendrisk's per-school rows; a child at two schools\n")
		w("-- has a row at each, to be combined by the pupil's UPN.\n")
	}
	w("WITH codes (code, pick, category) AS (\n  VALUES\n")
	first := true
	for _, c := range tab {
		for _, v := range variants(c.Code) {
			if !first {
				w(",\n")
			}
			first = false
			w("    (%s, %d, %s)", literal(v), pick[c.ID], literal(categoryKey(c.Category)))
		}
	}
	w("\n),\n")
	w(`marks AS (
  SELECT%[6]s
    %[1]s AS pupil_id,
    CAST(%[2]s AS DATE) AS d,
    upper(trim(CAST(%[3]s AS VARCHAR), chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13))) AS s,
    coalesce(nullif(trim(CAST(%[4]s AS VARCHAR), chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)), ''), '-') AS c
  FROM %[5]s
  WHERE %[1]s IS NOT NULL AND %[2]s IS NOT NULL
),
`, pupil, date, session, code, tbl, schoolCol)
	w(`sessions AS (
  -- one mark per pupil-session: the best by attendrisk's order
  SELECT %[2]s, m.d, min(k.pick) AS pick
  FROM marks m JOIN codes k ON k.code = m.c
  WHERE m.s IN ('AM', 'PM')
  GROUP BY %[2]s, m.d, m.s
),
kept AS (
  SELECT %[3]s,
    CAST(CASE WHEN month(s.d) >= 9 THEN year(s.d) ELSE year(s.d) - 1 END AS INTEGER) AS academic_year,
    CASE WHEN s.pick = %[1]d AND s.d BETWEEN DATE '2020-09-01' AND DATE '2022-08-31' THEN 'covid_x'
      ELSE k.category END AS category
  FROM sessions s JOIN (SELECT DISTINCT pick, category FROM codes) k ON k.pick = s.pick
),
counts AS (
  SELECT %[4]s, academic_year,
    count(*) FILTER (WHERE category = 'present') AS present_sessions,
    count(*) FILTER (WHERE category = 'aea') AS aea_sessions,
    count(*) FILTER (WHERE category = 'authorised') AS authorised_absence,
    count(*) FILTER (WHERE category = 'unauthorised') AS unauthorised_absence,
    count(*) FILTER (WHERE category = 'covid_x') AS covid_x_sessions,
    count(*) FILTER (WHERE category = 'missing') AS missing_marks
  FROM kept
  GROUP BY %[4]s, academic_year
)
SELECT %[4]s, academic_year,
  present_sessions + aea_sessions + authorised_absence + unauthorised_absence + covid_x_sessions AS possible_sessions,
  present_sessions, aea_sessions, authorised_absence, unauthorised_absence,
  authorised_absence + unauthorised_absence AS absence_sessions,
  missing_marks,
  CASE WHEN possible_sessions > 0 THEN 100.0 * absence_sessions / possible_sessions ELSE 0 END AS absence_pct,
  possible_sessions > 0 AND 10 * absence_sessions >= possible_sessions AS persistent_absence,
  possible_sessions > 0 AND 2 * absence_sessions >= possible_sessions AS severe_absence
FROM counts
ORDER BY %[4]s, academic_year;
`, pick[mark.XID], prefixed("m"), prefixed("s"), key)
	return b.String(), nil
}
