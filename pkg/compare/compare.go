package compare

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// Previous is what an earlier run's JSON output says about each pupil.
type Previous struct {
	Path string
	AsOf string
	// Pupils are keyed by Key: a local id with its school, so two children
	// sharing admission number 1001 at two schools stay two children.
	Pupils map[string]PrevPupil
	// Rules is the hash of the earlier run's rules; tiers only compare
	// meaningfully under the same rules.
	RulesHash string
	// Headline is the earlier run's summary, for the week-on-week deltas
	// of an email summary; nil when the file has none.
	Headline *Headline
}

// Headline is the part of an earlier run's summary that a weekly email
// compares with: the rates, in per cent, as that run printed them.
type Headline struct {
	Pupils        int     `json:"pupils"`
	AbsencePct    float64 `json:"absence_pct"`
	PersistentPct float64 `json:"persistent_absence_pct"`
	SeverePct     float64 `json:"severe_absence_pct"`
}

// PrevPupil is one pupil of the earlier run.
type PrevPupil struct {
	ID         string  `json:"pupil_id"`
	School     string  `json:"school"`
	Tier       string  `json:"tier"`
	Score      int     `json:"score"`
	AbsencePct float64 `json:"absence_pct"`
	Persistent bool    `json:"persistent_absence"`
	Severe     bool    `json:"severe_absence"`
}

// MaxFileBytes bounds the earlier run's JSON file. A JSON output of
// attendrisk analyse takes some 3 KB a pupil with the default rules, so a
// whole country's register fits many times over; a bigger file is not an
// output of attendrisk, and reading it could exhaust the machine.
const MaxFileBytes = 1 << 30

// Read loads an earlier JSON output of attendrisk analyse. The file is
// decoded as a stream, pupil by pupil, keeping only the fields a comparison
// needs, so memory follows the number of pupils and not the size of their
// evidence. Every refusal names the file and, for a bad pupil entry, its
// position in the list, never a pupil id.
func Read(path string) (*Previous, error) {
	// Stat before opening: opening a named pipe with no writer would hang.
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("--compare %s: cannot read: %w", path, plainErr(err))
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("--compare %s: not a regular file (expected the file written by --format json)", path)
	}
	if st.Size() > MaxFileBytes {
		return nil, fmt.Errorf("--compare %s: %d bytes, more than the %d bytes (1 GiB) an attendrisk JSON output can be", path, st.Size(), int64(MaxFileBytes))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--compare %s: cannot read: %w", path, plainErr(err))
	}
	defer f.Close()
	// The limit holds even for a file that grows while it is read.
	p, err := decode(path, io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, err
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
	for _, pp := range p.Pupils {
		pp.ID = analysis.PseudonymOf(key, pp.School, pp.ID)
		out[pp.ID] = pp
	}
	p.Pupils = out
	return nil
}

// notOurs is the refusal of a file that is not an attendrisk JSON output.
func notOurs(path string) error {
	return fmt.Errorf("--compare %s: not a JSON output of attendrisk analyse (expected the file written by --format json)", path)
}

func decode(path string, r io.Reader) (*Previous, error) {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, notOurs(path)
	}
	p := &Previous{Path: path, Pupils: map[string]PrevPupil{}}
	var tool string
	sawPupils := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, notOurs(path)
		}
		key, _ := t.(string)
		switch key {
		case "tool":
			err = dec.Decode(&tool)
		case "as_of":
			err = dec.Decode(&p.AsOf)
		case "rules":
			var rules struct {
				Hash string `json:"hash"`
			}
			err = dec.Decode(&rules)
			p.RulesHash = rules.Hash
		case "summary":
			var h Headline
			err = dec.Decode(&h)
			p.Headline = &h
		case "pupils":
			sawPupils = true
			err = decodePupils(path, dec, p)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return nil, decodeErr(path, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, decodeErr(path, err)
	}
	if tool != "attendrisk" || !sawPupils {
		return nil, notOurs(path)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, notOurs(path) // something after the document
	}
	return p, nil
}

