package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/compare"
	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/render"
	"github.com/attendrisk/attendrisk/pkg/version"
	"github.com/attendrisk/attendrisk/rules"
)

// AnalyseOptions are the analyse command's settings after flag parsing.
type AnalyseOptions struct {
	IO     *IO
	Files  []string
	Format string
	Output string
	Layout string
	Sheet  string
	Map    []string
	From   string
	To     string
	AsOf   string
	Strict bool
	Quiet  bool
	Top    int
	// Profile is a built-in profile name or a profile file.
	Profile string
	Rules   string
	Context string
	Actions string
	// HideActioned is --hide-actioned as given (14d, 2w); MarkActioned
	// keeps those pupils, marked.
	HideActioned string
	MarkActioned bool
	hideDays     int
	MinSessions  int
	FamilyColumn string
	Tier         string
	NoRules      bool
	Compare      string
	FailOn       string
	FailOnChange string
	EmailIDsOnly bool
	failChanges  map[string]bool
	Pseudonymise bool
	KeyFile      string
	// Benchmarks is the --benchmarks file (YAML, or a DfE CSV with
	// BenchmarkArea and BenchmarkPhase picking its row).
	Benchmarks     string
	BenchmarkArea  string
	BenchmarkPhase string
	DateOrder      string
	// School names the school of rows that name none; RevisionOrder is
	// "data" (default) or "given".
	School        string
	RevisionOrder string
	// SplitBy is --split-by: "school" writes one workbook per school into
	// the -o folder (see split.go).
	SplitBy string

	// command is the command being run (render.CmdAnalyse or
	// render.CmdSummary), which decides the formats it may write; format is
	// the one chosen.
	command string
	format  *render.Format

	layoutSet bool
	topSet    bool // --top given: no terminal default
	ingest    ingest.Options
	from, to  register.Day
	asOf      time.Time
	now       func() time.Time
}

// NewCmdAnalyse builds `attendrisk analyse`. runF replaces the run in tests
// of flag parsing.
func NewCmdAnalyse(f *Factory, runF func(*AnalyseOptions) error) *cobra.Command {
	opts := &AnalyseOptions{IO: f.IO, now: f.Now, MinSessions: metrics.DefaultMinSessions, command: render.CmdAnalyse}
	c := &cobra.Command{
		Use:     "analyse [flags] FILE...",
		Aliases: []string{"analyze"},
		Short:   "Compute each pupil's absence figures and list the pupils worst first",
		Long: `Read one or more register exports (CSV or XLSX; marks or grid layout) and
compute each pupil's possible sessions, attendance, authorised and unauthorised
absence, and persistent (10%+) and severe (50%+) absence, to the DfE's
definitions. Several files are merged per pupil: one file per term or per
school is normal, and the same file given twice is counted once.

The data-quality account (rows read, used and rejected, with reasons and the
first places each problem was found) is printed to stderr, and is part of the
JSON output.`,
		Example: `  # the terminal table, worst first
  $ attendrisk analyse autumn.csv spring.csv

  # every pupil as CSV for a spreadsheet, autumn term only
  $ attendrisk analyse --from 02/09/2024 --to 20/12/2024 -o autumn-figures.csv register.csv

  # a grid export from Excel, its second sheet, with a local column name
  $ attendrisk analyse --sheet "Year 9" --map pupil_id="Pupil Ref" register.xlsx`,
		Args: needFiles,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Files = args
			opts.layoutSet = c.Flags().Changed("layout")
			opts.topSet = c.Flags().Changed("top")
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return analyseRun(c.Context(), opts)
		},
	}
	addInputFlags(c, opts)
	fl := c.Flags()
	fl.StringVar(&opts.Format, "format", "", render.FormatHelp(render.CmdAnalyse))
	fl.StringVarP(&opts.Output, "output", "o", "", "write to this file (created private to you) instead of stdout")
	fl.StringVar(&opts.AsOf, "as-of", "", "date recorded in the output as the run date (default: today)")
	fl.BoolVar(&opts.Strict, "strict", false, "fail (exit 1) if any row is rejected")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "do not print the data-quality account to stderr")
	fl.IntVar(&opts.Top, "top", 0, "only the first N pupils of the list, in every format (0: all)")
	fl.StringVar(&opts.Tier, "tier", "", "only pupils in this tier or above (e.g. --tier high)")
	addRulesFlags(c, opts)
	addBenchmarkFlags(c, opts)
	fl.BoolVar(&opts.NoRules, "no-rules", false, "figures only: skip the risk and protective factors")
	fl.BoolVar(&opts.EmailIDsOnly, "email-ids-only", false, "--format md or html: ids, tiers and rates only, no names and no factors (which can be safeguarding context), for summaries sent by email")
	fl.StringVar(&opts.FailOnChange, "fail-on-change", "", "with --compare: exit with code 3 (after writing the output) only when one of these changes happened, e.g. newly_severe,tier_up")
	fl.StringVar(&opts.Compare, "compare", "", "an earlier run's JSON output: show who changed (newly persistent or severe, tier moves, improved, joined, left) first")
	fl.StringVar(&opts.HideActioned, "hide-actioned", "", "leave out pupils with an action in the actions log within this period (14d, 2w) and no new concern since; a new concern brings them back with the reason")
	fl.BoolVar(&opts.MarkActioned, "mark-actioned", false, "with --hide-actioned: keep those pupils on the list, marked \"actioned\", instead of leaving them out")
	fl.StringVar(&opts.FailOn, "fail-on", "", "exit with code 3 (after writing the output) when any pupil is in this tier or above")
	fl.BoolVar(&opts.Pseudonymise, "pseudonymise", false, "replace pupil ids with keyed hashes and drop names; the key comes from --key-file or $ATTENDRISK_PSEUDONYM_KEY")
	addSplitFlag(c, opts)
	fl.StringVar(&opts.KeyFile, "key-file", "", "file holding the pseudonymisation key (at least 16 bytes; never give the key itself on the command line)")
	completeFormats(c, render.CmdAnalyse)
	completeTiers(c, "tier")
	completeTiers(c, "fail-on")
	return c
}

