package rules

import "embed"

// DefaultName is the file name of the default rule set in FS.
const DefaultName = "default.yaml"

// FS holds every shipped rule set.
//
//go:embed *.yaml
var FS embed.FS

// Default returns the bytes of the default rule set, default.yaml. Parse it
// with rule.Schema.OptionalContext set: its context factors are skipped when
// no context file is given.
func Default() []byte {
	b, err := FS.ReadFile(DefaultName)
	if err != nil {
		panic("rules: " + DefaultName + " is not embedded: " + err.Error()) // a build mistake
	}
	return b
}