// decodeErr says why the document could not be read: a bad pupil entry, a
// file that ends inside the document, or not our JSON at all.
func decodeErr(path string, err error) error {
	var pe *pupilError
	switch {
	case errors.As(err, &pe):
		return err
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("--compare %s: the file ends inside its JSON document (cut short by a copy or a full disk?)", path)
	}
	return notOurs(path)
}

// pupilError is a bad entry of the pupils list.
type pupilError struct{ msg string }

func (e *pupilError) Error() string { return e.msg }

func decodePupils(path string, dec *json.Decoder, p *Previous) error {
	t, err := dec.Token()
	if err == nil && t == nil {
		return nil // null: no pupils
	}
	if err != nil || t != json.Delim('[') {
		return notOurs(path)
	}
	for n := 1; dec.More(); n++ {
		var pp PrevPupil
		if err := dec.Decode(&pp); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return err
			}
			return &pupilError{fmt.Sprintf("--compare %s: pupil %d of the list is not a pupil of an attendrisk JSON output", path, n)}
		}
		if pp.ID == "" {
			return &pupilError{fmt.Sprintf("--compare %s: pupil %d of the list has no pupil_id", path, n)}
		}
		// The earlier run's ids are compared in the register's form, so a
		// list edited in a spreadsheet (" a1", "12.0") still matches its
		// pupils. A pseudonym is kept as it is: it is not an id to fold.
		if !analysis.IsPseudonym(pp.ID) {
			pp.ID = register.CanonicalID(pp.ID)
		}
		k := Key(pp.School, pp.ID)
		if _, dup := p.Pupils[k]; dup {
			// An output lists each pupil once; the id itself is not shown.
			return &pupilError{fmt.Sprintf("--compare %s: pupil %d of the list has the same pupil_id and school as an earlier one", path, n)}
		}
		p.Pupils[k] = pp
	}
	_, err = dec.Token() // ]
	return err
}

// Key is how a pupil of either run is found in the other: a pseudonym as it
// is (it already stands for one child), a UPN alone, a local id with its
// school (register.ChildKey).
func Key(school, id string) string {
	if analysis.IsPseudonym(id) {
		return id
	}
	return register.ChildKey(school, id)
}

func plainErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
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

// Kinds are the kinds of change, in the order they are shown.
var Kinds = []string{NewlySevere, NewlyPersistent, TierUp, Joined, TierDown, Improved, Left}

// ParseKinds reads a comma-separated list of change kinds, as
// --fail-on-change takes it.
func ParseKinds(s string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, k := range strings.Split(s, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if _, ok := kindOrder[k]; !ok {
			return nil, fmt.Errorf("unknown change %q; expected any of %s", k, strings.Join(Kinds, ", "))
		}
		out[k] = true
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no change named; expected any of %s", strings.Join(Kinds, ", "))
	}
	return out, nil
}

// Comparable lists what makes the two runs less than comparable, for a
// warning: tiers moved by a change of rules are not moves of the pupils, and
// a figures-only run has no tiers at all. A weekly cron job that alerts on
// tier_up would otherwise page someone about a rules edit.
func Comparable(prev *Previous, res *analysis.Result) []string {
	var out []string
	switch {
	case prev.RulesHash == "" && res.Rules != nil:
		out = append(out, "--compare "+prev.Path+" is a figures-only run (--no-rules): it has no tiers, so no tier moves are reported")
	case prev.RulesHash != "" && res.Rules == nil:
		out = append(out, "this run is figures only (--no-rules) and "+prev.Path+" is not: no tier moves are reported")
	case prev.RulesHash != "" && prev.RulesHash != res.Rules.Hash:
		out = append(out, fmt.Sprintf("--compare %s was made with other rules (%s, now %s): tier moves may come from the rules, not from the pupils", prev.Path, short(prev.RulesHash), short(res.Rules.Hash)))
	}
	return out
}

// short is a rules hash cut to what a person compares by eye.
func short(h string) string {
	if len(h) > len("sha256:")+12 {
		return h[:len("sha256:")+12]
	}
	return h
}