// addRulesFlags adds the flags of the rules stage.
func addRulesFlags(c *cobra.Command, opts *AnalyseOptions) {
	fl := c.Flags()
	fl.StringVar(&opts.Rules, "rules", "", "rules file (default: the built-in attendance concern indicators, see 'attendrisk rules show')")
	fl.StringVar(&opts.Context, "context", "", "pupil context file (CSV or XLSX) joined on the pupil id; columns become context.<name> in rules")
	fl.StringVar(&opts.Actions, "actions", "", "actions log (CSV or XLSX: pupil id, date, action, outcome; see the README) joined on the pupil id: the ladder suggests the next rung")
	fl.IntVar(&opts.MinSessions, "min-sessions", metrics.DefaultMinSessions, "possible sessions a pupil needs before the figures count as enough data (enough_data in rules)")
	fl.StringVar(&opts.FamilyColumn, "family-column", "family_id", "context column that identifies a family, for the siblings indicators")
}

// addInputFlags adds the flags that say how to read the input files.
func addInputFlags(c *cobra.Command, opts *AnalyseOptions) {
	fl := c.Flags()
	fl.StringVar(&opts.Layout, "layout", "auto", "input layout: auto, marks, grid or summary")
	fl.StringVar(&opts.Profile, "profile", "", "mapping profile: a built-in name ("+strings.Join(rules.ProfileNames(), ", ")+") or a YAML file")
	fl.StringVar(&opts.Sheet, "sheet", "", "XLSX sheet to read (default: the first)")
	fl.StringArrayVar(&opts.Map, "map", nil, `map a field to a column header, e.g. --map pupil_id="Pupil Ref" (repeatable)`)
	fl.StringVar(&opts.From, "from", "", "first date to count (dd/mm/yyyy or yyyy-mm-dd)")
	fl.StringVar(&opts.To, "to", "", "last date to count (dd/mm/yyyy or yyyy-mm-dd)")
	fl.StringVar(&opts.School, "school", "", "the school of every row whose file has no school column (all the files given)")
	fl.StringVar(&opts.RevisionOrder, "revision-order", "data", "which of two exports of one school is later: data (the one whose data ends later, then the newer file) or given (command-line order)")
	fl.BoolVar(&opts.ingest.AllowIncomplete, "allow-incomplete", false, "read a file that ends mid-row (a cut-off export or copy) with that row rejected, instead of failing")
	fl.StringVar(&opts.DateOrder, "date-order", "", "order of numeric dates in the files: dmy, mdy or ymd (default: decided per file from its dates, day-first when none settles it)")
	completeInputFlags(c)
}

