package ingest

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
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
// in _id, is text. Ids are compared in register.CanonicalID's form. Pupils
// listed twice keep their first row, reported in q.
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
		// The same canonical form as the register's ids, so "a123 ",
		// "A123" and a spreadsheet's 123.0 for 123 join.
		id := register.CanonicalID(row[idCol])
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

// joinExamples is how many unmatched ids from each side the join error
// shows: enough to see the pattern, few enough not to list a roll.
const joinExamples = 3

// CheckJoin fails a context file that does not fit the register: fewer than
// half of the register's pupils (ids, canonical) have a row in it. Joined
// anyway, most pupils would silently lose their context and the factors
// reading it; at least half is a data-quality finding, as usual. The error
// shows a few unmatched ids from each side, in its own lines only (never a
// name, and never in the data-quality account), and the likely cause.
func (c *Context) CheckJoin(pupils []string) error {
	matched := 0
	var regMiss []string
	inRegister := make(map[string]bool, len(pupils))
	for _, id := range pupils {
		inRegister[id] = true
		if _, ok := c.Rows[id]; ok {
			matched++
		} else {
			regMiss = append(regMiss, id)
		}
	}
	if len(pupils) == 0 || 2*matched >= len(pupils) {
		return nil
	}
	var ctxMiss []string
	for _, id := range c.Order {
		if !inRegister[id] {
			ctxMiss = append(ctxMiss, id)
		}
	}
	var b strings.Builder
	found := fmt.Sprintf("only %d of the register's %d pupils have", matched, len(pupils))
	if matched == 0 {
		found = fmt.Sprintf("none of the register's %d pupils has", len(pupils))
	}
	fmt.Fprintf(&b, "%s: %s a row in this context file, fewer than half, so it cannot be joined on the pupil id\n", c.Info.Path, found)
	fmt.Fprintf(&b, "  likely cause: %s\n", joinCause(regMiss, ctxMiss, len(c.Order), "context file", "context ids"))
	fmt.Fprintf(&b, "  register ids with no context row: %s\n", someIDs(regMiss))
	if len(ctxMiss) > 0 {
		fmt.Fprintf(&b, "  context ids not in the register: %s\n", someIDs(ctxMiss))
	}
	b.WriteString("no output written")
	return errors.New(b.String())
}

// SomeIDs lists a few ids (joinExamples), with how many more there are.
func SomeIDs(ids []string) string { return someIDs(ids) }

// JoinCause guesses why another pupil-keyed file's ids do not match the
// register's (see joinCause); other names the file ("actions log").
func JoinCause(regMiss, otherMiss []string, other string) string {
	return joinCause(regMiss, otherMiss, 0, other, other+" ids")
}

func someIDs(ids []string) string {
	if len(ids) <= joinExamples {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s (and %d more)", strings.Join(ids[:joinExamples], ", "), len(ids)-joinExamples)
}

// joinCause guesses why the ids do not match, from the unmatched ids of
// each side: one side's leading zeros lost (a spreadsheet read the ids as
// numbers), UPNs on one side and admission numbers on the other, or a
// context file that lists only some pupils.
func joinCause(regMiss, ctxMiss []string, ctxRows int, file, idsName string) string {
	if len(ctxMiss) == 0 {
		return fmt.Sprintf("the %s has rows for only %d of the pupils: list every pupil, leaving a cell blank where nothing is known", file, ctxRows)
	}
	ctxTrim := map[string]string{}
	for _, id := range ctxMiss {
		ctxTrim[strings.TrimLeft(id, "0")] = id
	}
	regZeros, ctxZeros := 0, 0
	for _, id := range regMiss {
		if other, ok := ctxTrim[strings.TrimLeft(id, "0")]; ok && other != id && allDigits(id) && allDigits(other) {
			if len(id) > len(other) {
				regZeros++
			} else {
				ctxZeros++
			}
		}
	}
	half := (min(len(regMiss), len(ctxMiss)) + 1) / 2
	switch {
	case regZeros >= half && regZeros >= ctxZeros:
		return "leading zeros: the " + file + "'s ids are the register's without their leading zeros (a spreadsheet read them as numbers: format the id column as text)"
	case ctxZeros >= half:
		return "leading zeros: the register's ids are the " + file + "'s without their leading zeros (a spreadsheet read them as numbers: format the id column as text)"
	}
	reg, ctx := idShape(regMiss), idShape(ctxMiss)
	switch {
	case ctx == "admission numbers" && reg == "UPNs", ctx == "UPNs" && reg == "admission numbers":
		return fmt.Sprintf("the %s look like %s, the register's like %s: use the same id in both files (--map pupil_id=HEADER chooses the column, in both)", idsName, ctx, reg)
	case ctx == reg && ctx != "":
		return fmt.Sprintf("both files' ids look like %s, but few are the same: is the %s for these pupils?", ctx, file)
	}
	return "the ids are written differently in the two files (compare the examples below)"
}

// idShape says what most of the ids look like: UPNs (a letter and 12
// characters, digits but for a temporary UPN's last letter), admission
// numbers (digits only), or "" when neither holds for most.
func idShape(ids []string) string {
	upn, num := 0, 0
	for _, id := range ids {
		switch {
		case isUPN(id):
			upn++
		case allDigits(id):
			num++
		}
	}
	switch {
	case 2*upn > len(ids):
		return "UPNs"
	case 2*num > len(ids):
		return "admission numbers"
	}
	return ""
}

func isUPN(id string) bool {
	if len(id) != 13 || id[0] < 'A' || id[0] > 'Z' {
		return false
	}
	last := id[12]
	return allDigits(id[1:12]) && (last >= '0' && last <= '9' || last >= 'A' && last <= 'Z')
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
