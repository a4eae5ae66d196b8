package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/render"
	"github.com/attendrisk/attendrisk/pkg/version"
)

// NewCmdExplain builds `attendrisk explain`.
func NewCmdExplain(f *Factory) *cobra.Command {
	opts := &AnalyseOptions{IO: f.IO, now: f.Now, MinSessions: metrics.DefaultMinSessions}
	var format, output string
	var ids []string
	isPack := func(c *cobra.Command) bool {
		return c.Flags().Changed("tier") || c.Flags().Changed("top") || c.Flags().Changed("pupils")
	}
	c := &cobra.Command{
		Use:   "explain [flags] PUPIL_ID FILE...",
		Short: "One child's page: figures, the marks week by week, each factor with its evidence, the score and next steps",
		Long: `Explain why a pupil is where they are on the list: the figures, a
week-by-week view of the marks, every factor that fired with the evidence that
made it true (and the ones that did not), the score arithmetic and tier, and
each next step with the rule behind it.

With --tier, --top or --pupils, every argument is a register file and the
output is a meeting pack: one page per pupil, in list order (--pupils: in the
order given). --format html prints one child per A4 page.

Give the same files, --rules and --context as the analyse run being explained.`,
		Example: `  $ attendrisk explain A123456789012 autumn.csv spring.csv --context context.csv

  # a local id that two schools share: name the school, SCHOOL:ID
  $ attendrisk explain "Oak Primary:1001" authority/

  # a meeting pack: every pupil in tier high or above, one per printed page
  $ attendrisk explain --tier high register.csv --context context.csv -o pack.html`,
		Args: func(c *cobra.Command, args []string) error {
			if isPack(c) && len(args) < 1 {
				return usagef("explain needs at least one register file")
			}
			if !isPack(c) && len(args) < 2 {
				return usagef("explain needs a pupil id and at least one register file (or --tier, --top or --pupils for a pack)")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			if !isPack(c) {
				ids, args = []string{args[0]}, args[1:]
			} else if len(ids) > 0 && (opts.Tier != "" || c.Flags().Changed("top")) {
				return usagef("--pupils cannot be combined with --tier or --top")
			}
			opts.Files = args
			opts.Format = "table"
			opts.layoutSet = c.Flags().Changed("layout")
			if err := opts.validate(); err != nil {
				return err
			}
			dir := strings.HasSuffix(output, "/") || strings.HasSuffix(output, string(filepath.Separator)) || isDir(output)
			if dir {
				// A folder pack: one HTML page per pupil and an index.
				if format != "" && format != "html" {
					return usagef("-o %s is a folder: a folder pack is HTML (--format html), one page per pupil", output)
				}
				return explainRun(c.Context(), opts, ids, "dir", output)
			}
			fm, err := explainFormat(format, output)
			if err != nil {
				return err
			}
			if output != "" {
				if err := render.CheckOutput(output, opts.inputs()); err != nil {
					return err
				}
			}
			return explainRun(c.Context(), opts, ids, fm, output)
		},
	}
	addInputFlags(c, opts)
	addRulesFlags(c, opts)
	fl := c.Flags()
	fl.StringVar(&format, "format", "", "output format: text, md or html (default: from the -o extension, else text)")
	fl.StringVarP(&output, "output", "o", "", "write to this file (created private to you) instead of stdout")
	fl.StringVar(&opts.Tier, "tier", "", "a pack of every pupil in this tier or above")
	fl.IntVar(&opts.Top, "top", 0, "a pack of the first N pupils of the list (with --tier: of that tier and above)")
	fl.StringSliceVar(&ids, "pupils", nil, "a pack of these pupils, in this order (ids or SCHOOL:ID, comma-separated or repeated)")
	fl.StringVar(&opts.AsOf, "as-of", "", "date printed on the pack as the day it was prepared (default: today)")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "do not say on stderr what was written")
	return c
}

// explainFormat decides explain's output format: --format, else the -o
// extension, else text. explain keeps its own short list (pages for
// people), apart from analyse's formats.
func explainFormat(format, output string) (string, error) {
	if format == "" {
		format = "text"
		if output != "" {
			switch strings.ToLower(filepath.Ext(output)) {
			case ".html", ".htm":
				format = "html"
			case ".md", ".markdown":
				format = "md"
			case ".txt":
				format = "text"
			default:
				return "", usagef("cannot tell the format from -o %q: use a .html, .md or .txt name, or --format", output)
			}
		}
	}
	switch format {
	case "text", "md", "html":
		return format, nil
	case "markdown":
		return "md", nil
	case "txt":
		return "text", nil
	}
	return "", usagef("--format %q: expected text, md or html", format)
}