func (o *AnalyseOptions) validate() error {
	files, err := expandInputs(o.Files)
	if err != nil {
		return err
	}
	o.Files = files
	if o.command != "" {
		f, err := render.ChooseFormat(o.command, o.Format, o.Output)
		if err != nil {
			return &UsageError{err}
		}
		o.Format, o.format = f.Name, f
	} else if err := o.legacyFormat(); err != nil {
		return err
	}
	if o.Profile != "" {
		p, err := loadProfile(o.Profile)
		if err != nil {
			return err
		}
		p.Apply(&o.ingest)
	}
	switch o.Layout {
	case "auto", "":
		if o.layoutSet || o.ingest.Layout == "" {
			o.ingest.Layout = ingest.LayoutAuto
		}
	case "marks", "grid", "summary":
		o.ingest.Layout = ingest.Layout(o.Layout)
	default:
		return usagef("--layout %q: expected auto, marks, grid or summary", o.Layout)
	}
	if o.Sheet != "" {
		o.ingest.Sheet = o.Sheet
	}
	if o.DateOrder != "" { // the flag wins over the profile; auto restores detection
		d, err := ingest.ParseDateOrder(o.DateOrder)
		if err != nil {
			return usagef("--date-order %s", err)
		}
		o.ingest.DateOrder = d
	}
	if len(o.Map) > 0 {
		m, err := ingest.ParseMap(o.Map)
		if err != nil {
			return &UsageError{err}
		}
		if o.ingest.Map == nil {
			o.ingest.Map = map[ingest.Field]string{}
		}
		for f, h := range m { // flags win over the profile
			o.ingest.Map[f] = h
		}
	}
	if s := strings.TrimSpace(o.School); s != "" {
		o.ingest.School = s
		o.ingest.SchoolFrom = ingest.SchoolFromFlag
	}
	switch o.RevisionOrder {
	case "data", "":
		o.ingest.RevisionOrder = register.ByExtent
	case "given":
		o.ingest.RevisionOrder = register.AsGiven
	default:
		return usagef("--revision-order %q: expected data or given", o.RevisionOrder)
	}
	if o.from, err = flagDate("--from", o.From); err != nil {
		return err
	}
	if o.to, err = flagDate("--to", o.To); err != nil {
		return err
	}
	if o.from != 0 && o.to != 0 && o.from > o.to {
		return usagef("--from %s is after --to %s", o.From, o.To)
	}
	o.asOf = o.now()
	if o.AsOf != "" {
		d, err := flagDate("--as-of", o.AsOf)
		if err != nil {
			return err
		}
		o.asOf = d.Time()
	}
	if o.Top < 0 {
		return usagef("--top %d: expected 0 or more", o.Top)
	}
	if o.MinSessions < 1 {
		return usagef("--min-sessions %d: expected 1 or more", o.MinSessions)
	}
	if o.NoRules && (o.Rules != "" || o.Tier != "" || o.FailOn != "") {
		return usagef("--no-rules cannot be combined with --rules, --tier or --fail-on")
	}
	if err := o.checkBenchmarks(); err != nil {
		return err
	}
	if o.EmailIDsOnly && o.Format != "md" && o.Format != "html" {
		return usagef("--email-ids-only is for the email summaries: add --format md or html (or -o NAME.md / NAME.html)")
	}
	if o.FailOnChange != "" {
		if o.Compare == "" {
			return usagef("--fail-on-change needs --compare PREVIOUS.json: a change is against an earlier run")
		}
		kinds, err := compare.ParseKinds(o.FailOnChange)
		if err != nil {
			return usagef("--fail-on-change %q: %v", o.FailOnChange, err)
		}
		o.failChanges = kinds
	}
	if o.HideActioned != "" {
		d, err := parsePeriod(o.HideActioned)
		if err != nil {
			return usagef("--hide-actioned %q: %v", o.HideActioned, err)
		}
		if o.Actions == "" {
			return usagef("--hide-actioned needs --actions FILE: the actions log says who was actioned")
		}
		o.hideDays = d
	}
	if o.MarkActioned && o.HideActioned == "" {
		return usagef("--mark-actioned is for --hide-actioned")
	}
	if o.KeyFile != "" && !o.Pseudonymise {
		return usagef("--key-file is for --pseudonymise")
	}
	if o.SplitBy != "" {
		if err := o.validateSplit(); err != nil {
			return err
		}
	} else if o.Output != "" {
		// Before anything is read: a run that would end by refusing its
		// output should not take minutes to say so.
		if err := render.CheckOutput(o.Output, o.inputs()); err != nil {
			return err
		}
	}
	return nil
}

