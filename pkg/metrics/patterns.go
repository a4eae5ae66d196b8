package metrics

import (
	"math"
	"strconv"
	"time"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// The windows and limits the statutory rules and the guidance use. They are
// in school weeks or school days of the Calendar, never calendar weeks.
const (
	// unauthWindowWeeks is the penalty-notice window: 10 sessions of
	// unauthorised absence (G, N, O, U) in a rolling 10 school-week period.
	unauthWindowWeeks = 10
	// recentWeeks is the "recent" part of the trend.
	recentWeeks = 4
	// minEarlierWeeks is how many school weeks of earlier data a trend needs:
	// fewer, and one bad week at the start of term would read as a change.
	minEarlierWeeks = 4
	// minPriorWeeks is how many school weeks a sustained trend needs before
	// its eight recent weeks (a local choice: a fortnight is the least that
	// shows a pattern to improve on).
	minPriorWeeks = 2
	// trendPoints is the change, in percentage points, that counts as
	// improving or declining.
	trendPoints = 5
	// improvedBelowPct is the level recent absence must be under for an
	// improvement to count: it is the persistent-absence threshold, so
	// "improving" never describes a pupil who is still persistently absent
	// over the recent weeks.
	improvedBelowPct = 10
	// nDeadlineDays: N must be replaced by another code within 5 school days.
	nDeadlineDays = 5
	// maxListedDays is how many dates the unresolved-N evidence lists.
	maxListedDays = 3
	// unauthEpisodeDays is the attendance return's episode: 10 or more
	// continuous school days of unauthorised absence.
	unauthEpisodeDays = 10
	// maxPatternDays is the most school days ComputePatterns counts: the
	// counts are 16-bit (an authority holds tens of thousands of pupils'
	// Patterns), and two sessions a day on this many days is the most
	// 16 bits hold.
	maxPatternDays = math.MaxInt16 / 2
)

// codeFlags classifies a code once, so the per-session loop is a table read.
type codeFlags uint16

const (
	fPossible codeFlags = 1 << iota
	fAbsent             // authorised or unauthorised absence
	fUnauth             // G, N, O, U: the penalty-notice codes
	fGNO                // G, N, O: the only codes allowed in a deletion-ground-I run
	fN                  // N: reason not yet established
	fHoliday            // G, and legacy H and F
	fC2                 // part-time timetable
	fE                  // suspended or excluded, no provision
	fLate               // L or U
	fU                  // late after the register closed
	fI                  // illness
	// fGNONeutral marks codes that neither extend nor break a G/N/O run: a
	// school closure is not a school day for the pupil, and a missing mark
	// is unknown rather than a different code (it is a data-quality
	// finding of its own).
	fGNONeutral
	fNO      // N or O: absence nobody has explained
	fMissing // "-": no mark recorded
	fNoEd    // Q, Y1, Y7: no education on offer
	fG       // G only: the holiday route counts G, never legacy H or F
)

// fastDays lets ComputePatternsAged count a day of two sessions that are
// only possible without its session loop; a test turns it off to check
// that the two ways agree (TestPatternsFastDays).
var fastDays = true

// codeFlagsByID is indexed by mark.ID (a byte), so lookups need no bounds check.
// X is stored with its current meaning (not possible); the COVID-era
// meaning is applied per date in ComputePatterns.
var codeFlagsByID [256]codeFlags

func init() {
	for _, c := range mark.Table() {
		var f codeFlags
		if c.Category.Possible() {
			f |= fPossible
		}
		if c.Category.Absent() {
			f |= fAbsent
		}
		switch c.Code {
		case "G":
			f |= fUnauth | fGNO | fHoliday | fG
		case "N":
			f |= fUnauth | fGNO | fN | fNO
		case "O":
			f |= fUnauth | fGNO | fNO
		case "U":
			f |= fUnauth | fLate | fU
		case "L":
			f |= fLate
		case "H", "F": // DfE folds legacy F into H; both are term-time holiday
			f |= fHoliday
		case "C2":
			f |= fC2
		case "E":
			f |= fE
		case "I":
			f |= fI
		case "#":
			f |= fGNONeutral
		case "-":
			f |= fGNONeutral | fMissing
		case "Q", "Y1", "Y7":
			f |= fNoEd
		}
		codeFlagsByID[c.ID] = f
	}
}

// dayRun follows consecutive school days that satisfy a condition. Days on
// which the condition is neither met nor contradicted (no relevant session)
// are simply not offered to it, so they neither extend nor break the run.
// The lengths are school days within the span ComputePatterns counts (at
// most maxPatternDays), so 16 bits hold them: a pupil's Patterns hold seven
// runs.
type dayRun struct {
	n, best          int16 // the open run, the longest
	from, to         register.Day
	bestFrom, bestTo register.Day
}

func (r *dayRun) add(d register.Day) {
	if r.n == 0 {
		r.from = d
	}
	r.n++
	r.to = d
	// >= keeps the most recent of equally long runs: the evidence then
	// points at the latest episode, which is the one anyone will act on.
	if r.n >= r.best {
		r.best, r.bestFrom, r.bestTo = r.n, r.from, r.to
	}
}

func (r *dayRun) reset() { r.n = 0 }

// episodes counts the runs of at least min days, the open one included:
// it is called as a run ends (before reset) and once at the end.
func (r *dayRun) endEpisode(min int16, count *int16) {
	if r.n >= min {
		*count++
	}
}

// Patterns are the time-based indicators of one pupil's register: rolling
// windows, runs of days, spells, the recent trend and counts of the codes
// the guidance singles out. Every field is a whole count; percentages are
// methods computed from the counts when asked, and the improving and
// declining tests compare the counts themselves, so rounding can never move
// a pupil across a threshold.
//
// A session counts only when its day is on or before the analysis end.
type Patterns struct {
	// Unauth10wk is unauthorised sessions (G, N, O, U) in the 10 school
	// weeks ending with the week of the last school day up to the end.
	Unauth10wk int16
	// Unauth10wkMax is the most in any 10 consecutive school weeks.
	Unauth10wkMax int16

	// Runs, in school days. See ComputePatterns for which days count.
	LongestAbsenceRun    int16
	CurrentAbsenceRun    int16
	CurrentUnauthRun     int16
	LongestGNORun        int16
	CurrentGNORun        int16
	LongestSuspensionRun int16
	// AbsenceSpells is the number of separate spells of absence.
	AbsenceSpells int16
	// UnauthEpisodes10 is how many separate runs of 10 or more school days
	// of unauthorised absence the period holds, ended or still open: the
	// attendance return covers each such episode, not only one open on
	// the last day.
	UnauthEpisodes10 int16
	// CurrentUnexplainedRun is school days in a row, up to the pupil's
	// last marked day, on which every marked session was N, O or had no
	// mark: nobody has said where the child is. A day with no mark at all
	// (not on roll) or a closure (#) neither extends nor breaks it.
	CurrentUnexplainedRun int16
	// LongestMissingRun is the longest run of school days on which the
	// register was not marked for the pupil at all ("-" in every marked
	// session).
	LongestMissingRun int16
	// Current and longest runs of school days with no education on offer
	// (every marked session Q, Y1 or Y7).
	CurrentNoEducationRun, LongestNoEducationRun int16

	// In the latest 10 school weeks (the penalty-notice window): N and O
	// sessions, N sessions alone (a threshold that rests on N waits until
	// they are resolved), and G sessions (the holiday route).
	Unexplained10wk, N10wk, Holiday10wk int16
	// The same window counted only on days of compulsory school age (all
	// days when the age range is not known): unauthorised (G, N, O, U), N,
	// and G sessions. The statutory steps read these.
	StatUnauth10wk, StatN10wk, StatHoliday10wk int16

	// AbsenceSessions is authorised plus unauthorised sessions, the
	// denominator of the shares below.
	AbsenceSessions      int16
	MondayFridaySessions int16 // absence sessions on a Monday or a Friday
	IllnessSessions      int16 // I

	// The trend: absence and possible sessions in the latest 4 school
	// weeks, and before them; EarlierWeeks is how many school weeks before
	// the recent ones had a possible session for the pupil.
	RecentPossible, RecentAbsent   int16
	EarlierPossible, EarlierAbsent int16
	EarlierWeeks                   int16
	// The four school weeks before the recent ones, and everything before
	// those: a sustained improvement has to hold in both four-week blocks.
	MidPossible, MidAbsent     int16
	PriorPossible, PriorAbsent int16
	PriorWeeks                 int16

	// UnresolvedN is N sessions dated more than 5 school days before the
	// end: their reason should have been established by now.
	UnresolvedN int16

	HolidaySessions    int16 // G, and legacy H and F
	PartTimeSessions   int16 // C2
	PartTimeWeeks      int16 // school weeks with at least one C2
	SuspensionSessions int16 // E
	LateSessions       int16 // L and U
	LateAfterClose     int16 // U

	// SchoolWeeks is school weeks with at least one possible session for
	// the pupil; DaysOnRoll is school days from the pupil's first to last
	// possible session, inclusive.
	SchoolWeeks int16
	DaysOnRoll  int16

	// For the evidence text only, the days as pdays before end (the runs'
	// lengths are the exported counts above).
	end                   register.Day // last school day up to the end
	win10First, win10Last pday         // first and last G/N/O/U in the latest window
	max10First, max10Last pday         // the same in the worst window
	absenceCur, absenceBest,
	unauthCur, gnoCur, gnoBest, suspensionBest,
	unexplainedCur, missingBest,
	noEducationCur, noEducationBest daySpan // the current and the longest runs
	firstPoss, lastPoss pday
	unresolved          [maxListedDays]pday
	unresolvedDays      int16
	partTimeFirst       pday
	partTimeLast        pday
}

// pday is a day of a pupil's Patterns held in 16 bits, as days before the
// Patterns' end plus one (0: no day). The days are school days of the span
// ComputePatterns counts, up to end: at most maxPatternDays school days,
// well within 16 bits of calendar days. Held as register.Day (32 bits),
// with each run's state, the evidence's days were half a pupil's Patterns.
type pday uint16

// daySpan is a run's first and last day.
type daySpan struct{ from, to pday }

// at is d as a pday of pt (d is 0, or a day up to pt.end).
func (pt *Patterns) at(d register.Day) pday {
	if d == 0 {
		return 0
	}
	return pday(pt.end - d + 1)
}

// day is the register day of o.
func (pt *Patterns) day(o pday) register.Day {
	if o == 0 {
		return 0
	}
	return pt.end - register.Day(o) + 1
}

// current and longest keep a run's days for the evidence.
func (pt *Patterns) current(r *dayRun) daySpan { return daySpan{pt.at(r.from), pt.at(r.to)} }
func (pt *Patterns) longest(r *dayRun) daySpan { return daySpan{pt.at(r.bestFrom), pt.at(r.bestTo)} }

// ComputePatterns measures one pupil against the school calendar, counting
// sessions on days up to end (the last day of the analysis; 0 means the
// calendar's last school day). The "latest" windows end with the school
// week of the last school day on or before end.
//
// How days enter the runs, all in school days of the calendar (weekends,
// bank holidays and whole-school closures are not school days, so they
// never break a run and never lengthen one):
//
//   - Absence run: a day counts when the pupil has at least one possible
//     session and every possible session is absence (authorised or
//     unauthorised); a day with a possible session that is not absence
//     breaks the run. A day with no possible session for the pupil (not on
//     roll, D, X, Q, Y1-Y7, Z, #, a missing mark, no mark) is neutral: it
//     neither breaks nor extends the run, because attendance was not
//     expected that day. The unauthorised run is the same with "every
//     possible session is G, N, O or U".
//   - G/N/O run (deletion ground I, children missing education): stricter,
//     following the ground's wording that every session in the period is
//     coded G, N or O and any other code rules it out. A day counts when it
//     has at least one G, N or O and no other code; any other code on the
//     day, including not-possible codes such as D, Q, Y1-Y7, X or Z (the
//     school then knows where the pupil is, or that attendance was not
//     required), breaks it. Only # (a closure is not a school day for the
//     pupil), a missing mark (unknown, reported as a data-quality finding)
//     and no mark at all are neutral.
//   - Suspension run: a day counts when any session is E (a lunchtime
//     suspension is half a day); a day with possible sessions and no E
//     breaks it; other days are neutral.
//   - Spells: a spell is a maximal run of school days on which at least one
//     possible session is absence; a day with possible sessions and no
//     absence ends it, days with no possible session are neutral.
//
// A current run is the run still open on the pupil's last day with a
// relevant session up to end, so for a pupil who left in January it is the
// run they left on.
//
// One pass over the calendar's school days within the pupil's span, two
// register reads per day, no allocation: it runs for every pupil.
func ComputePatterns(p *register.Pupil, cal *Calendar, end register.Day) Patterns {
	return ComputePatternsAged(p, cal, end, 0, 0)
}

// ComputePatternsAged is ComputePatterns for a pupil whose compulsory
// school age is known to run from csaFrom to csaTo (inclusive; 0 means
// open-ended on that side): the statutory counts (Stat*) then count only
// sessions on those days, because the penalty-notice threshold and the
// holiday route apply session by session within compulsory school age.
func ComputePatternsAged(p *register.Pupil, cal *Calendar, end, csaFrom, csaTo register.Day) Patterns {
	var pt Patterns
	if !p.HasMarks() || cal.Len() == 0 {
		return pt
	}
	if end == 0 {
		end, _ = cal.Last()
	}
	endIdx := cal.CountTo(end) - 1
	if endIdx < 0 {
		return pt
	}
	pt.end = cal.days[endIdx]
	endWeek := int(cal.week[endIdx])
	win10Week := endWeek - (unauthWindowWeeks - 1) // first week of the latest window
	recentWeek := endWeek - (recentWeeks - 1)      // first week of the recent trend
	midWeek := recentWeek - recentWeeks            // first week of the block before it

	first, last := p.Span()
	i0 := cal.CountTo(first - 1) // first school day on or after first
	i1 := cal.CountTo(last) - 1  // last school day on or before last
	if i1 > endIdx {
		i1 = endIdx
	}
	// Every count is of school days or sessions (two a day) in the span,
	// held in 16 bits: a span of at most maxPatternDays school days keeps
	// each exact. An analysis covers one academic year (at most 366 days);
	// a longer span is counted over its last maxPatternDays school days (and
	// its last 65,534 calendar days, for the evidence's days).
	if i1-i0+1 > maxPatternDays {
		i0 = i1 - maxPatternDays + 1
	}
	// The evidence's days are 16-bit too (pday): within 65,534 days of end.
	i0 = max(i0, cal.CountTo(pt.end-math.MaxUint16))

	// A ring of the last 10 school weeks' G/N/O/U counts gives the worst
	// window in the same pass, with no per-pupil allocation.
	var (
		ring      [unauthWindowWeeks]int16
		ringFirst [unauthWindowWeeks]register.Day
		ringWeek  = -1 // latest week the ring has been advanced to
		ringSum   int16
	)
	// The runs as they are followed; Patterns keeps their lengths and days.
	var absence, unauth, gno, unexplained, missing, noEducation, suspension dayRun
	var firstPoss, lastPoss register.Day
	lastPossWeek, lastC2Week := -1, -1
	firstPossIdx, lastPossIdx := 0, 0
	var lastN register.Day // last day counted in unresolvedDays
	inSpell := false

	// The span's school days and weeks as slices of one length, so the
	// loop reads them with no bounds check; fast is read once, not per day
	// (a package variable may change behind any call).
	var days []register.Day
	var weeks []int32
	if i0 <= i1 {
		days = cal.days[i0 : i1+1]
		weeks = cal.week[i0 : i1+1]
		weeks = weeks[:len(days)]
	}
	// possibleDay records a day with a possible session: the first and
	// last such day and the school weeks. Both the plain-day branch and
	// the general one call it.
	possibleDay := func(d register.Day, i, w int) {
		if firstPoss == 0 {
			firstPoss, firstPossIdx = d, i
			pt.firstPoss = pt.at(d)
		}
		lastPoss, lastPossIdx = d, i
		if w != lastPossWeek {
			pt.SchoolWeeks++
			if w < recentWeek {
				pt.EarlierWeeks++
			}
			if w < midWeek {
				pt.PriorWeeks++
			}
			lastPossWeek = w
		}
	}
	fast := fastDays
	for j, d := range days {
		i := i0 + j
		w := int(weeks[j])
		var nPoss, nAbs, nUnauth, nGNO, nGNOBreak, nE int
		var nMarked, nUnexpl, nUnexplBreak, nMissing, nNoEd int
		am, pm := p.Sessions(d)
		// codeFlagsByID[0] (no session) is 0, never fPossible, so the
		// table reads alone tell a day of two only-possible sessions.
		if fast && codeFlagsByID[am] == fPossible && codeFlagsByID[pm] == fPossible {
			// Most days: two possible sessions with nothing else to count
			// (attended, or any code that is only possible), for which the
			// session loop counts exactly this.
			switch {
			case w >= recentWeek:
				pt.RecentPossible += 2
			case w >= midWeek:
				pt.MidPossible += 2
			default:
				pt.PriorPossible += 2
			}
			if w < recentWeek {
				pt.EarlierPossible += 2
			}
			// The day-level state below, as it comes out for such a day
			// (two marked, possible sessions breaking every run, nothing
			// absent, unauthorised, E, missing or no-education), set
			// directly: most days take this branch, and it skips a dozen
			// day counters and their tests. TestPatternsMatchReference
			// holds it to the general code.
			gno.reset()
			suspension.reset()
			unexplained.reset()
			missing.reset()
			noEducation.reset()
			absence.reset()
			unauth.endEpisode(unauthEpisodeDays, &pt.UnauthEpisodes10)
			unauth.reset()
			inSpell = false
			possibleDay(d, i, w)
			continue
		}
		for _, id := range [2]mark.ID{am, pm} {
			if id == 0 {
				continue // no session for this pupil
			}
			f := codeFlagsByID[id]
			if id == mark.XID && mark.CategoryOn(id, d.Time()) == mark.CovidX {
				f = fPossible // COVID-era X: possible, neither attendance nor absence
			}
			if f&fGNONeutral == 0 || f&fMissing != 0 {
				nMarked++ // a closure (#) is not a day for the pupil
			}
			switch {
			case f&(fNO|fMissing) != 0:
				nUnexpl++
			case f&fGNONeutral == 0:
				nUnexplBreak++
			}
			if f&fMissing != 0 {
				nMissing++
			}
			if f&fNoEd != 0 {
				nNoEd++
			}
			if w >= win10Week {
				switch {
				case f&fNO != 0:
					pt.Unexplained10wk++
					if f&fN != 0 {
						pt.N10wk++
					}
				case f&fG != 0:
					pt.Holiday10wk++
				}
				if f&fUnauth != 0 && (csaFrom == 0 || d >= csaFrom) && (csaTo == 0 || d <= csaTo) {
					pt.StatUnauth10wk++
					if f&fN != 0 {
						pt.StatN10wk++
					}
					if f&fG != 0 {
						pt.StatHoliday10wk++
					}
				}
			}
			switch {
			case f&fGNO != 0:
				nGNO++
			case f&fGNONeutral == 0:
				nGNOBreak++
			}
			if f&fPossible == 0 {
				continue
			}
			nPoss++
			absent := f&fAbsent != 0
			switch {
			case w >= recentWeek:
				pt.RecentPossible++
			case w >= midWeek:
				pt.MidPossible++
			default:
				pt.PriorPossible++
			}
			if w < recentWeek {
				pt.EarlierPossible++
			}
			if absent {
				nAbs++
				pt.AbsenceSessions++
				if wd := d.Weekday(); wd == time.Monday || wd == time.Friday {
					pt.MondayFridaySessions++
				}
				switch {
				case w >= recentWeek:
					pt.RecentAbsent++
				case w >= midWeek:
					pt.MidAbsent++
				default:
					pt.PriorAbsent++
				}
				if w < recentWeek {
					pt.EarlierAbsent++
				}
			}
			if f&fUnauth != 0 {
				nUnauth++
				if w >= win10Week {
					if pt.Unauth10wk == 0 {
						pt.win10First = pt.at(d)
					}
					pt.Unauth10wk++
					pt.win10Last = pt.at(d)
				}
				// Move the ring to week w, dropping weeks that left the window.
				if w-ringWeek >= unauthWindowWeeks {
					ring, ringSum = [unauthWindowWeeks]int16{}, 0
				} else {
					for k := ringWeek + 1; k <= w; k++ {
						ringSum -= ring[k%unauthWindowWeeks]
						ring[k%unauthWindowWeeks] = 0
					}
				}
				ringWeek = w
				slot := w % unauthWindowWeeks
				if ring[slot] == 0 {
					ringFirst[slot] = d
				}
				ring[slot]++
				ringSum++
				if ringSum > pt.Unauth10wkMax {
					// Rare (at most once per G/N/O/U session): find the
					// window's first session, in its oldest non-empty week.
					pt.Unauth10wkMax = ringSum
					pt.max10Last = pt.at(d)
					for k := w - (unauthWindowWeeks - 1); k <= w; k++ {
						if k >= 0 && ring[k%unauthWindowWeeks] > 0 {
							pt.max10First = pt.at(ringFirst[k%unauthWindowWeeks])
							break
						}
					}
				}
			}
			if f&fN != 0 && endIdx-i > nDeadlineDays {
				pt.UnresolvedN++
				if d != lastN { // AM and PM N on one day are one date
					if pt.unresolvedDays < maxListedDays {
						pt.unresolved[pt.unresolvedDays] = pt.at(d)
					}
					pt.unresolvedDays++
					lastN = d
				}
			}
			if f&fHoliday != 0 {
				pt.HolidaySessions++
			}
			if f&fC2 != 0 {
				pt.PartTimeSessions++
				if w != lastC2Week {
					pt.PartTimeWeeks++
					lastC2Week = w
				}
				if pt.partTimeFirst == 0 {
					pt.partTimeFirst = pt.at(d)
				}
				pt.partTimeLast = pt.at(d)
			}
			if f&fE != 0 {
				pt.SuspensionSessions++
				nE++
			}
			if f&fLate != 0 {
				pt.LateSessions++
			}
			if f&fU != 0 {
				pt.LateAfterClose++
			}
			if f&fI != 0 {
				pt.IllnessSessions++
			}
		}

		// Day-level state. The G/N/O run is decided first because it is
		// not limited to possible sessions.
		switch {
		case nGNOBreak > 0:
			gno.reset()
		case nGNO > 0:
			gno.add(d)
		}
		if nE > 0 {
			suspension.add(d)
		} else if nPoss > 0 {
			suspension.reset()
		}
		if nMarked > 0 {
			switch {
			case nUnexplBreak > 0:
				unexplained.reset()
			case nUnexpl > 0:
				unexplained.add(d)
			}
			if nMissing == nMarked {
				missing.add(d)
			} else {
				missing.reset()
			}
			if nNoEd == nMarked {
				noEducation.add(d)
			} else {
				noEducation.reset()
			}
		}
		if nPoss == 0 {
			continue // neutral for every other run
		}
		possibleDay(d, i, w)
		if nAbs == nPoss {
			absence.add(d)
		} else {
			absence.reset()
		}
		if nUnauth == nPoss {
			unauth.add(d)
		} else {
			unauth.endEpisode(unauthEpisodeDays, &pt.UnauthEpisodes10)
			unauth.reset()
		}
		if nAbs > 0 {
			if !inSpell {
				pt.AbsenceSpells++
				inSpell = true
			}
		} else {
			inSpell = false
		}
	}

	pt.lastPoss = pt.at(lastPoss)
	if firstPoss != 0 {
		pt.DaysOnRoll = int16(lastPossIdx - firstPossIdx + 1)
	}
	pt.LongestAbsenceRun, pt.CurrentAbsenceRun = int16(absence.best), int16(absence.n)
	pt.CurrentUnauthRun = int16(unauth.n)
	pt.LongestGNORun, pt.CurrentGNORun = int16(gno.best), int16(gno.n)
	pt.LongestSuspensionRun = int16(suspension.best)
	unauth.endEpisode(unauthEpisodeDays, &pt.UnauthEpisodes10)
	pt.CurrentUnexplainedRun = int16(unexplained.n)
	pt.LongestMissingRun = int16(missing.best)
	pt.CurrentNoEducationRun, pt.LongestNoEducationRun = int16(noEducation.n), int16(noEducation.best)
	pt.absenceCur, pt.absenceBest = pt.current(&absence), pt.longest(&absence)
	pt.unauthCur = pt.current(&unauth)
	pt.gnoCur, pt.gnoBest = pt.current(&gno), pt.longest(&gno)
	pt.suspensionBest = pt.longest(&suspension)
	pt.unexplainedCur = pt.current(&unexplained)
	pt.missingBest = pt.longest(&missing)
	pt.noEducationCur, pt.noEducationBest = pt.current(&noEducation), pt.longest(&noEducation)
	return pt
}

// ratePct is n as a percentage of d, 0 when d is 0.
func ratePct[T int | int16 | int32](n, d T) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

// MondayFridayShare is the percentage of absence sessions that fall on a
// Monday or a Friday (0 when there is no absence). Two of five weekdays is
// 40%, so a share well above that points to long weekends.
func (pt Patterns) MondayFridayShare() float64 {
	return ratePct(pt.MondayFridaySessions, pt.AbsenceSessions)
}

// IllnessShare is the percentage of absence sessions coded I.
func (pt Patterns) IllnessShare() float64 { return ratePct(pt.IllnessSessions, pt.AbsenceSessions) }

// RecentAbsencePct is absence over possible sessions in the latest 4 school
// weeks (0 when the pupil had no possible session then).
func (pt Patterns) RecentAbsencePct() float64 { return ratePct(pt.RecentAbsent, pt.RecentPossible) }

// EarlierAbsencePct is absence over possible sessions before those weeks.
func (pt Patterns) EarlierAbsencePct() float64 { return ratePct(pt.EarlierAbsent, pt.EarlierPossible) }

// hasTrend reports whether both periods have possible sessions.
func (pt Patterns) hasTrend() bool { return pt.RecentPossible > 0 && pt.EarlierPossible > 0 }

// TrendPts is recent minus earlier absence, in percentage points; 0 when
// either period has no possible session (there is nothing to compare).
func (pt Patterns) TrendPts() float64 {
	if !pt.hasTrend() {
		return 0
	}
	return pt.RecentAbsencePct() - pt.EarlierAbsencePct()
}

// trendCmp returns 100·(recent − earlier)·rp·ep as a whole number, so the
// 5-point tests are exact: recent − earlier ≥ k ⇔ trendCmp ≥ k·rp·ep.
func (pt Patterns) trendCmp() (diff, scale int) {
	// In int: the products of two counts are kept clear of 32 bits.
	rp, ep := int(pt.RecentPossible), int(pt.EarlierPossible)
	return 100 * (int(pt.RecentAbsent)*ep - int(pt.EarlierAbsent)*rp), rp * ep
}

// Improving: recent absence at least 5 points below earlier, recent under
// 10% (no longer persistent over the recent weeks), and at least 4 school
// weeks of earlier data.
func (pt Patterns) Improving() bool {
	if !pt.hasTrend() || pt.EarlierWeeks < minEarlierWeeks {
		return false
	}
	diff, scale := pt.trendCmp()
	return -diff >= trendPoints*scale && 100*int(pt.RecentAbsent) < improvedBelowPct*int(pt.RecentPossible)
}

// SustainedImproving is an improvement that has lasted: the latest four
// school weeks and the four before them each at least 5 points below the
// weeks before both (of which there must be at least 2, so a bad fortnight
// at the start of a term followed by eight good weeks counts), and each
// under 10%. One good month after a bad term is Improving, not this: the
// Southampton guidance's protective factor is "sustained improvements".
func (pt Patterns) SustainedImproving() bool {
	rp, mp, pp := int(pt.RecentPossible), int(pt.MidPossible), int(pt.PriorPossible)
	if rp == 0 || mp == 0 || pp == 0 || pt.PriorWeeks < minPriorWeeks {
		return false
	}
	below := func(abs, poss int) bool {
		// abs/poss <= prior - 5 points, and under 10%, in whole numbers.
		return 100*(int(pt.PriorAbsent)*poss-abs*pp) >= trendPoints*poss*pp && 100*abs < improvedBelowPct*poss
	}
	return below(int(pt.RecentAbsent), rp) && below(int(pt.MidAbsent), mp)
}

// Declining: recent absence at least 5 points above earlier, with at least
// 4 school weeks of earlier data.
func (pt Patterns) Declining() bool {
	if !pt.hasTrend() || pt.EarlierWeeks < minEarlierWeeks {
		return false
	}
	diff, scale := pt.trendCmp()
	return diff >= trendPoints*scale
}

// AddVars adds the indicators to a rule-expression environment. Names and
// Go types are part of the rule language (expressions are type-checked), so
// they must not change: counts are int, percentages float64, flags bool.
// Patterns{}.AddVars gives the full set for type-checking rules.
func (pt Patterns) AddVars(vars map[string]any) {
	var v Values
	pt.PutValues(&v)
	v.addGroup(vars, GroupPatterns)
}

// PutValues writes the indicators into v.
func (pt Patterns) PutValues(v *Values) {
	v.SetInt(IndUnauthorised10wk, int(pt.Unauth10wk))
	v.SetInt(IndUnauthorised10wkMax, int(pt.Unauth10wkMax))
	v.SetInt(IndLongestAbsenceRunDays, int(pt.LongestAbsenceRun))
	v.SetInt(IndCurrentAbsenceRunDays, int(pt.CurrentAbsenceRun))
	v.SetInt(IndCurrentUnauthorisedRunDays, int(pt.CurrentUnauthRun))
	v.SetInt(IndLongestGNORunDays, int(pt.LongestGNORun))
	v.SetInt(IndCurrentGNORunDays, int(pt.CurrentGNORun))
	v.SetInt(IndAbsenceSpells, int(pt.AbsenceSpells))
	v.SetFloat(IndMondayFridayShare, pt.MondayFridayShare())
	v.SetFloat(IndRecentAbsencePct, pt.RecentAbsencePct())
	v.SetFloat(IndEarlierAbsencePct, pt.EarlierAbsencePct())
	v.SetFloat(IndTrendPts, pt.TrendPts())
	v.SetBool(IndImproving, pt.Improving())
	v.SetBool(IndDeclining, pt.Declining())
	v.SetInt(IndUnresolvedN, int(pt.UnresolvedN))
	v.SetBool(IndSustainedImproving, pt.SustainedImproving())
	v.SetInt(IndUnauthorisedEpisodes10Days, int(pt.UnauthEpisodes10))
	v.SetInt(IndCurrentUnexplainedRunDays, int(pt.CurrentUnexplainedRun))
	v.SetInt(IndLongestMissingRunDays, int(pt.LongestMissingRun))
	v.SetInt(IndCurrentNoEducationRunDays, int(pt.CurrentNoEducationRun))
	v.SetInt(IndLongestNoEducationRunDays, int(pt.LongestNoEducationRun))
	v.SetInt(IndUnexplained10wk, int(pt.Unexplained10wk))
	v.SetInt(IndN10wk, int(pt.N10wk))
	// The statutory counts: G in the window on days of compulsory school
	// age (the holiday route), and the threshold without N, since a count
	// that rests on N codes waits until they are resolved (within 5 school
	// days: the reason may turn out to be illness).
	v.SetInt(IndHoliday10wk, int(pt.StatHoliday10wk))
	v.SetInt(IndUnauthorised10wkResolved, int(pt.StatUnauth10wk-pt.StatN10wk))
	v.SetInt(IndHolidaySessions, int(pt.HolidaySessions))
	v.SetInt(IndPartTimeSessions, int(pt.PartTimeSessions))
	v.SetInt(IndPartTimeWeeks, int(pt.PartTimeWeeks))
	v.SetInt(IndSuspensionSessions, int(pt.SuspensionSessions))
	v.SetInt(IndLongestSuspensionRunDays, int(pt.LongestSuspensionRun))
	v.SetInt(IndLateSessions, int(pt.LateSessions))
	v.SetInt(IndLateAfterClose, int(pt.LateAfterClose))
	v.SetInt(IndIllnessSessions, int(pt.IllnessSessions))
	v.SetFloat(IndIllnessShare, pt.IllnessShare())
	v.SetInt(IndSchoolWeeks, int(pt.SchoolWeeks))
	v.SetInt(IndDaysOnRoll, int(pt.DaysOnRoll))
}

// AddEvidence adds, under each indicator's name, a sentence saying where the
// value comes from, with dates (dd/mm) a reader can find in the register.
// Every indicator gets one, zero values included, so a rule that fires on
// any of them has something to show. It is AppendEvidence for every name
// in patternEvidenceNames.
func (pt Patterns) AddEvidence(ev map[string]string) {
	var b []byte
	for _, name := range patternEvidenceNames {
		b, _ = pt.AppendEvidence(b[:0], name)
		ev[name] = string(b)
	}
}

// patternEvidenceNames are the indicators AddEvidence gives a sentence.
var patternEvidenceNames = [...]string{
	"unauthorised_10wk", "unauthorised_10wk_max",
	"longest_absence_run_days", "current_absence_run_days", "current_unauthorised_run_days",
	"longest_gno_run_days", "current_gno_run_days", "longest_suspension_run_days",
	"current_unexplained_run_days", "longest_missing_run_days",
	"current_no_education_run_days", "longest_no_education_run_days",
	"unauthorised_episodes_10_days", "unexplained_10wk", "n_10wk",
	"holiday_10wk", "unauthorised_10wk_resolved",
	"absence_spells", "monday_friday_share", "illness_share",
	"recent_absence_pct", "earlier_absence_pct", "trend_pts", "improving", "declining",
	"sustained_improving", "unresolved_n",
	"holiday_sessions", "part_time_sessions", "part_time_weeks", "suspension_sessions",
	"late_sessions", "late_after_close", "illness_sessions", "school_weeks", "days_on_roll",
}

// AppendEvidence appends the sentence of one pattern indicator (see
// AddEvidence) to b, and reports whether name is one. A pupil's evidence
// is only written for the indicators a fired factor reads, one sentence
// at a time into a reused buffer: most pupils need none or a few of the
// 36, and writing all of them for every pupil with a fired factor was
// most of the cost of the rules stage.
func (pt *Patterns) AppendEvidence(b []byte, name string) ([]byte, bool) {
	const unauthCodes = " (G, N, O, U)"
	to10wk := func(b []byte) []byte {
		return appendShortDay(append(b, " in the 10 school weeks to "...), pt.end)
	}
	switch name {
	case "unauthorised_10wk":
		if pt.Unauth10wk == 0 {
			return to10wk(append(b, "no unauthorised sessions"+unauthCodes...)), true
		}
		b = append(appendCount(b, pt.Unauth10wk, "unauthorised session"), unauthCodes+", "...)
		return appendDayRange(b, pt.day(pt.win10First), pt.day(pt.win10Last)), true
	case "unauthorised_10wk_max":
		if pt.Unauth10wkMax == 0 {
			return append(b, "no unauthorised sessions"+unauthCodes...), true
		}
		b = appendCount(append(b, "at most "...), pt.Unauth10wkMax, "unauthorised session")
		b = append(b, unauthCodes+" in any 10 school weeks, "...)
		return appendDayRange(b, pt.day(pt.max10First), pt.day(pt.max10Last)), true
	case "longest_absence_run_days":
		return pt.appendLongestRun(b, pt.LongestAbsenceRun, pt.absenceBest, "absent in every session"), true
	case "current_absence_run_days":
		return pt.appendCurrentRun(b, pt.CurrentAbsenceRun, pt.absenceCur, "absent in every session"), true
	case "current_unauthorised_run_days":
		return pt.appendCurrentRun(b, pt.CurrentUnauthRun, pt.unauthCur, "unauthorised"+unauthCodes+" in every possible session"), true
	case "longest_gno_run_days":
		return pt.appendLongestRun(b, pt.LongestGNORun, pt.gnoBest, "coded only G, N or O"), true
	case "current_gno_run_days":
		return pt.appendCurrentRun(b, pt.CurrentGNORun, pt.gnoCur, "coded only G, N or O"), true
	case "longest_suspension_run_days":
		return pt.appendLongestRun(b, pt.LongestSuspensionRun, pt.suspensionBest, "suspended or excluded (E)"), true
	case "current_unexplained_run_days":
		return pt.appendCurrentRun(b, pt.CurrentUnexplainedRun, pt.unexplainedCur, "absent with no reason known (N, O or no mark)"), true
	case "longest_missing_run_days":
		return pt.appendLongestRun(b, pt.LongestMissingRun, pt.missingBest, "with no mark recorded"), true
	case "current_no_education_run_days":
		return pt.appendCurrentRun(b, pt.CurrentNoEducationRun, pt.noEducationCur, "with no education on offer (Q, Y1, Y7)"), true
	case "longest_no_education_run_days":
		return pt.appendLongestRun(b, pt.LongestNoEducationRun, pt.noEducationBest, "with no education on offer (Q, Y1, Y7)"), true
	case "unauthorised_episodes_10_days":
		b = appendCount(b, pt.UnauthEpisodes10, "episode")
		return append(b, " of 10 or more school days in a row of unauthorised absence"+unauthCodes...), true
	case "unexplained_10wk":
		return to10wk(append(appendCount(b, pt.Unexplained10wk, "session"), " coded N or O"...)), true
	case "n_10wk":
		return to10wk(append(appendCount(b, pt.N10wk, "session"), " still coded N (reason not yet known)"...)), true
	case "holiday_10wk":
		b = to10wk(append(appendCount(b, pt.StatHoliday10wk, "session"), " of G (holiday not agreed)"...))
		return pt.appendCSA(b), true
	case "unauthorised_10wk_resolved":
		b = appendCount(b, pt.StatUnauth10wk-pt.StatN10wk, "unauthorised session")
		b = to10wk(append(b, " with the reason resolved (G, O, U)"...))
		return pt.appendCSA(b), true
	case "absence_spells":
		return append(appendCount(b, pt.AbsenceSpells, "separate spell"), " of absence"...), true
	case "monday_friday_share":
		b = appendCount(append(strconv.AppendInt(b, int64(pt.MondayFridaySessions), 10), " of "...), pt.AbsenceSessions, "absence session")
		b = appendPct(append(b, " on a Monday or Friday ("...), pt.MondayFridayShare())
		return append(b, ')'), true
	case "illness_share":
		b = appendCount(append(strconv.AppendInt(b, int64(pt.IllnessSessions), 10), " of "...), pt.AbsenceSessions, "absence session")
		b = appendPct(append(b, " for illness (I) ("...), pt.IllnessShare())
		return append(b, ')'), true
	case "recent_absence_pct", "earlier_absence_pct", "trend_pts", "improving", "declining":
		return pt.appendTrend(b), true
	case "sustained_improving":
		return pt.appendSustained(b), true
	case "unresolved_n":
		if pt.UnresolvedN == 0 {
			return append(b, "no N marks older than 5 school days"...), true
		}
		b = append(appendCount(b, pt.UnresolvedN, "N session"), " not replaced within 5 school days: "...)
		for i := range min(int(pt.unresolvedDays), maxListedDays) {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendShortDay(b, pt.day(pt.unresolved[i]))
		}
		if more := int(pt.unresolvedDays) - maxListedDays; more > 0 {
			b = appendCount(append(b, " and "...), more, "more day")
		}
		return b, true
	case "holiday_sessions":
		return append(appendCount(b, pt.HolidaySessions, "session"), " of term-time holiday (G, legacy H and F)"...), true
	case "part_time_sessions":
		return append(appendCount(b, pt.PartTimeSessions, "session"), " on a part-time timetable (C2)"...), true
	case "part_time_weeks":
		if pt.PartTimeWeeks == 0 {
			return append(b, "no school week with a part-time timetable (C2)"...), true
		}
		b = append(appendCount(b, pt.PartTimeWeeks, "school week"), " with a part-time timetable (C2), "...)
		return appendDayRange(b, pt.day(pt.partTimeFirst), pt.day(pt.partTimeLast)), true
	case "suspension_sessions":
		return append(appendCount(b, pt.SuspensionSessions, "session"), " suspended or excluded without provision (E)"...), true
	case "late_sessions":
		return append(appendCount(b, pt.LateSessions, "late session"), " (L before the register closed, U after)"...), true
	case "late_after_close":
		return append(appendCount(b, pt.LateAfterClose, "session"), " late after the register closed (U)"...), true
	case "illness_sessions":
		return append(appendCount(b, pt.IllnessSessions, "session"), " of illness (I)"...), true
	case "school_weeks":
		return append(appendCount(b, pt.SchoolWeeks, "school week"), " with a possible session"...), true
	case "days_on_roll":
		if pt.DaysOnRoll == 0 {
			return appendShortDay(append(b, "no possible session up to "...), pt.end), true
		}
		b = append(appendCount(b, pt.DaysOnRoll, "school day"), ", "...)
		return appendDayRange(b, pt.day(pt.firstPoss), pt.day(pt.lastPoss)), true
	}
	return b, false
}

// appendCSA marks a statutory count that left out days below compulsory
// school age.
func (pt *Patterns) appendCSA(b []byte) []byte {
	if pt.StatUnauth10wk != pt.Unauth10wk {
		b = append(b, ", of compulsory school age"...)
	}
	return b
}

// appendSustained gives the three blocks SustainedImproving compares.
func (pt *Patterns) appendSustained(b []byte) []byte {
	if pt.RecentPossible == 0 || pt.MidPossible == 0 || pt.PriorPossible == 0 {
		return append(b, "not enough school weeks for a sustained trend (8 recent weeks and 4 before them)"...)
	}
	b = appendPct(append(b, "absence "...), ratePct(pt.RecentAbsent, pt.RecentPossible))
	b = appendPct(append(b, " in the last 4 school weeks, "...), ratePct(pt.MidAbsent, pt.MidPossible))
	b = appendPct(append(b, " in the 4 before, "...), ratePct(pt.PriorAbsent, pt.PriorPossible))
	b = append(b, " earlier"...)
	if pt.PriorWeeks < minPriorWeeks {
		b = append(appendCount(append(b, " (only "...), pt.PriorWeeks, "earlier school week"), ", too few for a trend)"...)
	}
	return b
}

func (pt *Patterns) appendTrend(b []byte) []byte {
	switch {
	case pt.RecentPossible == 0:
		return append(b, "no possible sessions in the last 4 school weeks"...)
	case pt.EarlierPossible == 0:
		b = appendPct(append(b, "absence "...), pt.RecentAbsencePct())
		return append(b, " in the last 4 school weeks, no earlier sessions"...)
	}
	b = appendPct(append(b, "absence "...), pt.RecentAbsencePct())
	b = appendPct(append(b, " in the last 4 school weeks against "...), pt.EarlierAbsencePct())
	b = append(b, " before"...)
	if pt.EarlierWeeks < minEarlierWeeks {
		b = append(appendCount(append(b, " (only "...), pt.EarlierWeeks, "earlier school week"), ", too few for a trend)"...)
	}
	return b
}

func (pt *Patterns) appendLongestRun(b []byte, n int16, sp daySpan, what string) []byte {
	if n == 0 {
		return append(append(b, "no school day "...), what...)
	}
	b = append(append(appendCount(b, n, "school day"), " in a row "...), what...)
	return appendDayRange(append(b, ", "...), pt.day(sp.from), pt.day(sp.to))
}

func (pt *Patterns) appendCurrentRun(b []byte, n int16, sp daySpan, what string) []byte {
	if n == 0 {
		return append(append(b, "no current run: the pupil's last school day with a session was not "...), what...)
	}
	b = append(append(appendCount(b, n, "school day"), " in a row "...), what...)
	return appendDayRange(append(b, " up to the pupil's last school day, "...), pt.day(sp.from), pt.day(sp.to))
}

// appendShortDay appends the day as dd/mm (register.Day.Short), or "-"
// for none.
func appendShortDay(b []byte, d register.Day) []byte {
	if d == 0 {
		return append(b, '-')
	}
	_, m, dd := d.Civil()
	return append(b, byte('0'+dd/10), byte('0'+dd%10), '/', byte('0'+m/10), byte('0'+m%10))
}

// appendDayRange appends "dd/mm to dd/mm", or "dd/mm" for a single day.
func appendDayRange(b []byte, from, to register.Day) []byte {
	if from == to {
		return appendShortDay(b, from)
	}
	return appendShortDay(append(appendShortDay(b, from), " to "...), to)
}

// integer is any whole-number field type a count may be stored in.
type integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32
}

// appendCount appends a count with its noun: "1 session", "2 sessions".
func appendCount[T integer](b []byte, n T, noun string) []byte {
	if n == 1 {
		b = append(b, "1 "...)
		return append(b, noun...)
	}
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, ' ')
	b = append(b, noun...)
	return append(b, 's')
}

func countNoun[T integer](n T, noun string) string { return string(appendCount(nil, n, noun)) }

// appendPct appends a percentage to one decimal place: "12.5%".
func appendPct(b []byte, f float64) []byte {
	return append(strconv.AppendFloat(b, f, 'f', 1, 64), '%')
}
