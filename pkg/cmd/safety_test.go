package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/rules"
)

func dirList(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// TestOutputNeverReplacesAnInput: -o refuses every file the run reads, by
// any name, and anything that is not a regular file or a new path; the
// refusal is exit 1, before anything is read or written.
func TestOutputNeverReplacesAnInput(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"r.csv":        testRegister,
		"rules.yaml":   string(rules.Default()),
		"context.csv":  "UPN,Young Carer\nA1,Y\nB2,N\n",
		"key.txt":      "a key of more than sixteen bytes\n",
		"profile.yaml": "name: mine\nlayout: marks\ncolumns:\n  pupil_id: UPN\n",
		"bench.yaml":   "- name: Here\n  overall_absence_pct: 7\n  authorised_absence_pct: 4\n  unauthorised_absence_pct: 3\n  persistent_absence_pct: 20\n  severe_absence_pct: 2\n  source: test\n",
		"prev.json":    `{"tool":"attendrisk","pupils":[]}`,
	})
	p := func(name string) string { return filepath.Join(dir, name) }
	if err := os.Mkdir(p("out-dir"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(p("r.csv"), p("hard.csv")); err != nil {
		t.Fatal(err)
	}
	refusal := func(in string) string {
		return "attendrisk: refusing to write the output over the input file " + in + "\n"
	}
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"a register", []string{"analyse", "--no-rules", "--format", "csv", "-o", p("r.csv"), p("r.csv")}, refusal(p("r.csv"))},
		{"a hard link to a register", []string{"analyse", "--no-rules", "--format", "csv", "-o", p("hard.csv"), p("r.csv")}, refusal(p("r.csv"))},
		{"the rules", []string{"analyse", "--rules", p("rules.yaml"), "--format", "csv", "-o", p("rules.yaml"), p("r.csv")}, refusal(p("rules.yaml"))},
		{"the context", []string{"analyse", "--context", p("context.csv"), "-o", p("context.csv"), p("r.csv")}, refusal(p("context.csv"))},
		{"the key file", []string{"analyse", "--pseudonymise", "--key-file", p("key.txt"), "-o", p("key.txt"), p("r.csv")}, refusal(p("key.txt"))},
		{"the profile", []string{"analyse", "--profile", p("profile.yaml"), "--format", "csv", "-o", p("profile.yaml"), p("r.csv")}, refusal(p("profile.yaml"))},
		{"the compare file", []string{"analyse", "--compare", p("prev.json"), "-o", p("prev.json"), p("r.csv")}, refusal(p("prev.json"))},
		{"summary's benchmarks", []string{"summary", "--benchmarks", p("bench.yaml"), "--format", "csv", "-o", p("bench.yaml"), p("r.csv")}, refusal(p("bench.yaml"))},
		{"summary's register", []string{"summary", "-o", p("r.csv"), p("r.csv")}, refusal(p("r.csv"))},
		{"a directory", []string{"analyse", "--no-rules", "--format", "csv", "-o", p("out-dir"), p("r.csv")},
			"attendrisk: refusing to write the output to " + p("out-dir") + ": it is a directory, not a regular file\n"},
	}
	if runtime.GOOS != "windows" {
		if err := os.Symlink(p("context.csv"), p("link.csv")); err != nil {
			t.Fatal(err)
		}
		if err := mkfifo(p("fifo.csv")); err != nil {
			t.Fatal(err)
		}
		tests = append(tests,
			struct {
				name   string
				args   []string
				stderr string
			}{"a symbolic link to the context", []string{"analyse", "--context", p("context.csv"), "-o", p("link.csv"), p("r.csv")}, refusal(p("context.csv"))},
			struct {
				name   string
				args   []string
				stderr string
			}{"a named pipe", []string{"analyse", "--no-rules", "-o", p("fifo.csv"), p("r.csv")},
				"attendrisk: refusing to write the output to " + p("fifo.csv") + ": it is a named pipe, not a regular file\n"},
			struct {
				name   string
				args   []string
				stderr string
			}{"a device", []string{"analyse", "--no-rules", "--format", "csv", "-o", "/dev/null", p("r.csv")},
				"attendrisk: refusing to write the output to /dev/null: it is a device, not a regular file\n"},
		)
	}
	before := map[string]string{}
	for _, name := range dirList(t, dir) {
		if st, err := os.Lstat(p(name)); err != nil || !st.Mode().IsRegular() {
			continue // reading the named pipe would wait for a writer
		}
		if b, err := os.ReadFile(p(name)); err == nil {
			before[name] = string(b)
		}
	}
	listing := dirList(t, dir)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(tt.args...)
			if code != ExitFailure {
				t.Errorf("exit %d, want %d", code, ExitFailure)
			}
			if diff := cmp.Diff(tt.stderr, stderr); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			for name, was := range before {
				if b, _ := os.ReadFile(p(name)); string(b) != was {
					t.Errorf("%s changed", name)
				}
			}
			if diff := cmp.Diff(listing, dirList(t, dir)); diff != "" {
				t.Errorf("directory (-before +after):\n%s", diff)
			}
		})
	}
}

