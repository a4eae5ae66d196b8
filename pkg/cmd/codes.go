package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/version"
)

// NewCmdCodes prints the code table.
func NewCmdCodes(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "codes",
		Short: "Print the DfE attendance codes and how each is counted",
		Long: `Print every attendance code attendrisk knows: the codes in force since
August 2024, the legacy codes older exports still carry, and the missing mark,
with the statistical category DfE counts each one in.`,
		Example: "  $ attendrisk codes",
		Args:    noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "CODE\tCATEGORY\tPOSSIBLE\tMEANING")
			for _, code := range mark.Table() {
				possible := "no"
				if code.Category.Possible() {
					possible = "yes"
				}
				meaning := code.Meaning
				if code.Legacy {
					meaning = "[legacy] " + meaning
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", code.Code, code.Category, possible, meaning)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			var notes []string
			for _, code := range mark.Table() {
				if code.Note != "" {
					notes = append(notes, fmt.Sprintf("  %s: %s", code.Code, code.Note))
				}
			}
			_, err := fmt.Fprintf(f.IO.Out, "\nNotes:\n%s\n", strings.Join(notes, "\n"))
			return err
		},
	}
}

// NewCmdVersion prints the version.
func NewCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the attendrisk version",
		Args:  noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			_, err := fmt.Fprintf(f.IO.Out, "attendrisk %s\n", version.String())
			return err
		},
	}
}

func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, got %q", c.CommandPath(), args[0])
	}
	return nil
}

// needFiles is the argument check of the commands that read register files.
func needFiles(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return usagef("%s needs at least one register file (CSV or XLSX)", c.Name())
	}
	return nil
}
