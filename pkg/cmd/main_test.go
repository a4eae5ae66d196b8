package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testRegister is a small synthetic register: A1 is absent 2 of 4 sessions
// (severe), B2 present throughout.
const testRegister = "UPN,Surname,Forename,Date,Session,Mark\n" +
	"A1,Ash,Ann,02/09/2024,AM,/\n" +
	"A1,Ash,Ann,02/09/2024,PM,O\n" +
	"A1,Ash,Ann,03/09/2024,AM,I\n" +
	"A1,Ash,Ann,03/09/2024,PM,\\\n" +
	"B2,Birch,Bo,02/09/2024,AM,/\n" +
	"B2,Birch,Bo,02/09/2024,PM,\\\n"

// withRejected has one row with an unknown code.
const withRejected = testRegister + "B2,Birch,Bo,03/09/2024,AM,Q9\n"

// TestMainExitCodes checks the only place errors become exit codes: 0 for
// success, 1 for a failure of the run or the data, 2 for a usage mistake.
// Scripts and schedulers rely on these numbers.
func TestMainExitCodes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	empty := filepath.Join(dir, "empty.csv")
	for p, data := range map[string]string{good: testRegister, bad: withRejected, empty: ""} {
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // a substring stderr must contain; "" means stderr must be empty
		stdout string // a substring stdout must contain
	}{
		{name: "ok", args: []string{"analyse", "--no-rules", "-q", good}, code: 0, stdout: "A1"},
		{name: "ok, csv", args: []string{"analyse", "--no-rules", "-q", "--format", "csv", good}, code: 0, stdout: "pupil_id,"},
		{name: "ok, rejected row without --strict", args: []string{"analyse", "--no-rules", bad}, code: 0, stderr: "rejected 1"},
		{name: "ok, default rules", args: []string{"analyse", "-q", good}, code: 0, stdout: "A1"},
		{name: "codes", args: []string{"codes"}, code: 0, stdout: "C1"},
		{name: "help", args: []string{"--help"}, code: 0, stdout: "Usage:"},
		{name: "no args prints help", args: nil, code: 0, stdout: "Available Commands"},
		{name: "missing file", args: []string{"analyse", "--no-rules", filepath.Join(dir, "nope.csv")}, code: 1,
			stderr: "attendrisk: " + filepath.Join(dir, "nope.csv") + ": cannot open: no such file or directory"},
		{name: "empty file", args: []string{"analyse", "--no-rules", empty}, code: 1, stderr: "file is empty"},
		// A folder is its CSV and XLSX files (see inputs.go); one with none fails.
		{name: "a folder with no exports", args: []string{"analyse", "--no-rules", t.TempDir()}, code: 1, stderr: "the folder holds no CSV or XLSX files"},
		{name: "strict with a rejected row", args: []string{"analyse", "--no-rules", "--strict", bad}, code: 1,
			stderr: "--strict: 1 session marks were rejected"},
		{name: "strict with nothing rejected", args: []string{"analyse", "--no-rules", "--strict", "-q", good}, code: 0, stdout: "A1"},
		{name: "no file given", args: []string{"analyse"}, code: 2, stderr: "analyse needs at least one register file"},
		{name: "unknown flag", args: []string{"analyse", "--bogus", good}, code: 2, stderr: "unknown flag: --bogus"},
		{name: "unknown shorthand flag", args: []string{"analyse", "-Z", good}, code: 2, stderr: "unknown shorthand flag"},
		{name: "flag without its value", args: []string{"analyse", good, "--format"}, code: 2, stderr: "flag needs an argument"},
		{name: "unknown command", args: []string{"analyze-all", good}, code: 2, stderr: `unknown command "analyze-all"`},
		{name: "bad --format", args: []string{"analyse", "--format", "pdf", good}, code: 2, stderr: `--format "pdf"`},
		{name: "bad -o extension", args: []string{"analyse", "--no-rules", "-o", filepath.Join(dir, "out.pdf"), good}, code: 2, stderr: "cannot tell the format"},
		{name: "bad --from date", args: []string{"analyse", "--from", "31/02/2024", good}, code: 2, stderr: `--from "31/02/2024"`},
		{name: "bad --to date", args: []string{"analyse", "--to", "tomorrow", good}, code: 2, stderr: `--to "tomorrow"`},
		{name: "--from after --to", args: []string{"analyse", "--from", "2024-09-03", "--to", "2024-09-02", good}, code: 2, stderr: "is after"},
		{name: "bad --layout", args: []string{"analyse", "--layout", "wide", good}, code: 2, stderr: `--layout "wide"`},
		{name: "bad --map", args: []string{"analyse", "--map", "colour=Red", good}, code: 2, stderr: "unknown field"},
		{name: "negative --top", args: []string{"analyse", "--top", "-1", good}, code: 2, stderr: "--top -1"},
		{name: "--top not a number", args: []string{"analyse", "--top", "ten", good}, code: 2, stderr: "invalid argument"},
		{name: "codes takes no arguments", args: []string{"codes", "x"}, code: 2, stderr: "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Main(tt.args, strings.NewReader(""), &out, &errOut)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstderr: %s", code, tt.code, errOut.String())
			}
			if tt.stderr == "" && errOut.Len() > 0 {
				t.Errorf("stderr = %q, want nothing", errOut.String())
			}
			if !strings.Contains(errOut.String(), tt.stderr) {
				t.Errorf("stderr = %q, want it to contain %q", errOut.String(), tt.stderr)
			}
			if !strings.Contains(out.String(), tt.stdout) {
				t.Errorf("stdout = %q, want it to contain %q", out.String(), tt.stdout)
			}
			switch tt.code {
			case ExitUsage:
				// A usage error says so once, and points at --help.
				if !strings.HasPrefix(errOut.String(), "attendrisk: ") || !strings.HasSuffix(errOut.String(), "Run 'attendrisk --help' for usage.\n") {
					t.Errorf("usage error stderr = %q", errOut.String())
				}
				if out.Len() > 0 {
					t.Errorf("usage error wrote to stdout: %q", out.String())
				}
			case ExitFailure:
				if !strings.Contains(errOut.String(), "attendrisk: ") || out.Len() > 0 {
					t.Errorf("failure: stdout %q, stderr %q", out.String(), errOut.String())
				}
			}
		})
	}
}

