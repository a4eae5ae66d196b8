package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/render"
	"github.com/attendrisk/attendrisk/pkg/rule"
	"github.com/attendrisk/attendrisk/rules"
)

// NewCmdRules builds `attendrisk rules` and its subcommands.
func NewCmdRules(f *Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "rules",
		Short: "Check a rules file, or show the factor catalogue",
		Long: `Rules files hold the risk and protective factors, the tiers and the next
steps, in YAML. The built-in set is used when analyse is given no --rules.`,
		Args: noArgs,
	}
	c.AddCommand(newCmdRulesCheck(f), newCmdRulesShow(f), newCmdRulesSources(f), newCmdRulesIndicators(f), newCmdRulesInit(f))
	return c
}

func newCmdRulesCheck(f *Factory) *cobra.Command {
	var contextFile, profile string
	var maps []string
	c := &cobra.Command{
		Use:   "check FILE",
		Short: "Validate a rules file, with file:line:column for every problem",
		Long: `Parse a rules file strictly, compile and type-check every expression against
the indicator names, and report every problem with its place: unknown keys,
unknown indicators (with the nearest name), unknown context columns, type
errors, duplicate ids and a bad tier order.

The check is the one analyse makes when it loads the rules (the same parse,
the same messages), so give it what you will give analyse: --context, and
the --map or --profile the context file is read with. Without --context,
everything that does not depend on the context file is checked (the rest of
each expression included), and the factors and steps that read context
columns are listed: analyse refuses them unless its context file has those
columns, with values of the type the expression needs.`,
		Example: `  $ attendrisk rules check my-rules.yaml
  $ attendrisk rules check my-rules.yaml --context context.csv
  $ attendrisk rules check my-rules.yaml --context context.csv --map pupil_id="Pupil Ref"`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("rules check needs exactly one rules file")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			in := analysis.Input{RulesFile: args[0], ContextFile: contextFile}
			if err := contextMapping(&in.Ingest, profile, maps); err != nil {
				return err
			}
			set, err := analysis.CheckRules(in)
			var perr rule.Errors
			if errors.As(err, &perr) {
				fmt.Fprintln(f.IO.ErrOut, render.TermLines(perr.Error()))
				return errSilent
			}
			if err != nil {
				return err
			}
			factors, steps := len(set.Factors), len(set.Steps)
			for _, k := range set.Skipped {
				if k.Step {
					steps++
				} else {
					factors++
				}
			}
			fmt.Fprintf(f.IO.Out, "%s: ok: %q version %s, %d factors, %d tiers, %d next steps (%s)\n",
				render.Term(args[0]), set.Name, render.Term(set.Version), factors, len(set.Tiers), steps, set.Hash)
			if len(set.Skipped) > 0 {
				fmt.Fprintln(f.IO.Out, "Not checked without --context (analyse needs a context file with these columns, of the type each expression reads):")
			}
			for _, k := range set.Skipped {
				what := "factor"
				if k.Step {
					what = "next step"
				}
				fmt.Fprintf(f.IO.Out, "  %s %s (line %d): reads %s\n", what, k.ID, k.Line, render.Term(contextNames(k.Missing)))
			}
			return nil
		},
	}
	c.Flags().StringVar(&contextFile, "context", "", "context file whose columns the rules may use, as analyse --context reads it")
	c.Flags().StringVar(&profile, "profile", "", "mapping profile the context file is read with, as analyse --profile")
	c.Flags().StringArrayVar(&maps, "map", nil, `map a field to a column header the context file is read with, as analyse --map (repeatable)`)
	completeInputFlags(c) // --profile's names (it has no --layout to complete)
	return c
}

// contextMapping applies --profile and then --map to o as analyse does
// (the flags win over the profile), for the commands that read only a
// context file.
func contextMapping(o *ingest.Options, profile string, maps []string) error {
	if profile != "" {
		p, err := loadProfile(profile)
		if err != nil {
			return err
		}
		p.Apply(o)
	}
	if len(maps) > 0 {
		m, err := ingest.ParseMap(maps)
		if err != nil {
			return &UsageError{err}
		}
		if o.Map == nil {
			o.Map = map[ingest.Field]string{}
		}
		for fl, h := range m {
			o.Map[fl] = h
		}
	}
	return nil
}