// legacyFormat decides --format for the commands that do not take their
// formats from render's registry (explain, inspect, outstanding), as before
// the registry: from the -o extension, else the table. Each checks what
// it can write itself.
func (o *AnalyseOptions) legacyFormat() error {
	if o.Format != "" || o.Output == "" {
		if o.Format == "" {
			o.Format = "table"
		}
		return nil
	}
	switch ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(o.Output), ".")); ext {
	case "csv", "json", "jsonl", "md", "html", "xlsx":
		o.Format = ext
	case "markdown":
		o.Format = "md"
	case "htm":
		o.Format = "html"
	case "txt":
		o.Format = "table"
	default:
		return usagef("cannot tell the format from -o %q: use a .csv, .json, .jsonl, .xlsx, .md, .html or .txt name, or --format", o.Output)
	}
	return nil
}

// inputs lists every file the run reads, none of which -o may replace. A
// built-in profile's name is listed too; it names no file, so it matches
// none.
func (o *AnalyseOptions) inputs() []string {
	return append(append([]string(nil), o.Files...), o.Rules, o.Context, o.Actions, o.KeyFile, o.Profile, o.Compare, o.Benchmarks)
}

// loadProfile reads --profile: a file if one exists at that path, else a
// built-in profile by name.
func loadProfile(name string) (*ingest.Profile, error) {
	if data, err := os.ReadFile(name); err == nil {
		p, err := ingest.ParseProfile(name, data)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
	data, ok := rules.Profile(name)
	if !ok {
		return nil, usagef("--profile %q: no such file, and not a built-in profile (built-in: %s)", name, strings.Join(rules.ProfileNames(), ", "))
	}
	return ingest.ParseProfile("built-in profile "+name, data)
}

// The years a date flag may name. Registers are electronic since the
// 1990s; a date outside these years is a typing mistake, and would fall
// outside the days the register package can hold.
const (
	minFlagYear = 1990
	maxFlagYear = 2100
)

// flagDate parses a date flag: dd/mm/yyyy (UK) or yyyy-mm-dd.
func flagDate(name, s string) (register.Day, error) {
	if s == "" {
		return 0, nil
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			if y := t.Year(); y < minFlagYear || y > maxFlagYear {
				return 0, usagef("%s %q: expected a date from %d to %d", name, s, minFlagYear, maxFlagYear)
			}
			return register.DayFromTime(t), nil
		}
	}
	return 0, usagef("%s %q: expected a date as dd/mm/yyyy or yyyy-mm-dd", name, s)
}

// input is the analysis the options describe.
func (o *AnalyseOptions) input() analysis.Input {
	return analysis.Input{Files: o.Files, Ingest: o.ingest, From: o.from, To: o.to,
		NoRules: o.NoRules, RulesFile: o.Rules, ContextFile: o.Context, ActionsFile: o.Actions, HideActioned: o.hideDays, MarkActioned: o.MarkActioned, MinSessions: o.MinSessions, FamilyColumn: o.FamilyColumn}
}

