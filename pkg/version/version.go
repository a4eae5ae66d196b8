// Package version reports attendrisk's version: set at build time with
// -ldflags "-X github.com/attendrisk/attendrisk/pkg/version.Version=v1.2.3",
// or taken from the module build information.
package version

import "runtime/debug"

// Version is the release version, or "dev".
var Version = ""

// String returns the version to print and record in outputs.
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