// contextNames writes columns as the expressions read them.
func contextNames(cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = "context." + c
	}
	return strings.Join(out, ", ")
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func newCmdRulesShow(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "show [FILE]",
		Short: "Print the factor catalogue: id, kind, group, weight, label and source",
		Example: `  $ attendrisk rules show
  $ attendrisk rules show my-rules.yaml`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("rules show takes at most one rules file")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			set, err := loadRulesArg(args)
			if err != nil {
				return err
			}
			return writeCatalogue(f, set)
		},
	}
}

func newCmdRulesSources(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "sources [FILE]",
		Short: "List the documents the rules cite, the sections cited and which factors and steps cite them",
		Long: `List every document a rules file cites, by title, with its web address where
one is public, each section cited and the factors and steps that cite it; then
the local choices: thresholds and weights the file says no document sets.`,
		Example: `  $ attendrisk rules sources
  $ attendrisk rules sources my-rules.yaml`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("rules sources takes at most one rules file")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			set, err := loadRulesArg(args)
			if err != nil {
				return err
			}
			return writeSources(f, set)
		},
	}
}

// loadRulesArg parses the rules file named by the optional argument, else
// the built-in rules, for the commands that describe a rules file.
func loadRulesArg(args []string) (*rule.Set, error) {
	name, data := "built-in "+rules.DefaultName, rules.Default()
	if len(args) == 1 {
		var err error
		if data, err = os.ReadFile(args[0]); err != nil {
			return nil, fmt.Errorf("%s: cannot read: %w", args[0], unwrapPathErr(err))
		}
		name = args[0]
	}
	// Described as the built-in rules are read without a context file:
	// every factor, whatever context a run may have (the one parse every
	// command uses, analysis.ParseRules).
	return analysis.ParseRules(name, data, analysis.RulesAgainst{Builtin: true})
}

func writeSources(f *Factory, set *rule.Set) error {
	w := f.IO.Out
	var titles []string
	about := map[string]rules.Document{}
	for _, d := range rules.Documents {
		titles = append(titles, d.Title)
		about[d.Title] = d
	}
	docs, local := set.Sources(titles)
	// A local rules file can hold anything: its text passes through Term.
	t := render.Term
	fmt.Fprintf(w, "Sources cited by %s (version %s)\n", t(set.Name), t(set.Version))
	for _, d := range docs {
		fmt.Fprintf(w, "\n%s\n", t(d.Document))
		if k, ok := about[d.Document]; ok {
			fmt.Fprintf(w, "  %s\n", strings.ReplaceAll(wrap(k.About, 92), "\n", "\n  "))
			if k.URL != "" {
				fmt.Fprintf(w, "  %s\n", k.URL)
			}
		}
		for _, sec := range d.Sections {
			fmt.Fprintf(w, "  - %s: %s\n", t(sec.Name), t(strings.Join(sec.IDs, ", ")))
		}
	}
	if len(local) > 0 {
		fmt.Fprintln(w, "\nLocal choices (no document sets these; change them in a local rules file):")
		for _, l := range local {
			what := l.What
			if what == "" {
				what = "the weight or threshold"
			}
			fmt.Fprintf(w, "  - %s: %s\n", t(l.ID), t(what))
		}
	}
	return nil
}

// writeCatalogue prints a rules file for people. Its text is the file's own
// (a local rules file can hold anything), so every string passes through t.
func writeCatalogue(f *Factory, set *rule.Set) error {
	w := f.IO.Out
	t := render.Term
	fmt.Fprintf(w, "%s (version %s, %s)\n", t(set.Name), t(set.Version), set.Hash)
	if set.Description != "" {
		fmt.Fprintf(w, "%s\n", wrap(t(set.Description), 96))
	}
	fmt.Fprintln(w, "\nFactors:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tGROUP\tWEIGHT\tLABEL")
	all := append([]rule.Factor(nil), set.Factors...)
	for _, fc := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", t(fc.ID), t(fc.Kind), t(fc.Group), fc.Weight, t(fc.Label))
	}
	tw.Flush()
	for _, k := range set.Skipped {
		if !k.Step {
			fmt.Fprintf(w, "  (%s %s)\n", t(k.ID), t(k.Reason()))
		}
	}
	fmt.Fprintln(w, "\nSources and conditions:")
	for _, fc := range all {
		fmt.Fprintf(w, "  %s: when %s\n      source: %s\n", t(fc.ID), t(fc.When), t(fc.Source))
	}
	fmt.Fprintln(w, "\nTiers (highest first):")
	for _, tr := range set.Tiers {
		fmt.Fprintf(w, "  %-10s score %d or more\n", t(tr.Name), tr.MinScore)
	}
	fmt.Fprintln(w, "\nNext steps:")
	for _, s := range set.Steps {
		cond := s.When
		if cond == "" {
			cond = "always"
		}
		tiers := ""
		if len(s.Tiers) > 0 {
			tiers = " (tiers: " + t(strings.Join(s.Tiers, ", ")) + ")"
		}
		fmt.Fprintf(w, "  %s: %s\n      when %s%s\n      source: %s\n", t(s.ID), t(s.Text), t(cond), tiers, t(s.Source))
	}
	return nil
}