var kindOrder = map[string]int{NewlySevere: 0, NewlyPersistent: 1, TierUp: 2, Joined: 3, TierDown: 4, Improved: 5, Left: 6}

// ImprovedPoints is how far absence must fall, in percentage points, to
// count as an improvement for a pupil who was not persistently absent.
const ImprovedPoints = 2.0

// Change is one pupil's change.
type Change struct {
	Kind   string          `json:"change"`
	ID     string          `json:"pupil_id"`
	School string          `json:"school,omitempty"`
	Before string          `json:"before"`
	After  string          `json:"after"`
	Pupil  *analysis.Pupil `json:"-"`
}

// Diff lists the changes from prev to res, most urgent kind first, then in
// the current priority order.
func Diff(prev *Previous, res *analysis.Result) []Change {
	var out []Change
	seen := make(map[string]bool, len(res.All))
	pos := make(map[*analysis.Pupil]int, len(res.All))
	for i, p := range res.All {
		pos[p] = i
	}
	for _, p := range res.All {
		if p.Aggregate {
			continue
		}
		k := Key(p.Info.School, p.ID)
		seen[k] = true
		was, ok := prev.Pupils[k]
		now := describe(p)
		if !ok {
			out = append(out, Change{Joined, p.ID, p.Info.School, "", now, p})
			continue
		}
		before := fmt.Sprintf("%s, absence %.1f%%", orNone(was.Tier), was.AbsencePct)
		switch {
		case p.SA() && !was.Severe:
			out = append(out, Change{NewlySevere, p.ID, p.Info.School, before, now, p})
		case p.PA() && !was.Persistent:
			out = append(out, Change{NewlyPersistent, p.ID, p.Info.School, before, now, p})
		}
		if p.Outcome != nil && res.Rules != nil && was.Tier != "" && was.Tier != p.Outcome.Tier {
			wi, ni := res.Rules.TierIndex(was.Tier), res.Rules.TierIndex(p.Outcome.Tier)
			switch {
			case wi >= 0 && ni < wi:
				out = append(out, Change{TierUp, p.ID, p.Info.School, before, now, p})
			case wi >= 0 && ni > wi:
				out = append(out, Change{TierDown, p.ID, p.Info.School, before, now, p})
			}
		}
		abs := p.Figures.Pct(p.Figures.Absent())
		if (was.Persistent && !p.PA()) || (!p.PA() && was.AbsencePct-abs >= ImprovedPoints) {
			out = append(out, Change{Improved, p.ID, p.Info.School, before, now, p})
		}
	}
	var left []string
	for k := range prev.Pupils {
		if !seen[k] {
			left = append(left, k)
		}
	}
	sort.Strings(left)
	for _, k := range left {
		was := prev.Pupils[k]
		out = append(out, Change{Kind: Left, ID: was.ID, School: was.School, Before: fmt.Sprintf("%s, absence %.1f%%", orNone(was.Tier), was.AbsencePct), After: "not in the data"})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if kindOrder[out[i].Kind] != kindOrder[out[j].Kind] {
			return kindOrder[out[i].Kind] < kindOrder[out[j].Kind]
		}
		pi, oki := pos[out[i].Pupil]
		pj, okj := pos[out[j].Pupil]
		if oki && okj {
			return pi < pj
		}
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return out[i].School < out[j].School
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

// Annotate sets each pupil's Changes from cs, in one pass over the pupils:
// linear in pupils and changes, so 20,000 changed pupils cost 20,000
// lookups rather than 400 million comparisons.
func Annotate(res *analysis.Result, cs []Change) {
	// By the change's own pupil, not its id: two children may share a
	// local id at two schools.
	for _, p := range res.All {
		p.Changes = nil
	}
	for _, c := range cs {
		if c.Pupil != nil {
			c.Pupil.Changes = append(c.Pupil.Changes, c.Kind)
		}
	}
}

// Who is how a change names its pupil in a list: the id, and the school
// when the run has schools (in an authority run admission number 1001 may be
// two children, and the officer needs the school to find either).
func (c Change) Who() string {
	if c.School == "" {
		return c.ID
	}
	return c.ID + " (" + c.School + ")"
}
