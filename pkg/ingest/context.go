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

// Context is pupil context joined on the pupil as the register keys
// children (register.ChildKey): any columns, typed.
//
// A row's key is its UPN alone (the same child at every school), or for a
// local id (admission number, student id) in a file with a school column
// the (school, id) key, so admission number 1001 at two schools is two
// rows; a local id whose row names no school is keyed by the id alone, and
// joins the pupil with that id at whichever school is the only one in the
// run to use it (see Join and CheckSchools).
type Context struct {
	Columns []ContextColumn
	Rows    map[string]map[string]any // key → column name → value; a blank cell has no key
	Loc     map[string]quality.Loc    // where each key's row is
	Order   []string                  // keys in file order
	// SchoolColumn is the header of the file's school column (School, URN,
	// School Name), "" when it has none.
	SchoolColumn string
	// Date1904 is set for a workbook whose date serials count from 1904:
	// a date column read as numbers (a date of birth) must be shifted by
	// 1,462 days to be read as the usual 1900 serials (see ShiftSerials).
	Date1904 bool
	Info     quality.FileInfo

	// byID lists each local id's keys: built by ReadContext (or, for a
	// Context made otherwise, on Join's first use).
	byID map[string][]string
}

// PupilKey is a register pupil as a context file is joined to it: the
// pupil's school and id (canonical).
type PupilKey struct{ School, ID string }

// KeyParts splits a context key into the school it names ("" for a UPN or
// a row that names no school) and the id.
func KeyParts(key string) (school, id string) {
	if s, i, ok := strings.Cut(key, "\x1f"); ok {
		return s, i
	}
	return "", key
}

// showKey writes a key for a message: the id, or SCHOOL:ID for a local id
// keyed by its school (the form explain takes). Never a name.
func showKey(key string) string {
	if s, i := KeyParts(key); s != "" {
		return s + ":" + i
	}
	return key
}

// Join finds the row for a register pupil and returns its key: the pupil's
// own key (register.ChildKey), else for a local id the row keyed by the id
// alone (a row that names no school), else, when the register names no
// school for the pupil (a run of one file with no school column), the one
// row for the id, whatever school it names. CheckSchools refuses, before
// any join, the cases where the id alone could mean two children.
func (c *Context) Join(school, id string) (string, bool) {
	key := register.ChildKey(school, id)
	if _, ok := c.Rows[key]; ok {
		return key, true
	}
	if key == id {
		if school != "" || register.UPNShaped(id) {
			return "", false
		}
		if keys := c.keysOf(id); len(keys) == 1 {
			return keys[0], true
		}
		return "", false
	}
	if _, ok := c.Rows[id]; ok {
		return id, true
	}
	return "", false
}

// keysOf returns the keys of every row for a local id.
func (c *Context) keysOf(id string) []string {
	if c.byID == nil {
		c.index()
	}
	return c.byID[id]
}

// index builds byID.
func (c *Context) index() {
	c.byID = map[string][]string{}
	for _, k := range c.Order {
		_, i := KeyParts(k)
		if !register.UPNShaped(i) {
			c.byID[i] = append(c.byID[i], k)
		}
	}
}

// CheckSchools refuses a join that the id alone cannot settle. A local id
// is only an id within its school, so a context row that names no school
// (a file with no school column) for an id that two schools in the run
// use could be either child's; and a register pupil with no school (a run
// of one file naming none) whose id has rows at several schools could be
// any of them. Joined anyway, one child would be given another's plan.
// The error names the file, counts the ids and shows a few (never a
// name), and says what to add.
func (c *Context) CheckSchools(pupils []PupilKey) error {
	schoolsOf := map[string]map[string]bool{}
	var noSchool []string
	for _, p := range pupils {
		if register.UPNShaped(p.ID) {
			continue
		}
		if p.School == "" {
			noSchool = append(noSchool, p.ID)
		}
		m := schoolsOf[p.ID]
		if m == nil {
			m = map[string]bool{}
			schoolsOf[p.ID] = m
		}
		m[p.School] = true
	}
	var shared []string
	runSchools := map[string]bool{}
	for _, key := range c.Order {
		if s, _ := KeyParts(key); s != "" || register.UPNShaped(key) {
			continue
		}
		if len(schoolsOf[key]) > 1 {
			shared = append(shared, key)
			for s := range schoolsOf[key] {
				runSchools[s] = true
			}
		}
	}
	if len(shared) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s in this context file %s used by more than one school in the run (%s), and %s, so the id alone could be either child\n",
			c.Info.Path, countIDs(len(shared)), isAre(len(shared)), someNames(runSchools), c.noSchoolWhy())
		fmt.Fprintf(&b, "  shared ids: %s\n", someIDs(shared))
		fmt.Fprintf(&b, "  fix: add a School column to the context file, naming each row's school as the register names it (%s); UPNs need none\n", someNames(runSchools))
		b.WriteString("no output written")
		return errors.New(b.String())
	}
	var many []string
	seen := map[string]bool{}
	for _, id := range noSchool {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, ok := c.Rows[id]; !ok && len(c.keysOf(id)) > 1 {
			many = append(many, id)
		}
	}
	if len(many) > 0 {
		sort.Strings(many)
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %s in the register %s rows at more than one school in this context file, and the register names no school for %s, so the id alone could be any of those children\n",
			c.Info.Path, countIDs(len(many)), haveHas(len(many)), itThem(len(many)))
		fmt.Fprintf(&b, "  ids: %s\n", someIDs(many))
		b.WriteString("  fix: name the register's school with --school NAME (as the context file's School column names it), or give the file a school column\n")
		b.WriteString("no output written")
		return errors.New(b.String())
	}
	return nil
}

