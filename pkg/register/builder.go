package register

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"time"

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

	// School is the school of every row that names none (--school, or a
	// profile's school). FileSchool, set per file by BeginFile, is the
	// school a local id falls back to when neither the row nor School
	// names one: the file's base name, since an admission number means
	// nothing without its school.
	School, FileSchool string

	lastID    []byte
	lastPupil *Pupil

	files   []fileInfo
	cur     int32 // index of the file being read
	pending []revision
	// summaryUPNs are the summary rows of UPNs, checked by Finish against
	// session marks for the same child (see settleLayouts).
	summaryUPNs []summaryRef
}

// summaryRef is a summary row's enrolment and its place.
type summaryRef struct {
	p   *Pupil
	loc quality.Loc
}

// fileInfo is what revisions are ordered by.
type fileInfo struct {
	path  string
	mtime time.Time
	last  Day // the last day the file gave a mark for
}

// revision is a session two files of one school marked differently: which
// mark stands is decided when every file has been read (Finish).
type revision struct {
	p     *Pupil
	d     Day
	s     Session
	old   mark.ID
	from  int32 // the file the standing mark came from
	id    mark.ID
	file  int32
	loc   quality.Loc
	order int // the order events came in, for a stable result
}

// BeginFile starts a file: marks read until the next BeginFile come from
// it. path names it in findings; mtime orders revisions of equal extent.
func (b *Builder) BeginFile(path string, mtime time.Time, fileSchool string) {
	b.files = append(b.files, fileInfo{path: path, mtime: mtime})
	b.cur = int32(len(b.files) - 1)
	b.FileSchool = fileSchool
	b.lastPupil, b.lastID = nil, b.lastID[:0]
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
	return b.PupilAt(id, "", quality.Loc{})
}

// PupilAt finds or creates the enrolment of id at a school: the row's own
// school, or when it names none the builder's School, else for a local id
// the file's. A UPN is one child at every school; a local id is keyed by
// its school. A new UPN-shaped id with a wrong check letter is reported
// at loc (the id itself is kept: it is the one the school uses).
func (b *Builder) PupilAt(id []byte, school string, loc quality.Loc) *Pupil {
	cid := canonicalBytes(id)
	if school == "" {
		school = b.School
	}
	upn := UPNShaped(string(cid))
	if school == "" && !upn {
		school = b.FileSchool
	}
	p, created := b.Reg.enrolment(cid, school)
	if created && upn && !UPNValid(string(cid)) && b.Q != nil {
		b.Q.Find("bad_upn", loc, "the check letter does not match the digits")
	}
	b.lastPupil = p
	b.lastID = append(b.lastID[:0], id...)
	return p
}

// Last is the pupil the last Pupil or PupilAt call returned (nil at the
// start of a file): the marks reader's rows of one pupil in a row need no
// id comparison.
func (b *Builder) Last() *Pupil { return b.lastPupil }

// SetInfo fills the pupil's descriptive fields that are still empty.
func (b *Builder) SetInfo(p *Pupil, info Info) { p.Info.merge(info) }

// SetInfoAt is SetInfo for a row at loc: a name or year group that
// disagrees with the one read for the pupil from another file (or at
// another school, for a UPN) is reported there, once per pupil, naming the
// field and never its values. Within one file the pupil's first row gives
// the details, as before.
func (b *Builder) SetInfoAt(p *Pupil, info Info, loc quality.Loc) {
	other := p.file != 0 && p.file != b.cur+1
	if !p.warned && (other || p.sec || p.nextE() != nil) {
		var d []string
		if p.sec || p.nextE() != nil {
			first := b.Reg.byID[p.ID]
			for e := first; e != nil; e = e.nextE() {
				if d = e.Info.differs(info); d != nil {
					break
				}
			}
		} else {
			d = p.Info.differs(info)
		}
		if d != nil {
			p.warned = true
			b.Q.Find("details_differ", loc, "the "+join(d)+" differs from another file's for this pupil id")
		}
	}
	info.School = ""
	p.Info.merge(info)
}

