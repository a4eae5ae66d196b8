// Command gen rewrites the README's generated sections (the indicator
// table) from the code: go run ./internal/docgen/gen [-readme README.md].
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/attendrisk/attendrisk/internal/docgen"
)

func main() {
	path := flag.String("readme", "README.md", "the README to update in place")
	flag.Parse()
	if err := run(*path); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

func run(path string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	updated, err := docgen.Update(old)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if bytes.Equal(old, updated) {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, updated, fi.Mode().Perm())
}
