package actions

import (
	"fmt"
	"sort"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// Action is one row of the log.
type Action struct {
	PupilID string // register.CanonicalID form
	// School is the row's school column (trimmed; "" without one or when
	// blank): a local id (admission number) is only an id within its
	// school, so it joins the register's pupil at that school.
	School string
	Date   register.Day
	Kind   *Kind
	// Outcome is nil when the cell is blank (not yet known).
	Outcome *Outcome
	// NoteRef points to the officer's own record (a case-note number);
	// the note itself is never read.
	NoteRef string
	Owner   string
	// Review is when the action is due to be reviewed (0: none given).
	Review register.Day
	Loc    quality.Loc
}

// Log is a whole actions file.
type Log struct {
	Actions []Action // in file order
	Info    quality.FileInfo
	Vocab   *Vocabulary
	// SchoolColumn is the header of the log's school column (School, URN,
	// School Name), "" when it has none.
	SchoolColumn string
}

// Key is the action's pupil as the register keys children
// (register.ChildKey): the UPN alone, a local id with the row's school.
func (a Action) Key() string { return register.ChildKey(a.School, a.PupilID) }

// column fields of the log, with the headers each is recognised by
// (compared in Norm form).
var logColumns = []struct {
	field    string
	required bool
	names    []string
}{
	{"date", true, []string{"date", "action_date", "date_of_action", "actioned", "date_actioned"}},
	// The register's school headers: a local id is keyed by its school.
	{"school", false, []string{"school", "urn", "school_name"}},
	{"action", true, []string{"action", "action_type", "intervention", "type", "step"}},
	{"outcome", true, []string{"outcome", "result", "response"}},
	{"note_ref", false, []string{"note_ref", "note_reference", "reference", "ref", "case_note", "note_id"}},
	{"owner", false, []string{"owner", "officer", "staff", "by", "recorded_by", "lead"}},
	{"review_date", false, []string{"review_date", "review", "review_by", "follow_up", "follow_up_date", "next_review", "due"}},
}

// Expected describes the file, for the error when no header is found.
const Expected = "a header row with a pupil id column (UPN, Pupil ID, Adno, ...) and the columns Date, Action and Outcome (optionally Note ref, Owner, Review date)"

// maxBadRows is how many bad rows one error lists: enough to see the
// pattern and fix the file.
const maxBadRows = 10

// BadRowsError lists the rows of the log that could not be read.
type BadRowsError struct {
	Path  string
	Rows  []string // "file:line: what was wrong and what was expected"
	Total int
}

func (e *BadRowsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d %s of the actions log cannot be read; fix the file (the log is never half-read, since a missed action would change the steps suggested):", e.Path, e.Total, plural(e.Total, "row"))
	for _, r := range e.Rows {
		b.WriteString("\n  " + r)
	}
	if e.Total > len(e.Rows) {
		fmt.Fprintf(&b, "\n  (and %d more)", e.Total-len(e.Rows))
	}
	b.WriteString("\nno output written")
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// Read reads an actions log (CSV or XLSX, any encoding the registers may
// have). user maps the pupil id column as --map does (pupil_id=HEADER).
// Every row must have a pupil id, a real date, an action and an outcome
// from v (the outcome may be blank); otherwise Read fails, listing the bad
// rows by file and line (sheet and cell for a workbook) with the values
// expected. Cell values are quoted only when they cannot be a name
// (quality.Cell).
func Read(path, sheet string, user map[ingest.Field]string, v *Vocabulary) (*Log, error) {
	var cols map[string]int
	var idCol int
	isHeader := func(r []string) bool {
		id, ok := ingest.PupilIDColumn(r, user)
		if !ok {
			return false
		}
		c := matchColumns(r, id)
		for _, lc := range logColumns {
			if _, ok := c[lc.field]; lc.required && !ok {
				return false
			}
		}
		cols, idCol = c, id
		return true
	}
	t, err := ingest.ReadTable(path, sheet, isHeader, Expected)
	if err != nil {
		return nil, err
	}
	// isHeader ran last on the header row found.
	cols = matchColumns(t.Headers, idCol)
	log := &Log{Info: t.Info, Vocab: v}
	log.Info.Layout = "actions"
	log.Info.Columns = map[string]string{string(ingest.PupilID): t.Headers[idCol]}
	for f, i := range cols {
		log.Info.Columns[f] = t.Headers[i]
	}
	if i, ok := cols["school"]; ok {
		log.SchoolColumn = t.Headers[i]
		log.Info.SchoolFrom = ingest.SchoolFromColumn
	}
	bad := &BadRowsError{Path: path}
	fail := func(loc quality.Loc, format string, args ...any) {
		bad.Total++
		if len(bad.Rows) < maxBadRows {
			bad.Rows = append(bad.Rows, locString(loc)+": "+fmt.Sprintf(format, args...))
		}
	}
	cell := func(row []string, i int) string {
		if i < 0 || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	get := func(row []string, f string) (string, int) {
		i, ok := cols[f]
		if !ok {
			return "", -1
		}
		return cell(row, i), i
	}
	for ri, row := range t.Rows {
		rowLoc := t.Loc(ri, -1)
		rowLoc.Cell = ""
		id := cell(row, idCol)
		if id == "" {
			fail(t.Loc(ri, idCol), "no pupil id (expected the pupil's id, as in the register)")
			continue
		}
		a := Action{PupilID: register.CanonicalID(id), Loc: rowLoc}
		a.School, _ = get(row, "school")
		ok := true
		ds, di := get(row, "date")
		if d, good := ingest.ParseDay(ds, t.XLSX()); good {
			a.Date = d
		} else {
			ok = false
			if ds == "" {
				fail(t.Loc(ri, di), "no date (expected the date of the action, dd/mm/yyyy or yyyy-mm-dd)")
			} else {
				fail(t.Loc(ri, di), "date %s is not a real date (expected dd/mm/yyyy or yyyy-mm-dd)", quality.Short(ds))
			}
		}
		as, ai := get(row, "action")
		if k, good := v.Kind(as); good {
			a.Kind = k
		} else {
			ok = false
			what := "no action"
			if as != "" {
				what = "action " + quality.Cell(as) + " is not in the vocabulary"
			}
			fail(t.Loc(ri, ai), "%s (expected one of: %s; a rules file's actions: section adds local ones)", what, v.kindLabels())
		}
		if os, oi := get(row, "outcome"); os != "" {
			if o, good := v.Outcome(os); good {
				a.Outcome = o
			} else {
				ok = false
				fail(t.Loc(ri, oi), "outcome %s is not in the vocabulary (expected one of: %s, or blank when not yet known)", quality.Cell(os), v.outcomeLabels())
			}
		}
		a.NoteRef, _ = get(row, "note_ref")
		a.Owner, _ = get(row, "owner")
		if rs, ri2 := get(row, "review_date"); rs != "" {
			if d, good := ingest.ParseDay(rs, t.XLSX()); good {
				a.Review = d
			} else {
				ok = false
				fail(t.Loc(ri, ri2), "review date %s is not a real date (expected dd/mm/yyyy or yyyy-mm-dd, or blank)", quality.Short(rs))
			}
		}
		if ok {
			log.Actions = append(log.Actions, a)
		}
	}
	if bad.Total > 0 {
		return nil, bad
	}
	return log, nil
}

// matchColumns finds the log's columns in a header row (not the id
// column): the first header whose Norm form is one of a field's names.
func matchColumns(headers []string, idCol int) map[string]int {
	out := map[string]int{}
	taken := map[int]bool{idCol: true}
	for _, lc := range logColumns {
		for _, name := range lc.names {
			found := -1
			for i, h := range headers {
				if !taken[i] && Norm(h) == name {
					found = i
					break
				}
			}
			if found >= 0 {
				out[lc.field] = found
				taken[found] = true
				break
			}
		}
	}
	return out
}

func locString(l quality.Loc) string {
	s := l.File
	if l.Sheet != "" {
		s += "[" + l.Sheet + "]"
	}
	if l.Line > 0 {
		s += fmt.Sprintf(":%d", l.Line)
	}
	if l.Cell != "" {
		s += " (" + l.Cell + ")"
	}
	return s
}

// ByPupil groups the log's actions by pupil key (Action.Key), each
// pupil's in date order (file order within a day).
func (l *Log) ByPupil() map[string]History {
	out := map[string]History{}
	for _, a := range l.Actions {
		out[a.Key()] = append(out[a.Key()], a)
	}
	for _, h := range out {
		h.Sort()
	}
	return out
}

// Sort puts a history in date order, file order within a day.
func (h History) Sort() {
	sort.SliceStable(h, func(i, j int) bool { return h[i].Date < h[j].Date })
}

// Pupils lists the distinct pupil keys (Action.Key) in file order.
func (l *Log) Pupils() []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range l.Actions {
		if k := a.Key(); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
