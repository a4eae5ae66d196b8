package metrics

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// TestPatternEvidenceUnchanged checks the sentences AppendEvidence writes
// one at a time against the map-filling AddEvidence they replaced (kept
// below as the oracle), on patterns with every field, unexported ones
// included, set at random: zeros, ones and larger counts, single days and
// ranges, so each branch of each sentence is taken.
func TestPatternEvidenceUnchanged(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		var pt Patterns
		randomise(rng, reflect.ValueOf(&pt).Elem())
		want := map[string]string{}
		oldPatternEvidence(pt, want)
		got := map[string]string{}
		pt.AddEvidence(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("patterns %+v: AddEvidence differs from the old sentences (-old +new):\n%s", pt, diff)
		}
		for name, s := range want {
			b, ok := pt.AppendEvidence([]byte("x"), name)
			if !ok || string(b) != "x"+s {
				t.Fatalf("AppendEvidence(%q) = %q, %v; want %q", name, b, ok, "x"+s)
			}
		}
	}
	if _, ok := (&Patterns{}).AppendEvidence(nil, "absence_pct"); ok {
		t.Error("AppendEvidence claims a figures indicator")
	}
}

// TestFigureEvidenceUnchanged does the same for the figures' sentences.
func TestFigureEvidenceUnchanged(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 2000; i++ {
		var f Figures
		randomise(rng, reflect.ValueOf(&f).Elem())
		want := map[string]string{}
		oldFigureEvidence(f, want)
		got := map[string]string{}
		f.AddEvidence(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("figures %+v: AddEvidence differs from the old sentences (-old +new):\n%s", f, diff)
		}
		for name, s := range want {
			if b, ok := f.AppendEvidence(nil, name); !ok || string(b) != s {
				t.Fatalf("AppendEvidence(%q) = %q, %v; want %q", name, b, ok, s)
			}
		}
	}
}

// randomise sets every integer field under v, exported or not, to 0, 1, 2
// or a larger value, with days near one another so ranges and single days
// both occur.
func randomise(rng *rand.Rand, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			randomise(rng, reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem())
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			randomise(rng, v.Index(i))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := int64(rng.IntN(4))
		if n == 3 {
			n = int64(rng.IntN(50))
		}
		if v.Type() == reflect.TypeFor[register.Day]() && n > 0 {
			n = 20300 + int64(rng.IntN(3))
		}
		v.SetInt(n)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(rng.IntN(4)))
	}
}

// The sentences as AddEvidence wrote them before AppendEvidence.

