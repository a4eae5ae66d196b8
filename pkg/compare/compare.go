package compare

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

// Previous is what an earlier run's JSON output says about each pupil.
type Previous struct {
	Path   string
	AsOf   string
	Pupils map[string]PrevPupil
	// Rules is the hash of the earlier run's rules; tiers only compare
	// meaningfully under the same rules.
	RulesHash string
}

// PrevPupil is one pupil of the earlier run.
type PrevPupil struct {
	ID         string  `json:"pupil_id"`
	Tier       string  `json:"tier"`
	Score      int     `json:"score"`
	AbsencePct float64 `json:"absence_pct"`
	Persistent bool    `json:"persistent_absence"`
	Severe     bool    `json:"severe_absence"`
}

// Read loads an earlier JSON output of attendrisk analyse.
func Read(path string) (*Previous, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--compare %s: cannot read: %w", path, err)
	}
	var doc struct {
		Tool   string      `json:"tool"`
		AsOf   string      `json:"as_of"`
		Pupils []PrevPupil `json:"pupils"`
		Rules  struct {
			Hash string `json:"hash"`
		} `json:"rules"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || doc.Tool != "attendrisk" {
		return nil, fmt.Errorf("--compare %s: not a JSON output of attendrisk analyse (expected the file written by --format json)", path)
	}
	p := &Previous{Path: path, AsOf: doc.AsOf, Pupils: map[string]PrevPupil{}, RulesHash: doc.Rules.Hash}
	for _, pp := range doc.Pupils {
		p.Pupils[pp.ID] = pp
	}
	return p, nil
}

// Pseudonymised reports whether the earlier run was pseudonymised: every
// pupil id in it is a pseudonym. An earlier run with no pupils counts as
// both.
func (p *Previous) Pseudonymised() bool {
	for id := range p.Pupils {
		if !analysis.IsPseudonym(id) {
			return false
		}
	}
	return true
}

// Pseudonymise prepares an earlier run for comparison with a pseudonymised
// one. An earlier pseudonymised run is used as it is. An earlier identified
// run has its ids replaced by their pseudonyms under the same key, so the
// comparison, and everything it writes, is exactly what comparing with that
// run pseudonymised would give: nothing from the identified file but its
// name, its date and the tiers and rates it recorded, keyed by pseudonym.
// A file mixing real ids and pseudonyms is refused: it is not one run.
func (p *Previous) Pseudonymise(key []byte) error {
	real, pseudo := 0, 0
	for id := range p.Pupils {
		if analysis.IsPseudonym(id) {
			pseudo++
		} else {
			real++
		}
	}
	if real == 0 {
		return nil
	}
	if pseudo > 0 {
		return fmt.Errorf("--compare %s: %d pupil ids are pseudonyms and %d are not; expected the output of one attendrisk analyse run", p.Path, pseudo, real)
	}
	out := make(map[string]PrevPupil, len(p.Pupils))
	for id, pp := range p.Pupils {
		pp.ID = analysis.Pseudonym(key, id)
		out[pp.ID] = pp
	}
	p.Pupils = out
	return nil
}

// Kinds of change, in the order they are shown.
const (
	NewlySevere     = "newly_severe"
	NewlyPersistent = "newly_persistent"
	TierUp          = "tier_up"
	TierDown        = "tier_down"
	Improved        = "improved"
	Joined          = "joined"
	Left            = "left"
)

var kindOrder = map[string]int{NewlySevere: 0, NewlyPersistent: 1, TierUp: 2, Joined: 3, TierDown: 4, Improved: 5, Left: 6}

// ImprovedPoints is how far absence must fall, in percentage points, to
// count as an improvement for a pupil who was not persistently absent.
const ImprovedPoints = 2.0

// Change is one pupil's change.
type Change struct {
	Kind   string          `json:"change"`
	ID     string          `json:"pupil_id"`
	Before string          `json:"before"`
	After  string          `json:"after"`
	Pupil  *analysis.Pupil `json:"-"`
}

// Diff lists the changes from prev to res, most urgent kind first, then in
// the current priority order.
func Diff(prev *Previous, res *analysis.Result) []Change {
	var out []Change
	seen := map[string]bool{}
	pos := map[string]int{}
	for i, p := range res.All {
		pos[p.ID] = i
	}
	for _, p := range res.All {
		if p.Aggregate {
			continue
		}
		seen[p.ID] = true
		was, ok := prev.Pupils[p.ID]
		now := describe(p)
		if !ok {
			out = append(out, Change{Joined, p.ID, "", now, p})
			continue
		}
		before := fmt.Sprintf("%s, absence %.1f%%", orNone(was.Tier), was.AbsencePct)
		switch {
		case p.SA() && !was.Severe:
			out = append(out, Change{NewlySevere, p.ID, before, now, p})
		case p.PA() && !was.Persistent:
			out = append(out, Change{NewlyPersistent, p.ID, before, now, p})
		}
		if p.Outcome != nil && res.Rules != nil && was.Tier != "" && was.Tier != p.Outcome.Tier {
			wi, ni := res.Rules.TierIndex(was.Tier), res.Rules.TierIndex(p.Outcome.Tier)
			switch {
			case wi >= 0 && ni < wi:
				out = append(out, Change{TierUp, p.ID, before, now, p})
			case wi >= 0 && ni > wi:
				out = append(out, Change{TierDown, p.ID, before, now, p})
			}
		}
		abs := p.Figures.Pct(p.Figures.Absent())
		if (was.Persistent && !p.PA()) || (!p.PA() && was.AbsencePct-abs >= ImprovedPoints) {
			out = append(out, Change{Improved, p.ID, before, now, p})
		}
	}
	var left []string
	for id := range prev.Pupils {
		if !seen[id] {
			left = append(left, id)
		}
	}
	sort.Strings(left)
	for _, id := range left {
		was := prev.Pupils[id]
		out = append(out, Change{Left, id, fmt.Sprintf("%s, absence %.1f%%", orNone(was.Tier), was.AbsencePct), "not in the data", nil})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if kindOrder[out[i].Kind] != kindOrder[out[j].Kind] {
			return kindOrder[out[i].Kind] < kindOrder[out[j].Kind]
		}
		pi, oki := pos[out[i].ID]
		pj, okj := pos[out[j].ID]
		if oki && okj {
			return pi < pj
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func describe(p *analysis.Pupil) string {
	tier := ""
	if p.Outcome != nil {
		tier = p.Outcome.Tier
	}
	return fmt.Sprintf("%s, absence %.1f%%", orNone(tier), p.Figures.Pct(p.Figures.Absent()))
}

func orNone(s string) string {
	if s == "" {
		return "no tier"
	}
	return s
}

// ByPupil indexes the changes by pupil id (a pupil can have several).
func ByPupil(cs []Change) map[string][]string {
	out := map[string][]string{}
	for _, c := range cs {
		out[c.ID] = append(out[c.ID], c.Kind)
	}
	return out
}
