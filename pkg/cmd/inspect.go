package cmd

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/render"
)

// NewCmdInspect builds `attendrisk inspect`.
func NewCmdInspect(f *Factory) *cobra.Command {
	opts := &AnalyseOptions{IO: f.IO, now: f.Now, MinSessions: metrics.DefaultMinSessions}
	c := &cobra.Command{
		Use:   "inspect [flags] FILE...",
		Short: "Show what attendrisk understood of each file, before any figure is trusted",
		Long: `For each file: the layout, encoding and delimiter detected, the header row and
which column became which field, the date range, the number of pupils and
sessions, the code distribution, and every problem found with its file and
line (or sheet and cell).

inspect exits 1 when a file cannot be analysed (no header found, no usable
row), so it can guard a scheduled job.`,
		Example: `  $ attendrisk inspect register.csv
  $ attendrisk inspect --sheet "Autumn" --map pupil_id="Pupil Ref" register.xlsx`,
		Args: needFiles,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Files = args
			opts.Format = "table"
			if err := opts.validate(); err != nil {
				return err
			}
			return inspectRun(c.Context(), opts)
		},
	}
	addInputFlags(c, opts)
	return c
}

// inspectLimit is how many places inspect lists per problem: all of them in
// any file a person would read through.
const inspectLimit = 1000

