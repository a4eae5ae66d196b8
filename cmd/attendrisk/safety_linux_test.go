//go:build linux

package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/synth"
)

// These tests run the real binary (the test binary installed as attendrisk
// by testscript.Main) as a separate process, to send it real signals and
// give it a real full disk.

// bigRegister writes a synthetic local authority's year for 2,000 pupils
// (about 760,000 mark rows, 43 MB) into the test's temporary directory. It
// is made afresh for each test rather than once per process: a file kept
// between runs would be gone (removed with the first run's directory) when
// go test -count=2 runs the test again.
func bigRegister(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "la.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg := synth.DefaultLAConfig()
	cfg.Pupils = 2000
	w := bufio.NewWriter(f)
	if _, err := synth.WriteLAMarksCSV(w, cfg); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// binary is the attendrisk command the scripts run.
func binary(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("attendrisk")
	if err != nil {
		t.Fatalf("attendrisk is not on PATH (testscript.Main installs it): %v", err)
	}
	return p
}

// readBytes is how many bytes the process has read so far (rchar in
// /proc/PID/io), or -1.
func readBytes(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "rchar: "); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return -1
}

// reading says the process is reading the marks of path: it has read 4 MB
// through read(), or it has the file mapped, which the marks reader does
// only while it reads the rows (pkg/ingest, mappedText).
func reading(pid int, path string) bool {
	if readBytes(pid) > 4<<20 {
		return true
	}
	maps, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", pid))
	return err == nil && bytes.Contains(maps, []byte(" "+path+"\n"))
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range es {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// TestInterruptedRunLeavesNothing sends SIGINT or SIGTERM to a real run in
// the middle of its work: it stops, exits 1 with "interrupted", the earlier
// report is kept whole, and no temporary file is left beside the output or
// in the temporary directory (excelize's included).
func TestInterruptedRunLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 43 MB register")
	}
	reg := bigRegister(t)
	tests := []struct {
		name   string
		signal syscall.Signal
		output string
		// ready says the run is in the middle of the phase to interrupt.
		ready func(pid int, dir string) bool
	}{
		{"SIGINT while reading", syscall.SIGINT, "out.json", func(pid int, _ string) bool { return reading(pid, reg) }},
		{"SIGTERM while reading", syscall.SIGTERM, "out.csv", func(pid int, _ string) bool { return reading(pid, reg) }},
		{"SIGTERM while writing a workbook", syscall.SIGTERM, "out.xlsx", func(_ int, dir string) bool {
			m, _ := filepath.Glob(filepath.Join(dir, ".out.xlsx.tmp-*"))
			return len(m) > 0
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, tmp := t.TempDir(), t.TempDir()
			out := filepath.Join(dir, tt.output)
			const old = "last week's report\n"
			if err := os.WriteFile(out, []byte(old), 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, binary(t), "analyse", "-q", "-o", out, reg)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var err error
			signalled := false
		wait:
			for {
				select {
				case err = <-done:
					break wait
				case <-time.After(time.Millisecond):
					if !signalled && tt.ready(cmd.Process.Pid, dir) {
						if err := cmd.Process.Signal(tt.signal); err != nil {
							t.Fatal(err)
						}
						signalled = true
					}
				}
			}
			if !signalled {
				t.Fatalf("the run ended before it could be interrupted: %v, stderr %q", err, stderr.String())
			}
			if code := cmd.ProcessState.ExitCode(); code != 1 {
				t.Errorf("exit code %d (%v), want 1", code, err)
			}
			if diff := cmp.Diff("attendrisk: interrupted\n", stderr.String()); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout = %.100q", stdout.String())
			}
			if got, _ := os.ReadFile(out); string(got) != old {
				t.Errorf("the earlier report changed to %.60q", got)
			}
			if diff := cmp.Diff([]string{tt.output}, names(t, dir)); diff != "" {
				t.Errorf("output directory (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{}, names(t, tmp)); diff != "" {
				t.Errorf("temporary directory (-want +got):\n%s", diff)
			}
		})
	}
}

