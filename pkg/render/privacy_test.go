package render

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/cohort"
	"github.com/attendrisk/attendrisk/pkg/compare"
)

// Hostile text in every field a user's files can fill: a register whose
// names, year, registration group and school are formulas, terminal escape
// sequences and Markdown or HTML markup; a context file whose text column
// is a formula; and a local rules file whose name, version, labels,
// sources and steps are formulas.
const (
	hostileName   = "\x1b]0;pwned\x07"
	hostileClear  = "\x1b[2J"
	hostileLink   = "[click](http://evil.example)"
	hostileImage  = "![x](http://evil.example/x.png)"
	hostileScript = "<script>alert(1)</script>"
)

func hostileInput(t *testing.T) analysis.Input {
	t.Helper()
	dir := t.TempDir()
	pupils := [][]string{
		// id, surname, forename, year, reg, school
		{"H1", "=HYPERLINK(\"http://evil.example\",\"x\")", hostileName, "+7", "-7A", "=SCHOOL()"},
		{"H2", hostileClear + "Ross", "Bel\x07\bla\rX", "@7", "7B", "=SCHOOL()"},
		{"H3", hostileLink, hostileImage, "7", "7|B", "=SCHOOL()"},
		{"H4", hostileScript, "*bold* _em_ `code`", "7", "# 7", "=SCHOOL()"},
		{"H5", "Ann\u202eeviL", "two\nlines", "7", "7\t", "=SCHOOL()"},
	}
	var reg bytes.Buffer
	w := csv.NewWriter(&reg)
	w.Write([]string{"UPN", "Surname", "Forename", "Year", "Reg Group", "School", "Date", "Session", "Mark"})
	for i, p := range pupils {
		for d := 2; d <= 6; d++ {
			for _, s := range []string{"AM", "PM"} {
				m := "/"
				if i < 3 && s == "PM" {
					m = "O" // H1 to H3 are persistently absent
				}
				w.Write(append(append([]string{}, p...), "0"+string(rune('0'+d))+"/09/2024", s, m))
			}
		}
	}
	w.Flush()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rules := `version: "+1"
name: "=Local rules"
factors:
  - id: persistent
    kind: risk
    group: attendance
    label: "-Persistently absent"
    when: persistent_absence
    weight: 20
    source: "@local policy"
  - id: noted
    kind: risk
    group: child
    label: "=Noted"
    when: context.note != ""
    weight: 5
    source: "=local policy"
tiers:
  - {name: act, min_score: 20}
  - {name: watch, min_score: 0}
next_steps:
  - id: call
    step: "=HYPERLINK(\"http://evil.example\",\"call\")"
    source: "+local"
`
	return analysis.Input{
		Files:       []string{write("register.csv", reg.String())},
		ContextFile: write("context.csv", "UPN,Note\nH1,=cmd|' /C calc'!A0\nH2,+note\nH3,"+hostileName+"\n"),
		RulesData:   []byte(rules),
		RulesFile:   "local.yaml",
	}
}

func hostileResult(t *testing.T) *analysis.Result {
	t.Helper()
	res, err := analysis.Run(hostileInput(t))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// formulaCells lists the text cells a spreadsheet could take for a formula.
// Neutralise is idempotent on a cell it has made safe, so a cell it would
// change is one that was written without it.
func formulaCells(where string, cells []string) []string {
	var bad []string
	for i, c := range cells {
		if Neutralise(c) != c {
			bad = append(bad, where+" cell "+string(rune('A'+i%26))+": "+c)
		}
	}
	return bad
}

func TestHostileCSVCellsAreNeutralised(t *testing.T) {
	res := hostileResult(t)
	var out bytes.Buffer
	if err := CSV(&out, res); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	for i, r := range recs {
		bad = append(bad, formulaCells("row "+string(rune('0'+i)), r)...)
	}
	if len(bad) > 0 {
		t.Errorf("cells a spreadsheet would evaluate:\n%s", strings.Join(bad, "\n"))
	}
	// The values are kept, behind an apostrophe.
	head := recs[0]
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return 0
	}
	var h1 []string
	for _, r := range recs {
		if r[0] == "H1" {
			h1 = r
		}
	}
	got := map[string]string{}
	for _, c := range []string{"surname", "year_group", "reg_group", "school", "factors", "next_steps", "rules_name", "rules_version"} {
		got[c] = h1[col(c)]
	}
	want := map[string]string{
		"surname":       `'=HYPERLINK("http://evil.example","x")`,
		"year_group":    "'+7",
		"reg_group":     "'-7A",
		"school":        "'=SCHOOL()",
		"factors":       "'-Persistently absent [5 of 10 possible sessions absent (50.0%)] | =Noted [context.note = \"=cmd|' /C calc'!A0\"]",
		"next_steps":    `'=HYPERLINK("http://evil.example","call")`,
		"rules_name":    "'=Local rules",
		"rules_version": "'+1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("H1's cells (-want +got):\n%s", diff)
	}

	// The cohort summary by school and by a context column.
	out.Reset()
	groups := cohort.Summarise(res, []string{"school", "context.note"}, 0)
	if err := CohortCSV(&out, []string{"school", "context.note"}, groups, []cohort.Benchmark{{Name: "=Benchmark"}}); err != nil {
		t.Fatal(err)
	}
	recs, err = csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	bad = nil
	for i, r := range recs {
		bad = append(bad, formulaCells("summary row "+string(rune('0'+i)), r)...)
	}
	if len(bad) > 0 {
		t.Errorf("summary cells a spreadsheet would evaluate:\n%s", strings.Join(bad, "\n"))
	}
}

