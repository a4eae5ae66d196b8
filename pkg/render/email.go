package render

import (
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/compare"
)

// EmailTop is how many pupils an email summary lists when --top is not set.
const EmailTop = 20

// tierCounts counts the pupils in each tier, in tier order.
func tierCounts(res *analysis.Result) ([]string, []int) {
	if res.Rules == nil {
		return nil, nil
	}
	names := make([]string, len(res.Rules.Tiers))
	counts := make([]int, len(names))
	for i, t := range res.Rules.Tiers {
		names[i] = t.Name
	}
	for _, p := range res.All {
		if p.Outcome != nil {
			if i := res.Rules.TierIndex(p.Outcome.Tier); i >= 0 {
				counts[i]++
			}
		}
	}
	return names, counts
}

var changeTitles = map[string]string{
	compare.NewlySevere:     "Newly severely absent (50%+)",
	compare.NewlyPersistent: "Newly persistently absent (10%+)",
	compare.TierUp:          "Moved up a tier",
	compare.Joined:          "New in the data",
	compare.TierDown:        "Moved down a tier",
	compare.Improved:        "Improved",
	compare.Left:            "No longer in the data",
}

func groupChanges(cs []compare.Change) ([]string, map[string][]compare.Change) {
	var kinds []string
	by := map[string][]compare.Change{}
	for _, c := range cs {
		if by[c.Kind] == nil {
			kinds = append(kinds, c.Kind)
		}
		by[c.Kind] = append(by[c.Kind], c)
	}
	return kinds, by
}

func topN(res *analysis.Result, top int) []*analysis.Pupil {
	if top <= 0 {
		top = EmailTop
	}
	if top > len(res.Pupils) {
		top = len(res.Pupils)
	}
	return res.Pupils[:top]
}

// changeWho names a changed pupil: the id, the name (unless ids only) and
// the school, so an officer can act on the line without looking it up.
func changeWho(c compare.Change, idsOnly bool) string {
	if idsOnly || c.Pupil == nil || pupilName(c.Pupil) == "" {
		return c.Who()
	}
	c.ID += " " + pupilName(c.Pupil) // Who adds the school
	return c.Who()
}

// changeWhy is why a pupil moved up: the risk factors that fired now, at
// most three, for the kinds that call for attention. Empty with ids only:
// factors can be safeguarding context.
func changeWhy(c compare.Change, idsOnly bool) string {
	if idsOnly || c.Pupil == nil {
		return ""
	}
	switch c.Kind {
	case compare.NewlySevere, compare.NewlyPersistent, compare.TierUp, compare.Joined:
	default:
		return ""
	}
	var ls []string
	for _, f := range outcome(c.Pupil).Fired {
		if f.Factor.Kind == "protective" {
			continue
		}
		l := xlShortLabel(f.Factor.Label)
		if l == "" {
			l = f.Factor.ID
		}
		ls = append(ls, l)
		if len(ls) == 3 {
			break
		}
	}
	return strings.Join(ls, "; ")
}

// since is " since dd/mm/yyyy", the earlier run's date, or "".
func (m Meta) since() string {
	t, err := time.Parse("2006-01-02", m.PrevAsOf)
	if err != nil {
		return " since the last run"
	}
	return " since " + t.Format("02/01/2006")
}

// delta is the week-on-week change of a rate, ", +0.4 points since
// 14/11/2025", with the precision the rate is printed at; "" without an
// earlier run.
func (m Meta) delta(now, before float64, prec int) string {
	if m.Previous == nil {
		return ""
	}
	d := now - before
	if math.Abs(d) < 0.5*math.Pow(10, -float64(prec)) {
		return ", no change" + m.since()
	}
	return fmt.Sprintf(", %+.*f points%s", prec, d, m.since())
}

