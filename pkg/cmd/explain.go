package cmd

import (
	"context"
	"fmt"
	"github.com/attendrisk/attendrisk/pkg/actions"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/render"
)

// NewCmdExplain builds `attendrisk explain`.
func NewCmdExplain(f *Factory) *cobra.Command {
	opts := &AnalyseOptions{IO: f.IO, now: f.Now, MinSessions: metrics.DefaultMinSessions}
	c := &cobra.Command{
		Use:   "explain [flags] PUPIL_ID FILE...",
		Short: "One child's page: figures, the marks week by week, each factor with its evidence, the score and next steps",
		Long: `Explain why a pupil is where they are on the list: the figures, a
week-by-week view of the marks, every factor that fired with the evidence that
made it true (and the ones that did not), the score arithmetic and tier, and
each next step with the rule behind it.

Give the same files, --rules and --context as the analyse run being explained.`,
		Example: `  $ attendrisk explain A123456789012 autumn.csv spring.csv --context context.csv

  # a local id that two schools share: name the school, SCHOOL:ID
  $ attendrisk explain "Oak Primary:1001" authority/`,
		Args: func(c *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usagef("explain needs a pupil id and at least one register file")
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			opts.Files = args[1:]
			opts.Format = "table"
			opts.layoutSet = c.Flags().Changed("layout")
			if err := opts.validate(); err != nil {
				return err
			}
			return explainRun(c.Context(), opts, args[0])
		},
	}
	addInputFlags(c, opts)
	addRulesFlags(c, opts)
	return c
}

