package rules

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// profiles holds the built-in mapping profiles (see pkg/ingest.Profile).
//
//go:embed profiles/*.yaml
var profiles embed.FS

// Profile returns a built-in mapping profile by name.
func Profile(name string) ([]byte, bool) {
	b, err := profiles.ReadFile("profiles/" + name + ".yaml")
	return b, err == nil
}

// ProfileNames lists the built-in profiles.
func ProfileNames() []string {
	entries, _ := fs.ReadDir(profiles, "profiles")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(out)
	return out
}