func join(s []string) string {
	if len(s) == 2 {
		return s[0] + " and " + s[1]
	}
	return s[0]
}

// Mark records one session mark read at loc and reports whether it was used.
// The caller has already counted the mark as read.
//
// A second mark for a session already marked is a duplicate when it is the
// same code (the same file given twice must not double the absence) and a
// conflict otherwise; a conflict keeps the better mark by mark.Better, so the
// outcome never depends on the order of the files.
func (b *Builder) Mark(p *Pupil, d Day, s Session, id mark.ID, loc quality.Loc) bool {
	return b.MarkAt(p, d, s, id, &loc)
}

// MarkAt is Mark with the place passed by pointer, for the marks reader:
// it applies millions of rows and reports few of them, so it keeps one Loc
// and moves its line rather than copying a whole place into every call.
// loc is only read (a finding takes a copy), never kept.
func (b *Builder) MarkAt(p *Pupil, d Day, s Session, id mark.ID, loc *quality.Loc) bool {
	if (b.From != 0 && d < b.From) || (b.To != 0 && d > b.To) {
		b.reject("outside_window", *loc, d.UK())
		return false
	}
	if (b.YearFrom != 0 && d < b.YearFrom) || (b.YearTo != 0 && d > b.YearTo) {
		b.reject("outside_academic_year", *loc, d.UK()+" ("+YearOf(d).String()+")")
		return false
	}
	if p.ext == nil && !p.sec && len(b.files) > 0 && p.file == b.cur+1 {
		// Nearly every mark: an enrolment at one school, from this file
		// only, so track has only the file's last day to move.
		if f := &b.files[b.cur]; d > f.last {
			f.last = d
		}
	} else {
		if len(b.files) > 0 {
			b.track(p, d)
		}
		if p.sec || p.nextE() != nil {
			b.Reg.dirty = true // the child view of several schools is rebuilt
		}
	}
	slot := p.slotNear(d, s, &b.Reg.reach)
	if old := *slot; old != 0 {
		if old != id && p.ext != nil && p.ext.spans != nil {
			if from, ok := b.earlierFile(p, d); ok {
				// Another export of this school marked the session:
				// which stands waits for the files' order (Finish).
				// The mark counts as used until then.
				b.pending = append(b.pending, revision{p: p, d: d, s: s, old: old, from: from, id: id, file: b.cur, loc: *loc, order: len(b.pending)})
				b.Q.MarksUsed++
				return true
			}
		}
		if old == id {
			b.Q.DuplicateMarks++
			b.reject("duplicate_mark", *loc, d.UK()+" "+s.String()+" "+mark.Get(id).Code)
			return false
		}
		b.Q.ConflictingMarks++
		keep := old
		if mark.Better(id, old) {
			keep = id
			*slot = id
		}
		b.reject("conflicting_mark", *loc, d.UK()+" "+s.String()+": "+mark.Get(old).Code+" and "+mark.Get(id).Code+", kept "+mark.Get(keep).Code)
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
			b.Q.Legacy(c.Code, *loc)
		case id == mark.MissingID:
			b.Q.Find("missing_mark", *loc, d.UK()+" "+s.String())
		case id == mark.XID && mark.CategoryOn(id, d.Time()) == mark.CovidX:
			b.Q.Find("covid_x", *loc, d.UK()+" "+s.String())
		}
	}
	if !notPossible[id] && d.Weekend() {
		b.Q.Find("weekend_mark", *loc, d.UK()+" "+s.String()+" "+mark.Get(id).Code)
	}
	return true
}

// PlainRun applies MarkAt's commonest case on its own, for the marks
// reader's in-order apply (one goroutine, every row of the file): a
// weekday session of an ordinary code inside the windows, for a pupil
// enrolled at one school from this file only, on a day within its marks'
// array (the pupil's next session, nearly always). What does not change
// from one of the pupil's marks to the next (the windows, the pupil's
// enrolment) is settled once, by Plain.
type PlainRun struct {
	p      *Pupil
	ok     bool // the pupil's marks may be applied by Mark
	lo, hi Day  // the days inside both windows
	last   *Day // the file's last day
	reach  *int32
}