func explainRun(ctx context.Context, o *AnalyseOptions, id string) error {
	prep, err := analysis.Prepare(o.input())
	if err != nil {
		return err
	}
	res, err := prep.Run(ctx)
	if err != nil {
		return err
	}
	if err := usable(res); err != nil {
		// The message points at the account: show it.
		render.Quality(o.IO.ErrOut, res.Quality)
		return err
	}
	// Pupil ids are held in canonical form (a1 is A1); a school or area
	// row's name as written.
	p, rank, err := findPupil(res, id, o.Files)
	if err != nil {
		return err
	}
	w := o.IO.Out
	// Every text below that came from a file (register, context, rules)
	// passes through t, so no cell can drive the terminal.
	t := render.Term
	name := strings.TrimSpace(p.Info.Forename + " " + p.Info.Surname)
	fmt.Fprintf(w, "%s  %s\n", t(p.ID), t(name))
	var desc []string
	for _, kv := range [][2]string{{"Year", p.Info.YearGroup}, {"Reg group", p.Info.RegGroup}, {"School", p.Info.School}} {
		if kv[1] != "" {
			desc = append(desc, kv[0]+" "+t(kv[1]))
		}
	}
	if p.First != 0 {
		desc = append(desc, "marks "+p.First.UK()+" to "+p.Last.UK())
	}
	fmt.Fprintf(w, "%s\n", strings.Join(desc, " · "))
	fmt.Fprintf(w, "Position %d of %d on the list\n\n", rank, len(res.Pupils))

	fg := p.Figures
	fmt.Fprintln(w, "Figures")
	fmt.Fprintf(w, "  possible sessions   %4d\n", fg.Possible)
	fmt.Fprintf(w, "  present             %4d\n", fg.Present)
	fmt.Fprintf(w, "  approved activity   %4d\n", fg.AEA)
	fmt.Fprintf(w, "  authorised absence  %4d  %5.1f%%\n", fg.Authorised, fg.Pct(fg.Authorised))
	fmt.Fprintf(w, "  unauthorised        %4d  %5.1f%%\n", fg.Unauthorised, fg.Pct(fg.Unauthorised))
	fmt.Fprintf(w, "  absence             %4d  %5.1f%%", fg.Absent(), fg.Pct(fg.Absent()))
	switch {
	case p.SA():
		fmt.Fprint(w, "  severe absence (50% or more)")
	case p.PA():
		fmt.Fprint(w, "  persistent absence (10% or more)")
	}
	fmt.Fprintln(w)
	if fg.Missing > 0 {
		fmt.Fprintf(w, "  missing marks       %4d  (not counted as absence)\n", fg.Missing)
	}
	var codes []string
	for _, c := range mark.Table() {
		if fg.Codes != nil && fg.Codes[c.ID] > 0 {
			codes = append(codes, fmt.Sprintf("%s %d", c.Code, fg.Codes[c.ID]))
		}
	}
	fmt.Fprintf(w, "  codes               %s\n", strings.Join(codes, ", "))
	c := p.Causes
	fmt.Fprintf(w, "  by cause            unexplained %d, unauthorised known %d, authorised known %d, no education on offer %d, off-site %d\n",
		c.Unexplained, c.UnauthorisedKnown, c.AuthorisedKnown, c.NoEducation, c.OffSite)
	fmt.Fprintf(w, "  age                 %s\n", p.Age)
	support := strings.ReplaceAll(p.Support, "_", " ")
	if p.SupportRaw != "" {
		support += fmt.Sprintf(" (recorded as %q)", p.SupportRaw)
	}
	fmt.Fprintf(w, "  support state       %s\n", support)
	for _, m := range p.Moves {
		fmt.Fprintf(w, "  moved school        %s\n", t(m.Summary()))
	}
	if p.Left != nil {
		fmt.Fprintf(w, "  left the roll       %s\n", t(p.Left.Summary()))
	}
	fmt.Fprintln(w)

	if rp := p.Marks(); rp != nil && rp.HasMarks() {
		weekView(w, rp, res, p.Actions)
	}

	out := p.Outcome
	if out == nil {
		fmt.Fprintln(w, "No rules were applied.")
		return nil
	}
	fmt.Fprintf(w, "Factors that apply (rules: %s, version %s)\n", t(res.Rules.Name), t(res.Rules.Version))
	if len(out.Fired) == 0 {
		fmt.Fprintln(w, "  none")
	}
	var sum []string
	for _, fd := range out.Fired {
		sign := "+"
		if fd.Factor.Kind == "protective" {
			sign = "−"
		}
		fmt.Fprintf(w, "  %s%-3d %s (%s, %s)\n", sign, fd.Factor.Weight, t(fd.Factor.Label), t(fd.Factor.ID), t(fd.Factor.Group))
		for _, e := range dedupe(fd.Evidence) {
			fmt.Fprintf(w, "         evidence: %s\n", t(e))
		}
		fmt.Fprintf(w, "         rule: %s\n         source: %s\n", t(fd.Factor.When), t(fd.Factor.Source))
		sum = append(sum, fmt.Sprintf("%s %d", sign, fd.Factor.Weight))
	}
	fmt.Fprintf(w, "\nScore: %s = %d", strings.TrimPrefix(strings.Join(sum, " "), "+ "), out.RiskPoints-out.ProtectivePoints)
	if out.RiskPoints-out.ProtectivePoints < 0 {
		fmt.Fprint(w, ", floored at 0")
	}
	minScore := 0
	for _, tr := range res.Rules.Tiers {
		if tr.Name == out.Tier {
			minScore = tr.MinScore
		}
	}
	fmt.Fprintf(w, " → tier %s (score %d or more)\n\n", t(out.Tier), minScore)

	fmt.Fprintln(w, "Factors that do not apply")
	unknown := map[string]string{}
	for _, u := range out.Unknown {
		unknown[u.Factor.ID] = u.Reason
	}
	env := p.Env(o.MinSessions)
	for _, fc := range out.NotFired {
		note := ""
		if r, ok := unknown[fc.ID]; ok {
			note = " — not evaluated: " + r
		} else if why := res.Rules.WhyNot(fc.When, env); why != "" {
			note = " — " + why
		}
		fmt.Fprintf(w, "  %s: %s%s\n", t(fc.ID), t(fc.Label), t(note))
	}
	for _, k := range res.Rules.Skipped {
		if !k.Step {
			fmt.Fprintf(w, "  %s: %s\n", t(k.ID), t(k.Reason()))
		}
	}
	fmt.Fprintln(w, "\nSuggested next steps (for a professional to consider)")
	if len(out.Steps) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for i, s := range out.Steps {
		cond := s.When
		if cond == "" {
			cond = "tier " + out.Tier
		}
		fmt.Fprintf(w, "  %d. %s\n     because: %s\n     source: %s\n", i+1, t(s.Text), t(cond), t(s.Source))
	}
	fmt.Fprintln(w, "\nSteps not suggested, and why")
	for i := range res.Rules.Steps {
		s := &res.Rules.Steps[i]
		if slices.Contains(out.Steps, s) {
			continue
		}
		why := res.Rules.WhyNot(s.When, env)
		if why == "" && len(s.Tiers) > 0 {
			why = "only for tiers " + strings.Join(s.Tiers, ", ")
		}
		fmt.Fprintf(w, "  %s: %s\n", s.ID, why)
	}
	for _, k := range res.Rules.Skipped {
		if k.Step {
			fmt.Fprintf(w, "  %s: %s\n", k.ID, k.Reason())
		}
	}
	fmt.Fprintf(w, "\n%s\n", render.Disclaimer)
	return nil
}

