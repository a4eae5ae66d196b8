package analysis

import (
	"testing"

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