func TestHostileXLSXCellsAreNeutralised(t *testing.T) {
	res := hostileResult(t)
	var buf bytes.Buffer
	meta := Meta{Version: "test", AsOf: "2024-09-20"}
	if err := XLSX(&buf, res, meta, cohort.Summarise(res, []string{"school"}, 0), []cohort.Benchmark{{Name: "=Benchmark"}}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var bad []string
	strs := 0
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if typ, _ := f.GetCellType(sheet, ref); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
					continue
				}
				strs++
				if Neutralise(v) != v {
					bad = append(bad, sheet+"!"+ref+": "+v)
				}
				if formula, _ := f.GetCellFormula(sheet, ref); formula != "" {
					bad = append(bad, sheet+"!"+ref+" holds the formula "+formula)
				}
			}
		}
	}
	if strs < 100 {
		t.Fatalf("only %d text cells read: the check saw nothing", strs)
	}
	if len(bad) > 0 {
		t.Errorf("cells a spreadsheet would evaluate:\n%s", strings.Join(bad, "\n"))
	}
}

// termSafe lists the bytes and runes of out that a terminal would act on:
// anything but printable text, spaces and line feeds.
func termSafe(out string) []string {
	var bad []string
	for i, r := range out {
		if r == '\n' {
			continue
		}
		if (r == utf8.RuneError) || unsafeRune(r) {
			bad = append(bad, out[max(0, i-20):i])
		}
	}
	return bad
}

func TestHostileTerminalTable(t *testing.T) {
	res := hostileResult(t)
	prev := &compare.Previous{Path: "week\x1b[2J.json", AsOf: "2024-09-01\x07", Pupils: map[string]compare.PrevPupil{
		compare.Key("=SCHOOL()", "H1"): {ID: "H1", School: "=SCHOOL()", Tier: "watch\x1b]0;x\x07"},
		"\x1b[31mX":                    {ID: "\x1b[31mX", Tier: "act"},
	}}
	changes := compare.Diff(prev, res)
	var out bytes.Buffer
	if err := Table(&out, res, TableOptions{Changes: changes, Compared: prev.Path + ", as of " + prev.AsOf}); err != nil {
		t.Fatal(err)
	}
	if bad := termSafe(out.String()); len(bad) > 0 {
		t.Errorf("control characters reach the terminal after: %q\n%s", bad, out.String())
	}
	for _, want := range []string{
		`Changes since week\x1b[2J.json, as of 2024-09-01\x07:`,
		`    H1 (=SCHOOL()): watch\x1b]0;x\x07, absence 0.0% -> act, absence 50.0%`,
		`    \x1b[31mX: act, absence 0.0% -> not in the data`,
		`rules: =Local rules, version +1 (sha256:`,
		"│ 1 │ H1    │ \\x1b]0;pwned\\x07 =H… │ +7   │ 50.0% │ act   │    25 │ -Persistently absent; =Noted │",
		"│ 2 │ H2    │ Bel\\x07\\x08la\\nX \\x… │ @7   │ 50.0% │ act   │    25 │ -Persistently absent; =Noted │",
		"│ 5 │ H5    │ two\\nlines Ann\\u202… │ 7    │  0.0% │ watch │     0 │                              │",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
	var q bytes.Buffer
	Quality(&q, res.Quality)
	if bad := termSafe(q.String()); len(bad) > 0 {
		t.Errorf("control characters reach stderr: %q", bad)
	}
}

func TestHostileMarkdown(t *testing.T) {
	res := hostileResult(t)
	prev := &compare.Previous{Path: "[week](http://evil.example).json", Pupils: map[string]compare.PrevPupil{compare.Key("=SCHOOL()", "H1"): {ID: "H1", School: "=SCHOOL()", Tier: "watch"}}}
	meta := Meta{Version: "test", AsOf: "2024-09-20", Changes: compare.Diff(prev, res), Compared: prev.Path}
	var out bytes.Buffer
	if err := Markdown(&out, res, meta, 0); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		`## Changes since \[week\]\(http\://evil.example\).json`,
		`- H1 \\x1b\]0;pwned\\x07 =HYPERLINK\("http\://evil.example","x"\) \(=SCHOOL\(\)\): watch, absence 0.0% → act, absence 50.0% (-Persistently absent; =Noted)`,
		`| 1 | H1 | \\x1b\]0;pwned\\x07 =HYPERLINK\("http\://evil.example","x"\) | =SCHOOL\(\) | act | 25 | 50.0% | -Persistently absent; =Noted |`,
		`| 2 | H2 | Bel\\x07\\x08la X \\x1b\[2JRoss | =SCHOOL\(\) | act | 25 | 50.0% | -Persistently absent; =Noted |`,
		`| 3 | H3 | \!\[x\]\(http\://evil.example/x.png\) \[click\]\(http\://evil.example\) | =SCHOOL\(\) | act | 25 | 50.0% | -Persistently absent; =Noted |`,
		"| 4 | H4 | \\*bold\\* \\_em\\_ \\`code\\` \\<script\\>alert\\(1\\)\\</script\\> | =SCHOOL\\(\\) | watch | 0 | 0.0% |  |",
		`| 5 | H5 | two lines Ann\\u202eeviL | =SCHOOL\(\) | watch | 0 | 0.0% |  |`,
		`Rules: =Local rules, version +1 (sha256:`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the Markdown lacks\n%s\n%s", want, got)
		}
	}
	if bad := termSafe(got); len(bad) > 0 {
		t.Errorf("control characters in the Markdown after: %q", bad)
	}
}