func newCmdRulesIndicators(f *Factory) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "indicators",
		Short: "List every indicator a rules expression can read, with its type and meaning",
		Long: `List every indicator a rules expression can read: its name, type (int, float,
bool, text, map or functions), the computation that fills it and what it means.
The list is the one the rules are type-checked against, and the README's
indicator table is generated from it. Context columns are read as
context.<column> and are not listed here.`,
		Example: `  $ attendrisk rules indicators
  $ attendrisk rules indicators --format json
  $ attendrisk rules indicators --format md`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			switch format {
			case "text":
				return writeIndicatorsText(f)
			case "json":
				type row struct {
					Name  string `json:"name"`
					Type  string `json:"type"`
					Group string `json:"group"`
					Doc   string `json:"doc"`
				}
				rows := make([]row, 0, len(metrics.Indicators))
				for _, ind := range metrics.Indicators {
					rows = append(rows, row{ind.Name, ind.Kind.String(), string(ind.Group), ind.Doc})
				}
				enc := json.NewEncoder(f.IO.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			case "md":
				return metrics.WriteIndicatorsMarkdown(f.IO.Out)
			}
			return usagef("--format %q: expected text, json or md", format)
		},
	}
	c.Flags().StringVar(&format, "format", "text", "text, json or md (the README's table)")
	return c
}

// writeIndicatorsText prints the indicator table for a terminal: the doc's
// Markdown code marks are dropped.
func writeIndicatorsText(f *Factory) error {
	tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tGROUP\tMEANING")
	for _, ind := range metrics.Indicators {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", ind.Name, ind.Kind, ind.Group, strings.ReplaceAll(ind.Doc, "`", ""))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(f.IO.Out, "\nContext columns are read as context.<column> (see rules check --context).")
	return err
}

// DefaultRulesFile is where `rules init` writes without a FILE.
const DefaultRulesFile = "attendrisk-rules.yaml"

func newCmdRulesInit(f *Factory) *cobra.Command {
	var force bool
	c := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write the built-in rules to a file for local editing",
		Long: `Write the built-in rules (rules/default.yaml, as embedded in this binary) to
FILE, ` + DefaultRulesFile + ` by default, to edit for local use: change a weight
or threshold, add a factor, reword a step. Check the edited file with
"attendrisk rules check FILE --context CONTEXT" and use it with
"attendrisk analyse --rules FILE".

An existing file is never overwritten without --force. The file is written
whole or not at all, readable by you only (mode 0600).

A local copy is held to the same standard as any user's rules file: a factor
that reads a context column your context file lacks is an error, where the
built-in rules skip it and list it as not evaluated.`,
		Example: `  $ attendrisk rules init
  $ attendrisk rules init local-rules.yaml
  $ attendrisk rules init local-rules.yaml --force`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usagef("rules init takes at most one file to write")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			path := DefaultRulesFile
			if len(args) == 1 {
				path = args[0]
			}
			if _, err := os.Lstat(path); err == nil && !force {
				return fmt.Errorf("%s already exists: give --force to overwrite it", path)
			}
			data := rules.Default()
			err := render.WriteFile(c.Context(), path, nil, func(w io.Writer) error {
				_, err := w.Write(data)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "wrote the built-in rules to %s: check your edits with \"attendrisk rules check %s\"\n", render.Term(path), render.Term(path))
			return nil
		},
	}
	c.Flags().BoolVar(&force, "force", false, "overwrite FILE if it exists")
	return c
}

// wrap folds text at spaces to lines of at most n characters.
func wrap(s string, n int) string {
	var b strings.Builder
	line := 0
	for _, word := range strings.Fields(s) {
		if line > 0 && line+1+len(word) > n {
			b.WriteByte('\n')
			line = 0
		} else if line > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(word)
		line += len(word)
	}
	return b.String()
}
