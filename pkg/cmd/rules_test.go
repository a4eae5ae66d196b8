package cmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/rules"
)

// TestRulesInit: the built-in rules are written byte for byte, readable by
// the owner only; an existing file is refused (and left alone) unless
// --force, which replaces it whole.
func TestRulesInit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "local.yaml")
	code, stdout, stderr := run("rules", "init", path)
	if code != ExitOK || stdout != "" || !strings.Contains(stderr, "wrote the built-in rules to "+path) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, rules.Default()) {
		t.Error("the file is not the built-in rules")
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v (err %v), want 0600", fi.Mode().Perm(), err)
	}

	if err := os.WriteFile(path, []byte("my edits\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run("rules", "init", path)
	if code != ExitFailure || !strings.Contains(stderr, "local.yaml already exists: give --force to overwrite it") {
		t.Errorf("over an existing file: exit %d, stderr %q", code, stderr)
	}
	if got, _ := os.ReadFile(path); string(got) != "my edits\n" {
		t.Error("the existing file was changed without --force")
	}
	if code, _, stderr = run("rules", "init", "--force", path); code != ExitOK {
		t.Fatalf("--force: exit %d, stderr %q", code, stderr)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, rules.Default()) {
		t.Error("--force did not write the built-in rules")
	}
	if code, _, stderr = run("rules", "init", "--force", dir); code != ExitFailure || !strings.Contains(stderr, "a directory") {
		t.Errorf("over a directory: exit %d, stderr %q", code, stderr)
	}
}

// TestRulesIndicators: every format lists exactly metrics.Indicators.
func TestRulesIndicators(t *testing.T) {
	code, stdout, stderr := run("rules", "indicators", "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rows []struct{ Name, Type, Group, Doc string }
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, ind := range metrics.Indicators {
		want = append(want, ind.Name+" "+ind.Kind.String()+" "+string(ind.Group)+" "+ind.Doc)
	}
	for _, r := range rows {
		got = append(got, r.Name+" "+r.Type+" "+r.Group+" "+r.Doc)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("json (-table +printed):\n%s", diff)
	}

	_, stdout, _ = run("rules", "indicators")
	lines := strings.Split(stdout, "\n")
	if !strings.HasPrefix(lines[0], "NAME") || len(lines) < len(metrics.Indicators)+1 {
		t.Fatalf("text: %q", stdout)
	}
	for i, ind := range metrics.Indicators {
		if f := strings.Fields(lines[i+1]); len(f) < 3 || f[0] != ind.Name || f[1] != ind.Kind.String() {
			t.Errorf("text line %d: %q, want %s %s", i+1, lines[i+1], ind.Name, ind.Kind)
		}
	}

	var md bytes.Buffer
	if err := metrics.WriteIndicatorsMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if _, stdout, _ = run("rules", "indicators", "--format", "md"); stdout != md.String() {
		t.Error("md is not the README table")
	}
}
