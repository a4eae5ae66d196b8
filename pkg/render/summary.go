package render

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

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

// CohortCSV writes the cohort summary with one column per --by dimension.
func CohortCSV(w io.Writer, by []string, groups []cohort.Group, benchmarks []cohort.Benchmark) error {
	cw := csv.NewWriter(w)
	var head []string
	for _, d := range dimNames(by) {
		head = append(head, Neutralise(d))
	}
	head = append(head, cohortFields...)
	head = append(head, "suppressed")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, g := range groups {
		row := keyCells(g, by, Neutralise)
		for _, v := range groupValues(g) {
			if g.Suppressed {
				row = append(row, Suppressed)
			} else {
				row = append(row, formatCell(v))
			}
		}
		row = append(row, strconv.FormatBool(g.Suppressed))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	for _, b := range benchmarks {
		row := make([]string, len(dimNames(by)))
		row[0] = Neutralise(b.Name)
		row = append(row, "", "", formatCell(b.Overall), formatCell(b.Authorised), formatCell(b.Unauthorised), "", formatCell(b.Persistent), "", formatCell(b.Severe), "false")
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

// CohortJSON writes the cohort summary as an object with the groups and the
// benchmarks; suppressed figures are null.
func CohortJSON(w io.Writer, by []string, groups []cohort.Group, benchmarks []cohort.Benchmark, meta Meta) error {
	type groupJSON map[string]any
	var gs []groupJSON
	for _, g := range groups {
		m := groupJSON{"group": g.Key, "suppressed": g.Suppressed}
		for i, v := range groupValues(g) {
			if g.Suppressed {
				m[cohortFields[i]] = nil
			} else {
				m[cohortFields[i]] = v
			}
		}
		gs = append(gs, m)
	}
	if benchmarks == nil {
		benchmarks = []cohort.Benchmark{}
	}
	doc := map[string]any{"tool": "attendrisk", "version": meta.Version, "as_of": meta.AsOf, "by": dimNames(by),
		"groups": gs, "benchmarks": benchmarks, "note": "Group figures are summed sessions, not averaged rates. " + Disclaimer}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// CohortTable writes the cohort summary for the terminal.
func CohortTable(w io.Writer, by []string, groups []cohort.Group, benchmarks []cohort.Benchmark) error {
	t := tablewriter.NewTable(w, tablewriter.WithHeaderAutoFormat(tw.Off))
	head := append([]string{}, titles(dimNames(by))...)
	head = append(head, "Pupils", "Possible", "Absence", "Auth", "Unauth", "PA", "SA")
	t.Header(head)
	pc := func(x float64) string { return strconv.FormatFloat(pct(x), 'f', 1, 64) + "%" }
	for _, g := range groups {
		row := keyCells(g, by, Term)
		f := g.Figures
		if g.Suppressed {
			row = append(row, Suppressed, Suppressed, Suppressed, Suppressed, Suppressed, Suppressed, Suppressed)
		} else {
			row = append(row, strconv.Itoa(g.Pupils), strconv.Itoa(f.Possible), pc(f.Pct(f.Absent())), pc(f.Pct(f.Authorised)),
				pc(f.Pct(f.Unauthorised)), pc(g.PAPct()), pc(g.SAPct()))
		}
		if err := t.Append(row); err != nil {
			return err
		}
	}
	for _, b := range benchmarks {
		row := make([]string, len(dimNames(by)))
		row[0] = Term(b.Name)
		row = append(row, "", "", pc(b.Overall), pc(b.Authorised), pc(b.Unauthorised), pc(b.Persistent), pc(b.Severe))
		if err := t.Append(row); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	fmt.Fprintln(w, "Absence rates are summed sessions over possible sessions; PA and SA are the shares of pupils")
	fmt.Fprintln(w, "persistently (10%+) and severely (50%+) absent. c: fewer pupils than --suppress-below, or")
	fmt.Fprintln(w, "withheld with such a group so that it cannot be worked out from the total.")
	return nil
}

func titles(dims []string) []string {
	out := make([]string, len(dims))
	for i, d := range dims {
		out[i] = Term(strings.ReplaceAll(strings.TrimPrefix(d, "context."), "_", " "))
	}
	return out
}
