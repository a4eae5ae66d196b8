package render

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/compare"
	"github.com/attendrisk/attendrisk/pkg/metrics"
)

// TableOptions shape the terminal table.
type TableOptions struct {
	// Top shows only the first Top pupils, with a line saying how many
	// more there are (0: every pupil). The command sets it on a terminal;
	// --top itself shortens the result before it gets here.
	Top int
	// Changes since an earlier run, shown first.
	Changes  []compare.Change
	Compared string
	// Width is the terminal's width in columns (0: 100). The table fits
	// in it by cutting text and leaving out the least needed columns.
	Width int
	// Colour colours each pupil's tier (or PA/SA flag) with ANSI escapes.
	Colour bool
}

// DefaultWidth is the table's width when the terminal's is not known.
const DefaultWidth = 100

// Table writes the pupils worst first as a table that fits in opts.Width.
func Table(w io.Writer, res *analysis.Result, opts TableOptions) error {
	width := opts.Width
	if width <= 0 {
		width = DefaultWidth
	}
	s := Summarise(res)
	period := "summary counts (no dates)"
	if res.From != 0 {
		period = ukDate(res.From) + " to " + ukDate(res.To)
	}
	var b strings.Builder
	// say writes a line of prose, broken between words to fit the width.
	say := func(format string, args ...any) { b.WriteString(wrapWords(fmt.Sprintf(format, args...), width)) }
	if groups := len(res.All) - s.Pupils; groups > 0 {
		say("%s: %d group rows (school or area totals), not summed across groups", period, groups)
	}
	if s.Pupils > 0 {
		say("%s: %s, absence %.2f%% (authorised %.2f%%, unauthorised %.2f%%)",
			period, N(s.Pupils, "pupil"), s.AbsencePct, s.AuthorisedPct, s.UnauthorisedPct)
		say("persistent absence (10%%+): %s (%.1f%%); severe absence (50%%+): %s (%.1f%%)",
			N(s.PersistentAbsentees, "pupil"), s.PersistentAbsencePct, N(s.SevereAbsentees, "pupil"), s.SevereAbsencePct)
	}
	b.WriteString("\n")
	if opts.Compared != "" {
		fmt.Fprintf(&b, "Changes since %s:\n", Term(opts.Compared))
		kinds, by := groupChanges(opts.Changes)
		if len(kinds) == 0 {
			b.WriteString("  none\n")
		}
		for _, k := range kinds {
			fmt.Fprintf(&b, "  %s (%d)\n", changeTitles[k], len(by[k]))
			for _, c := range by[k] {
				fmt.Fprintf(&b, "    %s: %s -> %s\n", Term(c.Who()), Term(c.Before), Term(c.After))
			}
		}
		b.WriteString("\n")
	}

	n := len(res.Pupils)
	if opts.Top > 0 && opts.Top < n {
		n = opts.Top
	}
	pupilTable(res, res.Pupils[:n], opts.Colour).render(&b, width)
	if more := len(res.Pupils) - n; more > 0 {
		fmt.Fprintf(&b, "%s more: use --top 0 for all\n", thousands(more))
	}
	if res.Rules == nil {
		say("Flag: SA severe absence (50%%+), PA persistent absence (10%%+), n/a no possible sessions")
	} else {
		say("Each pupil's evidence and next steps: attendrisk explain PUPIL_ID FILE...")
		say("rules: %s, version %s (%s)", Term(res.Rules.Name), Term(res.Rules.Version), shortHash(res.Rules.Hash))
	}
	b.WriteString("Attendance indicators for professional review. They are not findings of neglect\n")
	b.WriteString("or of any other concern about a child or family.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// pupilTable lays out the pupils. With rules, the factors column takes the
// width left over, and narrower terminals lose the unauthorised rate, the
// year and the score, in that order; without rules, the missing marks,
// authorised and possible sessions and the year go first.
func pupilTable(res *analysis.Result, list []*analysis.Pupil, colour bool) *grid {
	g := &grid{}
	withRules := res.Rules != nil
	num := g.col("#", true, 0, 0)
	id := g.col("Pupil", false, 0, 14)
	name := g.col("Name", false, 0, 20)
	name.min = 10
	// An authority's run lists several schools' pupils: the school tells
	// two children with admission number 1001 apart. Narrow terminals
	// drop it last.
	var school *gridCol
	if ManySchools(res) {
		school = g.col("School", false, 6, 18)
		school.min = 8
	}
	var year, poss, abs, auth, unauth, miss, flag, tier, score, why *gridCol
	if withRules {
		year = g.col("Year", false, 3, 6)
		abs = g.col("Abs%", true, 0, 0)
		unauth = g.col("Unauth%", true, 1, 0)
		tier = g.col("Tier", false, 0, 12)
		score = g.col("Score", true, 4, 0)
		why = g.col("Factors (+ protective)", false, 0, 0)
		why.flex, why.min = true, 24
	} else {
		name.flex, name.max = true, 30
		year = g.col("Year", false, 4, 6)
		poss = g.col("Poss", true, 3, 0)
		abs = g.col("Abs%", true, 0, 0)
		auth = g.col("Auth", true, 2, 0)
		unauth = g.col("Unauth", true, 5, 0)
		miss = g.col("Miss", true, 1, 0)
		flag = g.col("Flag", false, 0, 0)
	}
	rate := func(f metrics.Figures, n int) string {
		if !f.Assessable() {
			return "-"
		}
		return strconv.FormatFloat(pct(f.Pct(n)), 'f', 1, 64) + "%"
	}
	for i, p := range list {
		f := p.Figures
		num.add(thousands(i + 1))
		id.add(Term(p.ID))
		name.add(Term(pupilName(p)))
		if school != nil {
			school.add(Term(p.Info.School))
		}
		year.add(Term(p.Info.YearGroup))
		abs.add(rate(f, f.Absent()))
		if !withRules {
			fl, c := "", ""
			switch {
			case !f.Assessable():
				fl = "n/a"
			case p.Aggregate:
				fl = "group row"
			case p.SA():
				fl, c = "SA", tierANSI[0]
			case p.PA():
				fl, c = "PA", tierANSI[1]
			}
			if colour {
				flag.colour = append(flag.colour, c)
			}
			flag.add(fl)
			poss.add(thousands(f.Possible))
			auth.add(thousands(f.Authorised))
			unauth.add(thousands(f.Unauthorised))
			miss.add(thousands(f.Missing))
			continue
		}
		unauth.add(rate(f, f.Unauthorised))
		o := outcome(p)
		tier.add(Term(o.Tier))
		if colour {
			tier.colour = append(tier.colour, tierColour(res.Rules.TierIndex(o.Tier), len(res.Rules.Tiers)))
		}
		sc := ""
		if p.Outcome != nil {
			sc = thousands(o.Score)
		}
		score.add(sc)
		why.add(Term(factorLabels(p)))
	}
	return g
}

// ManySchools reports whether a run's pupils are at more than one school
// (counting each enrolment's own school, so a run of one school and a
// dual-registered pupil's PRU is two): the lists then show a School column,
// and the workbook's cohort summary is by school.
func ManySchools(res *analysis.Result) bool {
	ps := res.Enrolments
	if ps == nil {
		ps = res.All
	}
	first, seen := "", false
	for _, p := range ps {
		if p.Aggregate {
			continue
		}
		switch {
		case !seen:
			first, seen = p.Info.School, true
		case p.Info.School != first:
			return true
		}
	}
	return false
}

// factorLabels is the fired factors as short human labels, "; "-joined,
// protective ones marked "+"; a group row or a pupil with none fired says
// what it is instead.
func factorLabels(p *analysis.Pupil) string {
	if s := xlFactorLabels(p); s != "" {
		return s
	}
	switch {
	case !p.Figures.Assessable():
		return "n/a: no possible sessions"
	case p.Aggregate:
		return "group row"
	}
	return ""
}

// wrapWords breaks a line of prose between words so that no line is wider
// than width, and ends it with a line feed. A word wider than the width
// has a line to itself.
func wrapWords(s string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Split(s, " ") {
		ww := runewidth.StringWidth(w)
		switch {
		case n == 0:
		case n+1+ww > width:
			b.WriteString("\n")
			n = 0
		default:
			b.WriteString(" ")
			n++
		}
		b.WriteString(w)
		n += ww
	}
	return b.String() + "\n"
}

func ukDate(d interface{ UK() string }) string { return d.UK() }

// clip shortens text to n characters with an ellipsis, by runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n >= 1 {
		// The first n-1 characters as they are, without a []rune of the
		// whole text (the workbook's Priority sheet clips three texts a
		// pupil): the same bytes when they are valid UTF-8, which a
		// []rune would have made U+FFFD of.
		i := 0
		for k := 0; k < n-1; k++ {
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w
		}
		if utf8.ValidString(s[:i]) {
			return s[:i] + "…"
		}
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func shortHash(h string) string {
	if len(h) > 19 {
		return h[:19]
	}
	return h
}
