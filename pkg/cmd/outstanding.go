package cmd

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/render"
)

// NewCmdOutstanding builds `attendrisk outstanding`.
func NewCmdOutstanding(f *Factory) *cobra.Command {
	opts := &AnalyseOptions{IO: f.IO, now: f.Now, MinSessions: metrics.DefaultMinSessions}
	var tier string
	c := &cobra.Command{
		Use:   "outstanding [flags] FILE...",
		Short: "Follow-ups that are due: overdue reviews, unresolved N codes, flagged pupils with no action",
		Long: `List the follow-ups due on the last day of the data: reviews in the actions
log (--actions, its Review date column) past their date with nothing of that
kind recorded since, N codes not resolved within 5 school days, part-time
timetables (C2) with no review date in the log, and pupils in --tier or above
with no action recorded at all. Oldest due first.`,
		Example: `  $ attendrisk outstanding register.csv --actions actions.csv
  $ attendrisk outstanding register.csv --actions actions.csv --tier high -o due.csv`,
		Args: needFiles,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Files = args
			opts.layoutSet = c.Flags().Changed("layout")
			if err := opts.validate(); err != nil {
				return err
			}
			if opts.Format != "table" && opts.Format != "csv" {
				return usagef("outstanding writes table or csv, not %s", opts.Format)
			}
			return outstandingRun(c.Context(), opts, tier)
		},
	}
	addInputFlags(c, opts)
	addRulesFlags(c, opts)
	fl := c.Flags()
	fl.StringVar(&tier, "tier", "medium", "pupils in this tier or above with no recorded action are listed (with --actions)")
	fl.StringVar(&opts.Format, "format", "", "output format: table or csv (default: from the -o extension, else table)")
	fl.StringVarP(&opts.Output, "output", "o", "", "write to this file (created private to you) instead of stdout")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "do not print the data-quality account to stderr")
	return c
}

func outstandingRun(ctx context.Context, o *AnalyseOptions, tier string) error {
	prep, err := analysis.Prepare(o.input())
	if err != nil {
		return err
	}
	if prep.Rules.TierIndex(tier) < 0 {
		return usagef("--tier %q: not a tier of the rules", tier)
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
	items := res.Outstanding(tier)
	if o.Actions == "" {
		// Without the log only the register's own follow-ups can be found;
		// "Nothing outstanding" alone would read as all clear.
		fmt.Fprintln(o.IO.ErrOut, "attendrisk: no --actions log given: only unresolved N codes (and leavers and severely absent pupils with no plan) were checked; overdue reviews, part-time timetable reviews and pupils with no recorded action need the log")
	}
	write := func(w io.Writer) error {
		if o.Format == "csv" {
			return render.OutstandingCSV(w, items)
		}
		return render.OutstandingTable(w, items)
	}
	return o.emit(ctx, write, render.N(len(items), "item"))
}
