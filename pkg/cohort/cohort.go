package cohort

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/metrics"
)

// Group is one row of a cohort summary.
type Group struct {
	Key     []string // one value per --by dimension ("All pupils" for the total)
	Pupils  int      // pupils with possible sessions
	Figures metrics.Figures
	PA, SA  int
	// Suppressed is set when the group has fewer pupils than the
	// suppression threshold, or when its figures would give away such a
	// group's by subtraction from the total (Secondary): its figures must
	// not be shared.
	Suppressed bool
	Secondary  bool
	// LeftOut is the possible sessions left out to count the figures as
	// DfE's statistics do (analysis.NationalBasis: Year 11 from the spring
	// bank holiday), and Year11 the pupils they were left out of. Undated
	// counts Year 11 pupils whose figures are counts with no dates, from
	// which nothing could be left out.
	LeftOut, Year11, Undated int
	// Compulsory, on the total only, is the cohort aged 5 to 15 on 31
	// August (analysis.Result.DfEAge), the pupils DfE's national figures
	// cover, when the cohort also has pupils outside that age (nursery,
	// Reception, the sixth form): the row to set beside the benchmarks.
	// nil when every pupil is aged 5 to 15 (the total is that row) or none
	// is. Outside counts the assessable pupils left out of it.
	Compulsory *Group
	Outside    int
}

// PAPct is the persistent absence rate: persistent absentees as a share of
// the group's pupils.
func (g Group) PAPct() float64 { return share(g.PA, g.Pupils) }

// SAPct is the severe absence rate.
func (g Group) SAPct() float64 { return share(g.SA, g.Pupils) }

