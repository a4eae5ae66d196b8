package analysis

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/metrics"

	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/rule"
	"github.com/attendrisk/attendrisk/rules"
)

// TestDefaultRulesMatchIndicators parses the embedded rules against the
// indicators the pipeline really provides, with and without the sample
// context, so renaming an indicator breaks this test rather than the rules
// users run.
func TestDefaultRulesMatchIndicators(t *testing.T) {
	set, err := rule.Parse(rules.DefaultName, rules.Default(), rule.Schema{Vars: Schema(nil).Vars, OptionalContext: true})
	if err != nil {
		t.Fatalf("default rules against the real indicators: %v", err)
	}
	if len(set.Skipped) == 0 {
		t.Error("without context, the context factors should be listed as not evaluated")
	}
	ctx, err := ingest.ReadContext("../../testdata/sample/context.csv", "", nil, quality.New())
	if err != nil {
		t.Fatal(err)
	}
	s := Schema(ctx)
	set, err = rule.Parse(rules.DefaultName, rules.Default(), s)
	if err != nil {
		t.Fatalf("default rules against the sample context, strictly: %v", err)
	}
	if len(set.Skipped) != 0 {
		t.Errorf("with the sample context nothing should be skipped, got %v", set.Skipped)
	}
	// Every pupil's environment must carry exactly the schema's names and
	// types, or Evaluate reports a programming error.
	res, err := Run(Input{Files: []string{"../../testdata/sample/school-marks.csv"}, ContextFile: "../../testdata/sample/context.csv"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Pupils[:5] {
		env := p.Env(40)
		for name, sample := range s.Vars {
			v, ok := env.Vars[name]
			if !ok {
				t.Fatalf("pupil env lacks %s", name)
			}
			if fmtType(v) != fmtType(sample) {
				t.Errorf("%s: env type %s, schema type %s", name, fmtType(v), fmtType(sample))
			}
		}
	}
}

func fmtType(v any) string {
	switch v.(type) {
	case int:
		return "int"
	case float64:
		return "float64"
	case bool:
		return "bool"
	case string:
		return "string"
	case map[string]int:
		return "map"
	}
	return "other"
}

// TestEnvMatchesIndicatorTable holds the pipeline to metrics.Indicators:
// for a variety of pupils (the sample school with its context, every
// hand-worked case with its context and actions log, a summary export with
// no marks, an authority's schools), the environment fillVars writes has
// exactly the table's names, each of exactly the Go type of the schema's
// sample, and the evidence has a non-empty sentence for every indicator
// the table does not show by value. An indicator computed and not listed,
// or listed and not computed, or without a sentence, fails here.
func TestEnvMatchesIndicatorTable(t *testing.T) {
	inputs := []Input{
		{Files: []string{"../../testdata/sample/school-marks.csv"}, ContextFile: "../../testdata/sample/context.csv"},
		{Files: []string{"../../testdata/exports/summary-pupils.csv"}},
		{Files: []string{"../../testdata/authority/ash.csv", "../../testdata/authority/birch.csv"}, ContextFile: "../../testdata/authority/ash-birch-context.csv"},
	}
	dirs, err := os.ReadDir(casesDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join(casesDir, d.Name())
		in := Input{Files: []string{filepath.Join(dir, "register.csv")}}
		if _, err := os.Stat(filepath.Join(dir, "context.csv")); err == nil {
			in.ContextFile = filepath.Join(dir, "context.csv")
		}
		if _, err := os.Stat(filepath.Join(dir, "actions.csv")); err == nil {
			in.ActionsFile = filepath.Join(dir, "actions.csv")
		}
		inputs = append(inputs, in)
	}
	schema := Schema(nil).Vars
	want := map[string]string{}
	for _, ind := range metrics.Indicators {
		sample := schema[ind.Name]
		if sample == nil {
			t.Fatalf("%s: no sample in the schema (a Funcs indicator needs one in funcSamples)", ind.Name)
		}
		want[ind.Name] = reflect.TypeOf(sample).String()
	}
	if len(schema) != len(metrics.Indicators) {
		t.Errorf("schema has %d names, the table %d", len(schema), len(metrics.Indicators))
	}
	pupils := 0
	for _, in := range inputs {
		res, err := Run(in)
		if err != nil {
			t.Fatalf("%v: %v", in.Files, err)
		}
		for _, p := range res.Pupils {
			if p.Aggregate {
				continue
			}
			pupils++
			env := p.Env(metrics.DefaultMinSessions)
			got := map[string]string{}
			for k, v := range env.Vars {
				got[k] = reflect.TypeOf(v).String()
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%v, a pupil's environment against the indicator table (-table +filled):\n%s", in.Files, diff)
			}
			for _, ind := range metrics.Indicators {
				s, ok := env.Evidence[ind.Name]
				if ind.ValueEvidence && ok {
					t.Errorf("%s has a sentence, but the table says its evidence is its value", ind.Name)
				}
				if !ind.ValueEvidence && s == "" {
					t.Fatalf("%v: no evidence sentence for %s", in.Files, ind.Name)
				}
			}
			// The lazy evidence that analyse uses gives the same sentences.
			lazy := &lazyEvidence{}
			lazy.reset(p)
			for name, s := range env.Evidence {
				if l, _ := lazy.get(name); l != s {
					t.Fatalf("%s: lazy evidence %q, full %q", name, l, s)
				}
			}
		}
	}
	if pupils < 100 {
		t.Errorf("only %d pupils checked", pupils)
	}
}
