//go:build !windows

package cmd

// ownConsole is false outside Windows: a terminal outlives the program.
func ownConsole() bool { return false }