// failAfter accepts n bytes, then fails every write as a full disk does.
type failAfter struct {
	n       int
	written bytes.Buffer
}

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) <= f.n {
		f.n -= len(p)
		f.written.Write(p)
		return len(p), nil
	}
	k := f.n
	f.written.Write(p[:k])
	f.n = 0
	return k, syscall.ENOSPC
}

// TestEveryOutputChecksItsWrites: whatever the command, a stdout that fails
// (a full disk, a closed pipe) fails the run with exit 1 and says where,
// once, however many writes the command went on to make.
func TestEveryOutputChecksItsWrites(t *testing.T) {
	dir := writeFiles(t, map[string]string{"r.csv": testRegister})
	reg := filepath.Join(dir, "r.csv")
	commands := [][]string{
		{"analyse", "-q", "--min-sessions", "1", reg},
		{"analyse", "-q", "--format", "csv", reg},
		{"analyse", "-q", "--format", "json", reg},
		{"analyse", "-q", "--format", "jsonl", reg},
		{"analyse", "-q", "--format", "md", reg},
		{"analyse", "-q", "--format", "html", reg},
		{"explain", "A1", reg},
		{"inspect", reg},
		{"summary", "-q", reg},
		{"summary", "-q", "--format", "csv", reg},
		{"summary", "-q", "--format", "json", reg},
		{"rules", "show"},
		{"codes"},
		{"version"},
	}
	const want = "attendrisk: writing to standard output: no space left on device\n"
	for _, args := range commands {
		for _, n := range []int{0, 7, 300} {
			name := strings.Join(args[:min(len(args), 4)], " ")
			t.Run(name, func(t *testing.T) {
				var full bytes.Buffer
				if code := Main(args, nil, &full, &bytes.Buffer{}); code != ExitOK {
					t.Fatalf("the command fails even with a working stdout: exit %d", code)
				}
				if n >= full.Len() {
					t.Skipf("the output is %d bytes, not more than %d", full.Len(), n)
				}
				out := &failAfter{n: n}
				var errOut bytes.Buffer
				code := Main(args, nil, out, &errOut)
				if code != ExitFailure {
					t.Errorf("exit %d, want %d", code, ExitFailure)
				}
				if diff := cmp.Diff(want, errOut.String()); diff != "" {
					t.Errorf("stderr (-want +got):\n%s", diff)
				}
				if !strings.HasPrefix(full.String(), out.written.String()) {
					t.Errorf("what was written is not the start of the output: %q", out.written.String())
				}
			})
		}
	}
}

// TestDevFull: stdout on /dev/full, the file every write to fails with
// ENOSPC, is reported like any other full disk.
func TestDevFull(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full here: %v", err)
	}
	defer full.Close()
	dir := writeFiles(t, map[string]string{"r.csv": testRegister})
	for _, args := range [][]string{{"codes"}, {"analyse", "-q", "--format", "json", filepath.Join(dir, "r.csv")}, {"rules", "show"}} {
		var errOut bytes.Buffer
		if code := Main(args, nil, full, &errOut); code != ExitFailure {
			t.Errorf("%v: exit %d, want 1", args, code)
		}
		if diff := cmp.Diff("attendrisk: writing to standard output: no space left on device\n", errOut.String()); diff != "" {
			t.Errorf("%v: stderr (-want +got):\n%s", args, diff)
		}
	}
}

// TestInterruptedRun: a run whose context is cancelled stops, exits 1 with
// "interrupted", and leaves neither an output nor a temporary file, while an
// earlier output is kept whole.
func TestInterruptedRun(t *testing.T) {
	dir := writeFiles(t, map[string]string{"r.csv": testRegister, "out.json": "last week's report\n"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"analyse", "-q", "-o", filepath.Join(dir, "out.json"), filepath.Join(dir, "r.csv")},
		{"analyse", "-q", "-o", filepath.Join(dir, "new.csv"), filepath.Join(dir, "r.csv")},
		{"analyse", "-q", filepath.Join(dir, "r.csv")},
		{"summary", "-q", "-o", filepath.Join(dir, "new.csv"), filepath.Join(dir, "r.csv")},
		{"explain", "A1", filepath.Join(dir, "r.csv")},
		{"inspect", filepath.Join(dir, "r.csv")},
		{"codes"},
	} {
		var out, errOut bytes.Buffer
		code := MainContext(ctx, args, nil, &out, &errOut)
		if code != ExitFailure {
			t.Errorf("%v: exit %d, want 1", args, code)
		}
		if diff := cmp.Diff("attendrisk: interrupted\n", errOut.String()); diff != "" {
			t.Errorf("%v: stderr (-want +got):\n%s", args, diff)
		}
		if out.Len() > 0 {
			t.Errorf("%v: stdout = %q", args, out.String())
		}
	}
	if diff := cmp.Diff([]string{"out.json", "r.csv"}, dirList(t, dir)); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "out.json")); string(b) != "last week's report\n" {
		t.Errorf("the earlier output changed to %q", b)
	}
}