func analyseRun(ctx context.Context, o *AnalyseOptions) error {
	in := o.input()
	in.Ingest.Progress = progress(o.IO)
	// Every output but --split-by's reads the results, not the marks: the
	// register goes once the run is made (see analysis.Input.DropRegister).
	in.DropRegister = o.SplitBy == ""
	prep, err := analysis.Prepare(in)
	if err != nil {
		return err
	}
	for _, t := range []struct{ flag, name string }{{"--tier", o.Tier}, {"--fail-on", o.FailOn}} {
		if t.name != "" && prep.Rules.TierIndex(t.name) < 0 {
			names := make([]string, len(prep.Rules.Tiers))
			for i, t := range prep.Rules.Tiers {
				names[i] = t.Name
			}
			return usagef("%s %q: the rules have the tiers %s", t.flag, t.name, strings.Join(names, ", "))
		}
	}
	var key []byte
	if o.Pseudonymise {
		k, err := pseudonymKey(o.KeyFile)
		if err != nil {
			return err
		}
		key = k
	}
	var prev *compare.Previous
	if o.Compare != "" {
		p, err := compare.Read(o.Compare)
		if err != nil {
			return err
		}
		prev = p
		if key == nil && len(p.Pupils) > 0 && p.Pseudonymised() {
			return fmt.Errorf("--compare %s: that run was pseudonymised, so its pupils cannot be matched with real ids; add --pseudonymise with the same key", o.Compare)
		}
	}
	res, err := prep.Run(ctx)
	endProgress(o.IO)
	if err != nil {
		return err
	}
	if key != nil {
		if err := analysis.Pseudonymise(res, key); err != nil {
			return err
		}
		if prev != nil {
			if err := prev.Pseudonymise(key); err != nil {
				return err
			}
		}
	}
	meta := render.Meta{Version: version.String(), AsOf: register.DayFromTime(o.asOf).ISO(), IDsOnly: o.EmailIDsOnly}
	if prev != nil {
		meta.Changes = compare.Diff(prev, res)
		meta.Previous, meta.PrevAsOf = prev.Headline, prev.AsOf
		meta.Compared = prev.Path
		if prev.AsOf != "" {
			meta.Compared += ", as of " + prev.AsOf
		}
		compare.Annotate(res, meta.Changes)
		for _, w := range compare.Comparable(prev, res) {
			fmt.Fprintln(o.IO.ErrOut, "attendrisk: warning: "+w)
		}
	}
	changed := map[string]int{}
	for _, c := range meta.Changes {
		if o.failChanges[c.Kind] {
			changed[c.Kind]++
		}
	}
	alert := 0
	if o.FailOn != "" {
		limit := res.Rules.TierIndex(o.FailOn)
		for _, p := range res.All {
			if p.Outcome != nil && res.Rules.TierIndex(p.Outcome.Tier) <= limit {
				alert++
			}
		}
	}
	if o.Tier != "" {
		res.FilterTier(o.Tier)
	}
	if o.Top > 0 {
		res.Limit(o.Top)
	}
	if !o.Quiet {
		render.Quality(o.IO.ErrOut, res.Quality)
	}
	if err := usable(res); err != nil {
		return err
	}
	if o.Strict {
		if n := res.Quality.StrictFailures(); n > 0 {
			return fmt.Errorf("--strict: %d session marks were rejected (see the data-quality account above); no output written", n)
		}
	}
	if o.SplitBy != "" {
		if err := o.writeSplit(ctx, res, meta); err != nil {
			return err
		}
		if alert > 0 {
			return &ExitError{Code: ExitAlert, Err: fmt.Errorf("--fail-on %s: %s in tier %s or above", o.FailOn, render.N(alert, "pupil"), o.FailOn)}
		}
		return nil
	}
	bms, err := o.benchmarks(res)
	if err != nil {
		return err
	}
	defer lowerGC(o.Format)()
	run := &render.Run{Res: res, Meta: meta, Top: o.Top, Table: o.tableOptions(), Benchmarks: bms}
	write := func(w io.Writer) error { return o.format.Analyse(w, run) }
	if err := o.emit(ctx, write, render.N(len(res.Pupils), "pupil")); err != nil {
		return err
	}
	if alert > 0 {
		return &ExitError{Code: ExitAlert, Err: fmt.Errorf("--fail-on %s: %s in tier %s or above", o.FailOn, render.N(alert, "pupil"), o.FailOn)}
	}
	if len(changed) > 0 {
		var parts []string
		for _, k := range compare.Kinds {
			if n := changed[k]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", k, n))
			}
		}
		return &ExitError{Code: ExitAlert, Err: fmt.Errorf("--fail-on-change: %s since %s", strings.Join(parts, ", "), prev.Path)}
	}
	return nil
}

