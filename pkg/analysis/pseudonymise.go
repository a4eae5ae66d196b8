package analysis

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/attendrisk/attendrisk/pkg/ingest"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// MinKeyBytes is the shortest pseudonymisation key accepted: a short key
// could be guessed by hashing every UPN.
const MinKeyBytes = 16

// Pseudonymise replaces every pupil id with a keyed hash (HMAC-SHA256,
// shortened to 16 hex digits and prefixed "P-") and drops names, so an
// analyst can be given the list without identities. The same key gives the
// same pseudonyms, so weekly runs can still be compared; without the key
// nobody can recompute them from a list of UPNs.
//
// It runs after the context join, the siblings and the rules (which need the
// real ids), and before anything is written, and it leaves no real id
// anywhere in the result:
//   - the pupils' ids, and the values of the pupils' context columns whose
//     names end in _id (identifiers, such as family_id), also where a
//     factor's evidence quotes them;
//   - the context table, re-keyed by pseudonym;
//   - the data-quality account: a cell value quoted in an example, or an
//     unknown code, that is a pupil's id becomes its pseudonym, and any other
//     value that could be an id (anything longer than a code that is not a
//     date or a number) is withheld;
//   - the register, which holds the real ids, is dropped.
func Pseudonymise(res *Result, key []byte) error {
	if len(key) < MinKeyBytes {
		return errors.New("the pseudonymisation key must be at least 16 bytes")
	}
	// The evidence is written from the pupils' values when an output asks
	// (rule.Outcome.Evidence): keep it as it is now, from the real
	// context, so that the sentences quoting an id are rewritten below.
	for _, ps := range [][]*Pupil{res.All, res.Enrolments} {
		for _, p := range ps {
			if p.Outcome != nil {
				p.Outcome.KeepEvidence()
			}
		}
	}
	ids := map[string]string{}      // real id → pseudonym ("" when two children share it)
	children := map[string]*Pupil{} // child key → the child's row, done
	done := make(map[*Pupil]bool, len(res.All))
	note := func(real, ps string) {
		if old, ok := ids[real]; ok && old != ps {
			ps = "" // admission number 1001 at two schools: quote neither
		}
		ids[real] = ps
	}
	for _, p := range res.All {
		if p.Aggregate {
			continue
		}
		real, ck := p.ID, register.ChildKey(p.Info.School, p.ID)
		p.ID = PseudonymOf(key, p.Info.School, real)
		note(real, p.ID)
		children[ck] = p
		done[p] = true
		p.Info.Surname, p.Info.Forename = "", ""
		res.keepNational(p)
		p.reg = nil
		pseudonymiseContext(key, p)
	}
	// A child's rows per school share the child's context and verdict:
	// they take the child's pseudonymised copy, so the shared evidence is
	// rewritten once, never a pseudonym's digits again.
	for _, p := range res.Enrolments {
		if p.Aggregate || done[p] {
			continue // a group row, or a child's own row (done above)
		}
		if c, ok := children[register.ChildKey(p.Info.School, p.ID)]; ok && c != p {
			p.ID, p.Context = c.ID, c.Context
		} else {
			real := p.ID
			p.ID = PseudonymOf(key, p.Info.School, real)
			note(real, p.ID)
			pseudonymiseContext(key, p)
		}
		p.Info.Surname, p.Info.Forename = "", ""
		res.keepNational(p)
		p.reg = nil
	}
	if ctx := res.Context; ctx != nil {
		res.Context = pseudonymousContext(key, ctx)
	}
	if res.Quality != nil {
		res.Quality.Rewrite(func(v string) (string, bool) {
			if ps, ok := ids[v]; ok && ps != "" {
				return ps, true
			}
			if codeOrNumber(v) {
				return v, true
			}
			return quality.Withheld, false
		})
	}
	res.Register = nil // holds the real ids
	return nil
}

// isIDColumn reports a context column that holds identifiers: by the
// context file's own rule, one whose name ends in _id.
func isIDColumn(name string) bool { return strings.HasSuffix(name, "_id") }

// pseudonymiseContext replaces a pupil's identifier context values by their
// pseudonyms, in the values and in the evidence sentences that quote them.
// The map is the pupil's own copy only when it is replaced here: the
// context table's rows are rebuilt separately.
func pseudonymiseContext(key []byte, p *Pupil) {
	var repl []string
	var ctx map[string]any
	for col, v := range p.Context {
		s, ok := v.(string)
		if !ok || !isIDColumn(col) || s == "" {
			continue
		}
		if ctx == nil {
			ctx = make(map[string]any, len(p.Context))
			for k, v := range p.Context {
				ctx[k] = v
			}
		}
		ps := Pseudonym(key, s)
		ctx[col] = ps
		repl = append(repl, s, ps)
	}
	if ctx == nil {
		return
	}
	p.Context = ctx
	if p.Outcome == nil {
		return
	}
	r := strings.NewReplacer(repl...)
	for i := range p.Outcome.Fired {
		ev := append([]string(nil), p.Outcome.Fired[i].Evidence...)
		for j := range ev {
			ev[j] = r.Replace(ev[j])
		}
		p.Outcome.Fired[i].Evidence = ev
	}
}

// pseudonymousContext is the context table keyed by pseudonym, its
// identifier columns pseudonymised.
func pseudonymousContext(key []byte, c *ingest.Context) *ingest.Context {
	out := &ingest.Context{Columns: c.Columns, Info: c.Info, Rows: make(map[string]map[string]any, len(c.Rows)),
		Loc: make(map[string]quality.Loc, len(c.Loc)), Order: make([]string, len(c.Order))}
	for i, id := range c.Order {
		out.Order[i] = Pseudonym(key, id)
	}
	for id, row := range c.Rows {
		r := make(map[string]any, len(row))
		for k, v := range row {
			if s, ok := v.(string); ok && isIDColumn(k) && s != "" {
				v = Pseudonym(key, s)
			}
			r[k] = v
		}
		out.Rows[Pseudonym(key, id)] = r
	}
	for id, l := range c.Loc {
		out.Loc[Pseudonym(key, id)] = l
	}
	return out
}

// numberOrDate matches a value made only of digits and the separators of
// dates, times and numbers, with at least one separator: a date, a time, a
// count with a decimal point; never a bare run of digits (an admission
// number) or letters and digits (a UPN).
var numberOrDate = regexp.MustCompile(`^[0-9]*[/.:\- T][0-9/.:\- T]*$`)

// codeOrNumber reports a value that a pseudonymised run may still quote: an
// attendance code (three characters at most), or a date or number.
func codeOrNumber(v string) bool {
	return utf8.RuneCountInString(v) <= 3 || numberOrDate.MatchString(v)
}

// Pseudonym is one id's pseudonym under a key.
func Pseudonym(key []byte, id string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	return "P-" + hex.EncodeToString(m.Sum(nil))[:16]
}

// PseudonymOf is the pseudonym of the child with this id at this school:
// a UPN's is Pseudonym of the UPN alone, the same at every school and in
// runs without schools; a local id's is keyed by the school too (register
// ChildKey), so two children sharing admission number 1001 at two schools
// get two pseudonyms and never match each other in --compare.
func PseudonymOf(key []byte, school, id string) string {
	return Pseudonym(key, register.ChildKey(school, id))
}

// pseudonymRe matches a pseudonym as Pseudonym writes it.
var pseudonymRe = regexp.MustCompile(`^P-[0-9a-f]{16}$`)

// IsPseudonym reports whether an id is a pseudonym, as an earlier
// pseudonymised run's output holds.
func IsPseudonym(id string) bool { return pseudonymRe.MatchString(id) }
