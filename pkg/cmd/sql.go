package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/sqlgen"
)

// NewCmdSQL prints the SQL for the per-pupil figures, for analysts whose
// marks already live in a warehouse.
func NewCmdSQL(f *Factory) *cobra.Command {
	var dialect, table, columns, school string
	c := &cobra.Command{
		Use:   "sql",
		Short: "Print the SQL that computes the per-pupil DfE figures from a marks table",
		Long: `Print a SQL query that computes each pupil's DfE figures (possible sessions,
present, approved educational activity, authorised and unauthorised absence,
missing marks, overall absence, persistent and severe absence) per academic
year from a marks table with one row per pupil, date, session and code. The
code table inside it is generated from attendrisk's own, and two marks for one
session are settled by the same best-mark order.

With --school-column the figures are per school and pupil: each school's own
figures for a pupil (an enrolment), as attendrisk's per-school rows, so that
a local id two schools share is two pupils and a child at two schools has a
row at each. Without it there is one row per pupil id over the whole table.`,
		Example: `  $ attendrisk sql --dialect duckdb
  $ attendrisk sql --dialect duckdb --table warehouse.marks --columns pupil_id=upn,date=mark_date,code=mark
  $ attendrisk sql --dialect duckdb --school-column urn`,
		Args: noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if dialect != "duckdb" {
				return usagef("--dialect %q: want one of %s", dialect, strings.Join(sqlgen.Dialects, ", "))
			}
			cols, err := sqlgen.ParseColumns(columns)
			if err != nil {
				return &UsageError{err}
			}
			if c.Flags().Changed("school-column") {
				if school == "" {
					return usagef("--school-column: want a column name")
				}
				cols.School = school
			}
			sql, err := sqlgen.Generate(sqlgen.Options{Dialect: dialect, Table: table, Columns: cols})
			if err != nil {
				return &UsageError{err}
			}
			_, err = fmt.Fprint(f.IO.Out, sql)
			return err
		},
	}
	c.Flags().StringVar(&dialect, "dialect", "duckdb", "SQL dialect: duckdb")
	c.Flags().StringVar(&table, "table", "marks", "the marks table (may be schema.table)")
	c.Flags().StringVar(&columns, "columns", "", "column names as KEY=NAME,...: pupil_id, date, session, code (default the keys themselves)")
	c.Flags().StringVar(&school, "school-column", "", "the school column: figures per school and pupil (per enrolment) instead of per pupil")
	return c
}
