package cmd

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompletion runs cobra's hidden __complete command, which is what the
// shell scripts call, for each flag with values.
func TestCompletion(t *testing.T) {
	dir := writeFiles(t, map[string]string{"r.yaml": `version: 1
name: two tiers
factors:
  - {id: pa, kind: risk, group: attendance, label: Persistently absent, when: persistent_absence, weight: 20}
tiers:
  - {name: act, min_score: 20}
  - {name: watch, min_score: 0}
`})
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"analyse", "--format", ""}, []string{"table", "csv", "json", "jsonl", "parquet", "xlsx", "md", "html"}},
		{[]string{"analyse", "--format", "j"}, []string{"json", "jsonl"}},
		{[]string{"summary", "--format", ""}, []string{"table", "csv", "json"}},
		{[]string{"analyse", "--tier", ""}, []string{"urgent", "high", "medium", "monitor"}},
		{[]string{"analyse", "--fail-on", "h"}, []string{"high"}},
		{[]string{"analyse", "--rules", filepath.Join(dir, "r.yaml"), "--tier", ""}, []string{"act", "watch"}},
		{[]string{"analyse", "--layout", "g"}, []string{"grid"}},
		{[]string{"summary", "--layout", ""}, []string{"auto", "marks", "grid", "summary"}},
		{[]string{"analyse", "--profile", "s"}, []string{"sims"}},
		{[]string{"summary", "--by", ""}, []string{"year_group", "reg_group", "school", "tier", "context."}},
		{[]string{"summary", "--by", "year_group,s"}, []string{"year_group,school"}},
		{[]string{"summary", "--by", "school,"}, []string{"school,year_group", "school,reg_group", "school,tier", "school,context."}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, stderr := run(append([]string{"__complete"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				if !strings.HasPrefix(l, ":") { // the last line is the directive
					got = append(got, l)
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got)\n%s", d)
			}
		})
	}
}
