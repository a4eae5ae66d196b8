package synth

import (
	"math/rand/v2"
	"time"
)

// code is a register mark, compact so a pupil's year fits in 390 bytes.
type code uint8

const (
	cNone    code = iota // not on roll: no row, empty grid cell
	cAM                  // "/" present, morning
	cPM                  // "\" present, afternoon
	cL                   // late before the register closed: present
	cV                   // educational visit: AEA
	cP                   // approved sporting activity: AEA
	cW                   // work experience: AEA
	cB                   // other approved educational activity: AEA
	cC                   // leave, exceptional circumstances: authorised
	cC1                  // regulated performance: authorised
	cC2                  // part-time timetable: authorised
	cE                   // suspended, no provision: authorised
	cI                   // illness: authorised
	cJ1                  // interview: authorised
	cM                   // medical or dental appointment: authorised
	cR                   // religious observance: authorised
	cS                   // study leave: authorised
	cG                   // holiday not agreed: unauthorised
	cN                   // reason not yet established: unauthorised
	cO                   // other unauthorised
	cU                   // late after the register closed: unauthorised
	cD                   // dual registration: not a possible session
	cINSET               // "#" planned closure: not a possible session
	cMissing             // "-" no mark recorded: a data-quality finding
)

// codeText is each mark as written in the files.
var codeText = [...]string{
	cNone: "", cAM: "/", cPM: `\`, cL: "L", cV: "V", cP: "P", cW: "W", cB: "B",
	cC: "C", cC1: "C1", cC2: "C2", cE: "E", cI: "I", cJ1: "J1", cM: "M",
	cR: "R", cS: "S", cG: "G", cN: "N", cO: "O", cU: "U", cD: "D",
	cINSET: "#", cMissing: "-",
}

func (c code) String() string { return codeText[c] }

// Session bits for overlay.sessions.
const (
	amOnly uint8 = 1 << iota
	pmOnly
	bothSessions = amOnly | pmOnly
)

// overlay writes one code over a range of days: the runs that make a profile
// (a G holiday block, an E suspension, C2 afternoons) and the school's events
// (trips, work experience, study leave). Overlays are stored on the pupil at
// roster time, so tests can see where they are, and applied after the
// background absences, so they always win over them.
type overlay struct {
	from, to int // calendar day indexes, inclusive
	code     code
	sessions uint8 // amOnly, pmOnly or bothSessions
	weekdays uint8 // bit per time.Weekday; 0 means every weekday
	// presentOnly overlays are activities (V, P, W, S, R, J1, C1, B): they
	// replace present marks only, since a pupil off sick does not go on the
	// trip.
	presentOnly bool
}

func weekdayBit(d time.Weekday) uint8 { return 1 << uint(d) }

// gen generates one pupil's marks at a time into a reused buffer. It owns the
// per-pupil random source: reseeding a PCG in place costs nothing, so every
// pupil gets an independent, reproducible stream without an allocation.
type gen struct {
	cal   *Calendar
	marks []code
	pcg   rand.PCG
	r     *rand.Rand
}

func newGen(cal *Calendar) *gen {
	g := &gen{cal: cal, marks: make([]code, cal.Sessions())}
	g.r = rand.New(&g.pcg)
	return g
}

// pupil returns p's mark for every session of the year (cNone when off
// roll). The slice is reused by the next call.
func (g *gen) pupil(p *Pupil) []code {
	g.pcg.Seed(p.seed, p.seed^0x9e3779b97f4a7c15)
	m := g.marks
	clear(m)
	for d := p.First; d <= p.Last; d++ {
		if g.cal.Days[d].INSET {
			m[2*d], m[2*d+1] = cINSET, cINSET
		} else {
			m[2*d], m[2*d+1] = cAM, cPM
		}
	}
	// Budgets are per term so the Improving and Declining profiles can
	// change over the year, and so a joiner's absence is a share of the days
	// they were actually on roll.
	for t := Autumn; t <= Summer; t++ {
		lo, hi := g.cal.TermDays(t)
		lo, hi = max(lo, p.First), min(hi, p.Last)
		if lo <= hi {
			g.absences(p, lo, hi, p.rates[t])
		}
	}
	for i := range p.overlays {
		g.apply(&p.overlays[i], p)
	}
	g.lates(p)
	for _, s := range p.missing {
		m[s] = cMissing
	}
	return m
}

// absences places absence episodes in days lo..hi until rate of the possible
// sessions there are absent. Working to a budget, rather than rolling a die
// per session, is what makes the profiles reliable: a Severe pupil's budget
// is at least 55 % of every term, so the pupil is severely absent whatever
// the random stream does. Episodes only replace present marks, so they never
// overlap, and the last one is cut short to land on the budget exactly:
// without that, a good attender's single 4-day illness would overshoot a
// 2 % budget several times over and push the school's absence far above the
// national figure.
func (g *gen) absences(p *Pupil, lo, hi int, rate float64) {
	days := 0
	for d := lo; d <= hi; d++ {
		if !g.cal.Days[d].INSET {
			days++
		}
	}
	target := int(rate*float64(2*days) + 0.5)
	monFri := p.Profile == MondayFriday
	midweek := 0
	have := 0
	for tries := 0; have < target && tries < 50*days+100; tries++ {
		d := lo + g.r.IntN(hi-lo+1)
		if g.cal.Days[d].INSET {
			continue
		}
		if monFri {
			// This pupil's days off are Mondays and Fridays, but for at most
			// one midweek day a term, which keeps the pattern from being too
			// clean while 80 % or more of the absence stays on Mon/Fri.
			if wd := g.cal.Days[d].Date.Weekday(); wd != time.Monday && wd != time.Friday {
				if midweek > 0 || g.r.IntN(20) != 0 {
					continue
				}
				midweek++
			}
		}
		left := target - have
		switch p.mix.pick(g.r.Float64()) {
		case epIllness:
			n := 1
			if !monFri {
				n = illnessDays(g.r)
			}
			have += g.wholeDays(d, hi, n, left, cI)
		case epWentHome:
			have += g.set(2*d+1, cI)
		case epMedical:
			have += g.set(2*d+g.r.IntN(2), cM)
		case epLeave:
			have += g.wholeDays(d, hi, 1, left, cC)
		case epTruancy:
			n := 1
			if !monFri {
				n = 1 + g.r.IntN(p.truancyRun)
			}
			have += g.wholeDays(d, hi, n, left, cO)
		case epLateShut:
			have += g.set(2*d, cU)
		}
	}
}

// illnessDays draws the length of an illness: mostly a day or two, sometimes
// most of a week.
func illnessDays(r *rand.Rand) int {
	switch f := r.Float64(); {
	case f < 0.50:
		return 1
	case f < 0.75:
		return 2
	case f < 0.90:
		return 3
	default:
		return 4 + r.IntN(2)
	}
}

// set marks session s with c if the pupil is present there, and reports how
// many sessions became absent (0 or 1).
func (g *gen) set(s int, c code) int {
	if m := g.marks[s]; m == cAM || m == cPM {
		g.marks[s] = c
		return 1
	}
	return 0
}

// wholeDays marks n school days from day d with c (INSET days skipped,
// stopping after day hi), changing at most limit sessions.
func (g *gen) wholeDays(d, hi, n, limit int, c code) int {
	changed := 0
	for ; n > 0 && d <= hi && changed < limit; d++ {
		if g.cal.Days[d].INSET {
			continue
		}
		changed += g.set(2*d, c)
		if changed < limit {
			changed += g.set(2*d+1, c)
		}
		n--
	}
	return changed
}

func (g *gen) apply(o *overlay, p *Pupil) {
	for d := max(o.from, p.First); d <= min(o.to, p.Last); d++ {
		day := &g.cal.Days[d]
		if day.INSET || o.weekdays != 0 && o.weekdays&weekdayBit(day.Date.Weekday()) == 0 {
			continue
		}
		for h := range 2 {
			if o.sessions&(1<<h) == 0 {
				continue
			}
			s := 2*d + h
			if o.presentOnly {
				g.set(s, o.code)
			} else {
				g.marks[s] = o.code
			}
		}
	}
}

// lates turns some present sessions into L (late before the register
// closed, which still counts as present): mostly mornings, as in DfE's data.
func (g *gen) lates(p *Pupil) {
	if p.late == 0 {
		return
	}
	for s := 2 * p.First; s <= 2*p.Last+1; s++ {
		switch g.marks[s] {
		case cAM:
			if g.r.Float64() < p.late {
				g.marks[s] = cL
			}
		case cPM:
			if g.r.Float64() < p.late/5 {
				g.marks[s] = cL
			}
		}
	}
}
