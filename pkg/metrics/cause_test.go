package metrics

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// The cause breakdown: which codes fall in which group, X only for a
// compulsory-age pupil, off-site provision apart.
func TestCauses(t *testing.T) {
	codes := map[string]int{
		"/": 10, `\`: 10, "N": 1, "O": 2, "-": 3, "G": 4, "U": 5,
		"I": 6, "M": 1, "E": 2, "C2": 3, "S": 1, "T": 1, "R": 1, "C": 1, "C1": 1, "J1": 1, "H": 1,
		"Q": 2, "Y1": 1, "Y7": 1, "Y2": 7, "X": 4, "K": 2, "B": 1, "D": 9,
	}
	f := FromCounts(counts(t, codes), 0)
	tests := []struct {
		name       string
		compulsory bool
		want       Causes
	}{
		{"compulsory school age: X is no education on offer", true, Causes{
			Unexplained: 1 + 2 + 3, UnauthorisedKnown: 4 + 5, AuthorisedKnown: 6 + 1 + 2 + 3 + 1 + 1 + 1 + 1 + 1 + 1 + 1,
			NoEducation: 2 + 1 + 1 + 4, OffSite: 3,
		}},
		// Y2 (travel disruption), D (dual registration) are in no group.
		{"age not known or not compulsory: X is not counted", false, Causes{
			Unexplained: 6, UnauthorisedKnown: 9, AuthorisedKnown: 19, NoEducation: 4, OffSite: 3,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, f.Causes(tt.compulsory)); diff != "" {
				t.Errorf("Causes (-want +got):\n%s", diff)
			}
		})
	}
	if got := (Figures{}).Causes(true); got != (Causes{}) {
		t.Errorf("Causes of no figures = %+v, want zero", got)
	}
	// COVID-era X was a possible session, not "not required to attend".
	covid := FromCounts(counts(t, map[string]int{"X": 4}), 4)
	if got := covid.Causes(true).NoEducation; got != 0 {
		t.Errorf("COVID-era X: NoEducation = %d, want 0", got)
	}
}

// The runs and window counts the cause model adds.
func TestCauseRuns(t *testing.T) {
	school := schoolDays(testDay(2, 6), testDay(18, 7)) // 7 weeks, 35 days
	last := testDay(18, 7)
	tests := []struct {
		name  string
		pupil testMarks
		want  map[string]any
	}{{
		name:  "absent now with no reason known: N, O and no mark all count",
		pupil: presentOn(school).on(testDay(14, 7), "N", "N").on(testDay(15, 7), "O", "-").on(testDay(16, 7), "-", "-").on(testDay(17, 7), "O", "O").on(testDay(18, 7), "N", "O"),
		want: map[string]any{
			"current_unexplained_run_days": 5, "longest_missing_run_days": 1, "unexplained_10wk": 7, "n_10wk": 3,
			"unauthorised_10wk_resolved": 4, "current_no_education_run_days": 0,
		},
	}, {
		name:  "illness on the last day ends the unexplained run",
		pupil: presentOn(school).on(testDay(16, 7), "O", "O").on(testDay(17, 7), "O", "O").on(testDay(18, 7), "I", "I"),
		want:  map[string]any{"current_unexplained_run_days": 0, "unexplained_10wk": 4},
	}, {
		name:  "a holiday is not unexplained; the holiday route counts G",
		pupil: presentOn(school).fill(schoolDays(testDay(7, 7), testDay(18, 7)), "G", "G"),
		want: map[string]any{
			"current_unexplained_run_days": 0, "holiday_10wk": 20, "unauthorised_episodes_10_days": 1,
			"current_unauthorised_run_days": 10,
		},
	}, {
		name:  "an ended 10-day episode, and a second open one, both count",
		pupil: presentOn(school).fill(schoolDays(testDay(2, 6), testDay(13, 6)), "O", "O").fill(schoolDays(testDay(7, 7), testDay(18, 7)), "O", "O"),
		want:  map[string]any{"unauthorised_episodes_10_days": 2, "current_unexplained_run_days": 10},
	}, {
		name:  "9 days is not an episode",
		pupil: presentOn(school).fill(schoolDays(testDay(2, 6), testDay(12, 6)), "O", "O"),
		want:  map[string]any{"unauthorised_episodes_10_days": 0},
	}, {
		name:  "Q and Y1 runs: no education on offer",
		pupil: presentOn(school).fill(schoolDays(testDay(30, 6), testDay(11, 7)), "Q", "Q").on(testDay(14, 7), "Y1", "Y7").on(testDay(15, 7), "Y1", "Y1"),
		want:  map[string]any{"longest_no_education_run_days": 12, "current_no_education_run_days": 0},
	}, {
		name:  "a run of no marks at all",
		pupil: presentOn(school).fill(schoolDays(testDay(16, 6), testDay(27, 6)), "-", "-"),
		want:  map[string]any{"longest_missing_run_days": 10, "current_unexplained_run_days": 0},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt := measureP(t, school, nil, tt.pupil, last)
			if diff := cmp.Diff(tt.want, pickKeys(patternVars(pt), tt.want)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// A sustained improvement holds in both of the last two four-week blocks.
func TestSustainedImproving(t *testing.T) {
	school := schoolDays(testDay(3, 3), testDay(23, 5)) // 12 weeks: 4 prior, 4 middle, 4 recent
	weeks := func(from, to register.Day) []register.Day { return schoolDays(from, to) }
	tests := []struct {
		name  string
		pupil testMarks
		want  bool
	}{
		{"bad first four weeks, eight good weeks since", presentOn(school).fill(weeks(testDay(3, 3), testDay(28, 3)), "O", "O"), true},
		{"one good month after a bad term is not sustained", presentOn(school).fill(weeks(testDay(3, 3), testDay(25, 4)), "O", "O"), false},
		{"bad first four weeks, then a bad week in the middle block", presentOn(school).fill(weeks(testDay(3, 3), testDay(28, 3)), "O", "O").fill(weeks(testDay(7, 4), testDay(11, 4)), "O", "O"), false},
		{"good throughout: nothing to improve on", presentOn(school), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt := measureP(t, school, nil, tt.pupil, testDay(23, 5))
			if got := pt.SustainedImproving(); got != tt.want {
				t.Errorf("SustainedImproving = %v, want %v (%s)", got, tt.want, pt.appendSustained(nil))
			}
		})
	}
}

// The statutory counts take only sessions of compulsory school age.
func TestStatutoryCounts(t *testing.T) {
	school := schoolDays(testDay(2, 6), testDay(18, 7))
	p := presentOn(school).on(testDay(23, 6), "O", "G").on(testDay(24, 6), "N", "O").
		on(testDay(30, 6), "G", "G").on(testDay(1, 7), "O", "U")
	reg := testRegister(t, map[string]testMarks{"BG": presentOn(school), "P": p})
	tests := []struct {
		name     string
		from, to register.Day
		want     map[string]any
	}{
		{"age range not known: every session", 0, 0, map[string]any{"unauthorised_10wk_resolved": 7, "holiday_10wk": 3}},
		{"a Year 11 after the leaving date (27/06)", 0, testDay(27, 6), map[string]any{"unauthorised_10wk_resolved": 3, "holiday_10wk": 1}},
		{"compulsory from 30/06", testDay(30, 6), 0, map[string]any{"unauthorised_10wk_resolved": 4, "holiday_10wk": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pt := ComputePatternsAged(reg.Get("P"), NewCalendar(reg), testDay(18, 7), tt.from, tt.to)
			if diff := cmp.Diff(tt.want, pickKeys(patternVars(pt), tt.want)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if pt.Unauth10wk != 8 {
				t.Errorf("Unauth10wk = %d, want 8 whatever the age", pt.Unauth10wk)
			}
		})
	}
}

// TestCauseEvidence: Evidence writes each cause indicator's sentence as
// AddEvidence does, and knows no other name.
func TestCauseEvidence(t *testing.T) {
	for _, c := range []Causes{{}, {Unexplained: 1, UnauthorisedKnown: 2, AuthorisedKnown: 3, NoEducation: 1, OffSite: 40}, {Unexplained: 17, NoEducation: 2}} {
		ev := map[string]string{}
		c.AddEvidence(ev)
		for name, want := range ev {
			if got, ok := c.Evidence(name); !ok || got != want {
				t.Errorf("%+v: Evidence(%s) = %q, %v; AddEvidence wrote %q", c, name, got, ok, want)
			}
		}
		if s, ok := c.Evidence("possible_sessions"); ok {
			t.Errorf("Evidence(possible_sessions) = %q", s)
		}
	}
}
