package ingest

import (
	"sort"
	"strconv"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/quality"
)

// ColumnKind is the type a context column's values take in rules.
type ColumnKind string

// The kinds of context column.
const (
	KindBool   ColumnKind = "bool"
	KindNumber ColumnKind = "number"
	KindString ColumnKind = "string"
)

// ContextColumn is one column of a context file.
type ContextColumn struct {
	Name   string // snake_case name rules use: context.<Name>
	Header string // as written in the file
	Kind   ColumnKind
}

// Context is pupil context joined on the pupil id: any columns, typed.
type Context struct {
	Columns []ContextColumn
	Rows    map[string]map[string]any // pupil id → column name → value; a blank cell has no key
	Loc     map[string]quality.Loc    // where each pupil's row is
	Order   []string                  // pupil ids in file order
	Info    quality.FileInfo
}

// Sample returns a value of each column's type, for type-checking rules.
func (c *Context) Sample() map[string]any {
	out := map[string]any{}
	if c == nil {
		return out
	}
	for _, col := range c.Columns {
		switch col.Kind {
		case KindBool:
			out[col.Name] = false
		case KindNumber:
			out[col.Name] = 0.0
		default:
			out[col.Name] = ""
		}
	}
	return out
}

// ReadContext reads a context file (CSV or XLSX). The pupil id column is
// found like a register's (UPN, Pupil ID, Adno, ..., or --map pupil_id=...);
// every other column becomes context.<header in snake_case>. A column whose
// values are all Y/N, Yes/No, True/False or 1/0 is boolean; one whose values
// are all numbers is a number; anything else, and any column whose name ends
// in _id, is text. Pupils listed twice keep their first row, reported in q.
func ReadContext(path, sheet string, user map[Field]string, q *quality.Report) (*Context, error) {
	isHeader := func(r []string) bool {
		c, err := matchHeader(r, onlyID(user))
		return err == nil && c.has(PupilID)
	}
	t, err := ReadTable(path, sheet, isHeader, "a header row with a pupil id column (UPN, Pupil ID, Adno, Admission Number, Student ID) and context columns")
	if err != nil {
		return nil, err
	}
	for _, line := range t.Titles {
		q.Find("title_row", t.TitleLoc(line), "")
	}
	cols, _ := matchHeader(t.Headers, onlyID(user))
	idCol := cols.idx[PupilID]
	ctx := &Context{Rows: map[string]map[string]any{}, Loc: map[string]quality.Loc{}, Info: t.Info}
	ctx.Info.Layout = "context"
	ctx.Info.Columns = map[string]string{string(PupilID): t.Headers[idCol]}
	type colIdx struct {
		col ContextColumn
		i   int
	}
	var used []colIdx
	seen := map[string]bool{}
	for i, h := range t.Headers {
		name := SnakeCase(h)
		if i == idCol || name == "" || seen[name] {
			continue
		}
		seen[name] = true
		used = append(used, colIdx{ContextColumn{Name: name, Header: h, Kind: inferKind(t.Rows, i, name)}, i})
		ctx.Info.Columns["context."+name] = h
	}
	for _, u := range used {
		ctx.Columns = append(ctx.Columns, u.col)
	}
	sort.Slice(ctx.Columns, func(i, j int) bool { return ctx.Columns[i].Name < ctx.Columns[j].Name })
	for ri, row := range t.Rows {
		loc := t.Loc(ri, idCol)
		if idCol >= len(row) || strings.TrimSpace(row[idCol]) == "" {
			q.Find("context_no_id", loc, "")
			continue
		}
		id := strings.TrimSpace(row[idCol])
		if _, dup := ctx.Rows[id]; dup {
			q.Find("context_duplicate", loc, "")
			continue
		}
		vals := map[string]any{}
		for _, u := range used {
			if u.i >= len(row) {
				continue
			}
			if v, ok := convert(strings.TrimSpace(row[u.i]), u.col.Kind); ok {
				vals[u.col.Name] = v
			}
		}
		ctx.Rows[id] = vals
		ctx.Loc[id] = loc
		ctx.Order = append(ctx.Order, id)
	}
	return ctx, nil
}

func onlyID(user map[Field]string) map[Field]string {
	if v, ok := user[PupilID]; ok {
		return map[Field]string{PupilID: v}
	}
	return nil
}

func boolValue(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "y", "yes", "true", "1", "t":
		return true, true
	case "n", "no", "false", "0", "f":
		return false, true
	}
	return false, false
}

func inferKind(rows [][]string, i int, name string) ColumnKind {
	if strings.HasSuffix(name, "_id") || name == "id" {
		return KindString
	}
	isBool, isNum, any := true, true, false
	for _, r := range rows {
		if i >= len(r) {
			continue
		}
		v := strings.TrimSpace(r[i])
		if v == "" {
			continue
		}
		any = true
		if _, ok := boolValue(v); !ok {
			isBool = false
		}
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			isNum = false
		}
	}
	switch {
	case !any:
		return KindString
	case isBool:
		return KindBool
	case isNum:
		return KindNumber
	}
	return KindString
}

func convert(v string, k ColumnKind) (any, bool) {
	if v == "" {
		return nil, false
	}
	switch k {
	case KindBool:
		b, ok := boolValue(v)
		return b, ok
	case KindNumber:
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return v, true
}
