// Command attendrisk is the attendance risk analyser. See doc.go and
// README.md; everything it does is in pkg/cmd.
package main

import (
	"os"

	"github.com/attendrisk/attendrisk/pkg/cmd"
)

func main() {
	os.Exit(cmd.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