func inspectRun(ctx context.Context, o *AnalyseOptions) error {
	w := o.IO.Out
	// Everything printed from a file (paths, sheet names, headers, cells)
	// passes through t, so no cell can drive the terminal.
	t := render.Term
	failed := 0
	// run inspects one file; fatal is an error that stops inspect (the
	// rules or context cannot be read, Ctrl-C), err one that only this
	// file cannot be analysed.
	run := func(file string, year register.AcademicYear) (res *analysis.Result, err, fatal error) {
		prep, err := analysis.Prepare(analysis.Input{Files: []string{file}, Ingest: o.ingest, From: o.from, To: o.to, Year: year, ExampleLimit: inspectLimit})
		if err != nil {
			return nil, nil, err
		}
		res, err = prep.Run(ctx)
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return res, err, nil
	}
	// Each file alone first; then, without --from/--to, the academic year
	// that analyse would choose for all of them together (the latest with
	// a possible session in any), and a file whose own latest year differs
	// is inspected again as that run would read it: its other years' marks
	// rejected as outside the year, with the finding saying so.
	results, errs := make([]*analysis.Result, len(o.Files)), make([]error, len(o.Files))
	var year register.AcademicYear
	for i, file := range o.Files {
		var fatal error
		if results[i], errs[i], fatal = run(file, 0); fatal != nil {
			return fatal
		}
		if errs[i] == nil {
			if y, ok := results[i].LatestPossibleYear(); ok && y > year {
				year = y
			}
		}
	}
	if len(o.Files) > 1 && o.from == 0 && o.to == 0 && year != 0 {
		for i, file := range o.Files {
			if errs[i] != nil || results[i].From == 0 || register.YearOf(results[i].From) == year {
				continue
			}
			var fatal error
			if results[i], errs[i], fatal = run(file, year); fatal != nil {
				return fatal
			}
		}
	}
	for i, file := range o.Files {
		if i > 0 {
			fmt.Fprintln(w)
		}
		res, err := results[i], errs[i]
		if err != nil {
			fmt.Fprintf(w, "%s: CANNOT BE ANALYSED\n  %s\n", t(file), strings.ReplaceAll(render.TermLines(err.Error()), "\n", "\n  "))
			failed++
			continue
		}
		q := res.Quality
		for _, fi := range q.Files {
			fmt.Fprintf(w, "%s\n", t(fi.Path))
			if fi.Sheet != "" {
				fmt.Fprintf(w, "  sheet:      %s\n", t(fi.Sheet))
			}
			fmt.Fprintf(w, "  layout:     %s\n", t(fi.Layout))
			fmt.Fprintf(w, "  encoding:   %s\n", t(fi.Encoding))
			if fi.Delimiter != "" {
				fmt.Fprintf(w, "  delimiter:  %s\n", fi.Delimiter)
			}
			fmt.Fprintf(w, "  header:     row %d\n", fi.HeaderRow)
			switch fi.SchoolFrom {
			case "":
			case ingest.SchoolFromColumn:
				fmt.Fprintf(w, "  school:     each row's, from the %s column\n", t(fi.Columns["school"]))
			default: // "Maple Primary School from title row 1"
				fmt.Fprintf(w, "  school:     %s\n", t(strings.TrimPrefix(render.SchoolNote(fi), "school ")))
			}
			writeMapping(w, fi.Columns)
		}
		if res.From != 0 {
			fmt.Fprintf(w, "  dates:      %s to %s\n", res.From.UK(), res.To.UK())
		}
		groups := 0
		for _, p := range res.Pupils {
			if p.Aggregate {
				groups++
			}
		}
		if groups > 0 {
			fmt.Fprintf(w, "  rows:       %d school or area rows (counts, not pupils)\n", groups)
		}
		if n := len(res.Pupils) - groups; n > 0 || groups == 0 {
			fmt.Fprintf(w, "  pupils:     %d\n", n)
		}
		fmt.Fprintf(w, "  accounting: %d rows read = %d used + %d rejected\n", q.RowsRead, q.RowsUsed, q.RowsRejected)
		if q.MarksRead > 0 {
			fmt.Fprintf(w, "  sessions:   %d marks read = %d used + %d rejected; %d possible sessions\n", q.MarksRead, q.MarksUsed, q.MarksRejected, res.Totals.Possible)
		}
		writeCodes(w, res)
		if len(q.Rejections()) == 0 && len(q.Findings()) == 0 {
			fmt.Fprintln(w, "  problems:   none found")
		} else {
			fmt.Fprintln(w, "  problems:")
			for _, r := range append(q.Rejections(), q.Findings()...) {
				fmt.Fprintf(w, "    %d × %s\n", r.Count, t(r.Text))
				for _, e := range r.Examples {
					fmt.Fprintf(w, "      %s %s\n", t(e.Where), t(e.Detail))
				}
				if r.Count > len(r.Examples) {
					fmt.Fprintf(w, "      ... and %d more\n", r.Count-len(r.Examples))
				}
			}
		}
		if q.RowsRead > 0 && q.Rejection("outside_academic_year") == q.RowsRejected && q.RowsUsed == 0 && year != 0 && len(o.Files) > 1 {
			// Nothing of this file is in the year analysed for the files
			// together: not a broken file, but it adds nothing to that run.
			fmt.Fprintf(w, "  NOT IN THE YEAR ANALYSED: none of this file's marks is in %s, the latest academic year with a possible session in these files; give --from/--to to analyse its year\n", year)
		} else if err := usable(res); err != nil {
			fmt.Fprintf(w, "  CANNOT BE ANALYSED: %s\n", err)
			failed++
		}
	}
	if failed > 0 {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("%d of %d files cannot be analysed", failed, len(o.Files))}
	}
	return nil
}

func writeMapping(w io.Writer, cols map[string]string) {
	keys := make([]string, 0, len(cols))
	for k := range cols {
		keys = append(keys, k)
	}
	order := map[string]int{}
	for i, f := range ingest.Fields {
		order[string(f)] = i
	}
	sort.Slice(keys, func(i, j int) bool {
		oi, iok := order[keys[i]]
		oj, jok := order[keys[j]]
		if iok != jok {
			return iok
		}
		if iok {
			return oi < oj
		}
		return keys[i] < keys[j]
	})
	fmt.Fprintln(w, "  columns:")
	for _, k := range keys {
		fmt.Fprintf(w, "    %-12s <- %q\n", render.Term(k), cols[k])
	}
}

func writeCodes(w io.Writer, res *analysis.Result) {
	var parts []string
	for _, c := range mark.Table() {
		if n := res.Totals.Codes.Get(c.ID); n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c.Code, n))
		}
	}
	if len(parts) > 0 {
		fmt.Fprintf(w, "  codes:      %s\n", strings.Join(parts, ", "))
	}
}
