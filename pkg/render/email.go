package render

import (
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"

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

func factorIDs(p *analysis.Pupil) string {
	var ids []string
	for _, f := range outcome(p).Fired {
		id := f.Factor.ID
		if f.Factor.Kind == "protective" {
			id = "+" + id
		}
		ids = append(ids, id)
	}
	return strings.Join(ids, ", ")
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
	s := Summarise(res)
	fmt.Fprintf(w, "# Attendance summary, %s\n\n", meta.AsOf)
	if res.From != 0 {
		fmt.Fprintf(w, "Register %s to %s. ", res.From.UK(), res.To.UK())
	}
	fmt.Fprintf(w, "%s; absence %.2f%% (authorised %.2f%%, unauthorised %.2f%%).\n", N(s.Pupils, "pupil"), s.AbsencePct, s.AuthorisedPct, s.UnauthorisedPct)
	fmt.Fprintf(w, "Persistent absence: %s (%.1f%%). Severe absence: %s (%.1f%%).\n\n", N(s.PersistentAbsentees, "pupil"), s.PersistentAbsencePct, N(s.SevereAbsentees, "pupil"), s.SevereAbsencePct)
	if names, counts := tierCounts(res); names != nil {
		var parts []string
		for i := range names {
			parts = append(parts, fmt.Sprintf("%s %d", mdEscape(names[i]), counts[i]))
		}
		fmt.Fprintf(w, "Pupils by tier: %s.\n\n", strings.Join(parts, ", "))
	}
	if meta.Compared != "" {
		fmt.Fprintf(w, "## Changes since %s\n\n", mdEscape(meta.Compared))
		kinds, by := groupChanges(meta.Changes)
		if len(kinds) == 0 {
			fmt.Fprintln(w, "No changes.")
			fmt.Fprintln(w)
		}
		for _, k := range kinds {
			fmt.Fprintf(w, "**%s** (%d)\n\n", changeTitles[k], len(by[k]))
			for _, c := range by[k] {
				fmt.Fprintf(w, "- %s: %s → %s\n", mdEscape(c.Who()), mdEscape(c.Before), mdEscape(c.After))
			}
			fmt.Fprintln(w)
		}
	}
	list := topN(res, top)
	fmt.Fprintf(w, "## Top of the list (%d of %d)\n\n", len(list), len(res.Pupils))
	fmt.Fprintln(w, "| # | Pupil | Name | Tier | Score | Absence | Factors |")
	fmt.Fprintln(w, "|--:|---|---|---|--:|--:|---|")
	for i, p := range list {
		fmt.Fprintf(w, "| %d | %s | %s | %s | %d | %.1f%% | %s |\n", i+1, mdEscape(p.ID), mdEscape(pupilName(p)),
			mdEscape(outcome(p).Tier), outcome(p).Score, p.Figures.Pct(p.Figures.Absent()), mdEscape(factorIDs(p)))
	}
	fmt.Fprintln(w)
	if res.Rules != nil {
		fmt.Fprintf(w, "Rules: %s, version %s (%s). attendrisk %s.\n\n", mdEscape(res.Rules.Name), mdEscape(res.Rules.Version), res.Rules.Hash, meta.Version)
	}
	fmt.Fprintf(w, "_%s_\n", Disclaimer)
	return nil
}

// HTML writes the same summary as a self-contained HTML fragment for an
// email body, with an inline SVG bar chart of pupils per tier (no external
// resources, no scripts).
func HTML(w io.Writer, res *analysis.Result, meta Meta, top int) error {
	e := htmlEscape
	s := Summarise(res)
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Attendance summary</title></head>\n<body style=\"font-family:Arial,sans-serif;font-size:14px;color:#222\">\n")
	fmt.Fprintf(&b, "<h1 style=\"font-size:20px\">Attendance summary, %s</h1>\n<p>", e(meta.AsOf))
	if res.From != 0 {
		fmt.Fprintf(&b, "Register %s to %s. ", e(res.From.UK()), e(res.To.UK()))
	}
	fmt.Fprintf(&b, "%s; absence %.2f%% (authorised %.2f%%, unauthorised %.2f%%).<br>\n", N(s.Pupils, "pupil"), s.AbsencePct, s.AuthorisedPct, s.UnauthorisedPct)
	fmt.Fprintf(&b, "Persistent absence: %s (%.1f%%). Severe absence: %s (%.1f%%).</p>\n", N(s.PersistentAbsentees, "pupil"), s.PersistentAbsencePct, N(s.SevereAbsentees, "pupil"), s.SevereAbsencePct)
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
				fmt.Fprintf(&b, "<li>%s: %s &rarr; %s</li>\n", e(c.Who()), e(c.Before), e(c.After))
			}
			b.WriteString("</ul>\n")
		}
	}
	list := topN(res, top)
	fmt.Fprintf(&b, "<h2 style=\"font-size:16px\">Top of the list (%d of %d)</h2>\n", len(list), len(res.Pupils))
	b.WriteString("<table style=\"border-collapse:collapse\" cellpadding=\"4\" border=\"1\">\n<tr><th>#</th><th>Pupil</th><th>Name</th><th>Tier</th><th>Score</th><th>Absence</th><th>Factors</th></tr>\n")
	for i, p := range list {
		fmt.Fprintf(&b, "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td align=\"right\">%d</td><td align=\"right\">%.1f%%</td><td>%s</td></tr>\n",
			i+1, e(p.ID), e(pupilName(p)), e(outcome(p).Tier), outcome(p).Score, p.Figures.Pct(p.Figures.Absent()), e(factorIDs(p)))
	}
	b.WriteString("</table>\n")
	if res.Rules != nil {
		fmt.Fprintf(&b, "<p>Rules: %s, version %s (%s). attendrisk %s.</p>\n", e(res.Rules.Name), e(res.Rules.Version), e(res.Rules.Hash), e(meta.Version))
	}
	fmt.Fprintf(&b, "<p><em>%s</em></p>\n</body></html>\n", e(Disclaimer))
	_, err := io.WriteString(w, b.String())
	return err
}

// tierChart draws pupils per tier as horizontal bars in inline SVG.
func tierChart(names []string, counts []int) string {
	max := 1
	for _, c := range counts {
		if c > max {
			max = c
		}
	}
	const barW, rowH, labelW = 300, 22, 90
	colours := []string{"#c0392b", "#e67e22", "#f1c40f", "#7f8c8d", "#95a5a6", "#bdc3c7"}
	var b strings.Builder
	fmt.Fprintf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Pupils per tier\">\n", labelW+barW+60, rowH*len(names)+8)
	for i, n := range names {
		w := counts[i] * barW / max
		y := 4 + i*rowH
		c := colours[min(i, len(colours)-1)]
		fmt.Fprintf(&b, "<text x=\"0\" y=\"%d\" font-size=\"12\">%s</text>", y+14, htmlEscape(n))
		fmt.Fprintf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", labelW, y, w, rowH-6, c)
		fmt.Fprintf(&b, "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>\n", labelW+w+6, y+14, strconv.Itoa(counts[i]))
	}
	b.WriteString("</svg>\n")
	return b.String()
}