func oldPatternEvidence(pt Patterns, ev map[string]string) {
	const unauthCodes = " (G, N, O, U)"
	if pt.Unauth10wk == 0 {
		ev["unauthorised_10wk"] = "no unauthorised sessions" + unauthCodes + " in the 10 school weeks to " + oldShortDay(pt.end)
	} else {
		ev["unauthorised_10wk"] = oldCountNoun(pt.Unauth10wk, "unauthorised session") + unauthCodes + ", " + oldDayRange(pt.day(pt.win10First), pt.day(pt.win10Last))
	}
	if pt.Unauth10wkMax == 0 {
		ev["unauthorised_10wk_max"] = "no unauthorised sessions" + unauthCodes
	} else {
		ev["unauthorised_10wk_max"] = "at most " + oldCountNoun(pt.Unauth10wkMax, "unauthorised session") + unauthCodes +
			" in any 10 school weeks, " + oldDayRange(pt.day(pt.max10First), pt.day(pt.max10Last))
	}

	ev["longest_absence_run_days"] = oldLongestRunText(oldRun(pt, 0, daySpan{}, pt.LongestAbsenceRun, pt.absenceBest), "absent in every session")
	ev["current_absence_run_days"] = oldCurrentRunText(oldRun(pt, pt.CurrentAbsenceRun, pt.absenceCur, 0, daySpan{}), "absent in every session")
	ev["current_unauthorised_run_days"] = oldCurrentRunText(oldRun(pt, pt.CurrentUnauthRun, pt.unauthCur, 0, daySpan{}), "unauthorised"+unauthCodes+" in every possible session")
	ev["longest_gno_run_days"] = oldLongestRunText(oldRun(pt, 0, daySpan{}, pt.LongestGNORun, pt.gnoBest), "coded only G, N or O")
	ev["current_gno_run_days"] = oldCurrentRunText(oldRun(pt, pt.CurrentGNORun, pt.gnoCur, 0, daySpan{}), "coded only G, N or O")
	ev["longest_suspension_run_days"] = oldLongestRunText(oldRun(pt, 0, daySpan{}, pt.LongestSuspensionRun, pt.suspensionBest), "suspended or excluded (E)")
	ev["current_unexplained_run_days"] = oldCurrentRunText(oldRun(pt, pt.CurrentUnexplainedRun, pt.unexplainedCur, 0, daySpan{}), "absent with no reason known (N, O or no mark)")
	ev["longest_missing_run_days"] = oldLongestRunText(oldRun(pt, 0, daySpan{}, pt.LongestMissingRun, pt.missingBest), "with no mark recorded")
	ev["current_no_education_run_days"] = oldCurrentRunText(oldRun(pt, pt.CurrentNoEducationRun, pt.noEducationCur, 0, daySpan{}), "with no education on offer (Q, Y1, Y7)")
	ev["longest_no_education_run_days"] = oldLongestRunText(oldRun(pt, 0, daySpan{}, pt.LongestNoEducationRun, pt.noEducationBest), "with no education on offer (Q, Y1, Y7)")
	ev["unauthorised_episodes_10_days"] = oldCountNoun(pt.UnauthEpisodes10, "episode") + " of 10 or more school days in a row of unauthorised absence" + unauthCodes
	ev["unexplained_10wk"] = oldCountNoun(pt.Unexplained10wk, "session") + " coded N or O in the 10 school weeks to " + oldShortDay(pt.end)
	ev["n_10wk"] = oldCountNoun(pt.N10wk, "session") + " still coded N (reason not yet known) in the 10 school weeks to " + oldShortDay(pt.end)
	csa := ""
	if pt.StatUnauth10wk != pt.Unauth10wk {
		csa = ", of compulsory school age"
	}
	ev["holiday_10wk"] = oldCountNoun(pt.StatHoliday10wk, "session") + " of G (holiday not agreed) in the 10 school weeks to " + oldShortDay(pt.end) + csa
	ev["unauthorised_10wk_resolved"] = oldCountNoun(pt.StatUnauth10wk-pt.StatN10wk, "unauthorised session") + " with the reason resolved (G, O, U) in the 10 school weeks to " + oldShortDay(pt.end) + csa

	ev["absence_spells"] = oldCountNoun(pt.AbsenceSpells, "separate spell") + " of absence"
	ev["monday_friday_share"] = strconv.Itoa(int(pt.MondayFridaySessions)) + " of " +
		oldCountNoun(pt.AbsenceSessions, "absence session") + " on a Monday or Friday (" + oldFmtPct(pt.MondayFridayShare()) + ")"
	ev["illness_share"] = strconv.Itoa(int(pt.IllnessSessions)) + " of " +
		oldCountNoun(pt.AbsenceSessions, "absence session") + " for illness (I) (" + oldFmtPct(pt.IllnessShare()) + ")"

	trend := oldTrendText(pt)
	for _, k := range [...]string{"recent_absence_pct", "earlier_absence_pct", "trend_pts", "improving", "declining"} {
		ev[k] = trend
	}

	ev["sustained_improving"] = oldSustainedText(pt)
	if pt.UnresolvedN == 0 {
		ev["unresolved_n"] = "no N marks older than 5 school days"
	} else {
		var b strings.Builder
		b.WriteString(oldCountNoun(pt.UnresolvedN, "N session"))
		b.WriteString(" not replaced within 5 school days: ")
		for i := range min(int(pt.unresolvedDays), maxListedDays) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(oldShortDay(pt.day(pt.unresolved[i])))
		}
		if more := int(pt.unresolvedDays) - maxListedDays; more > 0 {
			b.WriteString(" and " + oldCountNoun(more, "more day"))
		}
		ev["unresolved_n"] = b.String()
	}

	ev["holiday_sessions"] = oldCountNoun(pt.HolidaySessions, "session") + " of term-time holiday (G, legacy H and F)"
	ev["part_time_sessions"] = oldCountNoun(pt.PartTimeSessions, "session") + " on a part-time timetable (C2)"
	if pt.PartTimeWeeks == 0 {
		ev["part_time_weeks"] = "no school week with a part-time timetable (C2)"
	} else {
		ev["part_time_weeks"] = oldCountNoun(pt.PartTimeWeeks, "school week") + " with a part-time timetable (C2), " +
			oldDayRange(pt.day(pt.partTimeFirst), pt.day(pt.partTimeLast))
	}
	ev["suspension_sessions"] = oldCountNoun(pt.SuspensionSessions, "session") + " suspended or excluded without provision (E)"
	ev["late_sessions"] = oldCountNoun(pt.LateSessions, "late session") + " (L before the register closed, U after)"
	ev["late_after_close"] = oldCountNoun(pt.LateAfterClose, "session") + " late after the register closed (U)"
	ev["illness_sessions"] = oldCountNoun(pt.IllnessSessions, "session") + " of illness (I)"
	ev["school_weeks"] = oldCountNoun(pt.SchoolWeeks, "school week") + " with a possible session"
	if pt.DaysOnRoll == 0 {
		ev["days_on_roll"] = "no possible session up to " + oldShortDay(pt.end)
	} else {
		ev["days_on_roll"] = oldCountNoun(pt.DaysOnRoll, "school day") + ", " + oldDayRange(pt.day(pt.firstPoss), pt.day(pt.lastPoss))
	}
}

