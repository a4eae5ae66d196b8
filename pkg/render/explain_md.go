package render

import (
	"fmt"
	"io"
	"strings"
)

// ExplainMarkdown writes pages as Markdown, pages separated by a rule.
// Every text from a file goes through mdEscape, so a name cannot become a
// link, an image, a table cell or HTML.
func ExplainMarkdown(w io.Writer, pages []*ExplainPage, meta PackMeta) error {
	e := mdEscape
	for i, pg := range pages {
		if i > 0 {
			fmt.Fprint(w, "\n---\n\n")
		}
		fmt.Fprintf(w, "# %s (%s)\n\n", e(pg.Name), e(pg.ID))
		if d := pg.Details(); len(d) > 0 {
			fmt.Fprintf(w, "%s  \n", e(strings.Join(d, " · ")))
		}
		fmt.Fprintf(w, "Position %d of %d on the list", pg.Rank, pg.Of)
		if pg.Rules {
			fmt.Fprintf(w, " · tier **%s**, score %d", e(pg.Tier), pg.Score)
		}
		fmt.Fprintf(w, "\n\n_%s_\n\n", pg.Disclaimer)
		f := pg.Figures
		fmt.Fprint(w, "## Figures\n\n| | sessions | % |\n|---|--:|--:|\n")
		fmt.Fprintf(w, "| possible sessions | %d | |\n| present | %d | |\n| approved activity | %d | |\n", f.Possible, f.Present, f.AEA)
		fmt.Fprintf(w, "| authorised absence | %d | %.1f%% |\n| unauthorised absence | %d | %.1f%% |\n", f.Authorised, f.AuthorisedPct, f.Unauthorised, f.UnauthorisedPct)
		fmt.Fprintf(w, "| **absence** | **%d** | **%.1f%%** |\n", f.Absent, f.AbsencePct)
		if f.Missing > 0 {
			fmt.Fprintf(w, "| missing marks (not counted as absence) | %d | |\n", f.Missing)
		}
		fmt.Fprintln(w)
		if f.Band != "" {
			fmt.Fprintf(w, "**%s**\n\n", f.Band)
		}
		fmt.Fprintf(w, "Codes: %s  \n", e(strings.Join(pg.Codes, ", ")))
		fmt.Fprintf(w, "Absence by cause: %s  \n", pg.causes())
		fmt.Fprintf(w, "Compulsory school age: %s (decided from %s)  \n", e(pg.AgeStatus), e(pg.AgeBasis))
		fmt.Fprintf(w, "Support state: %s\n\n", e(pg.support()))
		for _, r := range pg.Roll {
			fmt.Fprintf(w, "- %s\n", e(r))
		}
		if len(pg.Roll) > 0 {
			fmt.Fprintln(w)
		}
		if g := pg.Grid; g != nil {
			fmt.Fprint(w, "## Marks week by week\n\n| Week of |")
			for _, d := range Days {
				fmt.Fprintf(w, " %s AM | %s PM |", d, d)
			}
			fmt.Fprint(w, " Absent | Actions |\n|---|")
			fmt.Fprint(w, strings.Repeat("---|", 10))
			fmt.Fprint(w, "--:|---|\n")
			for _, r := range g.Rows {
				fmt.Fprintf(w, "| %s |", e(r.Label))
				if r.Week {
					for _, c := range r.Cells {
						if c.Absent {
							fmt.Fprintf(w, " **%s** |", e(c.Code))
						} else {
							fmt.Fprintf(w, " %s |", e(c.Code))
						}
					}
					fmt.Fprintf(w, " %d |", r.Absent)
				} else {
					fmt.Fprint(w, strings.Repeat(" |", 11))
				}
				fmt.Fprintf(w, " %s |\n", e(strings.Join(r.Actions, "; ")))
			}
			fmt.Fprint(w, "\nAM and PM marks for each day; . no mark; absent sessions in bold.\n\n")
		}
		if !pg.Rules {
			fmt.Fprint(w, "No rules were applied.\n\n")
		} else {
			fmt.Fprintf(w, "## Factors that apply (rules: %s, version %s)\n\n", e(pg.RulesName), e(pg.RulesVer))
			if len(pg.Fired) == 0 {
				fmt.Fprint(w, "None.\n")
			}
			for _, ff := range pg.Fired {
				fmt.Fprintf(w, "- **%s%d** %s (%s, %s)\n", ff.Sign, ff.Weight, e(ff.Label), e(ff.ID), e(ff.Group))
				for _, ev := range ff.Evidence {
					fmt.Fprintf(w, "  - evidence: %s\n", e(ev))
				}
				fmt.Fprintf(w, "  - rule: %s\n  - source: %s\n", e(ff.When), e(ff.Source))
			}
			fmt.Fprintf(w, "\n**Score:** %s\n\n", e(pg.ScoreLine()))
			fmt.Fprint(w, "## Suggested next steps, in order (for a professional to consider)\n\n")
			if len(pg.Steps) == 0 {
				fmt.Fprint(w, "None.\n")
			}
			for _, s := range pg.Steps {
				fmt.Fprintf(w, "%d. %s  \n   because: %s; source: %s\n", s.N, e(s.Text), e(s.Because), e(s.Source))
			}
			fmt.Fprintln(w)
			if len(pg.Sources) > 0 || len(pg.LocalChoices) > 0 {
				fmt.Fprint(w, "## Sources\n\n")
				for _, s := range pg.Sources {
					fmt.Fprintf(w, "- %s", e(s.Title))
					if s.URL != "" {
						fmt.Fprintf(w, " (%s)", e(s.URL))
					}
					fmt.Fprintln(w)
					for _, sec := range s.Sections {
						fmt.Fprintf(w, "  - %s: %s\n", e(sec.Label), e(sec.Why))
					}
				}
				for _, l := range pg.LocalChoices {
					fmt.Fprintf(w, "- local choice (no document sets it): %s: %s\n", e(l.ID), e(l.Why))
				}
				fmt.Fprintln(w)
			}
			fmt.Fprint(w, "## Factors that do not apply\n\n")
			for _, r := range pg.NotApplying {
				fmt.Fprintf(w, "- %s", e(r.ID))
				if r.Label != "" {
					fmt.Fprintf(w, ": %s", e(r.Label))
				}
				if r.Why != "" {
					fmt.Fprintf(w, " — %s", e(r.Why))
				}
				fmt.Fprintln(w)
			}
			fmt.Fprint(w, "\n## Steps not suggested, and why\n\n")
			if len(pg.NotSuggested) == 0 {
				fmt.Fprint(w, "None.\n")
			}
			for _, r := range pg.NotSuggested {
				fmt.Fprintf(w, "- %s: %s\n", e(r.ID), e(r.Why))
			}
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s\n", e(meta.footer(pg)))
	}
	return nil
}
