package render

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/rule"
)

// xtSample is the sample school (600 pupils, the default rules and the
// context): several blocks of xlBlockPupils on every sheet of pupils.
func xtSample(t *testing.T) *analysis.Result {
	t.Helper()
	res, err := analysis.Run(analysis.Input{Files: []string{"../../testdata/sample/school-marks.csv"},
		ContextFile: "../../testdata/sample/context.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pupils) <= 3*xlBlockPupils {
		t.Fatalf("%d pupils: the test needs more than three blocks of %d", len(res.Pupils), xlBlockPupils)
	}
	return res
}

// xtBook writes the workbook on procs cores, measuring every sheet first
// if measure is set, and returns it with how each sheet was made.
func xtBook(t *testing.T, res *analysis.Result, procs int, measure bool) ([]byte, map[string][]string) {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	how := map[string][]string{}
	xlForceMeasure = measure
	xlTrace = func(sheet, way string) { how[sheet] = append(how[sheet], way) }
	defer func() { xlForceMeasure, xlTrace = false, nil }()
	var b bytes.Buffer
	if err := XLSX(&b, res, goldenMeta, nil, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), how
}

// xtSameBook fails unless the two workbooks are the same bytes, naming the
// first part that differs.
func xtSameBook(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	for _, name := range []string{"xl/styles.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
		"xl/worksheets/sheet3.xml"} {
		if g, w := xtZipFile(t, got, name), xtZipFile(t, want, name); g != w {
			at := 0
			for at < min(len(g), len(w)) && g[at] == w[at] {
				at++
			}
			t.Fatalf("%s: %s differs at byte %d: %q, want %q", what, name, at, g[max(0, at-80):min(len(g), at+80)],
				w[max(0, at-80):min(len(w), at+80)])
		}
	}
	t.Fatalf("%s: the workbook differs from the one measured first (%d bytes, want %d)", what, len(got), len(want))
}

// TestXLSXOnePassSameAsMeasured: the sheets of pupils, made once a block at
// a time on every core, are the bytes of measuring every sheet first and
// writing on one core, on 1, 2, 3 and 8 cores; and the one pass is taken
// (Pupil detail and All pupils), with the blocks whose styles are new left
// to the writer.
func TestXLSXOnePassSameAsMeasured(t *testing.T) {
	res := xtSample(t)
	want, _ := xtBook(t, res, 1, true)
	for _, procs := range []int{1, 2, 3, 8} {
		got, how := xtBook(t, res, procs, false)
		xtSameBook(t, fmt.Sprintf("GOMAXPROCS=%d", procs), got, want)
		for _, sheet := range []string{sheetDetail, sheetPupils} {
			if !slices.Contains(how[sheet], "one pass") || slices.Contains(how[sheet], "measured again") {
				t.Errorf("GOMAXPROCS=%d: %s was made %q, not in one pass", procs, sheet, how[sheet])
			}
		}
		if procs > 1 && !slices.Contains(how[sheetPupils], "block by the writer") {
			// The lower tiers' colours are first used far down the list.
			t.Errorf("GOMAXPROCS=%d: no block of All pupils was left to the writer (%q): the test no longer covers it", procs, how[sheetPupils])
		}
		if slices.Contains(how[sheetPriority], "one pass") {
			t.Errorf("GOMAXPROCS=%d: Priority was made in one pass, but its header wraps by its columns' widths", procs)
		}
	}
}

// TestXLSXOnePassEdges: lists of every size about a block's (none, one,
// a block less one, a block, a block and one), and rows whose bytes hang
// on a later row's width, give the bytes of measuring first.
func TestXLSXOnePassEdges(t *testing.T) {
	full := xtSample(t)
	for _, n := range []int{0, 1, xlBlockPupils - 1, xlBlockPupils, xlBlockPupils + 1, 2*xlBlockPupils + 3} {
		res := *full
		res.Pupils = full.Pupils[:n]
		want, _ := xtBook(t, &res, 1, true)
		for _, procs := range []int{1, 3} {
			got, _ := xtBook(t, &res, procs, false)
			xtSameBook(t, fmt.Sprintf("%d pupils, GOMAXPROCS=%d", n, procs), got, want)
		}
	}
	// A name of 60 characters far down the list: on Pupil detail (whose
	// text wraps when longer than its column) it wraps in a column of 50,
	// not of 70, so it cannot be made until every row is measured; on All
	// pupils (one line a pupil) it changes only the column's width. A
	// name of 90, which wraps at any width but in fewer lines the wider
	// the column; and a name with a line break, which fits its column
	// once the rows before it have widened it.
	for _, c := range []struct {
		name  string
		again bool // Pupil detail must be measured after all
	}{
		{strings.Repeat("Long", 15), true},
		{strings.Repeat("Longer", 15), true},
		{"Two\nLines", false},
	} {
		res := *full
		res.Pupils = slices.Clone(full.Pupils)
		list, _ := (&xlBook{res: &res}).priority()
		// The Priority list's last pupil, and one far down All pupils.
		for _, p := range []*analysis.Pupil{list[len(list)-1], res.Pupils[len(res.Pupils)-10]} {
			q := *p
			q.Info.Forename = c.name
			res.Pupils[slices.Index(res.Pupils, p)] = &q
		}
		want, _ := xtBook(t, &res, 1, true)
		for _, procs := range []int{1, 2, 8} {
			got, how := xtBook(t, &res, procs, false)
			xtSameBook(t, fmt.Sprintf("forename %q, GOMAXPROCS=%d", c.name, procs), got, want)
			if again := slices.Contains(how[sheetDetail], "measured again"); again != c.again {
				t.Errorf("forename %q, GOMAXPROCS=%d: Pupil detail was made %q", c.name, procs, how[sheetDetail])
			}
			if slices.Contains(how[sheetPupils], "measured again") {
				t.Errorf("forename %q, GOMAXPROCS=%d: All pupils was measured again (%q), but no row of it hangs on a width",
					c.name, procs, how[sheetPupils])
			}
		}
	}
}

// FuzzXLTextOf holds xlTextOf, which the widths and the wrapping read, to
// the counts they made before: characters as utf8 counts them, the longest
// of the lines split at line breaks, and whether there is a break.
func FuzzXLTextOf(f *testing.F) {
	for _, s := range []string{"", "a", "\n", "ab\ncd\n", "Zoë O'Brien", "12345678", "123456789\nabcdefghijklmnop",
		"\xe2\x82\n\xac", "日本語のテキスト\nです", strings.Repeat("x", 17) + "é" + strings.Repeat("y", 9), "\xff\xfe\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := xlText{runes: utf8.RuneCountInString(s), lines: strings.Contains(s, "\n")}
		for line := range strings.SplitSeq(s, "\n") {
			want.longest = max(want.longest, utf8.RuneCountInString(line))
		}
		if got := xlTextOf(s); got != want {
			t.Errorf("xlTextOf(%q) = %+v, want %+v", s, got, want)
		}
		if got, want := xlRunes(s), utf8.RuneCountInString(s); got != want {
			t.Errorf("xlRunes(%q) = %d, want %d", s, got, want)
		}
		// A cell's wrapped lines, one line or several, as xlWrappedLines
		// counts them.
		m := &xlMaker{s: &xlSheet{}}
		for _, width := range []float64{1, 3, 5, 12, 50, 70} {
			wrap, lines := m.decide(xlCell{v: s, l: xlLook{wrap: true}}, xlTextOf(s), width)
			if !wrap || lines != xlWrappedLines(s, width) {
				t.Errorf("%q at width %g: wrap %v in %d lines, want %d", s, width, wrap, lines, xlWrappedLines(s, width))
			}
		}
	})
}

