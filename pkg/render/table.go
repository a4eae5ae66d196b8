package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/compare"
)

// TableOptions shape the terminal table.
type TableOptions struct {
	Top int // 0 means every pupil
	// Changes since an earlier run, shown first.
	Changes  []compare.Change
	Compared string
}

// Table writes the pupils worst first as a table that fits in 100 columns.
func Table(w io.Writer, res *analysis.Result, opts TableOptions) error {
	s := Summarise(res)
	period := "summary counts (no dates)"
	if res.From != 0 {
		period = ukDate(res.From) + " to " + ukDate(res.To)
	}
	if groups := len(res.All) - s.Pupils; groups > 0 {
		fmt.Fprintf(w, "%s: %d group rows (school or area totals), not summed across groups\n", period, groups)
	}
	if s.Pupils > 0 {
		fmt.Fprintf(w, "%s: %s, absence %.2f%% (authorised %.2f%%, unauthorised %.2f%%)\n",
			period, N(s.Pupils, "pupil"), s.AbsencePct, s.AuthorisedPct, s.UnauthorisedPct)
		fmt.Fprintf(w, "persistent absence (10%%+): %s (%.1f%%); severe absence (50%%+): %s (%.1f%%)\n",
			N(s.PersistentAbsentees, "pupil"), s.PersistentAbsencePct, N(s.SevereAbsentees, "pupil"), s.SevereAbsencePct)
	}
	fmt.Fprintln(w)
	if opts.Compared != "" {
		fmt.Fprintf(w, "Changes since %s:\n", Term(opts.Compared))
		kinds, by := groupChanges(opts.Changes)
		if len(kinds) == 0 {
			fmt.Fprintln(w, "  none")
		}
		for _, k := range kinds {
			fmt.Fprintf(w, "  %s (%d)\n", changeTitles[k], len(by[k]))
			for _, c := range by[k] {
				fmt.Fprintf(w, "    %s: %s -> %s\n", Term(c.ID), Term(c.Before), Term(c.After))
			}
		}
		fmt.Fprintln(w)
	}

	withRules := res.Rules != nil
	opts2 := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
	}
	var header []string
	if withRules {
		// The reasons column wraps, so a row can be several lines tall and
		// the table still fits in 100 columns.
		opts2 = append(opts2,
			tablewriter.WithColumnWidths(tw.NewMapper[int, int]().Set(1, 15).Set(2, 16).Set(6, 31)),
			tablewriter.WithAlignment(tw.Alignment{tw.AlignRight, tw.AlignLeft, tw.AlignLeft,
				tw.AlignRight, tw.AlignLeft, tw.AlignRight, tw.AlignLeft}))
		header = []string{"#", "Pupil", "Name", "Abs%", "Tier", "Score", "Factors (+ protective)"}
	} else {
		opts2 = append(opts2, tablewriter.WithAlignment(tw.Alignment{tw.AlignRight, tw.AlignLeft, tw.AlignLeft, tw.AlignLeft,
			tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft}))
		header = []string{"#", "Pupil", "Name", "Year", "Poss", "Abs%", "Auth", "Unauth", "Miss", "Flag"}
	}
	t := tablewriter.NewTable(w, opts2...)
	t.Header(header)
	n := len(res.Pupils)
	if opts.Top > 0 && opts.Top < n {
		n = opts.Top
	}
	for i, p := range res.Pupils[:n] {
		f := p.Figures
		flag := ""
		switch {
		case !f.Assessable():
			flag = "n/a"
		case p.Aggregate:
			flag = "group row"
		case p.SA():
			flag = "SA"
		case p.PA():
			flag = "PA"
		}
		abs := "-"
		if f.Assessable() {
			abs = strconv.FormatFloat(pct(f.Pct(f.Absent())), 'f', 1, 64) + "%"
		}
		name := Term(pupilName(p))
		id := Term(p.ID)
		var row []string
		if withRules {
			why := flag
			if p.Outcome != nil {
				var ids []string
				for _, fd := range p.Outcome.Fired {
					id := fd.Factor.ID
					if fd.Factor.Kind == "protective" {
						id = "+" + id // protective: lowers the score
					}
					ids = append(ids, id)
				}
				if len(ids) > 0 {
					why = strings.Join(ids, ", ")
				}
			}
			tier := ""
			score := ""
			if p.Outcome != nil {
				tier, score = p.Outcome.Tier, strconv.Itoa(p.Outcome.Score)
			}
			row = []string{strconv.Itoa(i + 1), clip(id, 13), clip(name, 14), abs, Term(tier), score, Term(why)}
		} else {
			row = []string{strconv.Itoa(i + 1), clip(id, 13), clip(name, 16), clip(Term(p.Info.YearGroup), 4),
				strconv.Itoa(f.Possible), abs, strconv.Itoa(f.Authorised), strconv.Itoa(f.Unauthorised), strconv.Itoa(f.Missing), flag}
		}
		if err := t.Append(row); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	if n < len(res.Pupils) {
		fmt.Fprintf(w, "... %d more pupils (--top 0 shows all, --format csv for a spreadsheet)\n", len(res.Pupils)-n)
	}
	if res.Rules == nil {
		fmt.Fprintln(w, "Flag: SA severe absence (50%+), PA persistent absence (10%+), n/a no possible sessions")
	}
	if res.Rules != nil {
		fmt.Fprintln(w, "Each pupil's evidence and next steps: attendrisk explain PUPIL_ID FILE...")
		fmt.Fprintf(w, "rules: %s, version %s (%s)\n", Term(res.Rules.Name), Term(res.Rules.Version), shortHash(res.Rules.Hash))
	}
	fmt.Fprintln(w, "Attendance indicators for professional review. They are not findings of neglect")
	fmt.Fprintln(w, "or of any other concern about a child or family.")
	return nil
}

func ukDate(d interface{ UK() string }) string { return d.UK() }

// clip shortens text to n characters with an ellipsis, by runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func shortHash(h string) string {
	if len(h) > 19 {
		return h[:19]
	}
	return h
}
