package render

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/cohort"
)

// Suppressed is what a suppressed figure shows, as in DfE's own files.
const Suppressed = "c"

// cohortFields are the cohort summary's figures, shared by CSV and JSON.
var cohortFields = []string{"pupils", "possible_sessions", "absence_pct", "authorised_pct", "unauthorised_pct",
	"persistent_absentees", "persistent_absence_pct", "severe_absentees", "severe_absence_pct"}

func groupValues(g cohort.Group) []any {
	f := g.Figures
	return []any{g.Pupils, f.Possible, pct(f.Pct(f.Absent())), pct(f.Pct(f.Authorised)), pct(f.Pct(f.Unauthorised)),
		g.PA, pct(g.PAPct()), g.SA, pct(g.SAPct())}
}

// basisFields are the CSV's national-basis columns, JSON's national_basis
// (analysis.NationalBasis) in the CSV's one table.
var basisFields = []string{"year11_sessions_left_out", "year11_pupils", "year11_undated_pupils"}

// Row kinds in the summary's machine output: the whole cohort's total, a
// group, a benchmark (national or other published figures).
const (
	rowTotal     = "total"
	rowGroup     = "group"
	rowBenchmark = "benchmark"
	// rowCompulsory is the pupils aged 5 to 15 (cohort.Group.Compulsory):
	// the cohort the national figures cover.
	rowCompulsory = "compulsory_age"
)

// compulsoryRow is the summary's aged-5-to-15 row, or nil when the total
// is already that cohort.
func compulsoryRow(groups []cohort.Group) *cohort.Group {
	if len(groups) == 0 || !xlIsTotal(groups[0]) {
		return nil
	}
	return groups[0].Compulsory
}

// rowKind is a group's kind: the total is the first row Summarise gives.
func rowKind(i int, g cohort.Group) string {
	if i == 0 && xlIsTotal(g) {
		return rowTotal
	}
	return rowGroup
}