func (c *Context) noSchoolWhy() string {
	if c.SchoolColumn == "" {
		return "the file has no school column to say whose row each is"
	}
	return "their rows leave the " + c.SchoolColumn + " column blank"
}

func countIDs(n int) string {
	if n == 1 {
		return "1 local pupil id"
	}
	return fmt.Sprintf("%d local pupil ids", n)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func haveHas(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}

func itThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// someNames lists a few school names, sorted (a school's name is not
// personal data).
func someNames(set map[string]bool) string {
	var names []string
	for s := range set {
		if s == "" {
			s = "(no school)"
		}
		names = append(names, s)
	}
	sort.Strings(names)
	return someIDs(names)
}

// Serial1904Offset is the days between the 1904 and 1900 date systems:
// 1904 serial n is 1900 serial n+1462.
const Serial1904Offset = 1462

// ShiftSerials turns the number cells of the named columns into 1900-system
// serials when the workbook counts from 1904, so a date read from them is
// the date the spreadsheet showed; it does nothing otherwise. Which columns
// hold dates is the caller's knowledge (dates of birth, review dates).
func (c *Context) ShiftSerials(cols []string) {
	if c == nil || !c.Date1904 {
		return
	}
	for _, row := range c.Rows {
		for _, col := range cols {
			if x, ok := row[col].(float64); ok {
				row[col] = x + Serial1904Offset
			}
		}
	}
	c.Date1904 = false // shifted once
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
	schoolCol, hasSchool := cols.idx[School]
	ctx := &Context{Rows: map[string]map[string]any{}, Loc: map[string]quality.Loc{}, Info: t.Info, Date1904: t.Date1904}
	ctx.Info.Layout = "context"
	ctx.Info.Columns = map[string]string{string(PupilID): t.Headers[idCol]}
	if hasSchool {
		// The school column keys local ids; it stays a context column too
		// (context.school), as rules may read it.
		ctx.SchoolColumn = t.Headers[schoolCol]
		ctx.Info.Columns[string(School)] = ctx.SchoolColumn
	}
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
		school := ""
		if hasSchool && schoolCol < len(row) {
			school = strings.TrimSpace(row[schoolCol])
		}
		// Keyed as the register keys the child: a UPN alone, a local id
		// with its school.
		id = register.ChildKey(school, id)
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
	ctx.index()
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
// half of the register's pupils have a row in it, joined as Join joins them
// (a UPN by the UPN, a local id by its school and id). Joined anyway, most
// pupils would silently lose their context and the factors reading it; at
// least half is a data-quality finding, as usual. The error shows a few
// unmatched pupils from each side (the id, or SCHOOL:ID for a local id),
// in its own lines only (never a name, and never in the data-quality
// account), and the likely cause.
func (c *Context) CheckJoin(pupils []PupilKey) error {
	matched := 0
	var regMiss, regMissIDs []string
	joined := make(map[string]bool, len(pupils))
	regIDs := make(map[string]bool, len(pupils))
	for _, p := range pupils {
		regIDs[p.ID] = true
		if key, ok := c.Join(p.School, p.ID); ok {
			matched++
			joined[key] = true
		} else {
			regMiss = append(regMiss, showKey(register.ChildKey(p.School, p.ID)))
			regMissIDs = append(regMissIDs, p.ID)
		}
	}
	if len(pupils) == 0 || 2*matched >= len(pupils) {
		return nil
	}
	var ctxMiss, ctxMissIDs []string
	sameID := 0 // unjoined rows whose id is in the register at another school
	for _, key := range c.Order {
		if !joined[key] {
			_, id := KeyParts(key)
			ctxMiss = append(ctxMiss, showKey(key))
			ctxMissIDs = append(ctxMissIDs, id)
			if key != id && regIDs[id] {
				sameID++
			}
		}
	}
	var b strings.Builder
	found := fmt.Sprintf("only %d of the register's %d pupils have", matched, len(pupils))
	if matched == 0 {
		found = fmt.Sprintf("none of the register's %d pupils has", len(pupils))
	}
	fmt.Fprintf(&b, "%s: %s a row in this context file, fewer than half, so it cannot be joined on the pupil id\n", c.Info.Path, found)
	cause := joinCause(regMissIDs, ctxMissIDs, len(c.Order), "context file", "context ids")
	if half := (len(ctxMiss) + 1) / 2; len(ctxMiss) > 0 && sameID >= half {
		regSchools, ctxSchools := map[string]bool{}, map[string]bool{}
		for _, p := range pupils {
			if !register.UPNShaped(p.ID) {
				regSchools[p.School] = true
			}
		}
		for _, key := range c.Order {
			if s, _ := KeyParts(key); s != "" && !joined[key] {
				ctxSchools[s] = true
			}
		}
		cause = fmt.Sprintf("the ids match but the schools do not: the context file's %s column names %s, the register %s; write each school's name as the register does", c.SchoolColumn, someNames(ctxSchools), someNames(regSchools))
	}
	fmt.Fprintf(&b, "  likely cause: %s\n", cause)
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