// FuzzClip holds clip to the []rune cut it made before, for any text and
// width (bad UTF-8 included).
func FuzzClip(f *testing.F) {
	for _, s := range []string{"", "abc", "Zoë O'Brien-Smythe", "日本語のテキストです", "ab\xffcd\xe2\x82ef", strings.Repeat("é", 70)} {
		f.Add(s, 3)
		f.Add(s, 1)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 1 || n > 200 {
			return
		}
		want := s
		if utf8.RuneCountInString(s) > n {
			want = string([]rune(s)[:n-1]) + "…"
		}
		if got := clip(s, n); got != want {
			t.Errorf("clip(%q, %d) = %q, want %q", s, n, got, want)
		}
	})
}

// TestXLShortLabelsCached: one generator's cached short labels give every
// pupil's xlFactorLabels, protective marks included, whichever pupils came
// before, and so does a cache already full.
func TestXLShortLabelsCached(t *testing.T) {
	res := xtSample(t)
	var c, full xlShortLabels
	full.of = map[*rule.Factor]string{}
	for i := range xlMaxShortLabels {
		full.of[&rule.Factor{Label: strconv.Itoa(i)}] = "x"
	}
	protective := false
	for _, p := range res.Pupils {
		want := xlFactorLabels(p)
		protective = protective || strings.Contains(want, "+")
		if got := c.factors(p); got != want {
			t.Fatalf("pupil %s: %q, want %q", p.ID, got, want)
		}
		if got := full.factors(p); got != want {
			t.Fatalf("pupil %s, cache full: %q, want %q", p.ID, got, want)
		}
	}
	if !protective || len(c.of) == 0 || len(full.of) != xlMaxShortLabels {
		t.Errorf("protective labels met %v, %d labels cached, %d in the full cache", protective, len(c.of), len(full.of))
	}
}

