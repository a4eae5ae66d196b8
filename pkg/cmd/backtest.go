package cmd

import (
	"context"
	"errors"
	"io"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/render"
	"github.com/attendrisk/attendrisk/pkg/version"
)

// NewCmdBacktest builds `attendrisk backtest`.
func NewCmdBacktest(f *Factory) *cobra.Command {
	opts := &AnalyseOptions{IO: f.IO, now: f.Now, MinSessions: metrics.DefaultMinSessions}
	var at []string
	c := &cobra.Command{
		Use:   "backtest --at DATE [--at DATE...] [flags] FILE...",
		Short: "How good the flags were: the rules applied at a past date, compared with what followed",
		Long: `Apply the rules to the data up to each --at date (as a run with --to DATE
sees it: no later mark is read by the figures, patterns or rules) and compare
with the whole data: for each tier and each risk factor, how many pupils
selected at the date were persistently (10%+) or severely (50%+) absent by the
end of the data, how many who were had not been selected (missed), and how
many weeks of warning the flag gave. Pupils with too few sessions at the date
to be assessed are counted separately. Several --at dates give a curve.

This measures the rules against the school's own outcomes; it is not a
prediction about any child.`,
		Example: `  $ attendrisk backtest --at 01/11/2024 register.csv
  $ attendrisk backtest --at 2024-10-01 --at 2024-11-01 --at 2024-12-01 --rules local.yaml -o backtest.csv register.csv`,
		Args: needFiles,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Files = args
			opts.layoutSet = c.Flags().Changed("layout")
			if err := opts.validate(); err != nil {
				return err
			}
			if opts.Format != "table" && opts.Format != "csv" && opts.Format != "json" {
				return usagef("backtest writes table, csv or json, not %s", opts.Format)
			}
			if len(at) == 0 {
				return usagef("backtest needs --at DATE: the date the rules are applied at")
			}
			var days []register.Day
			for _, s := range at {
				d, err := flagDate("--at", s)
				if err != nil {
					return err
				}
				days = append(days, d)
			}
			return backtestRun(c.Context(), opts, days)
		},
	}
	addInputFlags(c, opts)
	addRulesFlags(c, opts)
	fl := c.Flags()
	fl.StringArrayVar(&at, "at", nil, "date the rules are applied at (dd/mm/yyyy or yyyy-mm-dd; repeatable for a curve)")
	fl.StringVar(&opts.Format, "format", "", "output format: table, csv or json (default: from the -o extension, else table)")
	fl.StringVarP(&opts.Output, "output", "o", "", "write to this file (created private to you) instead of stdout")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "do not print the data-quality account to stderr")
	return c
}

func backtestRun(ctx context.Context, o *AnalyseOptions, ats []register.Day) error {
	in := o.input()
	in.Ingest.Progress = progress(o.IO)
	prep, err := analysis.Prepare(in)
	if err != nil {
		return err
	}
	bt, err := prep.Backtest(ctx, ats)
	endProgress(o.IO)
	var re *analysis.RangeError
	if errors.As(err, &re) {
		return &UsageError{err}
	}
	if err != nil {
		return err
	}
	if !o.Quiet {
		render.Quality(o.IO.ErrOut, bt.Full.Quality)
	}
	meta := render.Meta{Version: version.String(), AsOf: register.DayFromTime(o.asOf).ISO()}
	write := func(w io.Writer) error {
		switch o.Format {
		case "csv":
			return render.BacktestCSV(w, bt)
		case "json":
			return render.BacktestJSON(w, bt, meta)
		}
		return render.BacktestTable(w, bt)
	}
	return o.emit(ctx, write, render.N(len(bt.Points), "backtest date"))
}