// bigWorkbook writes a marks-layout workbook whose worksheet is some 30 MB
// of XML (150,000 rows, 1 MB compressed): over the 16 MB above which
// excelize unzips a worksheet to a temporary file in the system temporary
// directory while it is read.
func bigWorkbook(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Marks" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, parts[name])
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(w)
	cell := func(col string, row int, v string) {
		fmt.Fprintf(bw, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, col, row, v)
	}
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	bw.WriteString(`<row r="1">`)
	for i, h := range []string{"UPN", "Date", "Session", "Mark"} {
		cell(string(rune('A'+i)), 1, h)
	}
	bw.WriteString(`</row>`)
	row := 2
	for pupil := 0; pupil < 1000; pupil++ {
		for day := 0; day < 75; day++ {
			date := time.Date(2024, 9, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, day/5*7+day%5).Format("02/01/2006")
			for _, session := range []string{"AM", "PM"} {
				fmt.Fprintf(bw, `<row r="%d">`, row)
				cell("A", row, fmt.Sprintf("P%06d", pupil))
				cell("B", row, date)
				cell("C", row, session)
				cell("D", row, "/")
				bw.WriteString(`</row>`)
				row++
			}
		}
	}
	bw.WriteString(`</sheetData></worksheet>`)
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestInterruptedWorkbookRead: a run reading a workbook with 30 MB of sheet
// XML is interrupted once it has the workbook open; it exits 1, the earlier
// report is kept, and nothing is left in the system temporary directory
// (the streaming reader writes nothing there; excelize's reader, which
// unzipped a large sheet to it, once did).
func TestInterruptedWorkbookRead(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a workbook with 30 MB of XML")
	}
	dir, tmp := t.TempDir(), t.TempDir()
	wb := filepath.Join(dir, "marks.xlsx")
	bigWorkbook(t, wb)
	out := filepath.Join(dir, "out.json")
	const old = "last week's report\n"
	if err := os.WriteFile(out, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), "analyse", "-q", "-o", out, wb)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	signalled := false
wait:
	for {
		select {
		case <-done:
			break wait
		case <-time.After(time.Millisecond):
			if !signalled && hasOpen(cmd.Process.Pid, wb) {
				if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
					t.Fatal(err)
				}
				signalled = true
			}
		}
	}
	if !signalled {
		t.Fatalf("the run ended before it had the workbook open (exit %d, stderr %q)", cmd.ProcessState.ExitCode(), stderr.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if diff := cmp.Diff("attendrisk: interrupted\n", stderr.String()); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{}, names(t, tmp)); diff != "" {
		t.Errorf("temporary directory (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"marks.xlsx", "out.json"}, names(t, dir)); diff != "" {
		t.Errorf("directory (-want +got):\n%s", diff)
	}
	if got, _ := os.ReadFile(out); string(got) != old {
		t.Errorf("the earlier report changed to %.60q", got)
	}
}

// hasOpen reports whether process pid has the file at path open.
func hasOpen(pid int, path string) bool {
	fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	for _, fd := range fds {
		if target, err := os.Readlink(fd); err == nil && target == path {
			return true
		}
	}
	return false
}

// TestFullDiskKeepsTheOldReport writes -o onto a 64 KiB tmpfs: the run fails
// with exit 1 naming the output, the earlier report is kept whole, and no
// temporary file is left. It needs root, to mount the tmpfs.
func TestFullDiskKeepsTheOldReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount a 64 KiB tmpfs to fill (%v): run the tests as root to check a full disk", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	in := filepath.Join(t.TempDir(), "register.csv")
	var b strings.Builder
	b.WriteString("UPN,Surname,Forename,Date,Session,Mark\n")
	for i := 0; i < 400; i++ { // 400 pupils: some 200 KB of CSV output
		fmt.Fprintf(&b, "P%05d,S,F,02/09/2024,AM,/\nP%05d,S,F,02/09/2024,PM,O\n", i, i)
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	const old = "last week's report\n"
	for _, format := range []string{"csv", "json", "jsonl", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(dir, "out."+format)
			if err := os.WriteFile(out, []byte(old), 0o600); err != nil {
				t.Fatal(err)
			}
			defer os.Remove(out)
			cmd := exec.Command(binary(t), "analyse", "-q", "-o", out, in)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			if diff := cmp.Diff("attendrisk: writing "+out+": no space left on device\n", stderr.String()); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
			if got, _ := os.ReadFile(out); string(got) != old {
				t.Errorf("the earlier report changed to %.60q", got)
			}
			if diff := cmp.Diff([]string{"out." + format}, names(t, dir)); diff != "" {
				t.Errorf("directory (-want +got):\n%s", diff)
			}
		})
	}
}

// TestClosedPipe: a reader that goes away (attendrisk ... | head -1) is a
// failed output, exit 1 naming standard output, not a silent death by
// SIGPIPE.
func TestClosedPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close() // no reader at all
	cmd := exec.Command(binary(t), "rules", "show")
	cmd.Stdout = w
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Run()
	w.Close()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit code %d (%v), want 1", code, cmd.ProcessState)
	}
	if diff := cmp.Diff("attendrisk: writing to standard output: broken pipe\n", stderr.String()); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
}