// Plain returns the run for p's marks, valid until anything but its Mark
// changes the builder or p (MarkAt, a new pupil, a new file): then call
// Plain again.
func (b *Builder) Plain(p *Pupil) PlainRun {
	r := PlainRun{p: p, lo: math.MinInt32, hi: math.MaxInt32, reach: &b.Reg.reach}
	r.ok = p.ext == nil && !p.sec && len(b.files) > 0 && p.file == b.cur+1
	if r.ok {
		r.last = &b.files[b.cur].last
	}
	for _, lo := range [...]Day{b.From, b.YearFrom} {
		if lo != 0 && lo > r.lo {
			r.lo = lo
		}
	}
	for _, hi := range [...]Day{b.To, b.YearTo} {
		if hi != 0 && hi < r.hi {
			r.hi = hi
		}
	}
	return r
}

// Mark applies the mark and reports true exactly when MarkAt would apply
// it with nothing to report, counting it in no total: the caller adds it
// to MarksUsed, as MarkAt would have. Otherwise it changes nothing, and
// the caller calls MarkAt, which decides.
func (r *PlainRun) Mark(d Day, s Session, id mark.ID) bool {
	p := r.p
	if !r.ok || special[id] || d < r.lo || d > r.hi || len(p.marks) == 0 {
		return false
	}
	w, k := weekOf(d)
	wd := w*5 + k
	i := (wd-int(p.w0))*2 + int(s)
	if k >= 5 || i < 0 || i >= cap(p.marks) {
		return false
	}
	if i < len(p.marks) {
		if p.marks[i] != 0 {
			return false
		}
	} else {
		// As slotNear: the array runs to the day's PM session.
		if int32(wd) >= *r.reach {
			*r.reach = int32(wd) + 1
		}
		p.marks = p.marks[:i+1+int(1-s)]
	}
	p.marks[i] = id
	if d > *r.last {
		*r.last = d
	}
	return true
}

// track keeps the span of days each file gave an enrolment, once a second
// file gives it marks, and each file's last day.
func (b *Builder) track(p *Pupil, d Day) {
	f := &b.files[b.cur]
	if d > f.last {
		f.last = d
	}
	if p.file == b.cur+1 && (p.ext == nil || p.ext.spans == nil) {
		return
	}
	if p.file == 0 {
		p.file = b.cur + 1
		return
	}
	x := p.extra()
	if x.spans == nil {
		first, last := p.Span()
		x.spans = []fileSpan{{file: p.file - 1, first: first, last: last}}
	}
	sp := x.spans
	for i := range sp {
		if sp[i].file == b.cur {
			if d < sp[i].first {
				sp[i].first = d
			}
			if d > sp[i].last {
				sp[i].last = d
			}
			return
		}
	}
	x.spans = append(sp, fileSpan{file: b.cur, first: d, last: d})
}

// earlierFile returns the first other file whose days for the enrolment
// include d: the export the standing mark most likely came from.
func (b *Builder) earlierFile(p *Pupil, d Day) (int32, bool) {
	for _, sp := range p.ext.spans {
		if sp.file != b.cur && sp.first <= d && d <= sp.last {
			return sp.file, true
		}
	}
	return 0, false
}

// RevisionOrder says how two exports of one school are ordered.
type RevisionOrder int

const (
	// ByExtent: the export whose data ends later is the later one, then the
	// one modified later, then the one given later.
	ByExtent RevisionOrder = iota
	// AsGiven: the command line's order (--revision-order given).
	AsGiven
)

