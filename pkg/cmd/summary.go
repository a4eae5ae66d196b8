package cmd

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/cohort"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/render"
	"github.com/attendrisk/attendrisk/pkg/version"
)

// NewCmdSummary builds `attendrisk summary`.
func NewCmdSummary(f *Factory) *cobra.Command {
	opts := &AnalyseOptions{IO: f.IO, now: f.Now, MinSessions: metrics.DefaultMinSessions, command: render.CmdSummary}
	var by string
	var suppress int
	c := &cobra.Command{
		Use:   "summary [flags] FILE...",
		Short: "Cohort summary by group, beside the national figures",
		Long: `Summarise the cohort, and each group of it: pupils, possible sessions,
overall, authorised and unauthorised absence, and persistent and severe
absence rates. Group figures are summed sessions, never averaged rates.
The national figures for England 2023/24 are shown beneath (overall 7.1%,
authorised 4.7%, unauthorised 2.5%, persistent 20.0%, severe 2.3%); give
--benchmarks FILE for others. The figures are counted as DfE's are, so
that they compare: Year 11's sessions from the spring bank holiday to 31
July are left out (a footnote says how many). The pupil list of analyse
counts every session.

Groups with fewer pupils than --suppress-below show "c" instead of figures,
as DfE does, and when only one group would be, the next smallest is too, so
that the total minus the groups shown never gives a suppressed group away.
In CSV and JSON a suppressed figure is empty (null) with suppressed=true,
and every row says what it is (row_kind: total, group or benchmark).
When the summary is written to a file (-o), the default is 5: files get
shared.`,
		Example: `  $ attendrisk summary register.csv --by year_group
  $ attendrisk summary register.csv --context context.csv --by year_group,context.free_school_meals
  $ attendrisk summary register.csv --by school -o summary.csv`,
		Args: needFiles,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Files = args
			opts.layoutSet = c.Flags().Changed("layout")
			if err := opts.validate(); err != nil {
				return err
			}
			if !c.Flags().Changed("suppress-below") && opts.Output != "" {
				suppress = 5
			}
			if suppress < 0 {
				return usagef("--suppress-below %d: expected 0 or more", suppress)
			}
			var dims []string
			for _, d := range strings.Split(by, ",") {
				if d = strings.TrimSpace(d); d != "" {
					dims = append(dims, d)
				}
			}
			return summaryRun(c.Context(), opts, dims, suppress)
		},
	}
	addInputFlags(c, opts)
	addRulesFlags(c, opts)
	addBenchmarkFlags(c, opts)
	fl := c.Flags()
	fl.StringVar(&by, "by", "", "group by these, comma-separated: year_group, reg_group, school, tier, context.<column>")
	fl.IntVar(&suppress, "suppress-below", 0, "show c for groups with fewer pupils than this (default 0, or 5 with -o)")
	fl.StringVar(&opts.Format, "format", "", render.FormatHelp(render.CmdSummary))
	fl.StringVarP(&opts.Output, "output", "o", "", "write to this file (created private to you) instead of stdout")
	fl.StringVar(&opts.AsOf, "as-of", "", "date recorded in the output as the run date (default: today)")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "do not print the data-quality account to stderr")
	completeFormats(c, render.CmdSummary)
	completeBy(c)
	return c
}

func summaryRun(ctx context.Context, o *AnalyseOptions, by []string, suppress int) error {
	prep, err := analysis.Prepare(o.input())
	if err != nil {
		return err
	}
	// --by is checked against the rules and the context before the
	// registers are read.
	if err := cohort.CheckDimensions(by, &analysis.Result{Rules: prep.Rules, Context: prep.Context}); err != nil {
		return &UsageError{err}
	}
	res, err := prep.Run(ctx)
	if err != nil {
		return err
	}
	if !o.Quiet {
		render.Quality(o.IO.ErrOut, res.Quality)
	}
	if err := usable(res); err != nil {
		return err
	}
	benchmarks, err := o.benchmarks(res)
	if err != nil {
		return err
	}
	groups := cohort.Summarise(res, by, suppress)
	meta := render.Meta{Version: version.String(), AsOf: register.DayFromTime(o.asOf).ISO()}
	c := &render.Cohort{By: by, Groups: groups, Benchmarks: benchmarks, Meta: meta}
	if res.Rules != nil {
		for _, t := range res.Rules.Tiers {
			c.Tiers = append(c.Tiers, t.Name)
		}
	}
	write := func(w io.Writer) error { return o.format.Summary(w, c) }
	return o.emit(ctx, write, render.N(len(groups), "group"))
}