// outputGCPercent is the collector's GOGC while the output is written.
// Writing makes only garbage (each row's text), over results that no
// longer grow, so the default 100, which lets the heap reach twice the
// live results before collecting, only adds that much to the peak: at 50
// the 40,000-pupil CSV run peaks about 20 MB lower for a few more
// collections of the results (see README "Speed"). Relative to the live
// heap, it cannot make a big run fail or thrash.
const outputGCPercent = 50

// parquetGCPercent is outputGCPercent for Parquet. Its writer holds a row
// group's column buffers and pages, and the file's footer as it grows,
// live beside the results (about 8 MB on an authority's year), and the
// headroom over them made its peak the highest of the flat formats: 102
// MB at 50, 93 to 95 MB at 30 (3 rounds each). Its rows make little
// garbage (about 40 MB over that run, the evidence sentences and the
// library's buffers), so the few more collections cost no CPU that
// rounds taking turns could tell.
const parquetGCPercent = 30

// lowerGC sets outputGCPercent (parquetGCPercent for the parquet format),
// unless GOGC is set in the environment (the user's choice stands), and
// returns what restores the setting.
func lowerGC(format string) (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	pct := outputGCPercent
	if format == "parquet" {
		pct = parquetGCPercent
	}
	old := debug.SetGCPercent(pct)
	return func() { debug.SetGCPercent(old) }
}

// usable fails a run with nothing to report (see analysis.Result.Usable).
func usable(res *analysis.Result) error { return res.Usable() }

// emit writes the output to -o (whole or not at all, private to the user)
// or to stdout, and says on stderr what was written where.
func (o *AnalyseOptions) emit(ctx context.Context, write func(io.Writer) error, what string) error {
	if o.Output == "" {
		return write(o.IO.Out)
	}
	if err := render.WriteFile(ctx, o.Output, o.inputs(), write); err != nil {
		return err
	}
	if !o.Quiet {
		fmt.Fprintf(o.IO.ErrOut, "wrote %s to %s\n", what, o.Output)
	}
	return nil
}

// pseudonymKey reads the pseudonymisation key from a file or the
// environment. It is never taken from the command line, where it would show
// in the process list and the shell history.
func pseudonymKey(file string) ([]byte, error) {
	var key []byte
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--key-file %s: cannot read: %w", file, unwrapPathErr(err))
		}
		key = []byte(strings.TrimRight(string(b), "\r\n"))
	case os.Getenv("ATTENDRISK_PSEUDONYM_KEY") != "":
		key = []byte(os.Getenv("ATTENDRISK_PSEUDONYM_KEY"))
	default:
		return nil, usagef("--pseudonymise needs a key: --key-file FILE or the ATTENDRISK_PSEUDONYM_KEY environment variable")
	}
	if len(key) < analysis.MinKeyBytes {
		return nil, fmt.Errorf("the pseudonymisation key must be at least %d bytes, got %d", analysis.MinKeyBytes, len(key))
	}
	return key, nil
}

// parsePeriod reads a period of days: 14d, 2w or 14 (days).
func parsePeriod(s string) (int, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := 1
	switch {
	case strings.HasSuffix(t, "d"):
		t = strings.TrimSuffix(t, "d")
	case strings.HasSuffix(t, "w"):
		t, mult = strings.TrimSuffix(t, "w"), 7
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 1 || n > 3660 {
		return 0, fmt.Errorf("expected a number of days or weeks, such as 14d or 2w")
	}
	return n * mult, nil
}
