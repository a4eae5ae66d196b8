package cmd

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/render"
	"github.com/attendrisk/attendrisk/rules"
)

// Shell completion of flag values (cobra's completion command writes the
// shell scripts; these say what each flag's values are). A value list that
// depends on a file (--tier on --rules) is read from the flags already on
// the command line.

// completeWords completes from a fixed list, no file names.
func completeWords(words ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, w := range words {
			if strings.HasPrefix(w, toComplete) {
				out = append(out, w)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeFormats completes --format with the formats the command writes.
func completeFormats(c *cobra.Command, cmd string) {
	c.RegisterFlagCompletionFunc("format", completeWords(render.Formats(cmd)...))
}

// completeTiers completes a tier flag with the tiers of the rules given
// by --rules, or of the built-in rules.
func completeTiers(c *cobra.Command, flag string) {
	c.RegisterFlagCompletionFunc(flag, func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		file, _ := c.Flags().GetString("rules")
		prep, err := analysis.Prepare(analysis.Input{RulesFile: file})
		if err != nil || prep.Rules == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var names []string
		for _, t := range prep.Rules.Tiers {
			names = append(names, t.Name)
		}
		return completeWords(names...)(c, args, toComplete)
	})
}

// completeInputFlags completes the input flags every reading command has:
// --layout's words, and --profile's built-in names or a YAML file.
func completeInputFlags(c *cobra.Command) {
	c.RegisterFlagCompletionFunc("layout", completeWords("auto", "marks", "grid", "summary"))
	c.RegisterFlagCompletionFunc("profile", func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		names, _ := completeWords(rules.ProfileNames()...)(c, args, toComplete)
		if len(names) > 0 {
			return names, cobra.ShellCompDirectiveNoFileComp
		}
		return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
	})
}

// byDimensions are summary --by's built-in dimensions.
var byDimensions = []string{"year_group", "reg_group", "school", "tier", "context."}

// completeBy completes the last of summary's comma-separated --by
// dimensions, keeping the ones before it.
func completeBy(c *cobra.Command) {
	c.RegisterFlagCompletionFunc("by", func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		head, last := "", toComplete
		if i := strings.LastIndex(toComplete, ","); i >= 0 {
			head, last = toComplete[:i+1], toComplete[i+1:]
		}
		var out []string
		for _, d := range byDimensions {
			if strings.HasPrefix(d, last) && !strings.Contains(","+head, ","+d+",") {
				out = append(out, head+d)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	})
}
