package register

import (
	"slices"
	"sort"
	"strings"
	"time"

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
	// School is the school of the enrolment: the export's school column,
	// --school or the profile's school, or (for a local id in a file that
	// names no school) the file's base name. It is part of the key of a
	// local id and is never merged from another row.
	School string
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

// differs names the descriptive fields two readings of one pupil disagree
// on (both given, different): the names as "name" and the year group. The
// values themselves are not returned, so no message can carry a name.
func (i Info) differs(o Info) []string {
	var out []string
	if diff(i.Surname, o.Surname) || diff(i.Forename, o.Forename) {
		out = append(out, "name")
	}
	if diff(i.YearGroup, o.YearGroup) {
		out = append(out, "year group")
	}
	return out
}

func diff(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	return a != "" && b != "" && !strings.EqualFold(a, b)
}

// Pupil is one pupil's register.
type Pupil struct {
	ID   string
	Info Info

	// w0 is the weekday (numbered by weekdayIndex) marks starts on.
	w0 int32
	// file is 1 + the index of the file that first gave this enrolment a
	// mark (see Builder, revisions).
	file int32
	// marks holds the weekdays' sessions from the first marked one:
	// marks[2*(weekdayIndex(day)-w0)+session]; 0 = no session. A school
	// year is about 190 days on 261 weekdays, so a year's array is 522
	// bytes where one by calendar day was 730: an authority's pupils hold
	// one each. The rare weekend mark is kept in ext.weekend. The first
	// and last weekday hold a mark.
	marks []mark.ID

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

	sec      bool // an enrolment after the first of its UPN
	combined bool // the child view of several enrolments
	warned   bool // a disagreement in the details was reported

	// ext holds what only some pupils need (other schools' enrolments,
	// other files' spans), so that the common pupil stays as small as it
	// was: a whole authority is many of them.
	ext *pupilExt
}

// pupilExt is a pupil's rarely needed links.
type pupilExt struct {
	// next links the enrolments of one UPN at other schools (see
	// Register); for a combined child view it is the first enrolment.
	next *Pupil
	// spans, once a second file gives the enrolment marks, is each file's
	// first and last day (see Builder, revisions).
	spans []fileSpan
	// weekend is the marks on Saturdays and Sundays, in date and session
	// order.
	weekend []weekendMark
}

// weekendMark is a session mark on a Saturday or Sunday.
type weekendMark struct {
	d  Day
	s  Session
	id mark.ID
}

// weekendMarks is the pupil's weekend marks, nil when none.
func (p *Pupil) weekendMarks() []weekendMark {
	if p.ext == nil {
		return nil
	}
	return p.ext.weekend
}

// weekdayIndex numbers the weekdays consecutively (Monday 29 December 1969
// is 0); a Saturday or Sunday gets the following Monday's number, so the
// weekdays from a to b inclusive are weekdayIndex(b+1) - weekdayIndex(a).
func weekdayIndex(d Day) int {
	w, k := weekOf(d)
	return w*5 + min(k, 5)
}

// weekOf returns the week (numbered from 29 December 1969) and the day in
// it (Monday 0 to Sunday 6). Days are offset to be positive for any date
// from 1790 on (DayOf takes 1900 to 2200), so the division needs no sign
// correction: it is a multiplication, on the path of every mark read.
func weekOf(d Day) (week, k int) {
	const offset = 7 * 10000 // weeks before 29/12/1969 kept positive
	x := int(d) + 3 + offset
	return x/7 - offset/7, x % 7
}

// weekdayDay is the weekday numbered w by weekdayIndex.
func weekdayDay(w int) Day {
	week, k := w/5, w%5
	if k < 0 {
		week, k = week-1, k+5
	}
	return Day(week*7 - 3 + k)
}

// nextE is the next enrolment of the same UPN, or nil.
func (p *Pupil) nextE() *Pupil {
	if p.ext == nil {
		return nil
	}
	return p.ext.next
}

func (p *Pupil) extra() *pupilExt {
	if p.ext == nil {
		p.ext = &pupilExt{}
	}
	return p.ext
}

type fileSpan struct {
	file        int32
	first, last Day
}

// Enrolments returns the enrolments a pupil stands for: itself, or for
// the child view of a dual-registered or moving pupil, each school's
// enrolment in the order first read.
func (p *Pupil) Enrolments() []*Pupil {
	if !p.combined {
		return []*Pupil{p}
	}
	var out []*Pupil
	for e := p.nextE(); e != nil; e = e.nextE() {
		out = append(out, e)
	}
	return out
}

// Combined reports whether p is the child view of several enrolments (a
// dual-registered or moving child), without building the list Enrolments
// returns.
func (p *Pupil) Combined() bool { return p.combined }

// HasMarks reports whether the pupil has session marks (rather than counts).
func (p *Pupil) HasMarks() bool { return len(p.marks) > 0 || len(p.weekendMarks()) > 0 }

// Span returns the first and last day with a mark.
func (p *Pupil) Span() (first, last Day) {
	if len(p.marks) > 0 {
		first = weekdayDay(int(p.w0))
		last = weekdayDay(int(p.w0) + len(p.marks)/2 - 1)
	}
	if wk := p.weekendMarks(); len(wk) > 0 {
		if len(p.marks) == 0 || wk[0].d < first {
			first = wk[0].d
		}
		if wk[len(wk)-1].d > last {
			last = wk[len(wk)-1].d
		}
	}
	return first, last
}

// Mark returns the mark for a session, 0 when there is none.
func (p *Pupil) Mark(d Day, s Session) mark.ID {
	w, k := weekOf(d)
	if k >= 5 {
		return p.weekendMark(d, s)
	}
	i := (w*5+k-int(p.w0))*2 + int(s)
	if uint(i) >= uint(len(p.marks)) {
		return 0
	}
	return p.marks[i]
}

// Sessions returns the morning and afternoon marks of a day (0 for none):
// Mark for both sessions, with the day looked up once.
func (p *Pupil) Sessions(d Day) (am, pm mark.ID) {
	w, k := weekOf(d)
	if k >= 5 {
		return p.weekendMark(d, AM), p.weekendMark(d, PM)
	}
	i := (w*5 + k - int(p.w0)) * 2
	if uint(i) >= uint(len(p.marks)) {
		return 0, 0
	}
	return p.marks[i], p.marks[i+1]
}

func (p *Pupil) weekendMark(d Day, s Session) mark.ID {
	for _, m := range p.weekendMarks() {
		if m.d == d && m.s == s {
			return m.id
		}
	}
	return 0
}

// Each calls fn for every stored session in date order.
func (p *Pupil) Each(fn func(d Day, s Session, id mark.ID)) {
	if p.ext != nil && len(p.ext.weekend) > 0 {
		p.eachWithWeekends(fn)
		return
	}
	d := weekdayDay(int(p.w0))
	k := int(d.Weekday()) - 1 // Monday 0 .. Friday 4
	for i := 0; i+1 < len(p.marks); i += 2 {
		if id := p.marks[i]; id != 0 {
			fn(d, AM, id)
		}
		if id := p.marks[i+1]; id != 0 {
			fn(d, PM, id)
		}
		d, k = d+1, k+1
		if k == 5 { // Friday to Monday
			d, k = d+2, 0
		}
	}
}

// Count adds one to counts[id] for every mark on a day from from to to
// inclusive (0: open on that side), and to counts[0] for every weekday
// session with no mark. counts is indexed by mark.ID. It is Each for
// figures, without a call per session: it runs for every pupil.
func (p *Pupil) Count(from, to Day, counts []int) {
	lo, hi := 0, len(p.marks)
	if from != 0 {
		lo = max(lo, 2*(weekdayIndex(from)-int(p.w0)))
	}
	if to != 0 {
		hi = min(hi, 2*(weekdayIndex(to+1)-int(p.w0)))
	}
	if lo < hi {
		for _, id := range p.marks[lo:hi] {
			counts[id]++
		}
	}
	for _, m := range p.weekendMarks() {
		if m.id != 0 && (from == 0 || m.d >= from) && (to == 0 || m.d <= to) {
			counts[m.id]++
		}
	}
}

// eachWithWeekends is Each with the weekend marks merged in.
func (p *Pupil) eachWithWeekends(fn func(d Day, s Session, id mark.ID)) {
	wk := p.weekendMarks()
	d := weekdayDay(int(p.w0))
	for i := 0; i+1 < len(p.marks); i += 2 {
		for len(wk) > 0 && wk[0].d < d {
			if wk[0].id != 0 {
				fn(wk[0].d, wk[0].s, wk[0].id)
			}
			wk = wk[1:]
		}
		if id := p.marks[i]; id != 0 {
			fn(d, AM, id)
		}
		if id := p.marks[i+1]; id != 0 {
			fn(d, PM, id)
		}
		if d++; d.Weekday() == time.Saturday {
			d += 2
		}
	}
	for _, m := range wk {
		if m.id != 0 {
			fn(m.d, m.s, m.id)
		}
	}
}

// slot returns a pointer to the session's slot, growing the store to cover
// d. The caller sets the mark at once: the pointer is good until the next
// slot.
func (p *Pupil) slot(d Day, s Session) *mark.ID {
	var reach int32
	return p.slotNear(d, s, &reach)
}

// slotNear is slot for the builder: *reach is one past the furthest weekday
// (numbered by weekdayIndex) that any enrolment of the register has marked
// so far, 0 before the first mark, and is moved on as the store grows.
//
// A new pupil's array is made once, big enough for the rest of what the
// file holds. In a file grouped by pupil (as MIS exports are), the pupils
// read before have already reached the file's last day, so the array runs
// to there: no regrowth and nothing to give back at the end of the read
// (Builder.Finish copies only an array with room left over, which was every
// pupil's when each array ran to the end of the academic year, some 20 MB
// copied at the end of an authority's year). In a file ordered by date
// reach is this very day, and the array runs to the end of d's academic
// year, as before.
func (p *Pupil) slotNear(d Day, s Session, reach *int32) *mark.ID {
	w, k := weekOf(d)
	if k >= 5 {
		return p.weekendSlot(d, s)
	}
	wd := w*5 + k
	if len(p.marks) == 0 {
		p.w0 = int32(wd)
		end := weekdayIndex(YearOf(d).End() + 1)
		if r := int(*reach); r-wd >= hintWeekdays && r < end {
			end = r
		}
		if int32(wd) >= *reach {
			*reach = int32(wd) + 1
		}
		p.marks = make([]mark.ID, 2, max(2*(end-wd), 2))
		return &p.marks[s]
	}
	if grow := 2 * (int(p.w0) - wd); grow > 0 {
		n := make([]mark.ID, len(p.marks)+grow, cap(p.marks)+grow)
		copy(n[grow:], p.marks)
		p.marks = n
		p.w0 = int32(wd)
	}
	i := (wd-int(p.w0))*2 + int(s)
	if i >= len(p.marks) {
		if int32(wd) >= *reach {
			*reach = int32(wd) + 1
		}
		if i < cap(p.marks) {
			p.marks = p.marks[:i+1+int(1-s)]
		} else {
			// Past what the pupils before reached: room to the end of
			// d's academic year, or double beyond it.
			c := 2 * (weekdayIndex(YearOf(d).End()+1) - int(p.w0))
			if c < i+2 {
				c = 2 * (i + 2)
			}
			n := make([]mark.ID, i+1+int(1-s), c)
			copy(n, p.marks)
			p.marks = n
		}
	}
	return &p.marks[i]
}

// hintWeekdays is how far past a new pupil's first day the register must
// already reach for the pupil's array to be sized to it rather than to the
// end of the year: a week, so that a file ordered by date (where the
// register reaches just today) is not sized day by day.
const hintWeekdays = 5

// weekendSlot is slot for a Saturday or Sunday.
func (p *Pupil) weekendSlot(d Day, s Session) *mark.ID {
	x := p.extra()
	i := sort.Search(len(x.weekend), func(i int) bool {
		m := x.weekend[i]
		return m.d > d || m.d == d && m.s >= s
	})
	if i == len(x.weekend) || x.weekend[i].d != d || x.weekend[i].s != s {
		x.weekend = slices.Insert(x.weekend, i, weekendMark{d: d, s: s})
	}
	return &x.weekend[i].id
}

// trim gives back the room the weekday array kept beyond its last mark
// (a year's array read to July is 464 bytes, to August 522: the next size
// class down).
func (p *Pupil) trim() {
	if cap(p.marks) > len(p.marks) {
		p.marks = slices.Clone(p.marks)
	}
}

// Register is every enrolment (a pupil at a school), and the child view
// of them. A UPN names one child everywhere, so its enrolments at several
// schools (dual registration, a move) are linked and combined into one
// child; any other id is local to its school and keyed by (school, id), so
// two children sharing admission number 1001 at two schools stay two.
type Register struct {
	byID     map[string]*Pupil // child key → first enrolment
	pupils   []*Pupil          // every enrolment, in the order first read
	combined map[*Pupil]*Pupil // first enrolment → child view, for UPNs at several schools
	dirty    bool              // an enrolment of a combined child changed
	// reach is one past the furthest weekday marked so far, for sizing a
	// new pupil's marks (Pupil.slotNear).
	reach int32
}

// New returns an empty register.
func New() *Register { return &Register{byID: map[string]*Pupil{}} }

// Len returns the number of children.
func (r *Register) Len() int {
	n := 0
	for _, p := range r.pupils {
		if !p.sec {
			n++
		}
	}
	return n
}

// ChildKey is the key of a child: the UPN (the same child at every school),
// or a local id with its school (admission number 1001 at two schools is two
// children). Pseudonyms and comparisons with an earlier run key by it too.
func ChildKey(school, id string) string { return childKey(school, id) }

// childKey is the key of a child: the UPN, or a local id with its school.
func childKey(school, id string) string {
	if school == "" || UPNShaped(id) {
		return id
	}
	return school + "\x1f" + id
}

// Get returns the child with an id, or nil. The id may be written in any
// form CanonicalID folds (a pupil id typed in lower case is found). A
// local id shared by several schools finds the first school's pupil: use
// Find to choose the school.
func (r *Register) Get(id string) *Pupil {
	if p := r.byID[id]; p != nil {
		return r.child(p)
	}
	c := CanonicalID(id)
	if p := r.byID[c]; p != nil {
		return r.child(p)
	}
	for _, p := range r.Pupils() {
		if p.ID == c {
			return p
		}
	}
	return nil
}

// Find returns the child with an id at a school (the school is ignored for
// a UPN, which is the same child at every school), or nil.
func (r *Register) Find(school, id string) *Pupil {
	id = CanonicalID(id)
	if p := r.byID[childKey(school, id)]; p != nil {
		return r.child(p)
	}
	return nil
}

// child returns the child view of a first enrolment.
func (r *Register) child(p *Pupil) *Pupil {
	if p.nextE() == nil {
		return p
	}
	r.build()
	return r.combined[p]
}

// Pupils returns the children sorted by id and then school, so that
// anything built on the register is deterministic whatever order the
// files came in. A UPN enrolled at several schools is one child whose
// marks are the schools' combined (see combine).
func (r *Register) Pupils() []*Pupil {
	r.build()
	out := make([]*Pupil, 0, len(r.pupils))
	for _, p := range r.pupils {
		switch {
		case p.sec:
		case p.nextE() != nil:
			out = append(out, r.combined[p])
		default:
			out = append(out, p)
		}
	}
	sortPupils(out)
	return out
}

// Enrolments returns every enrolment, sorted like Pupils: each school's
// figures for its own roll come from these.
func (r *Register) Enrolments() []*Pupil {
	out := make([]*Pupil, len(r.pupils))
	copy(out, r.pupils)
	sortPupils(out)
	return out
}

func sortPupils(ps []*Pupil) {
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].ID != ps[j].ID {
			return ps[i].ID < ps[j].ID
		}
		return ps[i].Info.School < ps[j].Info.School
	})
}

