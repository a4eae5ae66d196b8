package cmd

import (
	"path/filepath"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/cohort"
	"github.com/spf13/cobra"
)

// addBenchmarkFlags adds the flags that choose the comparison rates.
func addBenchmarkFlags(c *cobra.Command, o *AnalyseOptions) {
	fl := c.Flags()
	fl.StringVar(&o.Benchmarks, "benchmarks", "", "comparison rates instead of England 2023/24: a YAML list, or a DfE explore-education-statistics CSV (such as EES_ytd_data.csv)")
	fl.StringVar(&o.BenchmarkArea, "benchmark-area", "", "with a DfE CSV: England (the default), a region or a local authority, by name or code")
	fl.StringVar(&o.BenchmarkPhase, "benchmark-phase", "auto", "with a DfE CSV: Total, Primary, Secondary, Special, or auto (from the pupils' year groups)")
}

// isEES reports a DfE published CSV rather than a YAML list.
func (o *AnalyseOptions) isEES() bool {
	return strings.EqualFold(filepath.Ext(o.Benchmarks), ".csv")
}

// checkBenchmarks refuses, before any register is read, flags that do not
// fit, and a DfE file that has no row for the area (read with the phase
// given, or the Total row when the phase is to come from the pupils).
func (o *AnalyseOptions) checkBenchmarks() error {
	if o.Benchmarks == "" || !o.isEES() {
		if o.BenchmarkArea != "" || (o.BenchmarkPhase != "" && o.BenchmarkPhase != "auto") {
			return usagef("--benchmark-area and --benchmark-phase pick a row of a DfE CSV given with --benchmarks FILE.csv")
		}
		if o.Benchmarks != "" {
			_, err := cohort.ReadBenchmarks(o.Benchmarks)
			return err
		}
		return nil
	}
	phase := o.BenchmarkPhase
	if phase == "auto" || phase == "" {
		phase = "Total"
	} else if !validPhase(phase) {
		return usagef("--benchmark-phase %q: expected auto, %s", o.BenchmarkPhase, strings.Join(cohort.Phases, ", "))
	}
	_, err := cohort.ReadEES(o.Benchmarks, o.BenchmarkArea, phase)
	return err
}

func validPhase(p string) bool {
	for _, q := range cohort.Phases {
		if strings.EqualFold(p, q) {
			return true
		}
	}
	return false
}

// benchmarks are the comparison rates of this run: England 2023/24, the
// YAML list, or the DfE file's row for the area and the phase (auto: the
// phase the pupils' year groups fit, Primary, Secondary or Total).
func (o *AnalyseOptions) benchmarks(res *analysis.Result) ([]cohort.Benchmark, error) {
	switch {
	case o.Benchmarks == "":
		return []cohort.Benchmark{cohort.England202324}, nil
	case !o.isEES():
		return cohort.ReadBenchmarks(o.Benchmarks)
	}
	phase := o.BenchmarkPhase
	if phase == "auto" || phase == "" {
		var years []int
		for _, p := range res.All {
			if !p.Aggregate {
				years = append(years, analysis.NCYear(p.Info.YearGroup))
			}
		}
		phase = cohort.PhaseOf(years)
	}
	b, err := cohort.ReadEES(o.Benchmarks, o.BenchmarkArea, phase)
	if err != nil {
		return nil, err
	}
	return []cohort.Benchmark{b}, nil
}
