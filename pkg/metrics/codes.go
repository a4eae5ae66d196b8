package metrics

import (
	"math"

	"github.com/attendrisk/attendrisk/pkg/mark"
)

// codeSlots is how many mark IDs CodeCounts holds: mark.NumIDs, as a
// constant so that the counts are an array inside Figures rather than a
// slice allocated for every pupil (init checks the two agree).
const codeSlots = 40

func init() {
	if mark.NumIDs != codeSlots {
		panic("metrics: codeSlots must equal mark.NumIDs") // caught by every test
	}
}

// CodeCounts is sessions per mark.ID. A pupil's year is at most 732
// sessions, so the counts are kept in 16 bits inside the Figures (80 bytes,
// no allocation: a whole authority's pupils hold one each); a count that
// does not fit (a summary row for an area, a cohort's totals) moves every
// count to a wide array. The zero value is all zeros.
//
// A wide array is never written once it is made: every change builds a
// new one. Figures are copied by value everywhere (a group's total starts
// as a copy, a child's view adds a second school's), and a copy that
// shared a written array would change with its original.
type CodeCounts struct {
	small [codeSlots]uint16
	wide  *[codeSlots]int
}

// Get returns the sessions of a code (0 for an ID out of range).
func (c *CodeCounts) Get(id mark.ID) int {
	if int(id) >= codeSlots {
		return 0
	}
	if c.wide != nil {
		return c.wide[id]
	}
	return int(c.small[id])
}

// Add adds n sessions to a code's count.
func (c *CodeCounts) Add(id mark.ID, n int) {
	if c.wide == nil {
		if v := int(c.small[id]) + n; v >= 0 && v <= math.MaxUint16 {
			c.small[id] = uint16(v)
			return
		}
	}
	w := c.widened()
	w[id] += n
	c.wide, c.small = w, [codeSlots]uint16{}
}

// widened returns a new wide array holding the counts.
func (c *CodeCounts) widened() *[codeSlots]int {
	w := new([codeSlots]int)
	if c.wide != nil {
		*w = *c.wide
		return w
	}
	for i, n := range c.small {
		w[i] = int(n)
	}
	return w
}

// AddAll adds every count of o: in place while they fit in 16 bits, else
// into one new wide array (a cohort's total allocates once per pupil
// added, 320 bytes, and never changes a copy of itself).
func (c *CodeCounts) AddAll(o *CodeCounts) {
	if c.wide == nil && o.wide == nil {
		sum := c.small
		fits := true
		for i := 1; i < codeSlots; i++ {
			v := uint32(sum[i]) + uint32(o.small[i])
			if v > math.MaxUint16 {
				fits = false
				break
			}
			sum[i] = uint16(v)
		}
		if fits {
			c.small = sum
			return
		}
	}
	w := c.widened()
	for i := 1; i < codeSlots; i++ {
		w[i] += o.Get(mark.ID(i))
	}
	c.wide, c.small = w, [codeSlots]uint16{}
}

// Any reports whether some code has a session.
func (c *CodeCounts) Any() bool {
	for i := 1; i < codeSlots; i++ {
		if c.Get(mark.ID(i)) != 0 {
			return true
		}
	}
	return false
}

// Slice returns the counts indexed by mark.ID, a copy.
func (c *CodeCounts) Slice() []int {
	out := make([]int, codeSlots)
	for i := range out {
		out[i] = c.Get(mark.ID(i))
	}
	return out
}

// Equal reports whether two sets of counts are the same, however each is
// kept (go-cmp uses it to compare Figures).
func (c CodeCounts) Equal(o CodeCounts) bool {
	for i := 0; i < codeSlots; i++ {
		if c.Get(mark.ID(i)) != o.Get(mark.ID(i)) {
			return false
		}
	}
	return true
}

// Sum adds up many pupils' figures (a cohort's or a school's total) in
// place: Figures.Add into a total whose counts have outgrown 16 bits makes
// a new wide array each time (they are values), 320 bytes a pupil for
// nothing when the total is only read at the end.
type Sum struct {
	f     Figures
	codes [codeSlots]int
}

// Add adds a pupil's figures.
func (s *Sum) Add(o Figures) {
	s.f.addSessions(o)
	for i := 1; i < codeSlots; i++ {
		s.codes[i] += o.Codes.Get(mark.ID(i))
	}
}

// Figures returns the total, as Figures.Add of every pupil would.
func (s *Sum) Figures() Figures {
	f := s.f
	for i := 1; i < codeSlots; i++ {
		if n := s.codes[i]; n != 0 {
			f.Codes.Add(mark.ID(i), n)
		}
	}
	return f
}
