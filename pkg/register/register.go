package register

import (
	"sort"

	"github.com/attendrisk/attendrisk/pkg/mark"
)

// Session is the morning or afternoon register.
type Session uint8

// The two sessions of a school day.
const (
	AM Session = 0
	PM Session = 1
)

// String returns "AM" or "PM".
func (s Session) String() string {
	if s == PM {
		return "PM"
	}
	return "AM"
}

// Info is a pupil's descriptive fields, as the export gave them.
type Info struct {
	Surname   string
	Forename  string
	YearGroup string
	RegGroup  string
	School    string
}

// merge fills empty fields from o: the first non-empty value wins, so the
// result does not depend on which file named the pupil first.
func (i *Info) merge(o Info) {
	if i.Surname == "" {
		i.Surname = o.Surname
	}
	if i.Forename == "" {
		i.Forename = o.Forename
	}
	if i.YearGroup == "" {
		i.YearGroup = o.YearGroup
	}
	if i.RegGroup == "" {
		i.RegGroup = o.RegGroup
	}
	if i.School == "" {
		i.School = o.School
	}
}

// Pupil is one pupil's register.
type Pupil struct {
	ID   string
	Info Info

	first Day
	marks []mark.ID // marks[2*(day-first)+session]; 0 = no session

	// Counts is set instead of marks for pupils read from the summary
	// layout: sessions per code ID, with no dates.
	Counts []int
	// Declared holds the summary layout's own totals (possible, authorised,
	// unauthorised, ...); nil otherwise.
	Declared map[string]int
	// CodesCover says the summary's code counts include the present marks,
	// so the figures can be derived from the codes alone.
	CodesCover bool
	// Aggregate marks a summary row for a school or an area rather than a
	// pupil: persistent and severe absence are decided pupil by pupil and do
	// not apply to it.
	Aggregate bool
}

// HasMarks reports whether the pupil has session marks (rather than counts).
func (p *Pupil) HasMarks() bool { return len(p.marks) > 0 }

// Span returns the first and last day the array covers. Days at the edges
// always hold at least one mark.
func (p *Pupil) Span() (first, last Day) {
	return p.first, p.first + Day(len(p.marks)/2) - 1
}

// Mark returns the mark for a session, 0 when there is none.
func (p *Pupil) Mark(d Day, s Session) mark.ID {
	i := int(d-p.first)*2 + int(s)
	if i < 0 || i >= len(p.marks) {
		return 0
	}
	return p.marks[i]
}

// Each calls fn for every stored session in date order.
func (p *Pupil) Each(fn func(d Day, s Session, id mark.ID)) {
	for i, id := range p.marks {
		if id != 0 {
			fn(p.first+Day(i/2), Session(i%2), id)
		}
	}
}

// slot returns a pointer to the session's slot, growing the array to cover d.
func (p *Pupil) slot(d Day, s Session) *mark.ID {
	if len(p.marks) == 0 {
		p.first = d
		p.marks = make([]mark.ID, 2, 2*200) // a school year is ~200 weekdays on roll
	}
	if d < p.first {
		grow := int(p.first - d)
		n := make([]mark.ID, len(p.marks)+2*grow, cap(p.marks)+2*grow)
		copy(n[2*grow:], p.marks)
		p.marks = n
		p.first = d
	}
	i := int(d-p.first)*2 + int(s)
	if i >= len(p.marks) {
		if i < cap(p.marks) {
			p.marks = p.marks[:i+1+int(1-s)]
		} else {
			n := make([]mark.ID, i+1+int(1-s), 2*(i+2))
			copy(n, p.marks)
			p.marks = n
		}
	}
	return &p.marks[i]
}

// Register is every pupil, keyed by pupil id.
type Register struct {
	byID   map[string]*Pupil
	pupils []*Pupil
}

// New returns an empty register.
func New() *Register { return &Register{byID: map[string]*Pupil{}} }

// Len returns the number of pupils.
func (r *Register) Len() int { return len(r.pupils) }

// Get returns the pupil with an id, or nil. The id may be written in any
// form CanonicalID folds (a pupil id typed in lower case is found).
func (r *Register) Get(id string) *Pupil {
	if p := r.byID[id]; p != nil {
		return p
	}
	return r.byID[CanonicalID(id)]
}

// Pupils returns the pupils sorted by id, so that anything built on the
// register is deterministic whatever order the files came in.
func (r *Register) Pupils() []*Pupil {
	out := make([]*Pupil, len(r.pupils))
	copy(out, r.pupils)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// pupil finds or creates a pupil. The []byte key lookup does not allocate;
// only a new pupil copies its id.
func (r *Register) pupil(id []byte) *Pupil {
	if p := r.byID[string(id)]; p != nil {
		return p
	}
	p := &Pupil{ID: string(id)}
	r.byID[p.ID] = p
	r.pupils = append(r.pupils, p)
	return p
}

// Span returns the first and last day with a mark across all pupils; ok is
// false when no pupil has marks.
func (r *Register) Span() (first, last Day, ok bool) {
	for _, p := range r.pupils {
		if !p.HasMarks() {
			continue
		}
		f, l := p.Span()
		if !ok || f < first {
			first = f
		}
		if !ok || l > last {
			last = l
		}
		ok = true
	}
	return first, last, ok
}