// enrolment finds or creates the enrolment of id at school. The []byte key
// lookup does not allocate; only a new pupil copies its id. created says a
// new enrolment was made.
func (r *Register) enrolment(id []byte, school string) (p *Pupil, created bool) {
	var key string
	if school == "" || UPNShaped(string(id)) {
		if p := r.byID[string(id)]; p != nil {
			for e := p; e != nil; e = e.nextE() {
				if e.Info.School == school {
					return e, false
				}
			}
			// The UPN at another school: a second enrolment of the child.
			e := &Pupil{ID: p.ID, Info: Info{School: school}, sec: true}
			last := p
			for last.nextE() != nil {
				last = last.nextE()
			}
			last.extra().next = e
			r.pupils = append(r.pupils, e)
			r.dirty = true
			return e, true
		}
		key = string(id)
	} else {
		key = childKey(school, string(id))
		if p := r.byID[key]; p != nil {
			return p, false
		}
	}
	p = &Pupil{ID: string(id), Info: Info{School: school}}
	r.byID[key] = p
	r.pupils = append(r.pupils, p)
	return p, true
}

// pupil finds or creates a pupil with no school (the summary layout, and
// tests).
func (r *Register) pupil(id []byte) *Pupil {
	p, _ := r.enrolment(id, "")
	return p
}

