package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/version"
)

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "attendrisk",
		Short: "Attendance risk analyser for schools and local authorities in England",
		Long: `attendrisk reads attendance register exports from a school MIS (SIMS, Arbor,
Bromcom, ScholarPack) as CSV or XLSX, computes each pupil's absence to the
DfE's definitions (persistent absence at 10% or more, severe at 50% or more),
and lists the pupils who need a professional's attention first, with the
reasons.

Its output is a set of indicators for professional review. It never decides
that a child is neglected or that a family is at fault.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       version.String(),
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &UsageError{err} })
	root.AddCommand(NewCmdAnalyse(f, nil), NewCmdInspect(f), NewCmdExplain(f), NewCmdSummary(f), NewCmdOutstanding(f), NewCmdBacktest(f), NewCmdImpact(f), NewCmdRules(f), NewCmdCodes(f), NewCmdSchema(f), NewCmdVersion(f))
	root.AddCommand(NewCmdSQL(f)) // issue 12: the DfE figures as SQL for a warehouse
	// cobra adds its help and completion commands when it runs; add them
	// now, so that they refuse unknown topics and shells like the rest.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "help" {
			c.RunE = helpTopic
		}
	}
	refuseUnknownSubcommands(root)
	return root
}

// helpTopic is "attendrisk help [COMMAND...]": cobra's own prints "Unknown
// help topic" and exits 0; an unknown topic is a usage error here.
func helpTopic(c *cobra.Command, args []string) error {
	cmd, rest, err := c.Root().Find(args)
	if err != nil || cmd == nil || (len(rest) > 0 && cmd.HasSubCommands()) {
		return usagef("unknown help topic %q: see 'attendrisk help' for the commands", strings.Join(args, " "))
	}
	cmd.InitDefaultHelpFlag()
	cmd.InitDefaultVersionFlag()
	return cmd.Help()
}

// refuseUnknownSubcommands makes every command group below the root (rules,
// and any added later) treat an argument that names none of its
// subcommands as cobra treats an unknown top-level command: a usage error,
// exit 2, with the nearest names. Left alone, cobra prints the group's help
// and exits 0, so a script calling "rules chek" would pass without checking
// anything. A group given alone still prints its help.
func refuseUnknownSubcommands(c *cobra.Command) {
	for _, sub := range c.Commands() {
		refuseUnknownSubcommands(sub)
	}
	if !c.HasParent() || !c.HasSubCommands() || c.Runnable() {
		return
	}
	c.Args = cobra.ArbitraryArgs
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2 // cobra's default, set only when it suggests itself
	}
	c.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return c.Help()
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
		if s := c.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t")
		}
		return usagef("%s", msg)
	}
}
