// Package version reports attendrisk's version: set at build time with
// -ldflags "-X github.com/attendrisk/attendrisk/pkg/version.Version=v1.2.3"
// (make build and make dist do), or taken from the module build information.
// Every output records it, so a figure can be traced to the build that made it.
package version
