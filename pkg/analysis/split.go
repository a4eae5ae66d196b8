package analysis

import (
	"sort"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/metrics"
)

// Schools lists the schools of the run's enrolments, sorted ("" for rows
// naming no school).
func (r *Result) Schools() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range r.Enrolments {
		if !seen[e.Info.School] {
			seen[e.Info.School] = true
			out = append(out, e.Info.School)
		}
	}
	sort.Strings(out)
	return out
}

// ForSchool returns the run as one school sees it, for a school's own
// workbook (--split-by school): only the pupils on that school's roll, in
// the same order, and the headline totals of that school's enrolments (each
// pupil's figures at that school, as summary --by school counts them). A
// dual-registered or moved child is on each of their schools' rolls, so
// appears in each school's result with the child view (all their schools'
// marks combined), as on the authority's list. The data-quality account,
// rules and context are the run's.
func (r *Result) ForSchool(school string) *Result {
	onRoll := map[*Pupil]bool{}
	var totals metrics.Sum
	for _, e := range r.Enrolments {
		if e.Info.School != school {
			continue
		}
		if !e.Aggregate {
			totals.Add(e.Figures)
		}
	}
	for _, p := range r.All {
		for _, s := range p.schools() {
			if s == school {
				onRoll[p] = true
			}
		}
	}
	out := *r
	out.Totals = totals.Figures()
	out.Pupils = filterPupils(r.Pupils, onRoll)
	out.All = filterPupils(r.All, onRoll)
	var es []*Pupil
	for _, e := range r.Enrolments {
		if e.Info.School == school {
			es = append(es, e)
		}
	}
	out.Enrolments = es
	return &out
}

// schools is the schools a pupil is on roll at.
func (p *Pupil) schools() []string {
	if p.reg == nil {
		// Pseudonymised: the register link is gone, the child view's
		// school ("Oak Primary + Riverside PRU") stays.
		return strings.Split(p.Info.School, " + ")
	}
	if !p.reg.Combined() {
		return []string{p.Info.School}
	}
	var out []string
	for _, e := range p.reg.Enrolments() {
		out = append(out, e.Info.School)
	}
	return out
}

func filterPupils(ps []*Pupil, keep map[*Pupil]bool) []*Pupil {
	var out []*Pupil
	for _, p := range ps {
		if keep[p] {
			out = append(out, p)
		}
	}
	return out
}
