package metrics

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// approxPct compares percentages computed at run time with the fractions the
// tests write down: the same rational can differ in the last bit after a
// subtraction.
var approxPct = cmpopts.EquateApprox(0, 1e-9)

// measureP builds a register of a background pupil "BG", present on every
// school day given, and the pupil "P" under test, and returns P's patterns.
// The background pupil is what makes the calendar: school days come from the
// register, as in real data.
func measureP(t *testing.T, school []register.Day, bg, pupil testMarks, end register.Day) Patterns {
	t.Helper()
	if bg == nil {
		bg = presentOn(school)
	}
	reg := testRegister(t, map[string]testMarks{"BG": bg, "P": pupil})
	return ComputePatterns(reg.Get("P"), NewCalendar(reg), end)
}

// pickKeys returns the named entries of a map, so a boundary test states only
// the indicators it is about.
func pickKeys[V any](m map[string]V, want map[string]V) map[string]V {
	if want == nil {
		return nil // a case that states nothing compares equal
	}
	out := make(map[string]V, len(want))
	for k := range want {
		v, ok := m[k]
		if !ok {
			continue
		}
		out[k] = v
	}
	return out
}

func patternVars(pt Patterns) map[string]any {
	m := map[string]any{}
	pt.AddVars(m)
	return m
}

func patternEvidence(pt Patterns) map[string]string {
	m := map[string]string{}
	pt.AddEvidence(m)
	return m
}

