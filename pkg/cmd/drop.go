package cmd

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// dropExts are the extensions of the register files that dropping onto the
// program (Windows Explorer passes the dropped paths as arguments) analyses.
var dropExts = map[string]bool{".csv": true, ".xlsx": true}

// dropArgs turns a drop of register files into the analyse run an officer
// wants: every argument an existing regular .csv or .xlsx file (so never a
// command, a flag or a typo) is analysed, and the workbook is written next
// to the first file as NAME-attendrisk.xlsx, where Explorer's user will look
// for it. ok is false for anything else, which runs as typed.
func dropArgs(args []string) (run []string, out string, ok bool) {
	if len(args) == 0 {
		return nil, "", false
	}
	for _, a := range args {
		if strings.HasPrefix(a, "-") || !dropExts[strings.ToLower(filepath.Ext(a))] {
			return nil, "", false
		}
		st, err := os.Stat(a)
		if err != nil || !st.Mode().IsRegular() {
			return nil, "", false
		}
	}
	first := args[0]
	stem := strings.TrimSuffix(filepath.Base(first), filepath.Ext(first))
	out = filepath.Join(filepath.Dir(first), stem+"-attendrisk.xlsx")
	run = append([]string{"analyse", "-o", out}, args...)
	return run, out, true
}

// pauseWanted reports whether the console window closes when the program
// ends: started from Explorer (a double-click or a drop), the window is the
// program's own and vanishes with it, taking every message along. Tests set
// ATTENDRISK_PAUSE=1 to exercise the pause on any system.
func pauseWanted() bool {
	if os.Getenv("ATTENDRISK_PAUSE") == "1" {
		return true
	}
	return ownConsole()
}

// pause keeps the window open until Enter (or the end of input).
func pause(in io.Reader, errOut io.Writer) {
	fmt.Fprintln(errOut, "Press Enter to close this window.")
	bufio.NewReader(in).ReadString('\n')
}

// explorerHelp is what a double-click with no file says instead of
// flashing a window shut.
const explorerHelp = `attendrisk: attendance indicators for professional review.

To analyse a register, drag its export file (CSV or XLSX) onto attendrisk.exe:
the workbook is written next to the file, as NAME-attendrisk.xlsx.

For everything else, open PowerShell in this folder and run:
  .\attendrisk.exe --help
  .\attendrisk.exe analyse register.csv -o report.xlsx
`