// Finish settles the sessions two exports of one school marked
// differently: the later export's mark stands (see RevisionOrder), except
// that N (reason not yet established) is provisional and loses to any
// other code whatever the order. Each mark that does not stand is counted
// as rejected ("superseded_mark"), and a finding says how many marks of
// which file each later file superseded.
//
// It also gives back, pupil by pupil, the room each register kept for the
// rest of the academic year beyond the last day read.
func (b *Builder) Finish(order RevisionOrder) {
	b.settleLayouts()
	for _, p := range b.Reg.pupils {
		p.trim()
	}
	if len(b.pending) == 0 {
		return
	}
	rank := make([]int, len(b.files))
	idx := make([]int, len(b.files))
	for i := range idx {
		idx[i] = i
	}
	if order == ByExtent {
		sort.SliceStable(idx, func(i, j int) bool {
			a, c := b.files[idx[i]], b.files[idx[j]]
			if a.last != c.last {
				return a.last < c.last
			}
			return a.mtime.Before(c.mtime)
		})
	}
	for r, i := range idx {
		rank[i] = r
	}
	type slotKey struct {
		p *Pupil
		d Day
		s Session
	}
	groups := map[slotKey][]revision{}
	var keys []slotKey
	for _, ev := range b.pending {
		k := slotKey{ev.p, ev.d, ev.s}
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], ev)
	}
	type pair struct{ loser, winner int32 }
	superseded := map[pair]int{}
	provisional := map[pair]int{}
	for _, k := range keys {
		evs := groups[k]
		type cand struct {
			id   mark.ID
			file int32
			ev   int // index in evs, -1 for the standing mark
		}
		cands := []cand{{evs[0].old, evs[0].from, -1}}
		for i, ev := range evs {
			cands = append(cands, cand{ev.id, ev.file, i})
		}
		better := func(a, c cand) bool {
			if (a.id == nID) != (c.id == nID) {
				return c.id == nID
			}
			if rank[a.file] != rank[c.file] {
				return rank[a.file] > rank[c.file]
			}
			return mark.Better(a.id, c.id)
		}
		w := cands[0]
		for _, c := range cands[1:] {
			if better(c, w) {
				w = c
			}
		}
		*k.p.slot(k.d, k.s) = w.id
		for _, c := range cands {
			if c == w {
				continue
			}
			b.Q.MarksUsed--
			b.Q.MarksRejected++
			loc := quality.Loc{File: b.files[c.file].path}
			if c.ev >= 0 {
				loc = evs[c.ev].loc
			}
			why := " superseded by " + mark.Get(w.id).Code + " in " + b.files[w.file].path + ", a later export"
			if c.id == nID && w.id != nID {
				why = " (provisional) replaced by " + mark.Get(w.id).Code + " in " + b.files[w.file].path
				provisional[pair{c.file, w.file}]++
			} else {
				superseded[pair{c.file, w.file}]++
			}
			b.Q.Reject("superseded_mark", loc, k.d.UK()+" "+k.s.String()+": "+mark.Get(c.id).Code+why)
		}
	}
	report := func(m map[pair]int, what string) {
		var ps []pair
		for p := range m {
			ps = append(ps, p)
		}
		sort.Slice(ps, func(i, j int) bool {
			if ps[i].winner != ps[j].winner {
				return ps[i].winner < ps[j].winner
			}
			return ps[i].loser < ps[j].loser
		})
		for _, p := range ps {
			w := b.files[p.winner]
			b.Q.Find("revision", quality.Loc{File: w.path}, fmt.Sprintf("%d %s of %s superseded (this export's data ends %s)", m[p], plural(m[p], what), b.files[p.loser].path, w.last.UK()))
		}
	}
	report(superseded, "mark")
	report(provisional, "provisional N mark")
	b.pending = nil
	b.Reg.dirty = true
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
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
// figures come from the declared totals.
//
// A pupil row is keyed as a marks row is (PupilAt): a UPN is one child at
// every school, a local id is keyed by its school: the row's school column
// (info.School), else the builder's School (--school, a profile, the file's
// title rows), else the file's name. So two schools' exports sharing
// admission number 1001 are two children, and a UPN in two schools' files is
// one child with an enrolment at each, whose counts are that school's own
// (the child view adds them up: see sumCounts). A second row for the same
// enrolment is rejected rather than summed: the same export given twice
// must not double anyone's absence. A school or area row (aggregate) is
// named as written ("England / Primary") and keyed by that name alone.
func (b *Builder) Summary(id string, info Info, codes []int, totals map[string]int, present, aggregate bool, loc quality.Loc) bool {
	school := ""
	if !aggregate {
		// Only pupil ids join with a context file: they take its form.
		id = CanonicalID(id)
		school = b.summarySchool(id, info.School)
	}
	if b.summaryHas(id, school, aggregate) {
		b.Q.Reject("duplicate_row", loc, "")
		return false
	}
	var p *Pupil
	if aggregate {
		p = b.Reg.pupil([]byte(id)) // a group row has no school of its own
	} else {
		var created bool
		p, created = b.Reg.enrolment([]byte(id), school)
		if created && UPNShaped(id) && !UPNValid(id) && b.Q != nil {
			b.Q.Find("bad_upn", loc, "the check letter does not match the digits")
		}
	}
	if !aggregate {
		info.School = school
		// A UPN's row at a second school is the same child: a name or
		// year group that disagrees with another school's is reported,
		// as for session marks (SetInfoAt), naming the field only.
		if p.sec || p.nextE() != nil {
			for e := b.Reg.byID[p.ID]; e != nil && !p.warned; e = e.nextE() {
				if e == p {
					continue
				}
				if d := e.Info.differs(info); d != nil {
					p.warned = true
					b.Q.Find("details_differ", loc, "the "+join(d)+" differs from another file's for this pupil id")
				}
			}
		}
	}
	p.Info = info
	p.Counts = codes
	p.Declared = totals
	p.CodesCover = present
	p.Aggregate = aggregate
	if p.sec {
		b.Reg.dirty = true // the child view adds this school's counts
	}
	if !aggregate && UPNShaped(id) {
		b.summaryUPNs = append(b.summaryUPNs, summaryRef{p, loc})
	}
	return true
}