func explainRun(ctx context.Context, o *AnalyseOptions, ids []string, format, output string) error {
	prep, err := analysis.Prepare(o.input())
	if err != nil {
		return err
	}
	if o.Tier != "" && prep.Rules.TierIndex(o.Tier) < 0 {
		names := make([]string, len(prep.Rules.Tiers))
		for i, t := range prep.Rules.Tiers {
			names[i] = t.Name
		}
		return usagef("--tier %q: the rules have the tiers %s", o.Tier, strings.Join(names, ", "))
	}
	res, err := prep.Run(ctx)
	if err != nil {
		return err
	}
	if err := usable(res); err != nil {
		// The message points at the account: show it.
		render.Quality(o.IO.ErrOut, res.Quality)
		return err
	}
	// Each page gives the pupil's place on the whole list, whatever the
	// pack's selection.
	rank := map[*analysis.Pupil]int{}
	for i, p := range res.Pupils {
		rank[p] = i + 1
	}
	of := len(res.Pupils)
	var chosen []*analysis.Pupil
	if len(ids) > 0 {
		seen := map[*analysis.Pupil]bool{}
		for _, id := range ids {
			// Pupil ids are held in canonical form (a1 is A1); a school
			// or area row's name as written.
			p, _, err := findPupil(res, id, o.Files)
			if err != nil {
				return err
			}
			if !seen[p] {
				seen[p] = true
				chosen = append(chosen, p)
			}
		}
	} else {
		if o.Tier != "" {
			res.FilterTier(o.Tier)
		}
		if o.Top > 0 {
			res.Limit(o.Top)
		}
		chosen = res.Pupils
	}
	pages := make([]*render.ExplainPage, len(chosen))
	for i, p := range chosen {
		pages[i] = render.BuildExplainPage(res, p, rank[p], of, o.MinSessions)
	}
	meta := render.PackMeta{AsOf: register.DayFromTime(o.asOf).UK(), Version: version.String()}
	write := func(w io.Writer) error {
		switch format {
		case "html":
			return render.ExplainHTML(w, pages, meta)
		case "md":
			return render.ExplainMarkdown(w, pages, meta)
		}
		return render.ExplainText(w, pages)
	}
	if output == "" {
		return write(o.IO.Out)
	}
	if format == "dir" {
		if err := render.WritePackDir(ctx, output, o.inputs(), pages, meta); err != nil {
			return err
		}
		if !o.Quiet {
			fmt.Fprintf(o.IO.ErrOut, "wrote %s and index.html to %s\n", render.N(len(pages), "pupil page"), output)
		}
		return nil
	}
	if err := render.WriteFile(ctx, output, o.inputs(), write); err != nil {
		return err
	}
	if !o.Quiet {
		fmt.Fprintf(o.IO.ErrOut, "wrote %s to %s\n", render.N(len(pages), "pupil page"), output)
	}
	return nil
}

// findPupil selects the pupil to explain: by id, or by SCHOOL:ID when a
// local id (an admission number) belongs to pupils at several schools.
// rank is the pupil's 1-based place on the list.
func findPupil(res *analysis.Result, id string, files []string) (*analysis.Pupil, int, error) {
	match := func(school, id string) (ps []*analysis.Pupil, ranks []int) {
		canon := register.CanonicalID(id)
		for i, q := range res.Pupils {
			if (q.ID == id || q.ID == canon) && (school == "" || strings.EqualFold(q.Info.School, school) || inSchools(q, school)) {
				ps, ranks = append(ps, q), append(ranks, i+1)
			}
		}
		return ps, ranks
	}
	ps, ranks := match("", id)
	if len(ps) == 0 {
		if i := strings.LastIndexByte(id, ':'); i > 0 {
			ps, ranks = match(strings.TrimSpace(id[:i]), strings.TrimSpace(id[i+1:]))
		}
	}
	switch len(ps) {
	case 0:
		return nil, 0, fmt.Errorf("no pupil with id %q in %s", id, strings.Join(files, ", "))
	case 1:
		return ps[0], ranks[0], nil
	}
	var schools []string
	for _, p := range ps {
		schools = append(schools, strconvQuote(p.Info.School))
	}
	return nil, 0, usagef("pupil id %q belongs to pupils at %d schools (%s): name the school as SCHOOL:ID, e.g. %q", id, len(ps), strings.Join(schools, ", "), ps[0].Info.School+":"+ps[0].ID)
}

// inSchools reports whether a child at several schools is on one's roll.
func inSchools(p *analysis.Pupil, school string) bool {
	if rp := p.Marks(); rp != nil {
		for _, e := range rp.Enrolments() {
			if strings.EqualFold(e.Info.School, school) {
				return true
			}
		}
	}
	return false
}

// isDir reports whether path is an existing folder.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }
