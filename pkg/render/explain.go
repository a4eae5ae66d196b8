package render

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/actions"
	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/rule"
	"github.com/attendrisk/attendrisk/rules"
)

// ExplainPage is one child's page, as explain prints it in every format:
// who the child is, the figures with the absence by cause, the age and
// support state the judgement used, the marks week by week, each factor
// with its evidence, the score, the next steps in the order a professional
// would take them, and the documents they come from.
//
// Every text that came from a file (register, context, actions log, rules)
// has passed through Term when the page is built, in this one place, so no
// renderer can forget it; the Markdown and HTML renderers then add their
// own escaping on top.
type ExplainPage struct {
	ID, Name string
	// Year, RegGroup and School are empty when the files do not say.
	Year, RegGroup, School string
	// MarksFrom and MarksTo are the first and last session (dd/mm/yyyy),
	// empty for a pupil known only from counts.
	MarksFrom, MarksTo string
	// Rank is the pupil's place on the whole list, of Of pupils.
	Rank, Of int

	Figures ExplainFigures
	// Codes are the codes recorded, in the DfE table's order: "O 2".
	Codes []string
	// Causes is the absence by cause, in the fixed order of metrics.Causes.
	Causes []Count
	// AgeStatus is compulsory school age as decided (compulsory, below,
	// over, unknown), and AgeBasis what it was decided from.
	AgeStatus, AgeBasis string
	// Support is the support state as read ("not recorded", "engaged"),
	// SupportRaw the value as written in the context file ("" if none).
	Support, SupportRaw string
	// Roll is what an authority run saw of the child's rolls: each move
	// between schools (with the gap) and leaving the roll, as sentences.
	Roll []string

	// Grid is the marks week by week; nil when there are no marks.
	Grid *WeekGrid

	// Rules is false when no rules were applied: the page then ends
	// after the grid.
	Rules               bool
	RulesName, RulesVer string
	Fired               []FiredFactor
	ScoreTerms          string // "20 + 25 − 5"
	ScoreTotal          int    // risk minus protective, before the floor
	Tier                string
	TierMin             int
	NotApplying         []Reason
	Steps               []PageStep
	NotSuggested        []Reason
	Sources             []PageSource
	LocalChoices        []Reason
	// Score is the score after the floor at 0, the sum of RiskPoints
	// less ProtectivePoints.
	Score, RiskPoints, ProtectivePoints int
	Disclaimer                          string
	// Footer says when and with what the page was made (HTML and
	// Markdown; set by the renderer from PackMeta).
	Footer string
}

// Days are the weekday names of the grid, for the templates.
func (pg *ExplainPage) Days() []string { return Days }

// ExplainFigures are the session counts the page shows.
type ExplainFigures struct {
	Possible, Present, AEA, Authorised, Unauthorised, Absent, Missing int
	AuthorisedPct, UnauthorisedPct, AbsencePct                        float64
	// Band is "severe absence (50% or more)", "persistent absence (10%
	// or more)" or "".
	Band string
}

// Count is a labelled number.
type Count struct {
	Label string
	N     int
}

// Reason says why a factor did not apply or a step was not suggested.
type Reason struct {
	ID, Label, Why string
}

// FiredFactor is a factor that applies, with the evidence that made it true.
type FiredFactor struct {
	// Sign is "+" for a risk factor, "−" for a protective one.
	Sign                   string
	Protective             bool
	Weight                 int
	ID, Label, Group, When string
	Source                 string
	Evidence               []string
}

// PageStep is a suggested next step, in order.
type PageStep struct {
	N                 int
	ID, Text, Because string
	Source            string
}

// PageSource is a document cited by what applies to this child: its full
// title, its public web address where it has one, and the sections cited
// with the factors and steps on this page that cite each.
type PageSource struct {
	Title, URL string
	Sections   []Reason // Label is the section, Why the ids citing it
}

// WeekGrid is the marks one school week to a row.
type WeekGrid struct {
	Rows []WeekRow
}

// WeekRow is one school week (Monday to Friday, AM and PM), or the actions
// recorded before the first or after the last week of marks.
type WeekRow struct {
	// Label is the Monday (dd/mm/yyyy), or "before dd/mm/yyyy" or
	// "after dd/mm/yyyy" for a row of actions only.
	Label string
	// Week is false for the before and after rows, which have no cells.
	Week bool
	// Cells are Monday AM, Monday PM, ... Friday PM.
	Cells  [10]GridCell
	Absent int
	// Actions are the actions of the log dated that week (Monday to
	// Sunday): "Tue 10/09 Letter (no contact)".
	Actions []string
}

// GridCell is one session's mark: "." where there is none.
type GridCell struct {
	Code   string
	Absent bool
	None   bool
}

// Days are the weekday names of a grid row.
var Days = []string{"Mon", "Tue", "Wed", "Thu", "Fri"}

// BuildExplainPage builds a child's page from a finished run. rank is the
// child's 1-based place on res.Pupils (before any --tier or --top), of is
// that list's length, and minSessions the run's --min-sessions, which the
// "why not" of each factor needs.
func BuildExplainPage(res *analysis.Result, p *analysis.Pupil, rank, of, minSessions int) *ExplainPage {
	t := Term
	pg := &ExplainPage{
		ID:         t(p.ID),
		Name:       t(strings.TrimSpace(p.Info.Forename + " " + p.Info.Surname)),
		Year:       t(p.Info.YearGroup),
		RegGroup:   t(p.Info.RegGroup),
		School:     t(p.Info.School),
		Rank:       rank,
		Of:         of,
		AgeStatus:  p.Age.Status,
		AgeBasis:   t(p.AgeBasisRead()),
		Support:    strings.ReplaceAll(p.Support, "_", " "),
		SupportRaw: t(p.SupportRaw),
		Disclaimer: Disclaimer,
	}
	for _, m := range p.Moves {
		pg.Roll = append(pg.Roll, t("moved school: "+m.Summary()))
	}
	if p.Left != nil {
		pg.Roll = append(pg.Roll, t("left the roll: "+p.Left.Summary()))
	}
	if p.First != 0 {
		pg.MarksFrom, pg.MarksTo = p.First.UK(), p.Last.UK()
	}
	fg := p.Figures
	pg.Figures = ExplainFigures{
		Possible: fg.Possible, Present: fg.Present, AEA: fg.AEA,
		Authorised: fg.Authorised, Unauthorised: fg.Unauthorised, Absent: fg.Absent(), Missing: fg.Missing,
		AuthorisedPct: fg.Pct(fg.Authorised), UnauthorisedPct: fg.Pct(fg.Unauthorised), AbsencePct: fg.Pct(fg.Absent()),
	}
	switch {
	case p.SA():
		pg.Figures.Band = "severe absence (50% or more)"
	case p.PA():
		pg.Figures.Band = "persistent absence (10% or more)"
	}
	for _, c := range mark.Table() {
		if n := fg.Codes.Get(c.ID); n > 0 {
			pg.Codes = append(pg.Codes, fmt.Sprintf("%s %d", c.Code, n))
		}
	}
	c := p.Causes
	pg.Causes = []Count{{"unexplained", c.Unexplained}, {"unauthorised known", c.UnauthorisedKnown},
		{"authorised known", c.AuthorisedKnown}, {"no education on offer", c.NoEducation}, {"off-site", c.OffSite}}
	if rp := p.Marks(); rp != nil && rp.HasMarks() {
		pg.Grid = weekGrid(rp, p.Actions)
	}
	out := p.Outcome
	if out == nil || res.Rules == nil {
		return pg
	}
	pg.Rules = true
	pg.RulesName, pg.RulesVer = t(res.Rules.Name), t(res.Rules.Version)
	pg.RiskPoints, pg.ProtectivePoints, pg.Score = out.RiskPoints, out.ProtectivePoints, out.Score
	var terms []string
	cited := map[string]bool{}
	for i, fd := range out.Fired {
		ff := FiredFactor{Sign: "+", Weight: fd.Factor.Weight, ID: t(fd.Factor.ID), Label: t(fd.Factor.Label),
			Group: t(fd.Factor.Group), When: t(fd.Factor.When), Source: t(fd.Factor.Source)}
		if fd.Factor.Kind == "protective" {
			ff.Sign, ff.Protective = "−", true
		}
		for _, e := range dedupeLines(out.Evidence(i)) {
			ff.Evidence = append(ff.Evidence, t(e))
		}
		pg.Fired = append(pg.Fired, ff)
		terms = append(terms, fmt.Sprintf("%s %d", ff.Sign, ff.Weight))
		cited[fd.Factor.ID] = true
	}
	pg.ScoreTerms = strings.TrimPrefix(strings.Join(terms, " "), "+ ")
	pg.ScoreTotal = out.RiskPoints - out.ProtectivePoints
	pg.Tier = t(out.Tier)
	for _, tr := range res.Rules.Tiers {
		if tr.Name == out.Tier {
			pg.TierMin = tr.MinScore
		}
	}
	unknown := map[string]string{}
	for _, u := range out.Unknown {
		unknown[u.Factor.ID] = u.Reason
	}
	// The why-nots name the values the rules read from the context (the
	// support state read from "Declined by parent", a date of birth as a
	// date) with the value as recorded beside it, for an officer to check.
	env := p.Env(minSessions)
	p.ReadAsEvidence(env.Evidence)
	for _, fc := range res.Rules.NotFired(out) {
		why := ""
		if r, ok := unknown[fc.ID]; ok {
			why = "not evaluated: " + r
		} else {
			why = res.Rules.WhyNot(fc.When, env)
		}
		pg.NotApplying = append(pg.NotApplying, Reason{ID: t(fc.ID), Label: t(fc.Label), Why: t(why)})
	}
	for _, k := range res.Rules.Skipped {
		if !k.Step {
			pg.NotApplying = append(pg.NotApplying, Reason{ID: t(k.ID), Why: t(k.Reason())})
		}
	}
	for i, s := range out.Steps {
		cond := s.When
		if cond == "" {
			cond = "tier " + out.Tier
		}
		pg.Steps = append(pg.Steps, PageStep{N: i + 1, ID: t(s.ID), Text: t(s.Text), Because: t(cond), Source: t(s.Source)})
		cited[s.ID] = true
	}
	stepUnknown := map[*rule.Step]string{}
	for _, u := range out.StepsUnknown {
		stepUnknown[u.Step] = u.Reason
	}
	for i := range res.Rules.Steps {
		s := &res.Rules.Steps[i]
		if slices.Contains(out.Steps, s) {
			continue
		}
		why := res.Rules.WhyNot(s.When, env)
		if r, ok := stepUnknown[s]; ok && why == "" {
			why = "not evaluated: " + r
		}
		if why == "" && len(s.Tiers) > 0 {
			why = "only for tiers " + strings.Join(s.Tiers, ", ")
		}
		pg.NotSuggested = append(pg.NotSuggested, Reason{ID: t(s.ID), Why: t(why)})
	}
	for _, k := range res.Rules.Skipped {
		if k.Step {
			pg.NotSuggested = append(pg.NotSuggested, Reason{ID: t(k.ID), Why: t(k.Reason())})
		}
	}
	pg.Sources, pg.LocalChoices = pageSources(res.Rules, cited)
	return pg
}

// pageSources are the documents cited by the factors that apply and the
// steps suggested (the ids in cited), by full title as `rules sources`
// lists them, with the sections cited; and the local choices among them.
func pageSources(set *rule.Set, cited map[string]bool) ([]PageSource, []Reason) {
	var titles []string
	url := map[string]string{}
	for _, d := range rules.Documents {
		titles = append(titles, d.Title)
		url[d.Title] = d.URL
	}
	docs, local := set.Sources(titles)
	var out []PageSource
	for _, d := range docs {
		ps := PageSource{Title: Term(d.Document), URL: Term(url[d.Document])}
		for _, sec := range d.Sections {
			var ids []string
			for _, id := range sec.IDs {
				if cited[id] {
					ids = append(ids, id)
				}
			}
			if len(ids) > 0 {
				ps.Sections = append(ps.Sections, Reason{Label: Term(sec.Name), Why: Term(strings.Join(ids, ", "))})
			}
		}
		if len(ps.Sections) > 0 {
			out = append(out, ps)
		}
	}
	var lc []Reason
	for _, l := range local {
		if cited[l.ID] {
			what := l.What
			if what == "" {
				what = "the weight or threshold"
			}
			lc = append(lc, Reason{ID: Term(l.ID), Why: Term(what)})
		}
	}
	return out, lc
}

// dedupeLines drops repeated evidence lines, keeping the first of each.
func dedupeLines(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// weekGrid lays the pupil's marks out one school week to a row: AM and PM
// for Monday to Friday, "." where there is no mark, and the actions of the
// actions log recorded that week (Monday to Sunday) beside it, so a
// meeting sees absence and action together. Weeks with neither marks nor
// actions (a half-term) are left out.
func weekGrid(p *register.Pupil, acts actions.History) *WeekGrid {
	first, last := p.Span()
	g := &WeekGrid{}
	week := func(from, to register.Day) []string {
		var parts []string
		for _, a := range acts {
			if a.Date >= from && a.Date <= to {
				parts = append(parts, Term(a.Date.Time().Format("Mon 02/01")+" "+strings.TrimPrefix(a.String(), a.Date.UK()+" ")))
			}
		}
		return parts
	}
	if before := week(0, first.Monday()-1); len(before) > 0 {
		g.Rows = append(g.Rows, WeekRow{Label: "before " + first.Monday().UK(), Actions: before})
	}
	for wk := first.Monday(); wk <= last; wk += 7 {
		row := WeekRow{Label: wk.UK(), Week: true}
		any := false
		for d := wk; d < wk+5; d++ {
			for j, s := range []register.Session{register.AM, register.PM} {
				cell := GridCell{Code: ".", None: true}
				if id := p.Mark(d, s); id != 0 {
					any = true
					cell = GridCell{Code: mark.Get(id).Code}
					if mark.CategoryOn(id, d.Time()).Absent() {
						cell.Absent = true
						row.Absent++
					}
				}
				row.Cells[int(d-wk)*2+j] = cell
			}
		}
		row.Actions = week(wk, wk+6)
		if !any && len(row.Actions) == 0 {
			continue
		}
		g.Rows = append(g.Rows, row)
	}
	if after := week(last.Monday()+7, 1<<30); len(after) > 0 {
		g.Rows = append(g.Rows, WeekRow{Label: "after " + last.UK(), Actions: after})
	}
	return g
}

// ExplainText writes pages as plain text, for the terminal or a .txt file.
// Pages after the first start with a form feed, which a printer and a
// pager take as a new page.
func ExplainText(w io.Writer, pages []*ExplainPage) error {
	for i, pg := range pages {
		if i > 0 {
			fmt.Fprint(w, "\f\n")
		}
		explainText(w, pg)
	}
	return nil
}

func explainText(w io.Writer, pg *ExplainPage) {
	fmt.Fprintf(w, "%s  %s\n", pg.ID, pg.Name)
	fmt.Fprintf(w, "%s\n", strings.Join(pg.Details(), " · "))
	fmt.Fprintf(w, "Position %d of %d on the list\n\n", pg.Rank, pg.Of)

	fg := pg.Figures
	fmt.Fprintln(w, "Figures")
	fmt.Fprintf(w, "  possible sessions   %4d\n", fg.Possible)
	fmt.Fprintf(w, "  present             %4d\n", fg.Present)
	fmt.Fprintf(w, "  approved activity   %4d\n", fg.AEA)
	fmt.Fprintf(w, "  authorised absence  %4d  %5.1f%%\n", fg.Authorised, fg.AuthorisedPct)
	fmt.Fprintf(w, "  unauthorised        %4d  %5.1f%%\n", fg.Unauthorised, fg.UnauthorisedPct)
	fmt.Fprintf(w, "  absence             %4d  %5.1f%%", fg.Absent, fg.AbsencePct)
	if fg.Band != "" {
		fmt.Fprint(w, "  "+fg.Band)
	}
	fmt.Fprintln(w)
	if fg.Missing > 0 {
		fmt.Fprintf(w, "  missing marks       %4d  (not counted as absence)\n", fg.Missing)
	}
	fmt.Fprintf(w, "  codes               %s\n", strings.Join(pg.Codes, ", "))
	fmt.Fprintf(w, "  by cause            %s\n", pg.causes())
	fmt.Fprintf(w, "  age                 %s (%s)\n", pg.AgeStatus, pg.AgeBasis)
	fmt.Fprintf(w, "  support state       %s\n", pg.support())
	for _, r := range pg.Roll {
		fmt.Fprintf(w, "  %s\n", r)
	}
	fmt.Fprintln(w)

	if g := pg.Grid; g != nil {
		fmt.Fprintln(w, "Marks week by week (AM PM for each day; . no mark)")
		fmt.Fprintln(w, "  week of      Mon    Tue    Wed    Thu    Fri    absent")
		for _, r := range g.Rows {
			acted := ""
			if len(r.Actions) > 0 {
				acted = "   actions: " + strings.Join(r.Actions, "; ")
			}
			if !r.Week {
				fmt.Fprintf(w, "  %s%s\n", r.Label, acted)
				continue
			}
			var cells []string
			for d := range 5 {
				cells = append(cells, fmt.Sprintf("%-2s %-2s ", r.Cells[2*d].Code, r.Cells[2*d+1].Code))
			}
			fmt.Fprintf(w, "  %s   %s  %d%s\n", r.Label, strings.Join(cells, " "), r.Absent, acted)
		}
		fmt.Fprintln(w)
	}

	if !pg.Rules {
		fmt.Fprintln(w, "No rules were applied.")
		return
	}
	fmt.Fprintf(w, "Factors that apply (rules: %s, version %s)\n", pg.RulesName, pg.RulesVer)
	if len(pg.Fired) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, f := range pg.Fired {
		fmt.Fprintf(w, "  %s%-3d %s (%s, %s)\n", f.Sign, f.Weight, f.Label, f.ID, f.Group)
		for _, e := range f.Evidence {
			fmt.Fprintf(w, "         evidence: %s\n", e)
		}
		fmt.Fprintf(w, "         rule: %s\n         source: %s\n", f.When, f.Source)
	}
	fmt.Fprintf(w, "\nScore: %s\n\n", pg.ScoreLine())

	fmt.Fprintln(w, "Factors that do not apply")
	for _, r := range pg.NotApplying {
		if r.Label == "" {
			fmt.Fprintf(w, "  %s: %s\n", r.ID, r.Why)
			continue
		}
		note := ""
		if r.Why != "" {
			note = " — " + r.Why
		}
		fmt.Fprintf(w, "  %s: %s%s\n", r.ID, r.Label, note)
	}
	fmt.Fprintln(w, "\nSuggested next steps (for a professional to consider)")
	if len(pg.Steps) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, s := range pg.Steps {
		fmt.Fprintf(w, "  %d. %s\n     because: %s\n     source: %s\n", s.N, s.Text, s.Because, s.Source)
	}
	fmt.Fprintln(w, "\nSteps not suggested, and why")
	if len(pg.NotSuggested) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, r := range pg.NotSuggested {
		fmt.Fprintf(w, "  %s: %s\n", r.ID, r.Why)
	}
	if len(pg.Sources) > 0 || len(pg.LocalChoices) > 0 {
		fmt.Fprintln(w, "\nSources")
		for _, s := range pg.Sources {
			fmt.Fprintf(w, "  %s\n", s.Title)
			if s.URL != "" {
				fmt.Fprintf(w, "    %s\n", s.URL)
			}
			for _, sec := range s.Sections {
				fmt.Fprintf(w, "    - %s: %s\n", sec.Label, sec.Why)
			}
		}
		for _, l := range pg.LocalChoices {
			fmt.Fprintf(w, "  local choice (no document sets it): %s: %s\n", l.ID, l.Why)
		}
	}
	fmt.Fprintf(w, "\n%s\n", pg.Disclaimer)
}

// Details is the line under the name: year, reg group, school, the dates
// of the marks.
func (pg *ExplainPage) Details() []string {
	var desc []string
	for _, kv := range [][2]string{{"Year", pg.Year}, {"Reg group", pg.RegGroup}, {"School", pg.School}} {
		if kv[1] != "" {
			desc = append(desc, kv[0]+" "+kv[1])
		}
	}
	if pg.MarksFrom != "" {
		desc = append(desc, "marks "+pg.MarksFrom+" to "+pg.MarksTo)
	}
	return desc
}

// causes is the absence by cause on one line.
func (pg *ExplainPage) causes() string {
	var parts []string
	for _, c := range pg.Causes {
		parts = append(parts, fmt.Sprintf("%s %d", c.Label, c.N))
	}
	return strings.Join(parts, ", ")
}

// support is the support state, with the value as written when there is one.
func (pg *ExplainPage) support() string {
	if pg.SupportRaw != "" {
		return pg.Support + fmt.Sprintf(" (recorded as %q)", pg.SupportRaw)
	}
	return pg.Support
}

// ScoreLine is the score arithmetic and the tier: "20 + 25 = 45 → tier
// high (score 40 or more)".
func (pg *ExplainPage) ScoreLine() string {
	s := fmt.Sprintf("%s = %d", pg.ScoreTerms, pg.ScoreTotal)
	if pg.ScoreTotal < 0 {
		s += ", floored at 0"
	}
	return s + fmt.Sprintf(" → tier %s (score %d or more)", pg.Tier, pg.TierMin)
}