// TestMainOutputFile: -o writes the file and nothing to stdout; a usage
// error or a failure writes no file.
func TestMainOutputFile(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "r.csv")
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(in, []byte(testRegister), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(withRejected), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.csv")
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"analyse", "--no-rules", "-o", out, in}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing with -o", stdout.String())
	}
	if !strings.Contains(stderr.String(), "wrote 2 pupils to "+out) {
		t.Errorf("stderr = %q", stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "pupil_id,") || !strings.Contains(string(data), "\nA1,Ash,Ann,") {
		t.Errorf("output file = %q", data)
	}

	// Writing over the input is refused, and the input is untouched.
	stderr.Reset()
	if code := Main([]string{"analyse", "--no-rules", "--format", "csv", "-o", in, in}, nil, &stdout, &stderr); code != 1 {
		t.Errorf("-o over the input: exit %d, want 1", code)
	}
	if got, _ := os.ReadFile(in); string(got) != testRegister {
		t.Error("the input was changed")
	}

	// --strict fails before anything is written.
	strictOut := filepath.Join(dir, "strict.csv")
	if code := Main([]string{"analyse", "--no-rules", "--strict", "-o", strictOut, bad}, nil, &stdout, &stderr); code != 1 {
		t.Errorf("--strict: exit %d, want 1", code)
	}
	if _, err := os.Stat(strictOut); !os.IsNotExist(err) {
		t.Errorf("--strict failure left %s", strictOut)
	}
	// A bad extension is a usage error and writes nothing.
	pdf := filepath.Join(dir, "out.pdf")
	if code := Main([]string{"analyse", "--no-rules", "-o", pdf, in}, nil, &stdout, &stderr); code != 2 {
		t.Errorf("-o out.pdf: exit %d, want 2", code)
	}
	if _, err := os.Stat(pdf); !os.IsNotExist(err) {
		t.Errorf("a usage error left %s", pdf)
	}
}