// CohortCSV writes the cohort summary with one column per --by dimension,
// the figures, whether they are suppressed (suppressed figures are empty
// cells, never a number that could be summed), and each row's kind
// (row_kind: total, group or benchmark), so that a filter on the groups
// does not count the total or the national figures as a group.
// Last come the national basis (basisFields) on the total row: the Year 11
// sessions left out from the spring bank holiday, as DfE's statistics leave
// them out, the Year 11 pupils they were left out of, and those known only
// by counts without dates, from whom nothing could be left out; so a file
// shared on its own still says how its figures were counted.
func CohortCSV(w io.Writer, by []string, groups []cohort.Group, benchmarks []cohort.Benchmark) error {
	cw := csv.NewWriter(w)
	var head []string
	for _, d := range dimNames(by) {
		head = append(head, Neutralise(d))
	}
	head = append(head, cohortFields...)
	head = append(head, "suppressed", "row_kind")
	head = append(head, basisFields...)
	if err := cw.Write(head); err != nil {
		return err
	}
	write := func(row []string, g cohort.Group, kind string) error {
		for _, v := range groupValues(g) {
			if g.Suppressed {
				row = append(row, "")
			} else {
				row = append(row, formatCell(v))
			}
		}
		row = append(row, strconv.FormatBool(g.Suppressed), kind)
		// The national basis is the whole cohort's, on its total row only
		// (as JSON's national_basis): a group's own count of Year 11
		// pupils could single out a few children of a small cross-tab,
		// and a total under --suppress-below shows nothing.
		if kind == rowTotal && !g.Suppressed {
			return cw.Write(append(row, strconv.Itoa(g.LeftOut), strconv.Itoa(g.Year11), strconv.Itoa(g.Undated)))
		}
		return cw.Write(append(row, "", "", ""))
	}
	for i, g := range groups {
		if err := write(keyCells(g, by, Neutralise), g, rowKind(i, g)); err != nil {
			return err
		}
	}
	if c := compulsoryRow(groups); c != nil {
		row := make([]string, len(dimNames(by)))
		row[0] = c.Key[0]
		if err := write(row, *c, rowCompulsory); err != nil {
			return err
		}
	}
	for _, b := range benchmarks {
		row := make([]string, len(dimNames(by)))
		row[0] = Neutralise(b.Name)
		row = append(row, "", "", bmCell(b.Overall), bmCell(b.Authorised), bmCell(b.Unauthorised), "", bmCell(b.Persistent), "", bmCell(b.Severe), "false", rowBenchmark, "", "", "")
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func dimNames(by []string) []string {
	if len(by) == 0 {
		return []string{"group"}
	}
	return by
}

// keyCells is a group's key, one cell per dimension, each made safe by clean
// (Neutralise for a spreadsheet, Term for a terminal).
func keyCells(g cohort.Group, by []string, clean func(string) string) []string {
	cells := make([]string, len(dimNames(by)))
	for i := range cells {
		if i < len(g.Key) {
			cells[i] = clean(g.Key[i])
		}
	}
	if g.Key[0] == "All pupils" && len(by) > 1 {
		for i := 1; i < len(cells); i++ {
			cells[i] = ""
		}
	}
	return cells
}

// CohortJSON writes the cohort summary as an object with the groups (the
// total first, each with its row_kind) and the benchmarks apart;
// suppressed figures are null.
func CohortJSON(w io.Writer, by []string, groups []cohort.Group, benchmarks []cohort.Benchmark, meta Meta) error {
	type groupJSON map[string]any
	var gs []groupJSON
	add := func(g cohort.Group, kind string) {
		m := groupJSON{"group": g.Key, "suppressed": g.Suppressed, "row_kind": kind}
		for i, v := range groupValues(g) {
			if g.Suppressed {
				m[cohortFields[i]] = nil
			} else {
				m[cohortFields[i]] = v
			}
		}
		gs = append(gs, m)
	}
	for i, g := range groups {
		add(g, rowKind(i, g))
	}
	if c := compulsoryRow(groups); c != nil {
		add(*c, rowCompulsory)
	}
	if benchmarks == nil {
		benchmarks = []cohort.Benchmark{}
	}
	basis := map[string]any{"rule": analysis.NationalBasis, "year11_sessions_left_out": 0, "year11_pupils": 0, "year11_undated_pupils": 0}
	if len(groups) > 0 && xlIsTotal(groups[0]) {
		t := groups[0]
		basis["year11_sessions_left_out"], basis["year11_pupils"], basis["year11_undated_pupils"] = t.LeftOut, t.Year11, t.Undated
		if t.Suppressed {
			// As the CSV's total row: a withheld cohort's count of Year
			// 11 pupils could single out a child.
			basis["year11_sessions_left_out"], basis["year11_pupils"], basis["year11_undated_pupils"] = nil, nil, nil
		}
	}
	doc := map[string]any{"tool": "attendrisk", "version": meta.Version, "as_of": meta.AsOf, "by": dimNames(by),
		"groups": gs, "benchmarks": benchmarks, "national_basis": basis,
		"note": "Group figures are summed sessions, not averaged rates. " + Disclaimer}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// CohortTable writes the cohort summary for the terminal: counts with
// thousands separators and every figure right-aligned. tiers, the rules'
// tier names highest first, put a tier dimension in tier order rather than
// alphabetical (nil: the order given).
func CohortTable(w io.Writer, by []string, groups []cohort.Group, benchmarks []cohort.Benchmark, tiers []string) error {
	g := &grid{}
	dims := dimNames(by)
	keys := make([]*gridCol, len(dims))
	for i, t := range titles(dims) {
		keys[i] = g.col(t, false, 0, 0)
	}
	var nums []*gridCol
	for _, h := range []string{"Pupils", "Possible", "Absence", "Auth", "Unauth", "PA", "SA"} {
		nums = append(nums, g.col(h, true, 0, 0))
	}
	pc := func(x float64) string { return strconv.FormatFloat(pct(x), 'f', 1, 64) + "%" }
	add := func(cells []string, gr cohort.Group) {
		for i, k := range cells {
			keys[i].add(k)
		}
		f := gr.Figures
		vals := []string{thousands(gr.Pupils), thousands(f.Possible), pc(f.Pct(f.Absent())), pc(f.Pct(f.Authorised)),
			pc(f.Pct(f.Unauthorised)), pc(gr.PAPct()), pc(gr.SAPct())}
		for i, c := range nums {
			if gr.Suppressed {
				c.add(Suppressed)
			} else {
				c.add(vals[i])
			}
		}
	}
	for _, gr := range tierOrder(by, groups, tiers) {
		add(keyCells(gr, by, Term), gr)
	}
	if c := compulsoryRow(groups); c != nil {
		cells := make([]string, len(keys))
		cells[0] = c.Key[0]
		add(cells, *c)
	}
	for _, bm := range benchmarks {
		for i, k := range keys {
			if i == 0 {
				k.add(Term(bm.Name))
			} else {
				k.add("")
			}
		}
		for i, v := range []string{"", "", bmPc(bm.Overall), bmPc(bm.Authorised), bmPc(bm.Unauthorised), bmPc(bm.Persistent), bmPc(bm.Severe)} {
			nums[i].add(v)
		}
	}
	var b strings.Builder
	// Every column is kept: a summary is short, and each figure matters.
	g.render(&b, 1<<20)
	b.WriteString("Absence rates are summed sessions over possible sessions; PA and SA are the shares of pupils\n")
	b.WriteString("persistently (10%+) and severely (50%+) absent. c: fewer pupils than --suppress-below, or\n")
	b.WriteString("withheld with such a group so that it cannot be worked out from the total.\n")
	if note := NationalNote(groups); note != "" {
		b.WriteString(wrapWords(note, 96))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// tierOrder sorts the groups (after the All pupils total) so that a tier
// dimension runs highest tier first; the other dimensions keep the order
// they came in, and a tier the rules do not name goes last.
func tierOrder(by []string, groups []cohort.Group, tiers []string) []cohort.Group {
	col := slices.Index(by, "tier")
	if col < 0 || len(tiers) == 0 || len(groups) < 2 {
		return groups
	}
	out := slices.Clone(groups)
	start := 0
	if xlIsTotal(out[0]) {
		start = 1
	}
	rest := out[start:]
	// first[i][v] is where key value v of dimension i first appears.
	first := make([]map[string]int, len(by))
	for i := range first {
		first[i] = map[string]int{}
	}
	for n, gr := range rest {
		for i, k := range gr.Key {
			if _, ok := first[i][k]; !ok && i < len(first) {
				first[i][k] = n
			}
		}
	}
	rank := func(i int, k string) int {
		if i == col {
			if t := slices.Index(tiers, k); t >= 0 {
				return t
			}
			return len(tiers)
		}
		return first[i][k]
	}
	slices.SortStableFunc(rest, func(x, y cohort.Group) int {
		for i := range min(len(x.Key), len(y.Key), len(by)) {
			if d := rank(i, x.Key[i]) - rank(i, y.Key[i]); d != 0 {
				return d
			}
		}
		return 0
	})
	return out
}

func titles(dims []string) []string {
	out := make([]string, len(dims))
	for i, d := range dims {
		out[i] = Term(strings.ReplaceAll(strings.TrimPrefix(d, "context."), "_", " "))
	}
	return out
}

// bmCell is a benchmark rate for CSV: empty where the source publishes none.
func bmCell(v float64) string {
	if v < 0 {
		return ""
	}
	return formatCell(v)
}

// bmPc is a benchmark rate for the terminal: "-" where the source publishes
// none (a gap, not a zero).
func bmPc(v float64) string {
	if v < 0 {
		return "-"
	}
	return strconv.FormatFloat(pct(v), 'f', 1, 64) + "%"
}

// NationalNote says, when it made a difference, that the summary is counted
// as DfE's statistics are (analysis.NationalBasis): Year 11's sessions from
// the spring bank holiday to 31 July left out, so that its persistent and
// severe absence compare with the national figures. "" when nothing was
// left out and nothing had to be.
func NationalNote(groups []cohort.Group) string {
	if len(groups) == 0 || !xlIsTotal(groups[0]) {
		return ""
	}
	t := groups[0]
	var parts []string
	if t.Suppressed {
		// A withheld cohort's counts stay withheld here too: the rule is
		// said, not how many pupils it touched.
		if t.Compulsory != nil {
			parts = append(parts, "The national figures cover pupils aged 5 to 15 on 31 August; pupils outside that age are in All pupils but not in the "+cohort.CompulsoryKey+" row.")
		}
		if t.LeftOut > 0 || t.Undated > 0 {
			parts = append(parts, "Counted as DfE's statistics are, to compare with the national figures: Year 11's sessions from the spring bank holiday to 31 July are left out. The pupil list (analyse) counts every session.")
		}
		return strings.Join(parts, " ")
	}
	if t.Compulsory != nil {
		parts = append(parts, fmt.Sprintf("The national figures cover pupils aged 5 to 15 on 31 August: %s outside that age (nursery, Reception, "+
			"the sixth form; by date of birth, else year group) %s in All pupils but not in the %s row, which is the one to compare with them.",
			N(t.Outside, "pupil"), map[bool]string{true: "is", false: "are"}[t.Outside == 1], cohort.CompulsoryKey))
	}
	if t.LeftOut > 0 {
		parts = append(parts, fmt.Sprintf("Counted as DfE's statistics are, to compare with the national figures: Year 11's "+
			"sessions from the spring bank holiday to 31 July are left out (%s of %s). The pupil list (analyse) counts every session.",
			N(t.LeftOut, "possible session"), N(t.Year11, "pupil")))
	}
	if t.Undated > 0 {
		parts = append(parts, fmt.Sprintf("%s in Year 11 %s counts without dates, so the sessions after the spring bank holiday could not be left out.",
			N(t.Undated, "pupil"), map[bool]string{true: "has", false: "have"}[t.Undated == 1]))
	}
	return strings.Join(parts, " ")
}
