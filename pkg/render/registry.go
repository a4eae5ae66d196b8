package render

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/cohort"
)

// The commands that write formats.
const (
	CmdAnalyse = "analyse"
	CmdSummary = "summary"
)

// Run is what analyse hands a format's writer.
type Run struct {
	Res   *analysis.Result
	Meta  Meta
	Top   int          // --top as given (the email formats' own default when 0)
	Table TableOptions // the terminal table's width, colour and default top
	// Benchmarks are the workbook's comparison rates (default England
	// 2023/24).
	Benchmarks []cohort.Benchmark
}

// Cohort is what summary hands a format's writer.
type Cohort struct {
	By         []string
	Groups     []cohort.Group
	Benchmarks []cohort.Benchmark
	Meta       Meta
	Tiers      []string // the rules' tier names, highest first
}

// Format is one output format: its name for --format, the -o extensions
// that select it, whether it is binary (never written to a terminal), and
// its writer for each command that may write it (nil: that command cannot).
// Adding a format is one entry here and the file with its writer.
type Format struct {
	Name    string
	Exts    []string // lower case, without the dot; the first is the usual one
	Binary  bool
	Analyse func(w io.Writer, r *Run) error
	Summary func(w io.Writer, c *Cohort) error
}

// formatRegistry is every output format, in the order help lists them.
var formatRegistry = []Format{
	{Name: "table", Exts: []string{"txt"},
		Analyse: func(w io.Writer, r *Run) error {
			t := r.Table
			t.Changes, t.Compared = r.Meta.Changes, r.Meta.Compared
			return Table(w, r.Res, t)
		},
		Summary: func(w io.Writer, c *Cohort) error {
			return CohortTable(w, c.By, c.Groups, c.Benchmarks, c.Tiers)
		}},
	{Name: "csv", Exts: []string{"csv"},
		Analyse: func(w io.Writer, r *Run) error { return CSV(w, r.Res) },
		Summary: func(w io.Writer, c *Cohort) error { return CohortCSV(w, c.By, c.Groups, c.Benchmarks) }},
	{Name: "json", Exts: []string{"json"},
		Analyse: func(w io.Writer, r *Run) error { return JSON(w, r.Res, r.Meta) },
		Summary: func(w io.Writer, c *Cohort) error { return CohortJSON(w, c.By, c.Groups, c.Benchmarks, c.Meta) }},
	{Name: "jsonl", Exts: []string{"jsonl", "ndjson"},
		Analyse: func(w io.Writer, r *Run) error { return JSONL(w, r.Res, r.Meta) }},
	{Name: "parquet", Exts: []string{"parquet"}, Binary: true,
		Analyse: func(w io.Writer, r *Run) error { return Parquet(w, r.Res, r.Meta) }},
	{Name: "xlsx", Exts: []string{"xlsx"}, Binary: true,
		Analyse: func(w io.Writer, r *Run) error {
			// The workbook names every pupil, so its cohort sheet is not
			// suppressed; summary -o is the output meant for sharing.
			bm := r.Benchmarks
			if bm == nil {
				bm = []cohort.Benchmark{cohort.England202324}
			}
			return XLSX(w, r.Res, r.Meta, nil, bm)
		}},
	{Name: "md", Exts: []string{"md", "markdown"},
		Analyse: func(w io.Writer, r *Run) error { return Markdown(w, r.Res, r.Meta, r.Top) }},
	{Name: "html", Exts: []string{"html", "htm"},
		Analyse: func(w io.Writer, r *Run) error { return HTML(w, r.Res, r.Meta, r.Top) }},
}

// writes says whether the format can be written by cmd.
func (f *Format) writes(cmd string) bool {
	switch cmd {
	case CmdAnalyse:
		return f.Analyse != nil
	case CmdSummary:
		return f.Summary != nil
	}
	return false
}

// Formats is the names of the formats cmd can write, in help order.
func Formats(cmd string) []string {
	var out []string
	for i := range formatRegistry {
		if formatRegistry[i].writes(cmd) {
			out = append(out, formatRegistry[i].Name)
		}
	}
	return out
}

// FormatHelp is the --format flag's usage text for cmd.
func FormatHelp(cmd string) string {
	return "output format: " + orList(Formats(cmd)) + " (default: from the -o extension, else table)"
}

// orList is "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// LookupFormat is the format called name, or nil.
func LookupFormat(name string) *Format {
	for i := range formatRegistry {
		if formatRegistry[i].Name == name {
			return &formatRegistry[i]
		}
	}
	return nil
}

// ChooseFormat decides cmd's output format from --format (name) and -o
// (output): the name if given, else the output file's extension, else the
// table. The error says what was expected; the caller makes it a usage
// error.
func ChooseFormat(cmd, name, output string) (*Format, error) {
	if name == "" && output != "" {
		ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(output), "."))
		for i := range formatRegistry {
			f := &formatRegistry[i]
			for _, e := range f.Exts {
				if e == ext {
					name = f.Name
				}
			}
		}
		if name == "" {
			var exts []string
			for i := range formatRegistry {
				if formatRegistry[i].writes(cmd) {
					exts = append(exts, "."+formatRegistry[i].Exts[0])
				}
			}
			return nil, fmt.Errorf("cannot tell the format from -o %q: use a %s name, or --format", output, orList(exts))
		}
	}
	if name == "" {
		name = "table"
	}
	f := LookupFormat(name)
	if f == nil {
		return nil, fmt.Errorf("--format %q: expected one of %s", name, strings.Join(Formats(cmd), ", "))
	}
	if !f.writes(cmd) {
		hint := ""
		if cmd == CmdSummary && f.Analyse != nil {
			hint = " (for a workbook or a pupil list: analyse -o report." + f.Exts[0] + ")"
		}
		return nil, fmt.Errorf("%s writes %s, not %s%s", cmd, orList(Formats(cmd)), f.Name, hint)
	}
	if f.Binary && output == "" {
		return nil, fmt.Errorf("--format %s needs -o FILE.%s: a %s file is not written to a terminal", f.Name, f.Exts[0], f.Name)
	}
	return f, nil
}