// settleLayouts rejects the summary row of a UPN that another export gives
// session marks for, at the same school or another, whichever file came
// first: the child's figures cannot add undated counts to dated marks
// (the same session could be in both, and the patterns read the days), so
// the marks stand, and the row is counted as rejected with its place
// ("mixed_layouts") rather than silently left out of the child's figures.
func (b *Builder) settleLayouts() {
	for _, s := range b.summaryUPNs {
		p := s.p
		var marked *Pupil
		for e := b.Reg.byID[p.ID]; e != nil; e = e.nextE() {
			if e.HasMarks() {
				marked = e
				break
			}
		}
		if marked == nil {
			continue
		}
		b.Q.RowsUsed--
		b.Q.RowsRejected++
		where := "in a file naming no school"
		if marked.Info.School != "" {
			where = "at " + marked.Info.School
		}
		b.Q.Reject("mixed_layouts", s.loc, "this UPN has session marks "+where+"; its summary counts are not added to them")
		if p.HasMarks() {
			// Marks read into the summary's own enrolment (the same
			// school's marks export): the marks stand alone.
			p.Counts, p.Declared, p.CodesCover = nil, nil, false
		} else {
			b.Reg.dropEnrolment(p)
		}
		b.Reg.dirty = true
	}
	b.summaryUPNs = nil
	b.lastPupil, b.lastID = nil, b.lastID[:0]
}

// dropEnrolment takes a UPN's enrolment (with no marks) out of the
// register: out of its child's enrolments, and out of the list.
func (r *Register) dropEnrolment(p *Pupil) {
	head := r.byID[p.ID]
	if head == p {
		if next := p.nextE(); next != nil {
			next.sec = false
			r.byID[p.ID] = next
		} else {
			delete(r.byID, p.ID)
		}
	} else {
		for e := head; e != nil; e = e.nextE() {
			if e.nextE() == p {
				e.ext.next = p.nextE()
				break
			}
		}
	}
	for i, q := range r.pupils {
		if q == p {
			r.pupils = append(r.pupils[:i], r.pupils[i+1:]...)
			break
		}
	}
	r.dirty = true
}