// A pupil with a bit of everything, every indicator and every evidence
// sentence checked. Six school weeks, 03/03 to 11/04/2025.
//
//	W0 03/03 G G | 04/03 G G | 05/03 H H | 06/03 / \ | 07/03 I I
//	W1 10/03 I I | 11/03 L \ | 12/03 U \ | 13/03 / \ | 14/03 / C2
//	W2 17/03 / C2 | 18/03 / C2 | present
//	W3 24/03 E E | 25/03 E E | 26/03 E \ | 27/03 / \ | 28/03 N N
//	W4 present Monday to Thursday | 04/04 O O
//	W5 07/04, 08/04 present | 09/04 D D | 10/04 # # (closed for P only) | 11/04 N \
func TestComputePatternsAll(t *testing.T) {
	school := schoolDays(testDay(3, 3), testDay(11, 4))
	p := presentOn(school).
		on(testDay(3, 3), "G", "G").on(testDay(4, 3), "G", "G").on(testDay(5, 3), "H", "H").
		on(testDay(7, 3), "I", "I").on(testDay(10, 3), "I", "I").
		on(testDay(11, 3), "L", `\`).on(testDay(12, 3), "U", `\`).
		on(testDay(14, 3), "/", "C2").on(testDay(17, 3), "/", "C2").on(testDay(18, 3), "/", "C2").
		on(testDay(24, 3), "E", "E").on(testDay(25, 3), "E", "E").on(testDay(26, 3), "E", `\`).
		on(testDay(28, 3), "N", "N").
		on(testDay(4, 4), "O", "O").
		on(testDay(9, 4), "D", "D").on(testDay(10, 4), "#", "#").
		on(testDay(11, 4), "N", `\`)
	pt := measureP(t, school, nil, p, testDay(11, 4))

	// 56 possible sessions (60 less D D and # #), 24 of them absence.
	// Recent = W2-W5: 36 possible, 12 absent; earlier = W0-W1: 20, 12.
	want := map[string]any{
		"unauthorised_10wk":             10, // G4 U1 N2 O2 N1: all six weeks are in the window
		"unauthorised_10wk_max":         10,
		"longest_absence_run_days":      3, // 03/03-05/03 (G G H)
		"current_absence_run_days":      0, // 11/04 is N then present
		"current_unauthorised_run_days": 0,
		"longest_gno_run_days":          2, // 03/03-04/03; H breaks it
		"current_gno_run_days":          0,
		"absence_spells":                8,
		"monday_friday_share":           100.0 * 15 / 24,
		"recent_absence_pct":            100.0 * 12 / 36,
		"earlier_absence_pct":           100.0 * 12 / 20,
		"trend_pts":                     100.0*12/36 - 100.0*12/20,
		"improving":                     false, // only 2 earlier weeks
		"declining":                     false,
		"unresolved_n":                  2, // 28/03; 11/04 is still within its 5 days
		"holiday_sessions":              6, // G4 H2
		"part_time_sessions":            3,
		"part_time_weeks":               2,
		"suspension_sessions":           5,
		"longest_suspension_run_days":   3,
		"late_sessions":                 2,
		"late_after_close":              1,
		"illness_sessions":              4,
		"illness_share":                 100.0 * 4 / 24,
		"school_weeks":                  6,
		"days_on_roll":                  30,
		// The cause-model indicators.
		"current_unexplained_run_days":  0, // 11/04 is N then present
		"current_no_education_run_days": 0,
		"longest_no_education_run_days": 0,
		"longest_missing_run_days":      0,
		"unexplained_10wk":              5, // N N on 28/03, O O on 04/04, N on 11/04
		"n_10wk":                        3,
		"holiday_10wk":                  4, // G only: legacy H is not the holiday route
		"unauthorised_10wk_resolved":    7, // 10 less the 3 N
		"unauthorised_episodes_10_days": 0,
		"sustained_improving":           false, // too few weeks
	}
	if diff := cmp.Diff(want, patternVars(pt), approxPct); diff != "" {
		t.Errorf("vars (-want +got):\n%s", diff)
	}

	trend := "absence 33.3% in the last 4 school weeks against 60.0% before (only 2 earlier school weeks, too few for a trend)"
	wantEv := map[string]string{
		"unauthorised_10wk":             "10 unauthorised sessions (G, N, O, U), 03/03 to 11/04",
		"unauthorised_10wk_max":         "at most 10 unauthorised sessions (G, N, O, U) in any 10 school weeks, 03/03 to 11/04",
		"longest_absence_run_days":      "3 school days in a row absent in every session, 03/03 to 05/03",
		"current_absence_run_days":      "no current run: the pupil's last school day with a session was not absent in every session",
		"current_unauthorised_run_days": "no current run: the pupil's last school day with a session was not unauthorised (G, N, O, U) in every possible session",
		"longest_gno_run_days":          "2 school days in a row coded only G, N or O, 03/03 to 04/03",
		"current_gno_run_days":          "no current run: the pupil's last school day with a session was not coded only G, N or O",
		"longest_suspension_run_days":   "3 school days in a row suspended or excluded (E), 24/03 to 26/03",
		"absence_spells":                "8 separate spells of absence",
		"monday_friday_share":           "15 of 24 absence sessions on a Monday or Friday (62.5%)",
		"illness_share":                 "4 of 24 absence sessions for illness (I) (16.7%)",
		"recent_absence_pct":            trend,
		"earlier_absence_pct":           trend,
		"trend_pts":                     trend,
		"improving":                     trend,
		"declining":                     trend,
		"unresolved_n":                  "2 N sessions not replaced within 5 school days: 28/03",
		"holiday_sessions":              "6 sessions of term-time holiday (G, legacy H and F)",
		"part_time_sessions":            "3 sessions on a part-time timetable (C2)",
		"part_time_weeks":               "2 school weeks with a part-time timetable (C2), 14/03 to 18/03",
		"suspension_sessions":           "5 sessions suspended or excluded without provision (E)",
		"late_sessions":                 "2 late sessions (L before the register closed, U after)",
		"late_after_close":              "1 session late after the register closed (U)",
		"illness_sessions":              "4 sessions of illness (I)",
		"school_weeks":                  "6 school weeks with a possible session",
		"days_on_roll":                  "30 school days, 03/03 to 11/04",
		"current_no_education_run_days": "no current run: the pupil's last school day with a session was not with no education on offer (Q, Y1, Y7)",
		"current_unexplained_run_days":  "no current run: the pupil's last school day with a session was not absent with no reason known (N, O or no mark)",
		"holiday_10wk":                  "4 sessions of G (holiday not agreed) in the 10 school weeks to 11/04",
		"longest_missing_run_days":      "no school day with no mark recorded",
		"longest_no_education_run_days": "no school day with no education on offer (Q, Y1, Y7)",
		"n_10wk":                        "3 sessions still coded N (reason not yet known) in the 10 school weeks to 11/04",
		"sustained_improving":           "not enough school weeks for a sustained trend (8 recent weeks and 4 before them)",
		"unauthorised_10wk_resolved":    "7 unauthorised sessions with the reason resolved (G, O, U) in the 10 school weeks to 11/04",
		"unauthorised_episodes_10_days": "0 episodes of 10 or more school days in a row of unauthorised absence (G, N, O, U)",
		"unexplained_10wk":              "5 sessions coded N or O in the 10 school weeks to 11/04",
	}
	if diff := cmp.Diff(wantEv, patternEvidence(pt)); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
}

// Every indicator has a value and an evidence sentence even for a pupil with
// nothing to report, and the names are the same set in both maps.
func TestComputePatternsNoAbsence(t *testing.T) {
	school := schoolDays(testDay(2, 6), testDay(27, 6))
	pt := measureP(t, school, nil, presentOn(school), testDay(27, 6))
	want := patternVars(Patterns{})
	want["school_weeks"] = 4
	want["days_on_roll"] = 20
	if diff := cmp.Diff(want, patternVars(pt)); diff != "" {
		t.Errorf("vars (-want +got):\n%s", diff)
	}
	ev := patternEvidence(pt)
	if diff := cmp.Diff(nameSet(want), nameSet(ev)); diff != "" {
		t.Errorf("evidence names differ from indicator names (-vars +evidence):\n%s", diff)
	}
	wantEv := map[string]string{
		"unauthorised_10wk":     "no unauthorised sessions (G, N, O, U) in the 10 school weeks to 27/06",
		"unauthorised_10wk_max": "no unauthorised sessions (G, N, O, U)",
		"longest_gno_run_days":  "no school day coded only G, N or O",
		"monday_friday_share":   "0 of 0 absence sessions on a Monday or Friday (0.0%)",
		"unresolved_n":          "no N marks older than 5 school days",
		"trend_pts":             "absence 0.0% in the last 4 school weeks, no earlier sessions",
		"part_time_weeks":       "no school week with a part-time timetable (C2)",
	}
	if diff := cmp.Diff(wantEv, pickKeys(ev, wantEv)); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
}

func nameSet[V any](m map[string]V) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// Marks after the end, pupils with no possible session, and pupils read
// as counts all measure as zero, and an end of 0 means the calendar's end.
func TestComputePatternsEdges(t *testing.T) {
	school := schoolDays(testDay(2, 6), testDay(13, 6))
	zero := patternVars(Patterns{})

	t.Run("marks only after the end", func(t *testing.T) {
		p := testMarks{}.fill(schoolDays(testDay(9, 6), testDay(13, 6)), "O", "O")
		pt := measureP(t, school, nil, p, testDay(6, 6))
		if diff := cmp.Diff(zero, patternVars(pt)); diff != "" {
			t.Errorf("vars (-want +got):\n%s", diff)
		}
	})
	t.Run("end before the calendar", func(t *testing.T) {
		pt := measureP(t, school, nil, presentOn(school), testDay(1, 6))
		if diff := cmp.Diff(zero, patternVars(pt)); diff != "" {
			t.Errorf("vars (-want +got):\n%s", diff)
		}
	})
	t.Run("no possible session", func(t *testing.T) {
		pt := measureP(t, school, nil, testMarks{}.fill(school, "D", "D"), testDay(13, 6))
		if diff := cmp.Diff(zero, patternVars(pt)); diff != "" {
			t.Errorf("vars (-want +got):\n%s", diff)
		}
		if got, want := patternEvidence(pt)["days_on_roll"], "no possible session up to 13/06"; got != want {
			t.Errorf("days_on_roll evidence = %q, want %q", got, want)
		}
	})
	t.Run("summary-layout pupil", func(t *testing.T) {
		reg := testRegister(t, map[string]testMarks{"BG": presentOn(school)})
		cal := NewCalendar(reg)
		if diff := cmp.Diff(zero, patternVars(ComputePatterns(&register.Pupil{Counts: []int{0, 5}}, cal, 0))); diff != "" {
			t.Errorf("vars (-want +got):\n%s", diff)
		}
	})
	t.Run("end 0 is the last school day", func(t *testing.T) {
		p := presentOn(school).on(testDay(13, 6), "O", "O")
		pt := measureP(t, school, nil, p, 0)
		if got := patternVars(pt)["current_unauthorised_run_days"]; got != 1 {
			t.Errorf("current_unauthorised_run_days = %v, want 1", got)
		}
	})
}

// Penalty-notice threshold: 10 unauthorised sessions (G, N, O, U) in a
// rolling 10 school-week period. Spring 2025 from 06/01 to 28/03, with the
// half-term week 17/02 having no school day, so the latest 10 school weeks
// run from 13/01 (W1) to 28/03 (W10) across 11 calendar weeks.
func TestUnauthorisedWindow(t *testing.T) {
	halfTerm := schoolDays(testDay(17, 2), testDay(21, 2))
	term := schoolDays(testDay(6, 1), testDay(28, 3), halfTerm...)
	noHalfTerm := schoolDays(testDay(6, 1), testDay(28, 3))

	// Nine sessions inside the latest window (the first on its first day)
	// and one on the Friday before it.
	nine := func(days []register.Day) testMarks {
		return presentOn(days).
			on(testDay(10, 1), "O", `\`). // W0: just outside
			on(testDay(13, 1), "O", `\`).on(testDay(14, 1), "O", `\`).on(testDay(15, 1), "O", `\`).on(testDay(16, 1), "O", `\`).
			on(testDay(3, 3), "O", "O").
			on(testDay(10, 3), "U", `\`).
			on(testDay(17, 3), "O", `\`).on(testDay(18, 3), "O", `\`)
	}

	tests := []struct {
		name   string
		school []register.Day
		pupil  testMarks
		end    register.Day
		want   map[string]any
		wantEv map[string]string
	}{{
		name:   "9 in the window, 1 just outside",
		school: term,
		pupil:  nine(term),
		end:    testDay(28, 3),
		want:   map[string]any{"unauthorised_10wk": 9, "unauthorised_10wk_max": 10},
		wantEv: map[string]string{
			"unauthorised_10wk":     "9 unauthorised sessions (G, N, O, U), 13/01 to 18/03",
			"unauthorised_10wk_max": "at most 10 unauthorised sessions (G, N, O, U) in any 10 school weeks, 10/01 to 18/03",
		},
	}, {
		name:   "10 in the window",
		school: term,
		pupil:  nine(term).on(testDay(28, 3), "N", `\`),
		end:    testDay(28, 3),
		want:   map[string]any{"unauthorised_10wk": 10, "unauthorised_10wk_max": 10},
		wantEv: map[string]string{"unauthorised_10wk": "10 unauthorised sessions (G, N, O, U), 13/01 to 28/03"},
	}, {
		// Without the half term the window is ten calendar weeks, 20/01 to
		// 28/03, and the sessions of 13/01-16/01 fall out of it; no 10
		// school weeks then hold all ten sessions.
		name:   "a half-term week is not a school week",
		school: noHalfTerm,
		pupil:  nine(noHalfTerm),
		end:    testDay(28, 3),
		want:   map[string]any{"unauthorised_10wk": 5, "unauthorised_10wk_max": 9},
	}, {
		// An end on Friday 21/03 puts the window at W0-W9, and the N of
		// 28/03 is after the end so never counts.
		name:   "the window ends with the end's week",
		school: term,
		pupil:  nine(term).on(testDay(28, 3), "N", `\`),
		end:    testDay(21, 3),
		want:   map[string]any{"unauthorised_10wk": 10, "unauthorised_10wk_max": 10},
		wantEv: map[string]string{"unauthorised_10wk": "10 unauthorised sessions (G, N, O, U), 10/01 to 18/03"},
	}, {
		// The worst window can lie anywhere: 12 sessions in January, none
		// since. Authorised absence and L do not count; U does.
		name:   "worst window earlier in the term",
		school: term,
		pupil: presentOn(term).
			fill(schoolDays(testDay(6, 1), testDay(10, 1)), "G", "G").
			on(testDay(13, 1), "U", "L").on(testDay(14, 1), "O", "I").
			on(testDay(3, 3), "I", "I"),
		end:  testDay(28, 3),
		want: map[string]any{"unauthorised_10wk": 2, "unauthorised_10wk_max": 12},
		wantEv: map[string]string{
			"unauthorised_10wk":     "2 unauthorised sessions (G, N, O, U), 13/01 to 14/01",
			"unauthorised_10wk_max": "at most 12 unauthorised sessions (G, N, O, U) in any 10 school weeks, 06/01 to 14/01",
		},
	}, {
		// A gap of more than 10 school weeks empties the rolling window.
		name:   "rolling window forgets old weeks",
		school: term,
		pupil: presentOn(term).
			on(testDay(6, 1), "O", "O").on(testDay(7, 1), "O", "O").on(testDay(8, 1), "O", "O").
			on(testDay(24, 3), "O", "O").on(testDay(25, 3), "O", "O"),
		end:    testDay(28, 3),
		want:   map[string]any{"unauthorised_10wk": 4, "unauthorised_10wk_max": 6},
		wantEv: map[string]string{"unauthorised_10wk_max": "at most 6 unauthorised sessions (G, N, O, U) in any 10 school weeks, 06/01 to 08/01"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pt := measureP(t, tc.school, nil, tc.pupil, tc.end)
			if diff := cmp.Diff(tc.want, pickKeys(patternVars(pt), tc.want)); diff != "" {
				t.Errorf("vars (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantEv, pickKeys(patternEvidence(pt), tc.wantEv)); diff != "" {
				t.Errorf("evidence (-want +got):\n%s", diff)
			}
		})
	}
}

// Deletion ground I and the other runs: 20 continuous school days with
// every session G, N or O. The school days run from Tuesday 22/04 to Friday
// 23/05/2025; Monday 05/05 (early May bank holiday) is coded # for everyone,
// so it is not a school day. The run under test starts on Thursday 24/04
// and crosses four weekends and the bank holiday: 24/04 to 22/05 is exactly
// 20 school days.
func TestRuns(t *testing.T) {
	bankHoliday := testDay(5, 5)
	school := schoolDays(testDay(22, 4), testDay(23, 5), bankHoliday)
	bg := presentOn(school).on(bankHoliday, "#", "#")

	// gno marks from..to (school days) as G, N or O, and the pupil present
	// on the other school days.
	gno := func(from, to register.Day) testMarks {
		m := presentOn(school).on(bankHoliday, "#", "#")
		for i, d := range schoolDays(from, to, bankHoliday) {
			switch i % 3 {
			case 0:
				m.on(d, "O", "O")
			case 1:
				m.on(d, "N", "G")
			default:
				m.on(d, "G", "O")
			}
		}
		return m
	}
	if n := len(schoolDays(testDay(24, 4), testDay(22, 5), bankHoliday)); n != 20 {
		t.Fatalf("test calendar: %d school days from 24/04 to 22/05, want 20", n)
	}

	type runs struct {
		LongestGNO, CurrentGNO, LongestAbsence, CurrentAbsence, CurrentUnauth, Spells any
	}
	got := func(pt Patterns) runs {
		v := patternVars(pt)
		return runs{v["longest_gno_run_days"], v["current_gno_run_days"], v["longest_absence_run_days"],
			v["current_absence_run_days"], v["current_unauthorised_run_days"], v["absence_spells"]}
	}

	tests := []struct {
		name   string
		pupil  testMarks
		want   runs
		wantEv map[string]string
	}{{
		name:  "20 school days of G/N/O over weekends and a bank holiday",
		pupil: gno(testDay(24, 4), testDay(22, 5)),
		want:  runs{20, 0, 20, 0, 0, 1},
		wantEv: map[string]string{
			"longest_gno_run_days":     "20 school days in a row coded only G, N or O, 24/04 to 22/05",
			"longest_absence_run_days": "20 school days in a row absent in every session, 24/04 to 22/05",
		},
	}, {
		name:   "19 school days",
		pupil:  gno(testDay(24, 4), testDay(21, 5)),
		want:   runs{19, 0, 19, 0, 0, 1},
		wantEv: map[string]string{"longest_gno_run_days": "19 school days in a row coded only G, N or O, 24/04 to 21/05"},
	}, {
		// Illness is absence but not G, N or O: it ends the G/N/O run (9 + 10
		// days either side) and not the absence run.
		name:   "an I mark breaks the G/N/O run",
		pupil:  gno(testDay(24, 4), testDay(22, 5)).on(testDay(8, 5), "O", "I"),
		want:   runs{10, 0, 20, 0, 0, 1},
		wantEv: map[string]string{"longest_gno_run_days": "10 school days in a row coded only G, N or O, 09/05 to 22/05"},
	}, {
		// A present session ends the whole-day runs; the day still has an
		// absence, so the spell goes on.
		name:  "a present session breaks the runs, not the spell",
		pupil: gno(testDay(24, 4), testDay(22, 5)).on(testDay(8, 5), "O", `\`),
		want:  runs{10, 0, 10, 0, 0, 1},
	}, {
		// Dual registration: the pupil is known to be at another school, so
		// ground I cannot apply across it; for absence it is simply a day
		// attendance was not required here (neutral: 19 days counted).
		name:   "a D day breaks the G/N/O run, not the absence run",
		pupil:  gno(testDay(24, 4), testDay(22, 5)).on(testDay(8, 5), "D", "D"),
		want:   runs{10, 0, 19, 0, 0, 1},
		wantEv: map[string]string{"longest_absence_run_days": "19 school days in a row absent in every session, 24/04 to 22/05"},
	}, {
		// A closure for this pupil alone and a missing mark are neither
		// absence nor another code: they neither break nor count.
		name:  "a partial closure and a missing mark are neutral",
		pupil: gno(testDay(24, 4), testDay(22, 5)).on(testDay(8, 5), "#", "#").on(testDay(13, 5), "-", "-"),
		want:  runs{18, 0, 18, 0, 0, 1},
		wantEv: map[string]string{
			"longest_gno_run_days": "18 school days in a row coded only G, N or O, 24/04 to 22/05",
		},
	}, {
		name:  "a run reaching the end is current",
		pupil: gno(testDay(25, 4), testDay(23, 5)),
		want:  runs{20, 20, 20, 20, 20, 1},
		wantEv: map[string]string{
			"current_gno_run_days":          "20 school days in a row coded only G, N or O up to the pupil's last school day, 25/04 to 23/05",
			"current_unauthorised_run_days": "20 school days in a row unauthorised (G, N, O, U) in every possible session up to the pupil's last school day, 25/04 to 23/05",
		},
	}, {
		// U is unauthorised but not G, N or O; authorised absence is
		// absence but not unauthorised.
		name: "U and authorised absence at the end",
		pupil: presentOn(school).on(bankHoliday, "#", "#").
			on(testDay(19, 5), "M", "I").on(testDay(20, 5), "O", "O").on(testDay(21, 5), "U", "O").
			on(testDay(22, 5), "G", "G").on(testDay(23, 5), "N", "N"),
		want: runs{2, 2, 5, 5, 4, 1},
	}, {
		// The current run is the one the pupil left on: nothing after
		// their last mark breaks it.
		name: "a pupil who left mid-run",
		pupil: testMarks{}.
			fill(schoolDays(testDay(22, 4), testDay(25, 4)), "/", `\`).
			fill(schoolDays(testDay(28, 4), testDay(2, 5)), "O", "O"),
		want: runs{5, 5, 5, 5, 5, 1},
	}, {
		// Of two equally long runs the evidence shows the later one, the
		// episode anyone would act on now.
		name: "equal runs: the latest is shown",
		pupil: presentOn(school).on(bankHoliday, "#", "#").
			on(testDay(28, 4), "O", "O").on(testDay(29, 4), "O", "O").
			on(testDay(12, 5), "O", "O").on(testDay(13, 5), "O", "O"),
		want:   runs{2, 0, 2, 0, 0, 2},
		wantEv: map[string]string{"longest_gno_run_days": "2 school days in a row coded only G, N or O, 12/05 to 13/05"},
	}, {
		// Two absence spells split by one present session; a half-day
		// absence is a spell but not an absence-run day.
		name: "spells",
		pupil: presentOn(school).on(bankHoliday, "#", "#").
			on(testDay(22, 4), "I", "I").on(testDay(23, 4), "I", `\`).on(testDay(24, 4), "/", "M").
			on(testDay(25, 4), "/", `\`).
			on(testDay(28, 4), "O", "O"),
		want: runs{1, 0, 1, 0, 0, 2},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pt := measureP(t, school, bg, tc.pupil, testDay(23, 5))
			if diff := cmp.Diff(tc.want, got(pt)); diff != "" {
				t.Errorf("runs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantEv, pickKeys(patternEvidence(pt), tc.wantEv)); diff != "" {
				t.Errorf("evidence (-want +got):\n%s", diff)
			}
		})
	}
}

// Suspensions: a run of days with E, where a lunchtime suspension (E in one
// session) still counts as a day.
func TestSuspensionRun(t *testing.T) {
	school := schoolDays(testDay(2, 6), testDay(20, 6))
	p := presentOn(school).
		on(testDay(5, 6), "E", "E").on(testDay(6, 6), "E", "E"). // Thu-Fri, then a weekend
		on(testDay(9, 6), "/", "E").on(testDay(10, 6), "E", "E").
		on(testDay(11, 6), "Y1", "Y1"). // transport not available: neutral
		on(testDay(12, 6), "E", "E").
		on(testDay(17, 6), "E", `\`)
	pt := measureP(t, school, nil, p, testDay(20, 6))
	want := map[string]any{"suspension_sessions": 10, "longest_suspension_run_days": 5}
	if diff := cmp.Diff(want, pickKeys(patternVars(pt), want)); diff != "" {
		t.Errorf("vars (-want +got):\n%s", diff)
	}
	if got, want := patternEvidence(pt)["longest_suspension_run_days"], "5 school days in a row suspended or excluded (E), 05/06 to 12/06"; got != want {
		t.Errorf("evidence = %q, want %q", got, want)
	}
}

// N must be replaced within 5 school days. School days 02/06 to 13/06/2025
// (Monday to Friday, two weeks); the end is the last of them, index 9.
func TestUnresolvedN(t *testing.T) {
	school := schoolDays(testDay(2, 6), testDay(13, 6))
	tests := []struct {
		name   string
		pupil  testMarks
		end    register.Day
		want   int
		wantEv string
	}{{
		name:   "6 school days before the end is overdue",
		pupil:  presentOn(school).on(testDay(5, 6), "N", "N"), // Thu; 06/06 + 09-13/06 are 6 days
		end:    testDay(13, 6),
		want:   2,
		wantEv: "2 N sessions not replaced within 5 school days: 05/06",
	}, {
		name:   "5 school days before the end is not yet",
		pupil:  presentOn(school).on(testDay(6, 6), "N", "N"), // Fri; 09-13/06 are 5 days
		end:    testDay(13, 6),
		want:   0,
		wantEv: "no N marks older than 5 school days",
	}, {
		name:  "an end on a Saturday counts school days to the Friday",
		pupil: presentOn(school).on(testDay(6, 6), "N", "N"),
		end:   testDay(14, 6),
		want:  0,
	}, {
		name:  "an earlier end",
		pupil: presentOn(school).on(testDay(2, 6), "N", `\`).on(testDay(3, 6), "N", `\`),
		end:   testDay(10, 6), // index 6: 02/06 (index 0) is overdue, 03/06 is not
		want:  1,
	}, {
		name: "the first three dates are listed",
		pupil: presentOn(school).on(testDay(2, 6), "N", "N").on(testDay(3, 6), "N", `\`).
			on(testDay(4, 6), `/`, "N").on(testDay(5, 6), "N", `\`).on(testDay(13, 6), "N", "N"),
		end:    testDay(13, 6),
		want:   5,
		wantEv: "5 N sessions not replaced within 5 school days: 02/06, 03/06, 04/06 and 1 more day",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pt := measureP(t, school, nil, tc.pupil, tc.end)
			if got := patternVars(pt)["unresolved_n"]; got != tc.want {
				t.Errorf("unresolved_n = %v, want %d", got, tc.want)
			}
			if got := patternEvidence(pt)["unresolved_n"]; tc.wantEv != "" && got != tc.wantEv {
				t.Errorf("evidence = %q, want %q", got, tc.wantEv)
			}
		})
	}
}

// The trend: the latest 4 school weeks against the weeks before, with
// improving and declining decided on whole counts. Eight school weeks from
// 06/10/2025 (this test's year is 2025 too, autumn term), 40 possible
// sessions in each half.
func TestTrend(t *testing.T) {
	school := schoolDays(register.MustDay(2025, 10, 6), register.MustDay(2025, 11, 28))
	oct := func(dd int) register.Day { return register.MustDay(2025, 10, dd) }
	nov := func(dd int) register.Day { return register.MustDay(2025, 11, dd) }
	// absent marks I in the AM session of each day given.
	absent := func(m testMarks, days ...register.Day) testMarks {
		for _, d := range days {
			m.on(d, "I", `\`)
		}
		return m
	}
	earlier := []register.Day{oct(6), oct(13), oct(20), oct(27), oct(7), oct(14)} // W0-W3
	recent := []register.Day{nov(3), nov(10), nov(17), nov(24), nov(4)}           // W4-W7

	type trend struct {
		Recent, Earlier, Trend float64
		Improving, Declining   bool
	}
	tests := []struct {
		name   string
		pupil  testMarks
		want   trend
		wantEv string
	}{{
		name:   "declining by exactly 5 points",
		pupil:  absent(presentOn(school), append(earlier[:2:2], recent[:4]...)...), // 2/40 then 4/40
		want:   trend{10, 5, 5, false, true},
		wantEv: "absence 10.0% in the last 4 school weeks against 5.0% before",
	}, {
		name:  "2.5 points is no change",
		pupil: absent(presentOn(school), append(earlier[:2:2], recent[:3]...)...), // 2/40 then 3/40
		want:  trend{7.5, 5, 2.5, false, false},
	}, {
		// The pupil arrives in W1: 3 earlier weeks are too few to call a
		// trend, however large the change.
		name:   "only 3 earlier school weeks",
		pupil:  absent(presentOn(school[5:]), append([]register.Day{oct(13)}, recent[:4]...)...), // 1/30 then 4/40
		want:   trend{10, 100.0 / 30, 10 - 100.0/30, false, false},
		wantEv: "absence 10.0% in the last 4 school weeks against 3.3% before (only 3 earlier school weeks, too few for a trend)",
	}, {
		name:  "improving by exactly 5 points to under 10%",
		pupil: absent(presentOn(school), append(earlier[:4:4], recent[:2]...)...), // 4/40 then 2/40
		want:  trend{5, 10, -5, true, false},
	}, {
		// 15% down to 10%: 5 points better, but still persistently absent
		// over the recent weeks.
		name:  "improving needs recent absence under 10%",
		pupil: absent(presentOn(school), append(earlier[:6:6], recent[:4]...)...), // 6/40 then 4/40
		want:  trend{10, 15, -5, false, false},
	}, {
		name:  "improving",
		pupil: absent(presentOn(school), append(earlier[:6:6], recent[:1]...)...), // 6/40 then 1/40
		want:  trend{2.5, 15, -12.5, true, false},
	}, {
		// A pupil who has left before the recent weeks has no recent data:
		// no trend, whatever the earlier absence.
		name:   "no recent sessions",
		pupil:  absent(presentOn(school[:20]), earlier...),
		want:   trend{0, 15, 0, false, false},
		wantEv: "no possible sessions in the last 4 school weeks",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pt := measureP(t, school, nil, tc.pupil, nov(28))
			v := patternVars(pt)
			got := trend{v["recent_absence_pct"].(float64), v["earlier_absence_pct"].(float64), v["trend_pts"].(float64),
				v["improving"].(bool), v["declining"].(bool)}
			if diff := cmp.Diff(tc.want, got, approxPct); diff != "" {
				t.Errorf("trend (-want +got):\n%s", diff)
			}
			if got := patternEvidence(pt)["trend_pts"]; tc.wantEv != "" && got != tc.wantEv {
				t.Errorf("evidence = %q, want %q", got, tc.wantEv)
			}
		})
	}
}

// Monday/Friday share: absence sessions on a Monday or Friday over all
// absence sessions.
func TestMondayFridayShare(t *testing.T) {
	school := schoolDays(testDay(2, 6), testDay(13, 6))
	tests := []struct {
		name  string
		pupil testMarks
		want  float64
	}{{
		name:  "none",
		pupil: presentOn(school),
		want:  0,
	}, {
		// Mon I I, Wed O (PM), Fri M (AM): 3 of 4.
		name:  "three of four",
		pupil: presentOn(school).on(testDay(2, 6), "I", "I").on(testDay(4, 6), "/", "O").on(testDay(6, 6), "M", `\`),
		want:  75,
	}, {
		// Late (L) and not-possible codes on a Friday are not absence.
		name:  "only absence counts",
		pupil: presentOn(school).on(testDay(3, 6), "I", "I").on(testDay(6, 6), "L", "D").on(testDay(9, 6), "X", "X"),
		want:  0,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pt := measureP(t, school, nil, tc.pupil, testDay(13, 6))
			if diff := cmp.Diff(tc.want, patternVars(pt)["monday_friday_share"]); diff != "" {
				t.Errorf("monday_friday_share (-want +got):\n%s", diff)
			}
		})
	}
}

// One pass over a school year for one pupil: no allocation, whatever the
// register holds.
func TestComputePatternsAllocs(t *testing.T) {
	school := schoolDays(register.MustDay(2024, 9, 2), register.MustDay(2025, 7, 18))
	p := presentOn(school)
	for i, d := range school {
		switch i % 11 {
		case 0:
			p.on(d, "N", "O")
		case 3:
			p.on(d, "I", "C2")
		case 7:
			p.on(d, "E", "U")
		}
	}
	reg := testRegister(t, map[string]testMarks{"BG": presentOn(school), "P": p})
	cal := NewCalendar(reg)
	pupil := reg.Get("P")
	end, _ := cal.Last()
	if n := testing.AllocsPerRun(10, func() { ComputePatterns(pupil, cal, end) }); n != 0 {
		t.Errorf("ComputePatterns allocates %v times per pupil", n)
	}
}

func BenchmarkComputePatterns(b *testing.B) {
	school := schoolDays(register.MustDay(2024, 9, 2), register.MustDay(2025, 7, 18))
	p := presentOn(school)
	for i, d := range school {
		if i%7 == 0 {
			p.on(d, "O", "I")
		}
	}
	reg := testRegister(b, map[string]testMarks{"BG": presentOn(school), "P": p})
	cal := NewCalendar(reg)
	pupil := reg.Get("P")
	end, _ := cal.Last()
	b.ResetTimer()
	for b.Loop() {
		ComputePatterns(pupil, cal, end)
	}
}

// TestPatternsLongSpan: the counts are 16-bit, so a span longer than
// maxPatternDays school days (far beyond the one academic year an analysis
// covers) is counted over its last maxPatternDays days, and no count
// wraps round to a negative or small number.
func TestPatternsLongSpan(t *testing.T) {
	school := schoolDays(register.MustDay(2000, 1, 3), register.MustDay(2070, 12, 31))
	if len(school) <= maxPatternDays {
		t.Fatalf("%d school days: the test needs more than %d", len(school), maxPatternDays)
	}
	pupil := testMarks{}.fill(school, "O", "U")
	pt := measureP(t, school, nil, pupil, 0)
	want := Patterns{AbsenceSessions: 2 * maxPatternDays, LongestAbsenceRun: maxPatternDays, CurrentAbsenceRun: maxPatternDays,
		SchoolWeeks: pt.SchoolWeeks, DaysOnRoll: maxPatternDays, LateSessions: maxPatternDays, LateAfterClose: maxPatternDays}
	got := Patterns{AbsenceSessions: pt.AbsenceSessions, LongestAbsenceRun: pt.LongestAbsenceRun, CurrentAbsenceRun: pt.CurrentAbsenceRun,
		SchoolWeeks: pt.SchoolWeeks, DaysOnRoll: pt.DaysOnRoll, LateSessions: pt.LateSessions, LateAfterClose: pt.LateAfterClose}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(Patterns{})); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if pt.SchoolWeeks <= 0 || pt.Unauth10wkMax != 100 || pt.CurrentUnauthRun != maxPatternDays {
		t.Errorf("school weeks %d, worst 10 weeks %d, current unauthorised run %d", pt.SchoolWeeks, pt.Unauth10wkMax, pt.CurrentUnauthRun)
	}
}
