package cmd

import (
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
	root.AddCommand(NewCmdAnalyse(f, nil), NewCmdInspect(f), NewCmdExplain(f), NewCmdSummary(f), NewCmdRules(f), NewCmdCodes(f), NewCmdVersion(f))
	return root
}
