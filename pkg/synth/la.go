package synth

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// LAConfig describes a synthetic local authority: its pupils spread over
// primary and secondary schools.
type LAConfig struct {
	Seed   uint64
	Pupils int // total on the registers of all schools
}

// LAPupils is the size of the benchmark LA: a mid-sized English local
// authority. At up to 390 sessions a pupil (fewer for joiners and leavers)
// it makes about 15.3 million rows, 855 MB.
const LAPupils = 40000

// DefaultLAConfig is the benchmark's LA.
func DefaultLAConfig() LAConfig { return LAConfig{Seed: DefaultSeed, Pupils: LAPupils} }

// School sizes in the LA: typical one- and two-form-entry primaries, and
// secondaries of five to eight forms of entry.
const (
	primaryMin, primaryMax     = 210, 420
	secondaryMin, secondaryMax = 900, 1600
	primaryShare               = 0.55 // of pupils, as in England's state schools
)

// LASchools returns the schools of the LA: 55 % of pupils in primaries,
// the rest in secondaries, every other secondary with a sixth form. URNs
// run from 900001 and establishment numbers from 2001 (primaries) and 4001
// (secondaries), so UPNs are unique across the LA.
func LASchools(cfg LAConfig) ([]SchoolConfig, error) {
	if cfg.Pupils < MinPupils {
		return nil, fmt.Errorf("synth: an LA needs at least %d pupils, not %d", MinPupils, cfg.Pupils)
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x4c41)) // "LA"
	primary := int(float64(cfg.Pupils) * primaryShare)
	if primary < MinPupils {
		primary = 0
	}
	var out []SchoolConfig
	add := func(phase Phase, estab, n int) {
		out = append(out, SchoolConfig{
			Seed:   splitmix64(cfg.Seed + uint64(len(out))),
			URN:    strconv.Itoa(900001 + len(out)),
			Estab:  estab,
			Phase:  phase,
			Pupils: n,
		})
	}
	for i, n := range schoolSizes(r, primary, primaryMin, primaryMax) {
		add(Primary, 2001+i, n)
	}
	for i, n := range schoolSizes(r, cfg.Pupils-primary, secondaryMin, secondaryMax) {
		phase := Secondary
		if i%2 == 0 {
			phase = SecondaryWithSixthForm
		}
		add(phase, 4001+i, n)
	}
	return out, nil
}

// schoolSizes splits total into sizes drawn from [lo, hi]. The last school
// takes what is left, so the sizes add up exactly; when what is left would
// be too small for a school of its own, it is shared with the one before.
func schoolSizes(r *rand.Rand, total, lo, hi int) []int {
	var sizes []int
	for left := total; left > 0; {
		n := lo + r.IntN(hi-lo+1)
		if left-n < lo {
			n = left
			if n > hi && n >= 2*lo {
				n = left / 2
			}
		}
		sizes = append(sizes, n)
		left -= n
	}
	if k := len(sizes); k > 1 && sizes[k-1] < MinPupils {
		sizes[k-2] += sizes[k-1]
		sizes = sizes[:k-1]
	}
	return sizes
}

// WriteLAMarksCSV writes every school of the LA in the LA marks layout
// (LAMarksHeader), school after school, and returns the number of data rows.
// Schools are built one at a time and marks one pupil at a time, so memory
// does not depend on the size of the LA. The default LA (40,000 pupils) is
// 15.3 million rows and 855 MB, written in a few seconds.
func WriteLAMarksCSV(w io.Writer, cfg LAConfig) (int64, error) {
	schools, err := LASchools(cfg)
	if err != nil {
		return 0, err
	}
	mw, err := newMarksWriter(w, AcademicYear2024(), LAMarksHeader)
	if err != nil {
		return 0, err
	}
	for _, sc := range schools {
		s, err := NewSchool(sc)
		if err != nil {
			return mw.rows, err
		}
		// Every school has its own copy of the same calendar; pupils' day
		// indexes refer to their school's.
		mw.g.cal = s.Calendar
		for i := range s.Pupils {
			if err := mw.pupil(&s.Pupils[i], sc.URN); err != nil {
				return mw.rows, err
			}
		}
	}
	return mw.rows, mw.w.Flush()
}
