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