func TestHostileHTML(t *testing.T) {
	res := hostileResult(t)
	prev := &compare.Previous{Path: "<b>week</b>.json", Pupils: map[string]compare.PrevPupil{compare.Key("=SCHOOL()", "H1"): {ID: "H1", School: "=SCHOOL()", Tier: "<i>watch</i>"}}}
	meta := Meta{Version: "test", AsOf: "2024-09-20", Changes: compare.Diff(prev, res), Compared: prev.Path}
	var out bytes.Buffer
	if err := HTML(&out, res, meta, 0); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		`<h2 style="font-size:16px">Changes since &lt;b&gt;week&lt;/b&gt;.json</h2>`,
		`<li>H1 \x1b]0;pwned\x07 =HYPERLINK(&#34;http://evil.example&#34;,&#34;x&#34;) (=SCHOOL()): &lt;i&gt;watch&lt;/i&gt;, absence 0.0% &rarr; act, absence 50.0% <span style="color:#555">(-Persistently absent; =Noted)</span></li>`,
		`<tr><td>1</td><td>H1</td><td>\x1b]0;pwned\x07 =HYPERLINK(&#34;http://evil.example&#34;,&#34;x&#34;)</td>`,
		`<tr><td>4</td><td>H4</td><td>*bold* _em_ ` + "`code`" + ` &lt;script&gt;alert(1)&lt;/script&gt;</td>`,
		`<td>two\nlines Ann\u202eeviL</td>`,
		`<p>Rules: =Local rules, version +1 (sha256:`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the HTML lacks\n%s\n%s", want, got)
		}
	}
	for _, tag := range []string{"<script", "<b>", "<i>"} {
		if strings.Contains(got, tag) {
			t.Errorf("the HTML holds %s from a file", tag)
		}
	}
	if bad := termSafe(got); len(bad) > 0 {
		t.Errorf("control characters in the HTML after: %q", bad)
	}
}

func TestMDEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Zoë O'Brien", "Zoë O'Brien"},
		{"[x](http://e.example)", `\[x\]\(http\://e.example\)`},
		{"![i](u)", `\!\[i\]\(u\)`},
		{"a|b", `a\|b`},
		{"*b* _e_ `c` ~s~", "\\*b\\* \\_e\\_ \\`c\\` \\~s\\~"},
		{"<img src=x onerror=alert(1)>", `\<img src=x onerror=alert\(1\)\>`},
		{"&amp; &#x3C;", `\&amp; \&#x3C;`},
		{"# 7 + 1 - 2 = 6.0", "# 7 + 1 - 2 = 6.0"},
		{"P-0123456789abcdef", "P-0123456789abcdef"},
		{`back\slash`, `back\\slash`},
		{"www.evil.example", `www\.evil.example`},
		{"WWW.evil.example", `WWW\.evil.example`},
		{"me@evil.example", `me\@evil.example`},
		{"$x$ ^y^ {z}", `\$x\$ \^y\^ \{z\}`},
		{"one\r\ntwo\nthree\rfour", "one two three four"},
		{"\x1b[2J", `\\x1b\[2J`},
		{"\u202e", `\\u202e`},
	}
	for _, tt := range tests {
		if got := mdEscape(tt.in); got != tt.want {
			t.Errorf("mdEscape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