// build makes the child view of every UPN enrolled at several schools.
func (r *Register) build() {
	if !r.dirty {
		return
	}
	r.dirty = false
	r.combined = map[*Pupil]*Pupil{}
	for _, p := range r.pupils {
		if p.nextE() != nil && !p.sec {
			r.combined[p] = combine(p)
		}
	}
}

// combine is a child's view of its enrolments: every school's marks, and
// where two schools marked the same session the one that says where the
// child was. D (dual registered: attending the other school) is not a
// possible session at the school that records it, so it never stands in
// the child view against the other school's mark; otherwise the better
// mark by mark.Better is kept, as for any two marks for a session.
func combine(head *Pupil) *Pupil {
	c := &Pupil{ID: head.ID, combined: true, ext: &pupilExt{next: head}}
	var schools []string
	for e := head; e != nil; e = e.nextE() {
		if e.Info.School != "" {
			schools = append(schools, e.Info.School)
		}
		school := c.Info.School
		c.Info.merge(e.Info)
		c.Info.School = school
		e.Each(func(d Day, s Session, id mark.ID) {
			slot := c.slot(d, s)
			if old := *slot; old == 0 || old == dID || (id != dID && mark.Better(id, old)) {
				*slot = id
			}
		})
	}
	c.Info.School = strings.Join(schools, " + ")
	sumCounts(c, head) // a summary layout's counts, each school's added
	c.trim()
	return c
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