// dedupe drops repeated evidence lines, keeping the first of each.
func dedupe(xs []string) []string {
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

// findPupil selects the pupil to explain: by id, or by SCHOOL:ID when a
// local id (an admission number) belongs to pupils at several schools.
// rank is the pupil's 1-based place on the list.
func findPupil(res *analysis.Result, id string, files []string) (*analysis.Pupil, int, error) {
	match := func(school, id string) (ps []*analysis.Pupil, ranks []int) {
		canon := register.CanonicalID(id)
		for i, q := range res.Pupils {
			if (q.ID == id || q.ID == canon) && (school == "" || strings.EqualFold(q.Info.School, school) || inSchools(q, school)) {
				ps, ranks = append(ps, q), append(ranks, i+1)
			}
		}
		return ps, ranks
	}
	ps, ranks := match("", id)
	if len(ps) == 0 {
		if i := strings.LastIndexByte(id, ':'); i > 0 {
			ps, ranks = match(strings.TrimSpace(id[:i]), strings.TrimSpace(id[i+1:]))
		}
	}
	switch len(ps) {
	case 0:
		return nil, 0, fmt.Errorf("no pupil with id %q in %s", id, strings.Join(files, ", "))
	case 1:
		return ps[0], ranks[0], nil
	}
	var schools []string
	for _, p := range ps {
		schools = append(schools, strconvQuote(p.Info.School))
	}
	return nil, 0, usagef("pupil id %q belongs to pupils at %d schools (%s): name the school as SCHOOL:ID, e.g. %q", id, len(ps), strings.Join(schools, ", "), ps[0].Info.School+":"+ps[0].ID)
}

// inSchools reports whether a child at several schools is on one's roll.
func inSchools(p *analysis.Pupil, school string) bool {
	if rp := p.Marks(); rp != nil {
		for _, e := range rp.Enrolments() {
			if strings.EqualFold(e.Info.School, school) {
				return true
			}
		}
	}
	return false
}

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }

// weekView prints the pupil's marks one school week to a line: AM and PM
// for Monday to Friday, "." where there is no mark, and the actions of the
// actions log recorded that week (Monday to Sunday) after it, so a meeting
// sees absence and action together.
func weekView(w io.Writer, p *register.Pupil, res *analysis.Result, acts actions.History) {
	first, last := p.Span()
	fmt.Fprintln(w, "Marks week by week (AM PM for each day; . no mark)")
	fmt.Fprintln(w, "  week of      Mon    Tue    Wed    Thu    Fri    absent")
	week := func(from, to register.Day) string {
		var parts []string
		for _, a := range acts {
			if a.Date >= from && a.Date <= to {
				parts = append(parts, render.Term(a.Date.Time().Format("Mon 02/01")+" "+strings.TrimPrefix(a.String(), a.Date.UK()+" ")))
			}
		}
		if len(parts) == 0 {
			return ""
		}
		return "   actions: " + strings.Join(parts, "; ")
	}
	if before := week(0, first.Monday()-1); before != "" {
		fmt.Fprintf(w, "  before %s%s\n", first.Monday().UK(), before)
	}
	for wk := first.Monday(); wk <= last; wk += 7 {
		var cells []string
		absent, any := 0, false
		for d := wk; d < wk+5; d++ {
			cell := ""
			for _, s := range []register.Session{register.AM, register.PM} {
				id := p.Mark(d, s)
				code := "."
				if id != 0 {
					any = true
					code = mark.Get(id).Code
					if mark.CategoryOn(id, d.Time()).Absent() {
						absent++
					}
				}
				cell += fmt.Sprintf("%-2s ", code)
			}
			cells = append(cells, cell)
		}
		acted := week(wk, wk+6)
		if !any && acted == "" {
			continue
		}
		fmt.Fprintf(w, "  %s   %s  %d%s\n", wk.UK(), strings.Join(cells, " "), absent, acted)
	}
	if after := week(last.Monday()+7, 1<<30); after != "" {
		fmt.Fprintf(w, "  after %s%s\n", last.UK(), after)
	}
	fmt.Fprintln(w)
}