// sustainedText gives the three blocks SustainedImproving compares.
func oldSustainedText(pt Patterns) string {
	if pt.RecentPossible == 0 || pt.MidPossible == 0 || pt.PriorPossible == 0 {
		return "not enough school weeks for a sustained trend (8 recent weeks and 4 before them)"
	}
	s := "absence " + oldFmtPct(ratePct(pt.RecentAbsent, pt.RecentPossible)) + " in the last 4 school weeks, " +
		oldFmtPct(ratePct(pt.MidAbsent, pt.MidPossible)) + " in the 4 before, " +
		oldFmtPct(ratePct(pt.PriorAbsent, pt.PriorPossible)) + " earlier"
	if pt.PriorWeeks < minPriorWeeks {
		s += " (only " + oldCountNoun(pt.PriorWeeks, "earlier school week") + ", too few for a trend)"
	}
	return s
}

func oldTrendText(pt Patterns) string {
	switch {
	case pt.RecentPossible == 0:
		return "no possible sessions in the last 4 school weeks"
	case pt.EarlierPossible == 0:
		return "absence " + oldFmtPct(pt.RecentAbsencePct()) + " in the last 4 school weeks, no earlier sessions"
	}
	s := "absence " + oldFmtPct(pt.RecentAbsencePct()) + " in the last 4 school weeks against " +
		oldFmtPct(pt.EarlierAbsencePct()) + " before"
	if pt.EarlierWeeks < minEarlierWeeks {
		s += " (only " + oldCountNoun(pt.EarlierWeeks, "earlier school week") + ", too few for a trend)"
	}
	return s
}

// oldRun is a run as the old sentences read it (a dayRun held in the
// Patterns), from the lengths and days the Patterns now keep.
func oldRun(pt Patterns, n int16, cur daySpan, best int16, long daySpan) dayRun {
	return dayRun{n: n, best: best, from: pt.day(cur.from), to: pt.day(cur.to), bestFrom: pt.day(long.from), bestTo: pt.day(long.to)}
}

func oldLongestRunText(r dayRun, what string) string {
	if r.best == 0 {
		return "no school day " + what
	}
	return oldCountNoun(r.best, "school day") + " in a row " + what + ", " + oldDayRange(r.bestFrom, r.bestTo)
}

func oldCurrentRunText(r dayRun, what string) string {
	if r.n == 0 {
		return "no current run: the pupil's last school day with a session was not " + what
	}
	return oldCountNoun(r.n, "school day") + " in a row " + what + " up to the pupil's last school day, " + oldDayRange(r.from, r.to)
}

func oldShortDay(d register.Day) string {
	if d == 0 {
		return "-"
	}
	return d.Short()
}

// dayRange is "dd/mm to dd/mm", or "dd/mm" for a single day.
func oldDayRange(from, to register.Day) string {
	if from == to {
		return oldShortDay(from)
	}
	return oldShortDay(from) + " to " + oldShortDay(to)
}

func oldCountNoun[T integer](n T, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(int(n)) + " " + noun + "s"
}

func oldFmtPct(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) + "%" }

func oldFigureEvidence(f Figures, ev map[string]string) {
	abs := fmt.Sprintf("%d of %d possible sessions absent (%.1f%%)", f.Absent(), f.Possible, f.Pct(f.Absent()))
	for _, k := range []string{"absence_pct", "absence_sessions", "persistent_absence", "severe_absence", "approaching_persistent", "attendance_pct"} {
		ev[k] = abs
	}
	ev["unauthorised_absence"] = fmt.Sprintf("%d unauthorised sessions of %d possible (%.1f%%)", f.Unauthorised, f.Possible, f.Pct(f.Unauthorised))
	ev["unauthorised_pct"] = ev["unauthorised_absence"]
	ev["authorised_absence"] = fmt.Sprintf("%d authorised sessions of %d possible (%.1f%%)", f.Authorised, f.Possible, f.Pct(f.Authorised))
	ev["authorised_pct"] = ev["authorised_absence"]
	ev["missing_marks"] = fmt.Sprintf("%d sessions with no mark", f.Missing)
	ev["possible_sessions"] = fmt.Sprintf("%d possible sessions", f.Possible)
	ev["enough_data"] = ev["possible_sessions"]
	ev["assessable"] = ev["possible_sessions"]
	ev["present_sessions"] = fmt.Sprintf("%d sessions present of %d possible", f.Present, f.Possible)
	ev["aea_sessions"] = fmt.Sprintf("%d sessions of approved educational activity of %d possible", f.AEA, f.Possible)
}
