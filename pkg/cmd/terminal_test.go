package cmd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// termRegister is 30 pupils, so that the terminal's top 25 leaves 5.
func termRegister(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("UPN,Surname,Forename,Date,Session,Mark\n")
	for i := range 30 {
		mark := "/"
		if i%2 == 0 {
			mark = "O"
		}
		fmt.Fprintf(&b, "P%02d,Surname%02d,Forename,02/09/2024,AM,%s\nP%02d,Surname%02d,Forename,02/09/2024,PM,/\n", i, i, mark, i, i)
	}
	path := filepath.Join(t.TempDir(), "reg.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// runTerm runs analyse with stdout reported as a terminal or not.
func runTerm(t *testing.T, tty bool, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &Factory{IO: &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, StdoutTTY: tty},
		Now: func() time.Time { return time.Date(2024, 9, 20, 0, 0, 0, 0, time.UTC) }}
	root := NewCmdRoot(f)
	root.SetArgs(append([]string{"analyse", "-q", "--min-sessions", "1"}, args...))
	root.SetOut(&out)
	root.SetErr(&errOut)
	if err := root.Execute(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, errOut.String())
	}
	return out.String()
}

func tableRows(out string) int {
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "│") {
			n++
		}
	}
	return n - 1 // the header
}

func widest(out string) int {
	w := 0
	for _, l := range strings.Split(out, "\n") {
		w = max(w, len([]rune(l)))
	}
	return w
}

// A terminal gets the top 25 with a line for the rest, unless --top is
// given; a pipe or a file gets every pupil.
func TestTerminalTop(t *testing.T) {
	reg := termRegister(t)
	t.Setenv("NO_COLOR", "1")
	t.Setenv("COLUMNS", "")
	tests := []struct {
		name     string
		tty      bool
		args     []string
		rows     int
		moreLine string
	}{
		{"terminal", true, nil, 25, "5 more: use --top 0 for all"},
		{"terminal --top 0", true, []string{"--top", "0"}, 30, ""},
		{"terminal --top 3", true, []string{"--top", "3"}, 3, ""},
		{"pipe", false, nil, 30, ""},
	}
	for _, tt := range tests {
		out := runTerm(t, tt.tty, append(tt.args, reg)...)
		if got := tableRows(out); got != tt.rows {
			t.Errorf("%s: %d pupils shown, want %d", tt.name, got, tt.rows)
		}
		if tt.moreLine != "" && !strings.Contains(out, "\n"+tt.moreLine+"\n") {
			t.Errorf("%s: no line %q:\n%s", tt.name, tt.moreLine, out)
		}
		if tt.moreLine == "" && strings.Contains(out, "more: use --top 0") {
			t.Errorf("%s: a 'more' line with every pupil shown", tt.name)
		}
	}
}

// COLUMNS sets the width (80 at the least); without it a pipe gets 100.
func TestTerminalWidth(t *testing.T) {
	reg := termRegister(t)
	t.Setenv("NO_COLOR", "1")
	for _, tt := range []struct {
		columns string
		want    int
	}{{"120", 120}, {"80", 80}, {"40", 80}, {"wide", 100}, {"", 100}} {
		t.Setenv("COLUMNS", tt.columns)
		if got := termWidth(&IO{}); got != tt.want {
			t.Errorf("COLUMNS=%q: width %d, want %d", tt.columns, got, tt.want)
		}
		if got := widest(runTerm(t, false, reg)); got > tt.want {
			t.Errorf("COLUMNS=%q: a line %d wide, want at most %d", tt.columns, got, tt.want)
		}
	}
}

// Colour only on a terminal, and never with NO_COLOR set (even empty).
func TestTerminalColour(t *testing.T) {
	reg := termRegister(t)
	t.Setenv("COLUMNS", "")
	os.Unsetenv("NO_COLOR")
	t.Cleanup(func() { os.Unsetenv("NO_COLOR") })
	got := map[string]bool{}
	got["terminal"] = strings.Contains(runTerm(t, true, reg), "\x1b[")
	got["pipe"] = strings.Contains(runTerm(t, false, reg), "\x1b[")
	t.Setenv("NO_COLOR", "")
	got["terminal NO_COLOR"] = strings.Contains(runTerm(t, true, reg), "\x1b[")
	want := map[string]bool{"terminal": true, "pipe": false, "terminal NO_COLOR": false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("escape codes (-want +got):\n%s", diff)
	}
}
