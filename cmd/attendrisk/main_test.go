package main

import (
	"encoding/csv"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the expected files in the scripts")

// TestMain installs attendrisk as a command the scripts can exec: the test
// binary itself, running cmd.Main as the real main does.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"attendrisk": func() { os.Exit(run()) },
	})
}

// TestScripts runs testdata/script/*.txtar end to end against the binary.
// Rewrite the expected files after an intended change with
// go test ./cmd/attendrisk -update, and review the diff.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Cmds:                map[string]func(ts *testscript.TestScript, neg bool, args []string){"mkxlsx": mkxlsx, "exits": exits},
	})
}

// mkxlsx converts a CSV written in a script into a workbook, since txtar
// holds only text: mkxlsx in.csv out.xlsx. Cells of a column headed Date
// become real date cells; everything else is stored as text, so ids keep
// their leading zeros.
func mkxlsx(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mkxlsx in.csv out.xlsx")
	}
	recs, err := csv.NewReader(strings.NewReader(ts.ReadFile(args[0]))).ReadAll()
	ts.Check(err)
	f := excelize.NewFile()
	dateCol := -1
	for r, rec := range recs {
		for c, v := range rec {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			ts.Check(err)
			if r == 0 && strings.EqualFold(v, "date") {
				dateCol = c
			}
			if r > 0 && c == dateCol {
				if d, err := time.Parse("02/01/2006", v); err == nil {
					ts.Check(f.SetCellValue("Sheet1", cell, d))
					continue
				}
			}
			ts.Check(f.SetCellStr("Sheet1", cell, v))
		}
	}
	ts.Check(f.SaveAs(ts.MkAbs(args[1])))
}

// exits runs a program as exec does and checks its exit code, which
// scripts and schedulers rely on: exits 2 attendrisk analyse --bogus x.csv.
// stdout and stderr are checked after it as after exec.
func exits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}
