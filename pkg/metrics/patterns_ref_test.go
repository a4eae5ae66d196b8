package metrics

import (
	"math"
	"time"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// computePatternsAgedRef is ComputePatternsAged as it was before its loop
// was tuned (issue 12), kept verbatim as the reference the tuned code must
// match field for field (TestPatternsMatchReference, FuzzPatternsReference).
// Do not edit it to follow later changes of meaning: change both, and the
// test shows they still agree.
func computePatternsAgedRef(p *register.Pupil, cal *Calendar, end, csaFrom, csaTo register.Day) Patterns {
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

	for i := i0; i <= i1; i++ {
		d := cal.days[i]
		w := int(cal.week[i])
		var nPoss, nAbs, nUnauth, nGNO, nGNOBreak, nE int
		var nMarked, nUnexpl, nUnexplBreak, nMissing, nNoEd int
		am, pm := p.Sessions(d)
		if fastDays && am != 0 && pm != 0 && codeFlagsByID[am] == fPossible && codeFlagsByID[pm] == fPossible {
			// Most days: two possible sessions with nothing else to count
			// (attended, or any code that is only possible), for which the
			// session loop counts exactly this.
			nMarked, nUnexplBreak, nGNOBreak, nPoss = 2, 2, 2, 2
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
		} else {
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