// TestXLValuesAre: whether a dimension's values are a summary's keys is
// what making the set of them and comparing said, for the keys exactly,
// one short, one more, and another dimension's.
func TestXLValuesAre(t *testing.T) {
	res := xtSample(t)
	set := func(dim xlDimension) map[string]bool {
		vals := map[string]bool{}
		for _, p := range res.All {
			if !p.Aggregate {
				v := dim.get(p)
				if v == "" {
					v = "(blank)"
				}
				vals[v] = true
			}
		}
		return vals
	}
	matched := 0
	for _, of := range xlDimensions {
		exact := set(of)
		short, more := maps.Clone(exact), maps.Clone(exact)
		for k := range short {
			delete(short, k)
			break
		}
		more["no such value"] = true
		for _, dim := range xlDimensions {
			vals := set(dim)
			for _, keys := range []map[string]bool{exact, short, more} {
				if got, want := xlValuesAre(res, dim, keys), maps.Equal(vals, keys); got != want {
					t.Errorf("%s's values against %d keys of %s: %v, want %v", dim.name, len(keys), of.name, got, want)
				}
				if maps.Equal(vals, keys) {
					matched++
				}
			}
		}
	}
	if matched < len(xlDimensions) {
		t.Errorf("only %d matches: the test no longer covers a match", matched)
	}
}

// TestXLIntLen: the counted length of a number is its text's, sign
// included, at every power of ten and either side of it, and at the ends
// of int.
func TestXLIntLen(t *testing.T) {
	ns := []int{0, math.MaxInt64, math.MinInt64, math.MinInt64 + 1, math.MaxInt64 - 1}
	for p := 1; p > 0 && p <= math.MaxInt64/10; p *= 10 {
		ns = append(ns, p-1, p, p+1, -p+1, -p, -p-1, 10*p-1)
	}
	for _, n := range ns {
		if got, want := xlIntLen(n), len(strconv.Itoa(n)); got != want {
			t.Errorf("xlIntLen(%d) = %d, want %d", n, got, want)
		}
	}
}