// TestPanicIsAnInternalError: a bug that panics exits 1, never Go's 2 (a
// usage error to a script), and its value, which could hold a pupil's
// details, is never printed; the stack only with ATTENDRISK_DEBUG.
func TestPanicIsAnInternalError(t *testing.T) {
	orig := newRoot
	t.Cleanup(func() { newRoot = orig })
	newRoot = func(f *Factory) *cobra.Command {
		root := orig(f)
		root.AddCommand(&cobra.Command{Use: "boom", RunE: func(*cobra.Command, []string) error {
			panic("pupil A1 Ann Ash has no figures")
		}})
		return root
	}
	const want = "attendrisk: internal error: a bug in attendrisk, please report it (ATTENDRISK_DEBUG=1 prints the stack trace)\n"
	for _, debug := range []string{"", "1"} {
		t.Setenv("ATTENDRISK_DEBUG", debug)
		code, stdout, stderr := run("boom")
		if code != ExitFailure {
			t.Errorf("debug %q: exit %d, want 1", debug, code)
		}
		if stdout != "" {
			t.Errorf("debug %q: stdout = %q", debug, stdout)
		}
		if strings.Contains(stderr, "Ann") || strings.Contains(stderr, "A1") {
			t.Errorf("debug %q: stderr names the pupil: %q", debug, stderr)
		}
		if debug == "" {
			if diff := cmp.Diff(want, stderr); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		} else if !strings.HasPrefix(stderr, want+"goroutine ") || !strings.Contains(stderr, "safety_test.go") {
			t.Errorf("with ATTENDRISK_DEBUG, stderr = %q, want the message then the stack", stderr)
		}
	}
}

// TestUsageErrorsBeforeReading: flags that depend on the rules or the
// context are checked before the registers are read: a register that
// cannot be opened is not reached.
func TestUsageErrorsBeforeReading(t *testing.T) {
	dir := writeFiles(t, map[string]string{"context.csv": "UPN,Young Carer\nA1,Y\n", "bad.yaml": "name: x\nfactors: [\n"})
	missing := filepath.Join(dir, "missing.csv")
	usage := func(msg string) string { return "attendrisk: " + msg + "\nRun 'attendrisk --help' for usage.\n" }
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"--tier", []string{"analyse", "--tier", "urgentish", missing}, ExitUsage,
			usage(`--tier "urgentish": the rules have the tiers urgent, high, medium, monitor`)},
		{"--fail-on", []string{"analyse", "--fail-on", "severe", missing}, ExitUsage,
			usage(`--fail-on "severe": the rules have the tiers urgent, high, medium, monitor`)},
		{"summary --by", []string{"summary", "--by", "colour", missing}, ExitUsage,
			usage(`--by "colour": expected year_group, reg_group, school, tier or context.<column>`)},
		{"summary --by a context column the file lacks", []string{"summary", "--context", filepath.Join(dir, "context.csv"), "--by", "context.fsm", missing}, ExitUsage,
			usage("--by context.fsm: the context file has no such column (it has context.young_carer)")},
		{"summary --by a context column without a context", []string{"summary", "--by", "context.fsm", missing}, ExitUsage,
			usage("--by context.fsm needs a --context file")},
		{"a rules file with an error", []string{"analyse", "--rules", filepath.Join(dir, "bad.yaml"), missing}, ExitFailure,
			"attendrisk: " + filepath.Join(dir, "bad.yaml") + ":2:1: invalid YAML: did not find expected node content\n"},
		{"a missing context file", []string{"analyse", "--context", filepath.Join(dir, "nope.csv"), missing}, ExitFailure,
			"attendrisk: " + filepath.Join(dir, "nope.csv") + ": cannot open: no such file or directory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if diff := cmp.Diff(tt.stderr, stderr); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if stdout != "" {
				t.Errorf("stdout = %q", stdout)
			}
		})
	}
}

