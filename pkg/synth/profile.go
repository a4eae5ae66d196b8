package synth

// Profile is the attendance pattern a pupil was generated with: what the
// analyser is expected to find for that pupil. Tests read it to check both
// sides: that the generator produced the pattern, and that the analyser
// detects it.
type Profile uint8

// The profiles. Rates are shares of the pupil's possible sessions; "PA" is
// persistent absence (>= 10 %), "SA" severe absence (>= 50 %).
const (
	// Good: a budget below 10 % in every term (0-9.5 %, mostly illness), a
	// few lates. Study leave, religious observance or a missing mark can
	// still tip one or two over 10 %, as in real schools.
	Good Profile = iota
	// Persistent: 11-34 % absence in every term (most near the low end),
	// about half unauthorised (O, U). Always PA.
	Persistent
	// Severe: 55-90 % absence in every term, mostly O. Always SA.
	Severe
	// IllnessHeavy: 11-25 % absence, mostly I and M (at least two thirds of
	// it; exam-year pupils also have study leave). PA made of authorised
	// absence.
	IllnessHeavy
	// HolidayTaker: a good attender with one block of 5-10 consecutive school
	// days coded G (term-time holiday), next to a school holiday.
	HolidayTaker
	// MondayFriday: 11-18 % absence in single days, at least 80 % of it on
	// Mondays and Fridays.
	MondayFriday
	// Improving: about 30 % absence in autumn, 15 % in spring, 4 % in summer.
	Improving
	// Declining: about 3 % absence in autumn, 12 % in spring, 30 % in summer.
	Declining
	// MissingEducation: a child missing education. Persistent absence, then
	// an unbroken run of 22-28 school days coded O (the last two days N)
	// that reaches the last day of the data: the deletion ground I pattern
	// (reference §3: >= 20 continuous school days, every session G, N or O).
	MissingEducation
	// PartTime: a part-time timetable: every PM session coded C2 for six
	// weeks of the spring term.
	PartTime
	// Suspended: a run of 5 consecutive school days coded E, and a later run
	// of 2 more.
	Suspended
	// DualRegistered: registered at another school too; every Thursday from
	// the spring term is coded D (not a possible session).
	DualRegistered
)

var profileNames = [...]string{
	Good:             "good",
	Persistent:       "persistent",
	Severe:           "severe",
	IllnessHeavy:     "illness-heavy",
	HolidayTaker:     "holiday-taker",
	MondayFriday:     "monday-friday",
	Improving:        "improving",
	Declining:        "declining",
	MissingEducation: "missing-education",
	PartTime:         "part-time",
	Suspended:        "suspended",
	DualRegistered:   "dual-registered",
}

func (p Profile) String() string {
	if int(p) < len(profileNames) {
		return profileNames[p]
	}
	return "unknown"
}

// episode is one kind of absence the budget loop places.
type episode uint8

const (
	epIllness  episode = iota // I for 1-5 whole days
	epWentHome                // I for the PM only: sent home ill at lunch
	epMedical                 // M for one session
	epLeave                   // C for one whole day
	epTruancy                 // O for whole days
	epLateShut                // U: arrived after the register closed (AM)
	nEpisodes
)

// mix is the relative frequency of each episode kind for a profile. The
// frequencies count episodes, not sessions: an illness episode averages
// about 4 sessions, a medical appointment 1.
type mix [nEpisodes]float64

// The mixes are tuned so that a school's totals land near DfE's national
// 2025/26 split (authorised about 2/3 of absence, illness the biggest single
// reason, O the biggest unauthorised reason).
var (
	goodMix       = mix{epIllness: 52, epWentHome: 8, epMedical: 20, epLeave: 4, epTruancy: 10, epLateShut: 6}
	persistentMix = mix{epIllness: 42, epWentHome: 5, epMedical: 6, epLeave: 5, epTruancy: 32, epLateShut: 8}
	severeMix     = mix{epIllness: 40, epMedical: 3, epLeave: 5, epTruancy: 52}
	illnessMix    = mix{epIllness: 75, epWentHome: 8, epMedical: 15, epLeave: 2}
	monFriMix     = mix{epIllness: 50, epTruancy: 50}
)

func (m *mix) pick(f float64) episode {
	total := 0.0
	for _, w := range m {
		total += w
	}
	f *= total
	for e, w := range m {
		if f < w {
			return episode(e)
		}
		f -= w
	}
	return epIllness
}
