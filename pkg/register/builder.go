package register

import (
	"bytes"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
)

// Builder adds marks to a register and keeps the data-quality account for
// each one: every mark offered is either used or rejected with a reason.
type Builder struct {
	Reg *Register
	Q   *quality.Report

	// From and To bound the analysis window (inclusive); zero means open.
	From, To Day
	// YearFrom and YearTo, when set, bound the academic year analysed by
	// default: marks outside it are rejected as such (a different reason
	// from the user's own --from/--to window, so the account says which).
	YearFrom, YearTo Day

	lastID    []byte
	lastPupil *Pupil
}

// NewBuilder returns a builder for an empty register.
func NewBuilder(q *quality.Report) *Builder {
	return &Builder{Reg: New(), Q: q}
}

// Pupil finds or creates the pupil with an id, compared in its canonical
// form (see CanonicalID). Exports list a pupil's rows together, so the
// previous pupil's id as written is remembered and compared first.
func (b *Builder) Pupil(id []byte) *Pupil {
	if b.lastPupil != nil && bytes.Equal(id, b.lastID) {
		return b.lastPupil
	}
	p := b.Reg.pupil(canonicalBytes(id))
	b.lastPupil = p
	b.lastID = append(b.lastID[:0], id...)
	return p
}

// SetInfo fills the pupil's descriptive fields that are still empty.
func (b *Builder) SetInfo(p *Pupil, info Info) { p.Info.merge(info) }

// Mark records one session mark read at loc and reports whether it was used.
// The caller has already counted the mark as read.
//
// A second mark for a session already marked is a duplicate when it is the
// same code (the same file given twice must not double the absence) and a
// conflict otherwise; a conflict keeps the better mark by mark.Better, so the
// outcome never depends on the order of the files.
func (b *Builder) Mark(p *Pupil, d Day, s Session, id mark.ID, loc quality.Loc) bool {
	if (b.From != 0 && d < b.From) || (b.To != 0 && d > b.To) {
		b.reject("outside_window", loc, d.UK())
		return false
	}
	if (b.YearFrom != 0 && d < b.YearFrom) || (b.YearTo != 0 && d > b.YearTo) {
		b.reject("outside_academic_year", loc, d.UK()+" ("+YearOf(d).String()+")")
		return false
	}
	slot := p.slot(d, s)
	if old := *slot; old != 0 {
		if old == id {
			b.Q.DuplicateMarks++
			b.reject("duplicate_mark", loc, d.UK()+" "+s.String()+" "+mark.Get(id).Code)
			return false
		}
		b.Q.ConflictingMarks++
		keep := old
		if mark.Better(id, old) {
			keep = id
			*slot = id
		}
		b.reject("conflicting_mark", loc, d.UK()+" "+s.String()+": "+mark.Get(old).Code+" and "+mark.Get(id).Code+", kept "+mark.Get(keep).Code)
		return false
	}
	*slot = id
	b.Q.MarksUsed++
	// The common case, an ordinary code on a weekday, costs two table
	// lookups and no copying of the code's description.
	if special[id] {
		c := mark.Get(id)
		switch {
		case c.Legacy:
			b.Q.Legacy(c.Code, loc)
		case id == mark.MissingID:
			b.Q.Find("missing_mark", loc, d.UK()+" "+s.String())
		case id == mark.XID && mark.CategoryOn(id, d.Time()) == mark.CovidX:
			b.Q.Find("covid_x", loc, d.UK()+" "+s.String())
		}
	}
	if !notPossible[id] && d.Weekend() {
		b.Q.Find("weekend_mark", loc, d.UK()+" "+s.String()+" "+mark.Get(id).Code)
	}
	return true
}

// Reject records a mark rejected before it reached the register (bad date,
// unknown code, ...). The caller has already counted the mark as read.
func (b *Builder) Reject(key string, loc quality.Loc, detail string) {
	b.reject(key, loc, detail)
}

func (b *Builder) reject(key string, loc quality.Loc, detail string) {
	b.Q.MarksRejected++
	b.Q.Reject(key, loc, detail)
}

// Summary records a row of the summary layout: session counts per code
// (codes, indexed by mark.ID) and the row's declared totals. present says
// whether the code counts include the present marks; when they do not, the
// figures come from the declared totals. A second row for the same id is
// rejected rather than summed: the same export given twice must not double
// anyone's absence.
func (b *Builder) Summary(id string, info Info, codes []int, totals map[string]int, present, aggregate bool, loc quality.Loc) bool {
	if !aggregate {
		// A school or area row is named as written ("England / Primary");
		// only pupil ids join with a context file.
		id = CanonicalID(id)
	}
	if p := b.Reg.byID[id]; p != nil {
		b.Q.Reject("duplicate_row", loc, "")
		return false
	}
	p := b.Reg.pupil([]byte(id))
	p.Info = info
	p.Counts = codes
	p.Declared = totals
	p.CodesCover = present
	p.Aggregate = aggregate
	return true
}

// special marks the codes Mark reports on (legacy codes, the missing mark,
// X); notPossible the codes a weekend mark is unremarkable for.
var special, notPossible = func() ([]bool, []bool) {
	sp, np := make([]bool, mark.NumIDs), make([]bool, mark.NumIDs)
	for _, c := range mark.Table() {
		sp[c.ID] = c.Legacy || c.ID == mark.MissingID || c.ID == mark.XID
		np[c.ID] = c.Category == mark.NotPossible
	}
	return sp, np
}()
