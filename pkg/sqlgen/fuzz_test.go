package sqlgen

import (
	"sort"
	"strings"
	"testing"
)

// FuzzGenerate: whatever the table and column names (from --table,
// --columns and --school-column, so from the user), Generate never panics,
// and the names change nothing but themselves: with each quoted name taken
// out, the query is the one generated for plain names. A name cannot end the
// query or add a clause.
func FuzzGenerate(f *testing.F) {
	f.Add("marks", "", "")
	f.Add("warehouse.marks", "pupil_id=upn,date=mark_date,code=mark", "urn")
	f.Add(`s.m"; DROP TABLE x; --`, `pupil_id=p"id`, `a"b`)
	f.Add("a", "pupil_id=a,date=a,session=a,code=a", "a")
	f.Add("t", `pupil_id=x""a,code=a`, `""`)
	f.Fuzz(func(t *testing.T, table, columns, school string) {
		cols, err := ParseColumns(columns)
		if err != nil {
			return
		}
		cols.School = school
		sql, err := Generate(Options{Dialect: "duckdb", Table: table, Columns: cols})
		if err != nil {
			return
		}
		plain := Columns{PupilID: "c1", Date: "c2", Session: "c3", Code: "c4"}
		if school != "" {
			plain.School = "c5"
		}
		ref, err := Generate(Options{Dialect: "duckdb", Table: "t", Columns: plain})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := strip(t, sql, table, cols), strip(t, ref, "t", plain); got != want {
			t.Fatalf("table %q, columns %+v change the query beyond their names:\n%s", table, cols, sql)
		}
	})
}

// strip replaces the quoted table name, then each quoted column name
// (longest first, as one may hold another), with "?".
func strip(t *testing.T, sql, table string, cols Columns) string {
	t.Helper()
	tbl, err := tableName(table)
	if err != nil {
		t.Fatal(err)
	}
	for i, part := range strings.Split(tbl, `"."`) {
		if i > 0 {
			part = `"` + part
		}
		if i < strings.Count(tbl, `"."`) {
			part += `"`
		}
		if _, ok := unquote(part); !ok {
			t.Fatalf("tableName(%q) = %s: part %s is not one quoted identifier", table, tbl, part)
		}
	}
	sql = strings.ReplaceAll(sql, "FROM "+tbl+"\n", "FROM ?\n")
	var names []string
	for _, c := range []string{cols.PupilID, cols.Date, cols.Session, cols.Code, cols.School} {
		if c != "" {
			q, err := ident(c)
			if err != nil {
				t.Fatal(err)
			}
			if u, ok := unquote(q); !ok || u != c {
				t.Fatalf("ident(%q) = %s: not one quoted identifier of that name", c, q)
			}
			names = append(names, q)
		}
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, q := range names {
		sql = strings.ReplaceAll(sql, q, "?")
	}
	return sql
}

// unquote reads one SQL quoted identifier: "..." with "" for a quote and
// no lone quote inside, as a SQL parser does.
func unquote(q string) (string, bool) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return "", false
	}
	in := q[1 : len(q)-1]
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		if in[i] == '"' {
			if i+1 >= len(in) || in[i+1] != '"' {
				return "", false
			}
			i++
		}
		b.WriteByte(in[i])
	}
	return b.String(), true
}