// headline is the figures paragraph shared by both summaries.
func headline(res *analysis.Result, meta Meta) (absence, pa string) {
	s := Summarise(res)
	var prev compare.Headline
	if meta.Previous != nil {
		prev = *meta.Previous
	}
	absence = fmt.Sprintf("%s; absence %.2f%%%s (authorised %.2f%%, unauthorised %.2f%%).", N(s.Pupils, "pupil"), s.AbsencePct,
		meta.delta(s.AbsencePct, prev.AbsencePct, 2), s.AuthorisedPct, s.UnauthorisedPct)
	pa = fmt.Sprintf("Persistent absence: %s (%.1f%%%s). Severe absence: %s (%.1f%%%s).",
		N(s.PersistentAbsentees, "pupil"), s.PersistentAbsencePct, meta.delta(s.PersistentAbsencePct, prev.PersistentPct, 1),
		N(s.SevereAbsentees, "pupil"), s.SevereAbsencePct, meta.delta(s.SevereAbsencePct, prev.SeverePct, 1))
	return absence, pa
}

// hasSchools reports whether any listed pupil has a school: the summaries
// then show a School column.
func hasSchools(ps []*analysis.Pupil) bool {
	for _, p := range ps {
		if p.Info.School != "" {
			return true
		}
	}
	return false
}

func pupilName(p *analysis.Pupil) string {
	return strings.TrimSpace(p.Info.Forename + " " + p.Info.Surname)
}

// mdSpecial is every ASCII character that Markdown (CommonMark, and GitHub's
// and mail clients' extensions) can read as markup in the middle of a line:
// emphasis, code, links and images, autolinks (: and @), tables, HTML and
// entities, strikethrough, attributes, maths and superscript. CommonMark
// lets any ASCII punctuation be escaped with a backslash, and renders it
// literally. Text from a file never starts a line here (it always follows
// "| ", "- " or words of attendrisk's own), so the characters that only
// act at the start of a line (#, +, -, =, a number and a full stop) are
// left as they are, and a pupil id or a rate reads as itself; the one
// full stop escaped is the one after "www", which would start an autolink.
const mdSpecial = "\\`*_{}[]()<>!|~&:@$^"

