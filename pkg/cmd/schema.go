package cmd

import (
	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/render"
)

// NewCmdSchema builds `attendrisk schema`: the JSON Schema of the pupil
// record, from the same column lists the writers use, so it cannot drift
// from the output.
func NewCmdSchema(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the pupil record in the JSON and JSON Lines output",
		Long: `Print a JSON Schema (draft 2020-12) of one pupil of analyse's JSON output
(its "pupils" array) and of each JSON Lines line: every field, its type, and
whether it may be null. The same fields, in the same order, are the columns of
the CSV and Parquet output. Version ` + render.SchemaVersion + `.`,
		Example: `  $ attendrisk schema > pupil.schema.json`,
		Args:    noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			return render.JSONSchema(f.IO.Out)
		},
	}
}
