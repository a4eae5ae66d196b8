package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/cohort"
	"github.com/attendrisk/attendrisk/pkg/render"
	"github.com/attendrisk/attendrisk/pkg/worker"
)

// addSplitFlag adds --split-by to analyse.
func addSplitFlag(c *cobra.Command, opts *AnalyseOptions) {
	c.Flags().StringVar(&opts.SplitBy, "split-by", "", "with -o DIR: one workbook per school (school), and one email summary each with --format md or html")
}

// validateSplit checks --split-by before anything is read: -o names a
// folder (made if missing), and the format is xlsx, md or html.
func (o *AnalyseOptions) validateSplit() error {
	if o.SplitBy != "school" {
		return usagef("--split-by %q: the only split is school", o.SplitBy)
	}
	if o.Output == "" {
		return usagef("--split-by school needs -o DIR: the folder the schools' files are written to")
	}
	switch o.Format {
	case "", "table", "xlsx", "md", "html": // table: the default, when no --format is given
	default:
		return usagef("--split-by school writes workbooks (and email summaries with --format md or html), not --format %s", o.Format)
	}
	if fi, err := os.Stat(o.Output); err == nil && !fi.IsDir() {
		return usagef("--split-by school: -o %s is a file, not a folder", o.Output)
	}
	return nil
}

// splitName is a school's file name: letters, digits, '-' and '_' kept,
// anything else (spaces, slashes, dots) a '-', so no school name can reach
// outside the folder; "no-school" for rows naming none.
func splitName(school string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(school) {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return "no-school"
	}
	return s
}

// writeSplit writes one workbook per school (and one email summary with
// --format md or html) into the -o folder, each holding only that school's
// pupils (see analysis.Result.ForSchool).
//
// The schools are written on every core, a school's files by one
// goroutine, at most GOMAXPROCS schools at once (an authority's 83
// workbooks spent most of their time deflating small sheets, each on one
// core). The lines saying what was written, and the first error, are
// in the schools' order: a school's result is taken only when every school
// before it has been, and after an error (or a panic) no further school is
// started.
func (o *AnalyseOptions) writeSplit(ctx context.Context, res *analysis.Result, meta render.Meta) error {
	if err := os.MkdirAll(o.Output, 0o700); err != nil {
		return fmt.Errorf("--split-by school: %w", err)
	}
	type done struct {
		lines  []string
		err    error
		caught worker.Catch // a panic, raised again here (cmd.Main's internal error)
		ended  bool         // writeSchool returned: no panic
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	var pending []chan done
	var first error
	var caught []worker.Catch
	panicked := false
	// take reports the oldest school in flight: what it wrote (a school
	// still in flight when one before it failed may have been written, and
	// says so), and its error if it is the first.
	take := func() {
		d := <-pending[0]
		pending = pending[1:]
		caught = append(caught, d.caught)
		panicked = panicked || !d.ended
		for _, l := range d.lines {
			fmt.Fprint(o.IO.ErrOut, l)
		}
		if first == nil {
			first = d.err
		}
	}
	used := map[string]int{}
	for _, school := range res.Schools() {
		if len(pending) >= workers {
			take()
		}
		if first != nil || panicked {
			break
		}
		name := splitName(school)
		if n := used[strings.ToLower(name)]; n > 0 {
			name = fmt.Sprintf("%s-%d", name, n+1) // two names alike once cleaned
		}
		used[strings.ToLower(name)]++
		c := make(chan done, 1)
		pending = append(pending, c)
		go func() {
			d := &done{}
			defer func() { c <- *d }()
			defer d.caught.Catch()
			d.lines, d.err = o.writeSchool(ctx, res.ForSchool(school), meta, name)
			d.ended = true
		}()
	}
	for len(pending) > 0 {
		take()
	}
	worker.Rethrow(caught) // every school's goroutine has finished
	return first
}

// writeSchool writes one school's files, returning the lines that say so.
func (o *AnalyseOptions) writeSchool(ctx context.Context, sr *analysis.Result, meta render.Meta, name string) ([]string, error) {
	outs := []struct {
		ext   string
		write func(io.Writer) error
	}{{".xlsx", func(w io.Writer) error {
		return render.XLSX(w, sr, meta, nil, []cohort.Benchmark{cohort.England202324})
	}}}
	switch o.Format {
	case "md":
		outs = append(outs, struct {
			ext   string
			write func(io.Writer) error
		}{".md", func(w io.Writer) error { return render.Markdown(w, sr, meta, o.Top) }})
	case "html":
		outs = append(outs, struct {
			ext   string
			write func(io.Writer) error
		}{".html", func(w io.Writer) error { return render.HTML(w, sr, meta, o.Top) }})
	}
	var lines []string
	for _, out := range outs {
		path := filepath.Join(o.Output, name+out.ext)
		if err := render.WriteFile(ctx, path, o.inputs(), out.write); err != nil {
			return lines, err
		}
		if !o.Quiet {
			lines = append(lines, fmt.Sprintf("wrote %s to %s\n", render.N(len(sr.Pupils), "pupil"), path))
		}
	}
	return lines, nil
}