func share(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

// Dimensions a summary can be grouped by, besides context.<column>.
var Dimensions = []string{"year_group", "reg_group", "school", "tier"}

// value returns a pupil's value for a dimension.
func value(p *analysis.Pupil, dim string) string {
	switch dim {
	case "year_group":
		return p.Info.YearGroup
	case "reg_group":
		return p.Info.RegGroup
	case "school":
		return p.Info.School
	case "tier":
		if p.Outcome != nil {
			return p.Outcome.Tier
		}
		return ""
	}
	if col, ok := strings.CutPrefix(dim, "context."); ok {
		v, ok := p.Context[col]
		if !ok || v == nil {
			return ""
		}
		switch x := v.(type) {
		case bool:
			if x {
				return "Yes"
			}
			return "No"
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
		return fmt.Sprint(v)
	}
	return ""
}

// CheckDimensions validates --by against the known dimensions and the
// context columns.
func CheckDimensions(by []string, res *analysis.Result) error {
	for _, d := range by {
		if col, ok := strings.CutPrefix(d, "context."); ok {
			if res.Context == nil {
				return fmt.Errorf("--by %s needs a --context file", d)
			}
			found := false
			var names []string
			for _, c := range res.Context.Columns {
				names = append(names, "context."+c.Name)
				found = found || c.Name == col
			}
			if !found {
				return fmt.Errorf("--by %s: the context file has no such column (it has %s)", d, strings.Join(names, ", "))
			}
			continue
		}
		known := false
		for _, k := range Dimensions {
			known = known || k == d
		}
		if !known {
			return fmt.Errorf("--by %q: expected %s or context.<column>", d, strings.Join(Dimensions, ", "))
		}
		if d == "tier" && res.Rules == nil {
			return fmt.Errorf("--by tier needs the rules (drop --no-rules)")
		}
	}
	return nil
}

// Summarise groups the pupils of res (all of them, whatever a list showed)
// by the dimensions, with the whole cohort first. Group figures are summed
// sessions, never averaged rates. Groups smaller than suppressBelow pupils
// are marked suppressed, and more with them where subtraction would undo it
// (see suppress). Group rows of a summary file (schools, areas) are left
// out: they are not pupils.
//
// A summary is for setting a school beside the national figures, so it is
// counted on their basis: Year 11's sessions from the spring bank holiday
// to 31 July are left out, as DfE's statistics leave them out (see
// analysis.NationalBasis; the total's LeftOut says how many). The pupil
// list keeps every session: a Year 11 pupil persistently absent only
// after the spring bank holiday is persistently absent there, and not in
// the summary's count.
//
// Grouped by school, the rows are enrolments, as DfE counts them: a pupil
// on two schools' rolls (dual registration, a move) is counted at each
// with that school's own figures, and the total is the sum of the
// schools'. So the groups still partition the total (each enrolment is in
// one group), which secondary suppression relies on.
func Summarise(res *analysis.Result, by []string, suppressBelow int) []Group {
	total := Group{Key: []string{"All pupils"}}
	basis := Group{Key: []string{CompulsoryKey}}
	groups := map[string]*Group{}
	// Each group's figures are summed in place (metrics.Sum) and set when
	// every pupil is in.
	var totalSum, basisSum metrics.Sum
	sums := map[*Group]*metrics.Sum{}
	pupils := res.All
	for _, d := range by {
		if d == "school" && res.Enrolments != nil {
			pupils = res.Enrolments
		}
	}
	for _, p := range pupils {
		if p.Aggregate {
			continue
		}
		f, left, dated := res.NationalFigures(p)
		add(&total, &totalSum, p, f, left, dated)
		if age, ok := res.DfEAge(p); ok && (age < 5 || age > 15) {
			if f.Assessable() {
				total.Outside++
			}
		} else {
			add(&basis, &basisSum, p, f, left, dated)
		}
		if len(by) == 0 {
			continue
		}
		key := make([]string, len(by))
		for i, d := range by {
			key[i] = value(p, d)
			if key[i] == "" {
				key[i] = "(blank)"
			}
		}
		k := strings.Join(key, "\x00")
		g := groups[k]
		if g == nil {
			g = &Group{Key: key}
			groups[k] = g
			sums[g] = &metrics.Sum{}
		}
		add(g, sums[g], p, f, left, dated)
	}
	total.Figures, basis.Figures = totalSum.Figures(), basisSum.Figures()
	out := []Group{total}
	var rest []Group
	for _, g := range groups {
		g.Figures = sums[g].Figures()
		rest = append(rest, *g)
	}
	sort.Slice(rest, func(i, j int) bool { return keyLess(rest[i].Key, rest[j].Key) })
	out = append(out, rest...)
	suppress(out, suppressBelow)
	if out[0].Outside > 0 && basis.Pupils > 0 {
		b := basis
		out[0].Compulsory = &b
		suppressBasis(out, suppressBelow)
	}
	return out
}

// CompulsoryKey names the row of the pupils aged 5 to 15 (Group.Compulsory).
const CompulsoryKey = "Aged 5 to 15"

// suppressBasis withholds the aged-5-to-15 row when showing it would
// disclose a small group: itself under the threshold; the pupils outside
// that age (the total minus the row) under it; or any group suppressed,
// which the row, subtracted from the total with the groups shown, could
// give away. The total and the groups are as suppress left them.
func suppressBasis(out []Group, below int) {
	c := out[0].Compulsory
	if below <= 0 || c == nil {
		return
	}
	switch {
	case c.Pupils < below:
		c.Suppressed = true
	case out[0].Outside < below || out[0].Suppressed:
		c.Suppressed, c.Secondary = true, true
	default:
		for _, g := range out[1:] {
			if g.Suppressed {
				c.Suppressed, c.Secondary = true, true
				break
			}
		}
	}
}

// suppress marks the groups whose figures must not be shown: those with
// fewer than below pupils (primary suppression), and then enough others
// that no suppressed group can be worked out from what is shown (secondary
// suppression, as DfE's disclosure control does). The groups after the
// total partition it (every pupil is in exactly one), so the total minus
// the shown groups is the sum of the suppressed ones: with one suppressed
// group that sum is the group itself. So when exactly one group with pupils
// is suppressed, the next smallest group is suppressed too (the first in
// order among equals), and the two can only be known together. When the
// total itself is under the threshold every group is. A group with no
// assessable pupils discloses nobody and does not call for a second.
func suppress(out []Group, below int) {
	if below <= 0 {
		return
	}
	for i := range out {
		out[i].Suppressed = out[i].Pupils < below
	}
	total, cells := &out[0], out[1:]
	if len(cells) == 0 {
		return
	}
	if total.Suppressed {
		for i := range cells {
			cells[i].Suppressed = true
		}
		return
	}
	hidden := 0
	for _, g := range cells {
		if g.Suppressed && g.Pupils > 0 {
			hidden++
		}
	}
	if hidden != 1 {
		return
	}
	next := -1
	for i, g := range cells {
		if !g.Suppressed && (next < 0 || g.Pupils < cells[next].Pupils) {
			next = i
		}
	}
	if next < 0 {
		// Cannot happen (the total is not suppressed, so some group is
		// shown), but if it did, the total is what would give it away.
		total.Suppressed = true
		return
	}
	cells[next].Suppressed, cells[next].Secondary = true, true
}

// add counts a pupil into a group on the national basis: f are the
// pupil's figures with Year 11's second summer half term left out (see
// analysis.Result.NationalFigures), so persistent and severe absence are
// decided on the same sessions as DfE's.
func add(g *Group, sum *metrics.Sum, p *analysis.Pupil, f metrics.Figures, left int, dated bool) {
	if left > 0 {
		g.LeftOut += left
		g.Year11++
	}
	if !dated {
		g.Undated++
	}
	if p.Aggregate || !f.Assessable() {
		return
	}
	g.Pupils++
	sum.Add(f)
	if f.Persistent() {
		g.PA++
	}
	if f.Severe() {
		g.SA++
	}
}

// keyLess orders keys naturally: "Year 2" before "Year 10", numbers as
// numbers, text as text.
func keyLess(a, b []string) bool {
	for i := range a {
		if a[i] == b[i] {
			continue
		}
		na, ea := strconv.Atoi(strings.TrimPrefix(strings.ToLower(a[i]), "year "))
		nb, eb := strconv.Atoi(strings.TrimPrefix(strings.ToLower(b[i]), "year "))
		if ea == nil && eb == nil {
			return na < nb
		}
		return a[i] < b[i]
	}
	return false
}

// Benchmark is a set of comparison rates, in percent.
type Benchmark struct {
	Name         string  `yaml:"name" json:"name"`
	Overall      float64 `yaml:"overall_absence_pct" json:"overall_absence_pct"`
	Authorised   float64 `yaml:"authorised_absence_pct" json:"authorised_absence_pct"`
	Unauthorised float64 `yaml:"unauthorised_absence_pct" json:"unauthorised_absence_pct"`
	Persistent   float64 `yaml:"persistent_absence_pct" json:"persistent_absence_pct"`
	Severe       float64 `yaml:"severe_absence_pct" json:"severe_absence_pct"`
	Source       string  `yaml:"source" json:"source"`
}

// England202324 is DfE's national figures for state-funded primary,
// secondary and special schools in 2023/24 (Pupil absence in schools in
// England 2023/24; attendance-reference.md §2).
var England202324 = Benchmark{Name: "England 2023/24", Overall: 7.1, Authorised: 4.7, Unauthorised: 2.5, Persistent: 20.0, Severe: 2.3,
	Source: "DfE, Pupil absence in schools in England 2023/24 (state-funded primary, secondary and special)"}

// ReadBenchmarks reads a YAML list of benchmarks, strictly.
func ReadBenchmarks(path string) ([]Benchmark, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %w", path, err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	var out []Benchmark
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("%s: %s (expected a list of benchmarks with name, overall_absence_pct, authorised_absence_pct, unauthorised_absence_pct, persistent_absence_pct, severe_absence_pct, source)", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	for i, b := range out {
		if b.Name == "" {
			return nil, fmt.Errorf("%s: benchmark %d has no name", path, i+1)
		}
	}
	return out, nil
}
