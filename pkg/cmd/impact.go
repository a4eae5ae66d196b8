package cmd

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/render"
)

// NewCmdImpact builds `attendrisk impact`.
func NewCmdImpact(f *Factory) *cobra.Command {
	opts := &AnalyseOptions{IO: f.IO, now: f.Now, MinSessions: metrics.DefaultMinSessions}
	var window string
	var suppress int
	c := &cobra.Command{
		Use:   "impact --actions FILE [flags] FILE...",
		Short: "Attendance before and after each kind of action in the actions log",
		Long: `For each pupil's first action of each kind in the actions log, compare
attendance in the school days before it with the same number of school days
after it (--window, default 20 school days, 40 sessions, each side). School
days are the days the register shows the pupil's school open (each school its
own): weekends, holidays and closures (#) are not counted, and the action's
own day is in neither window.
When the data ends (or starts) too near the action, both windows are cut to
the shorter and the row says so; under 5 school days the pupil is left out,
with the reason. Each action kind is then summarised across the cohort:
pupils, median change in percentage points, and the share who improved;
kinds with fewer than --suppress-below pupils show c.

This is a before/after comparison, not a controlled study: it does not show
that an action caused a change (regression to the mean, other support and
the time of year all move attendance).`,
		Example: `  $ attendrisk impact --actions actions.csv register.csv
  $ attendrisk impact --actions actions.csv --window 30d register.csv -o impact.csv`,
		Args: needFiles,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Files = args
			opts.layoutSet = c.Flags().Changed("layout")
			if opts.Actions == "" {
				return usagef("impact needs --actions FILE: the log of what was done and when")
			}
			days, err := parseWindow(window)
			if err != nil {
				return err
			}
			if suppress < 1 {
				return usagef("--suppress-below %d: expected a whole number of pupils, 1 or more", suppress)
			}
			if err := opts.validate(); err != nil {
				return err
			}
			if opts.Format != "table" && opts.Format != "csv" && opts.Format != "json" {
				return usagef("impact writes table, csv or json, not %s", opts.Format)
			}
			return impactRun(c.Context(), opts, analysis.ImpactOptions{Days: days, SuppressBelow: suppress})
		},
	}
	addInputFlags(c, opts)
	addRulesFlags(c, opts)
	fl := c.Flags()
	fl.StringVar(&window, "window", "20d", "school days in each window before and after the action (e.g. 20d or 20)")
	fl.IntVar(&suppress, "suppress-below", analysis.DefaultSuppressBelow, "action kinds with fewer pupils than this have their median and share suppressed (c)")
	fl.StringVar(&opts.Format, "format", "", "output format: table, csv or json (default: from the -o extension, else table)")
	fl.StringVarP(&opts.Output, "output", "o", "", "write to this file (created private to you) instead of stdout")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "do not print the data-quality account to stderr")
	return c
}

// parseWindow reads --window: a whole number of school days, with an
// optional d ("20d").
func parseWindow(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(s), "d"))
	if err != nil || n < 1 || n > 400 {
		return 0, usagef("--window %q: expected a number of school days from 1 to 400, such as 20d", s)
	}
	return n, nil
}

func impactRun(ctx context.Context, o *AnalyseOptions, opt analysis.ImpactOptions) error {
	prep, err := analysis.Prepare(o.input())
	if err != nil {
		return err
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
	rep := res.Impact(opt)
	write := func(w io.Writer) error {
		switch o.Format {
		case "csv":
			return render.ImpactCSV(w, rep)
		case "json":
			return render.ImpactJSON(w, rep)
		}
		return render.ImpactTable(w, rep)
	}
	return o.emit(ctx, write, render.N(len(rep.Rows), "pupil action"))
}