// TestUnknownSubcommand: a command group refuses a subcommand it does not
// have, as the top level does, with the nearest names.
func TestUnknownSubcommand(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"rules", "chek"}, ExitUsage, "attendrisk: unknown command \"chek\" for \"attendrisk rules\"\n\nDid you mean this?\n\tcheck\nRun 'attendrisk --help' for usage.\n"},
		{[]string{"rules", "init", "a.yaml", "b.yaml"}, ExitUsage, "attendrisk: rules init takes at most one file to write\nRun 'attendrisk --help' for usage.\n"},
		{[]string{"rules", "indicators", "--format", "csv"}, ExitUsage, "attendrisk: --format \"csv\": expected text, json or md\nRun 'attendrisk --help' for usage.\n"},
		{[]string{"rules", "sh", "x.yaml"}, ExitUsage, "attendrisk: unknown command \"sh\" for \"attendrisk rules\"\n\nDid you mean this?\n\tshow\nRun 'attendrisk --help' for usage.\n"},
		{[]string{"analyse-all"}, ExitUsage, "attendrisk: unknown command \"analyse-all\" for \"attendrisk\"\nRun 'attendrisk --help' for usage.\n"},
		{[]string{"completion", "cmd"}, ExitUsage, "attendrisk: unknown command \"cmd\" for \"attendrisk completion\"\nRun 'attendrisk --help' for usage.\n"},
		{[]string{"help", "bogus"}, ExitUsage, "attendrisk: unknown help topic \"bogus\": see 'attendrisk help' for the commands\nRun 'attendrisk --help' for usage.\n"},
		{[]string{"help", "rules", "chek"}, ExitUsage, "attendrisk: unknown help topic \"rules chek\": see 'attendrisk help' for the commands\nRun 'attendrisk --help' for usage.\n"},
		{[]string{"rules"}, ExitOK, ""},
		{[]string{"help", "rules"}, ExitOK, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := run(tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if diff := cmp.Diff(tt.stderr, stderr); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if tt.code == ExitOK && !strings.Contains(stdout, "Available Commands:") {
				t.Errorf("stdout = %q, want the rules' help", stdout)
			}
		})
	}
}

// TestDateFlagBounds: a date flag outside 1990 to 2100 is a usage error,
// never a panic; the bounds themselves are accepted.
func TestDateFlagBounds(t *testing.T) {
	dir := writeFiles(t, map[string]string{"r.csv": testRegister})
	reg := filepath.Join(dir, "r.csv")
	usage := func(msg string) string { return "attendrisk: " + msg + "\nRun 'attendrisk --help' for usage.\n" }
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"analyse", "-q", "--as-of", "1800-01-01", reg}, ExitUsage, usage(`--as-of "1800-01-01": expected a date from 1990 to 2100`)},
		{[]string{"analyse", "-q", "--as-of", "31/12/1989", reg}, ExitUsage, usage(`--as-of "31/12/1989": expected a date from 1990 to 2100`)},
		{[]string{"analyse", "-q", "--as-of", "2101-01-01", reg}, ExitUsage, usage(`--as-of "2101-01-01": expected a date from 1990 to 2100`)},
		{[]string{"analyse", "-q", "--as-of", "9999-12-31", reg}, ExitUsage, usage(`--as-of "9999-12-31": expected a date from 1990 to 2100`)},
		{[]string{"analyse", "-q", "--as-of", "0001-01-01", reg}, ExitUsage, usage(`--as-of "0001-01-01": expected a date from 1990 to 2100`)},
		{[]string{"analyse", "-q", "--from", "01/01/1066", reg}, ExitUsage, usage(`--from "01/01/1066": expected a date from 1990 to 2100`)},
		{[]string{"analyse", "-q", "--to", "2200-01-01", reg}, ExitUsage, usage(`--to "2200-01-01": expected a date from 1990 to 2100`)},
		{[]string{"summary", "-q", "--as-of", "1800-01-01", reg}, ExitUsage, usage(`--as-of "1800-01-01": expected a date from 1990 to 2100`)},
		{[]string{"explain", "--from", "1800-01-01", "A1", reg}, ExitUsage, usage(`--from "1800-01-01": expected a date from 1990 to 2100`)},
		{[]string{"inspect", "--to", "1800-01-01", reg}, ExitUsage, usage(`--to "1800-01-01": expected a date from 1990 to 2100`)},
		{[]string{"analyse", "-q", "--as-of", "1990-01-01", reg}, ExitOK, ""},
		{[]string{"analyse", "-q", "--as-of", "2100-12-31", "--from", "1990-01-01", "--to", "31/12/2100", reg}, ExitOK, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[:len(tt.args)-1], " "), func(t *testing.T) {
			code, _, stderr := run(tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if diff := cmp.Diff(tt.stderr, stderr); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		})
	}
}