// mdEscape makes text from a file (a name, an id, a tier, a rules name, the
// compared file) literal in Markdown: control characters are escaped by
// Term, line breaks become spaces so a table row stays one row, and every
// markup character is backslash-escaped, so a name cannot become a link, an
// image, a table cell, emphasis or HTML.
func mdEscape(s string) string {
	s = Term(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s))
	if !strings.ContainsAny(s, mdSpecial+".") {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if (r < 0x80 && strings.ContainsRune(mdSpecial, r)) || (r == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www")) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// htmlEscape makes text from a file literal in HTML: control characters and
// bidirectional overrides are escaped by Term, then <, >, &, ' and " by
// html.EscapeString, which is right for element content and quoted
// attribute values (the only places text is put).
func htmlEscape(s string) string { return html.EscapeString(Term(s)) }

// Markdown writes a summary fit for an email body or a ticket: the headline
// figures, the changes since the last run, and the top of the list.
func Markdown(w io.Writer, res *analysis.Result, meta Meta, top int) error {
	bw := &errWriter{w: w}
	absence, pa := headline(res, meta)
	fmt.Fprintf(bw, "# Attendance summary, %s\n\n", meta.AsOf)
	if res.From != 0 {
		fmt.Fprintf(bw, "Register %s to %s. ", res.From.UK(), res.To.UK())
	}
	fmt.Fprintf(bw, "%s\n%s\n\n", absence, pa)
	if names, counts := tierCounts(res); names != nil {
		var parts []string
		for i := range names {
			parts = append(parts, fmt.Sprintf("%s %d", mdEscape(names[i]), counts[i]))
		}
		fmt.Fprintf(bw, "Pupils by tier: %s.\n\n", strings.Join(parts, ", "))
	}
	if meta.Compared != "" {
		fmt.Fprintf(bw, "## Changes since %s\n\n", mdEscape(meta.Compared))
		kinds, by := groupChanges(meta.Changes)
		if len(kinds) == 0 {
			fmt.Fprintln(bw, "No changes.")
			fmt.Fprintln(bw)
		}
		for _, k := range kinds {
			fmt.Fprintf(bw, "**%s** (%d)\n\n", changeTitles[k], len(by[k]))
			for _, c := range by[k] {
				fmt.Fprintf(bw, "- %s: %s → %s", mdEscape(changeWho(c, meta.IDsOnly)), mdEscape(c.Before), mdEscape(c.After))
				if why := changeWhy(c, meta.IDsOnly); why != "" {
					fmt.Fprintf(bw, " (%s)", mdEscape(why))
				}
				fmt.Fprintln(bw)
			}
			fmt.Fprintln(bw)
		}
	}
	list := topN(res, top)
	schools := hasSchools(list)
	fmt.Fprintf(bw, "## Top of the list (%d of %d)\n\n", len(list), len(res.Pupils))
	head, rule := "| # | Pupil |", "|--:|---|"
	if !meta.IDsOnly {
		head, rule = head+" Name |", rule+"---|"
	}
	if schools {
		head, rule = head+" School |", rule+"---|"
	}
	head, rule = head+" Tier | Score | Absence |", rule+"---|--:|--:|"
	if !meta.IDsOnly {
		head, rule = head+" Factors |", rule+"---|"
	}
	fmt.Fprintln(bw, head)
	fmt.Fprintln(bw, rule)
	for i, p := range list {
		fmt.Fprintf(bw, "| %d | %s |", i+1, mdEscape(p.ID))
		if !meta.IDsOnly {
			fmt.Fprintf(bw, " %s |", mdEscape(pupilName(p)))
		}
		if schools {
			fmt.Fprintf(bw, " %s |", mdEscape(p.Info.School))
		}
		fmt.Fprintf(bw, " %s | %d | %.1f%% |", mdEscape(outcome(p).Tier), outcome(p).Score, p.Figures.Pct(p.Figures.Absent()))
		if !meta.IDsOnly {
			fmt.Fprintf(bw, " %s |", mdEscape(factorLabels(p)))
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw)
	if res.Rules != nil {
		fmt.Fprintf(bw, "Rules: %s, version %s (%s). attendrisk %s.\n\n", mdEscape(res.Rules.Name), mdEscape(res.Rules.Version), res.Rules.Hash, meta.Version)
	}
	fmt.Fprintf(bw, "_%s_\n", Disclaimer)
	return bw.err
}

// errWriter keeps the first write error, so a summary written line by line
// still fails on a full disk or a closed pipe.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// HTML writes the same summary as a self-contained HTML fragment for an
// email body, with an inline SVG bar chart of pupils per tier (no external
// resources, no scripts).
func HTML(w io.Writer, res *analysis.Result, meta Meta, top int) error {
	e := htmlEscape
	absence, pa := headline(res, meta)
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Attendance summary</title></head>\n<body style=\"font-family:Arial,sans-serif;font-size:14px;color:#222;margin:8px\">\n")
	fmt.Fprintf(&b, "<h1 style=\"font-size:20px\">Attendance summary, %s</h1>\n<p>", e(meta.AsOf))
	if res.From != 0 {
		fmt.Fprintf(&b, "Register %s to %s. ", e(res.From.UK()), e(res.To.UK()))
	}
	fmt.Fprintf(&b, "%s<br>\n%s</p>\n", e(absence), e(pa))
	if names, counts := tierCounts(res); names != nil {
		b.WriteString(tierChart(names, counts))
	}
	if meta.Compared != "" {
		fmt.Fprintf(&b, "<h2 style=\"font-size:16px\">Changes since %s</h2>\n", e(meta.Compared))
		kinds, by := groupChanges(meta.Changes)
		if len(kinds) == 0 {
			b.WriteString("<p>No changes.</p>\n")
		}
		for _, k := range kinds {
			fmt.Fprintf(&b, "<h3 style=\"font-size:14px\">%s (%d)</h3>\n<ul>\n", e(changeTitles[k]), len(by[k]))
			for _, c := range by[k] {
				fmt.Fprintf(&b, "<li>%s: %s &rarr; %s", e(changeWho(c, meta.IDsOnly)), e(c.Before), e(c.After))
				if why := changeWhy(c, meta.IDsOnly); why != "" {
					fmt.Fprintf(&b, " <span style=\"color:#555\">(%s)</span>", e(why))
				}
				b.WriteString("</li>\n")
			}
			b.WriteString("</ul>\n")
		}
	}
	list := topN(res, top)
	schools := hasSchools(list)
	fmt.Fprintf(&b, "<h2 style=\"font-size:16px\">Top of the list (%d of %d)</h2>\n", len(list), len(res.Pupils))
	b.WriteString("<table style=\"border-collapse:collapse;width:100%;max-width:760px\" cellpadding=\"4\" border=\"1\">\n<tr><th>#</th><th>Pupil</th>")
	if !meta.IDsOnly {
		b.WriteString("<th>Name</th>")
	}
	if schools {
		b.WriteString("<th>School</th>")
	}
	b.WriteString("<th>Tier</th><th>Score</th><th>Absence</th>")
	if !meta.IDsOnly {
		b.WriteString("<th>Factors</th>")
	}
	b.WriteString("</tr>\n")
	for i, p := range list {
		fmt.Fprintf(&b, "<tr><td>%d</td><td>%s</td>", i+1, e(p.ID))
		if !meta.IDsOnly {
			fmt.Fprintf(&b, "<td>%s</td>", e(pupilName(p)))
		}
		if schools {
			fmt.Fprintf(&b, "<td>%s</td>", e(p.Info.School))
		}
		fmt.Fprintf(&b, "<td>%s</td><td align=\"right\">%d</td><td align=\"right\">%.1f%%</td>", e(outcome(p).Tier), outcome(p).Score, p.Figures.Pct(p.Figures.Absent()))
		if !meta.IDsOnly {
			fmt.Fprintf(&b, "<td>%s</td>", e(factorLabels(p)))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
	if res.Rules != nil {
		fmt.Fprintf(&b, "<p>Rules: %s, version %s (%s). attendrisk %s.</p>\n", e(res.Rules.Name), e(res.Rules.Version), e(res.Rules.Hash), e(meta.Version))
	}
	fmt.Fprintf(&b, "<p><em>%s</em></p>\n</body></html>\n", e(Disclaimer))
	_, err := io.WriteString(w, b.String())
	return err
}

// tierChart draws pupils per tier as horizontal bars made of table cells
// with inline styles and bgcolor: Outlook's Word engine and Gmail drop SVG,
// but every mail client draws a coloured cell of a given width.
func tierChart(names []string, counts []int) string {
	most := 1
	for _, c := range counts {
		most = max(most, c)
	}
	const barW = 300
	colours := []string{"#c0392b", "#e67e22", "#f1c40f", "#7f8c8d", "#95a5a6", "#bdc3c7"}
	var b strings.Builder
	b.WriteString("<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"border-collapse:collapse;margin:8px 0\" aria-label=\"Pupils per tier\">\n")
	for i, n := range names {
		w := counts[i] * barW / most
		c := colours[min(i, len(colours)-1)]
		fmt.Fprintf(&b, "<tr><td style=\"padding:2px 8px 2px 0;font-size:13px;white-space:nowrap\">%s</td><td style=\"padding:2px 0\">", htmlEscape(n))
		b.WriteString("<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr>")
		if w > 0 {
			fmt.Fprintf(&b, "<td width=\"%d\" height=\"14\" bgcolor=\"%s\" style=\"width:%dpx;height:14px;background:%s;font-size:0;line-height:0\">&nbsp;</td>", w, c, w, c)
		}
		fmt.Fprintf(&b, "<td style=\"padding-left:6px;font-size:13px\">%s</td></tr></table></td></tr>\n", strconv.Itoa(counts[i]))
	}
	b.WriteString("</table>\n")
	return b.String()
}
