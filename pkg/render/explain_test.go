package render

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

// explainPages runs the real pipeline on the explain fixture (three pupils
// over two weeks, two with hostile names) and builds every pupil's page.
func explainPages(t *testing.T) []*ExplainPage {
	t.Helper()
	res, err := analysis.Run(analysis.Input{Files: []string{"testdata/explain-register.csv"},
		RulesFile: "testdata/explain-rules.yaml", MinSessions: 1})
	if err != nil {
		t.Fatal(err)
	}
	var pages []*ExplainPage
	for i, p := range res.Pupils {
		pages = append(pages, BuildExplainPage(res, p, i+1, len(res.Pupils), 1))
	}
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	return pages
}

var explainMeta = PackMeta{AsOf: "20/09/2024", Version: "test"}

func TestExplainGolden(t *testing.T) {
	for _, tt := range []struct {
		name  string
		write func(*bytes.Buffer, []*ExplainPage) error
	}{
		{"explain-text.golden", func(b *bytes.Buffer, p []*ExplainPage) error { return ExplainText(b, p) }},
		{"explain-md.golden", func(b *bytes.Buffer, p []*ExplainPage) error { return ExplainMarkdown(b, p, explainMeta) }},
		{"explain-html.golden", func(b *bytes.Buffer, p []*ExplainPage) error { return ExplainHTML(b, p, explainMeta) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.write(&b, explainPages(t)); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name, b.Bytes())
		})
	}
}

// TestExplainEscaping: a name from a register is text in every format,
// never markup: no script in the HTML, no link, image or table cell in the
// Markdown; and the HTML loads nothing from outside.
func TestExplainEscaping(t *testing.T) {
	pages := explainPages(t)
	var h bytes.Buffer
	if err := ExplainHTML(&h, pages, explainMeta); err != nil {
		t.Fatal(err)
	}
	html := h.String()
	for _, bad := range []string{"<script", "</script>", "src=", "<link", "@import", "url(", "http://evil\"", "<img", "<iframe"} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "[x](http://evil) Smith | Jones", "Content-Security-Policy", "break-after: page", "page-break-after: always", "size: A4",
		"not findings of neglect", "Southampton City Council, Educational Neglect Practitioner Guidance (January 2025)"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	var m bytes.Buffer
	if err := ExplainMarkdown(&m, pages, explainMeta); err != nil {
		t.Fatal(err)
	}
	md := m.String()
	for _, want := range []string{`\<script\>alert\(1\)\</script\>`, `\[x\]\(http\://evil\) Smith \| Jones`} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "[x](", "Smith | Jones", "</script"} {
		if strings.Contains(strings.ReplaceAll(md, `\<`, ""), bad) {
			t.Errorf("Markdown contains %q unescaped", bad)
		}
	}
}

// TestExplainPackPrints renders a pack of three pupils in headless
// Chromium, prints it to PDF and checks what a meeting gets on paper: one
// A4 page per child, each child's name on their own page only, and the
// grid's last column (Friday PM, the absent count) on the page, not cut
// off. It needs chromium and poppler-utils; without them it is skipped,
// unless ATTENDRISK_BROWSER_TEST=1 (as in CI), when it fails.
func TestExplainPackPrints(t *testing.T) {
	need := os.Getenv("ATTENDRISK_BROWSER_TEST") == "1"
	var chromium string
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	_, errInfo := exec.LookPath("pdfinfo")
	_, errText := exec.LookPath("pdftotext")
	if chromium == "" || errInfo != nil || errText != nil {
		if need {
			t.Fatal("ATTENDRISK_BROWSER_TEST=1 but chromium, pdfinfo or pdftotext is missing (apt-get install chromium poppler-utils)")
		}
		t.Skip("chromium or poppler-utils not installed")
	}
	dir := t.TempDir()
	pages := explainPages(t)
	html := filepath.Join(dir, "pack.html")
	var b bytes.Buffer
	if err := ExplainHTML(&b, pages, explainMeta); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(html, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(dir, "out.pdf")
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--print-to-pdf="+pdf, "file://"+html)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	info, err := exec.Command("pdfinfo", pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	if !strings.Contains(string(info), "(A4)") {
		t.Errorf("not A4:\n%s", info)
	}
	var n int
	for _, l := range strings.Split(string(info), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "Pages:" {
			if _, err := fmtSscan(f[1], &n); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n != len(pages) {
		t.Fatalf("%d printed pages for %d pupils, want one child per page", n, len(pages))
	}
	for i, pg := range pages {
		out, err := exec.Command("pdftotext", "-layout", "-f", strconv.Itoa(i+1), "-l", strconv.Itoa(i+1), pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		text := string(out)
		for j, other := range pages {
			has := strings.Contains(text, other.ID)
			if j == i && !has {
				t.Errorf("page %d lacks its pupil %s", i+1, other.ID)
			}
			if j != i && has {
				t.Errorf("page %d also shows pupil %s", i+1, other.ID)
			}
		}
		// The grid's last columns and the page's end are on the paper.
		for _, want := range []string{"Fri", "Absent", "Actions", "not findings of neglect", "Prepared 20/09/2024"} {
			if !strings.Contains(text, want) {
				t.Errorf("page %d lacks %q: cut off or overflowing?\n%s", i+1, want, text)
			}
		}
		// The last grid row's absent count, right of Friday PM.
		last := pg.Grid.Rows[len(pg.Grid.Rows)-1]
		if !strings.Contains(text, last.Label) {
			t.Errorf("page %d lacks the grid row %s", i+1, last.Label)
		}
	}
}

func fmtSscan(s string, n *int) (int, error) { return fmt.Sscan(s, n) }