// summarySchool is the school a summary row's pupil is enrolled at, chosen
// as PupilAt chooses it: the row's own, else the builder's, else for a
// local id the file's.
func (b *Builder) summarySchool(id, row string) string {
	school := row
	if school == "" {
		school = b.School
	}
	if school == "" && !UPNShaped(id) {
		school = b.FileSchool
	}
	return school
}

// summaryHas reports whether the register already has the enrolment of id
// at school (from an earlier row, or another file), without creating it. A
// school or area row is one row whatever school column it has.
func (b *Builder) summaryHas(id, school string, aggregate bool) bool {
	r := b.Reg
	if aggregate {
		return r.byID[id] != nil
	}
	if school != "" && !UPNShaped(id) {
		return r.byID[childKey(school, id)] != nil
	}
	for e := r.byID[id]; e != nil; e = e.nextE() {
		if e.Info.School == school {
			return true
		}
	}
	return false
}

// sumCounts gives the child view of a UPN read from the summary layout at
// several schools (c, combined from the enrolments starting at head) the
// enrolments' counts added up: a summary row of one school counts that
// school's sessions only (D, attending the other school, is not a possible
// session there), so the child's sessions are the schools' together, as
// DfE's child-level figures for a dual-registered or moving pupil are.
// When every enrolment's codes cover its present marks the per-code counts
// are simply added; otherwise each enrolment's totals are first worked out
// as metrics.FromTotals would (declared totals winning over the codes) and
// those are added, so the child's figures are the sum of its schools'.
func sumCounts(c, head *Pupil) {
	counted, declared := false, false
	for e := head; e != nil; e = e.nextE() {
		if e.Counts != nil {
			counted = true
			declared = declared || !(e.CodesCover || e.Declared == nil)
		}
	}
	if !counted {
		return
	}
	c.Counts = make([]int, mark.NumIDs)
	if declared {
		c.Declared = map[string]int{}
	}
	c.CodesCover = !declared
	for e := head; e != nil; e = e.nextE() {
		if e.Counts == nil {
			continue
		}
		for i, n := range e.Counts {
			c.Counts[i] += n
		}
		if declared {
			for k, v := range countTotals(e) {
				c.Declared[k] += v
			}
		}
	}
}

// countTotals is a summary enrolment's possible, present, AEA, authorised
// and unauthorised sessions, by the rules of metrics.FromCounts and
// FromTotals (a test checks the two agree).
func countTotals(e *Pupil) map[string]int {
	var cat [mark.Missing + 1]int
	for i, n := range e.Counts {
		if i > 0 {
			cat[mark.Get(mark.ID(i)).Category] += n
		}
	}
	pres, aea, auth, unauth := cat[mark.Present], cat[mark.AEA], cat[mark.Authorised], cat[mark.Unauthorised]
	if e.CodesCover || e.Declared == nil {
		return map[string]int{"possible": pres + aea + auth + unauth, "present": pres, "aea": aea, "authorised": auth, "unauthorised": unauth}
	}
	d := e.Declared
	if v, ok := d["authorised"]; ok {
		auth = v
	}
	if v, ok := d["unauthorised"]; ok {
		unauth = v
	}
	aea = d["aea"]
	possible := d["possible"]
	attended := possible - auth - unauth
	if v, ok := d["attended"]; ok {
		attended = v
	}
	pres = attended - aea
	if v, ok := d["present"]; ok {
		pres = v
	}
	return map[string]int{"possible": possible, "present": pres, "aea": aea, "authorised": auth, "unauthorised": unauth}
}

// dID and nID are D (dual registered, attending another school) and N (no
// reason yet established, provisional).
var dID, nID = func() (mark.ID, mark.ID) {
	d, _ := mark.Lookup("D")
	n, _ := mark.Lookup("N")
	return d, n
}()

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
