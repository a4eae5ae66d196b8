package render

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

// OutstandingCSV writes the outstanding follow-ups, one a row, every text
// cell neutralised against formula injection.
func OutstandingCSV(w io.Writer, items []analysis.Item) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"pupil_id", "surname", "forename", "year_group", "school", "tier", "kind", "due", "detail"})
	for _, it := range items {
		p := it.Pupil
		due := ""
		if it.Due != 0 {
			due = it.Due.ISO()
		}
		_ = cw.Write([]string{Neutralise(p.ID), Neutralise(p.Info.Surname), Neutralise(p.Info.Forename), Neutralise(p.Info.YearGroup),
			Neutralise(p.Info.School), outcome(p).Tier, it.Kind, due, Neutralise(it.Detail)})
	}
	cw.Flush()
	return cw.Error()
}

// OutstandingTable writes them for a terminal.
func OutstandingTable(w io.Writer, items []analysis.Item) error {
	if len(items) == 0 {
		_, err := fmt.Fprintln(w, "Nothing outstanding.")
		return err
	}
	fmt.Fprintf(w, "Outstanding follow-ups (%s)\n", N(len(items), "item"))
	// Items from several schools name each pupil's school: admission
	// number 1001 may be a pupil at each.
	schools := false
	for _, it := range items {
		schools = schools || it.Pupil.Info.School != items[0].Pupil.Info.School
	}
	for _, it := range items {
		p := it.Pupil
		name := strings.TrimSpace(p.Info.Forename + " " + p.Info.Surname)
		due := "now       "
		if it.Due != 0 {
			due = it.Due.UK()
		}
		school := ""
		if schools {
			school = runewidth.FillRight(Term(clip(p.Info.School, 20)), 20) + " "
		}
		fmt.Fprintf(w, "  %s  %-14s %-22s %s%-8s %s\n", due, Term(p.ID), Term(clip(name, 22)), school, outcome(p).Tier, Term(it.Detail))
	}
	return nil
}
