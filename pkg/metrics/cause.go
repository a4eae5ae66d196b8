package metrics

import (
	"github.com/attendrisk/attendrisk/pkg/mark"
)

// Causes is a pupil's absence sorted by what kind of absence it is. The
// Southampton guidance warns that "a simple overall total percentage
// attendance does not provide enough detail": two pupils at 80% can need
// opposite responses, a holiday a penalty-notice decision, illness the
// medical-needs route, and absence nobody can explain professional
// curiosity about where the child is. The four groups decide the route.
//
// Every count is in sessions within the analysis window.
type Causes struct {
	// Unexplained is N (reason not yet established), O (other or unknown
	// circumstances) and sessions with no mark: nobody has said where the
	// child was.
	Unexplained int
	// UnauthorisedKnown is G (holiday not agreed) and U (arrived after
	// the register closed: the child was in school).
	UnauthorisedKnown int
	// AuthorisedKnown is every authorised code (I, M, E, C2, S, T, R, C,
	// C1, J1, and legacy H and F): the school knows and accepted the reason.
	AuthorisedKnown int
	// NoEducation is sessions on which no education was on offer to the
	// pupil: Q (the local authority has not made access arrangements), Y1
	// (transport not available), Y7 (any other unavoidable cause), and X
	// for a pupil of compulsory school age (X means "not required to
	// attend", which a compulsory-age pupil always is). None of them is a
	// possible session, so they never lower the attendance rate: this is
	// the count that stops them reading as regular attendance.
	NoEducation int
	// OffSite is K (provision arranged by the local authority) and B
	// (other approved off-site activity): counted as attendance, but the
	// provision is somewhere else and has to be checked.
	OffSite int
}

// causeIDs are the codes each group reads, looked up once.
var causeIDs = struct {
	unexplained, unauthKnown, noEducation, offSite []mark.ID
	x                                              mark.ID
}{}

func init() {
	ids := func(codes ...string) []mark.ID {
		out := make([]mark.ID, 0, len(codes))
		for _, c := range codes {
			id, ok := mark.Lookup(c)
			if !ok {
				panic("metrics: unknown code " + c) // a typo here, caught by every test
			}
			out = append(out, id)
		}
		return out
	}
	causeIDs.unexplained = ids("N", "O", "-")
	causeIDs.unauthKnown = ids("G", "U")
	causeIDs.noEducation = ids("Q", "Y1", "Y7")
	causeIDs.offSite = ids("K", "B")
	causeIDs.x = mark.XID
}

// Causes sorts the figures' sessions by cause. compulsoryAge says whether
// the pupil is of compulsory school age, known to be (X counts as no
// education on offer only then; for a pupil whose age is unknown, X is not
// counted either way).
func (f Figures) Causes(compulsoryAge bool) Causes {
	var c Causes
	sum := func(ids []mark.ID) int {
		n := 0
		for _, id := range ids {
			n += f.Codes.Get(id)
		}
		return n
	}
	c.Unexplained = sum(causeIDs.unexplained)
	c.UnauthorisedKnown = sum(causeIDs.unauthKnown)
	c.AuthorisedKnown = f.Authorised
	c.NoEducation = sum(causeIDs.noEducation)
	if compulsoryAge {
		// Legacy COVID-era X is a possible session, not "not required".
		c.NoEducation += f.Codes.Get(causeIDs.x) - f.CovidX
	}
	c.OffSite = sum(causeIDs.offSite)
	return c
}

// AddVars adds the cause breakdown to a rules environment.
func (c Causes) AddVars(vars map[string]any) {
	var v Values
	c.PutValues(&v)
	v.addGroup(vars, GroupCauses)
}

// PutValues writes the indicators into v.
func (c Causes) PutValues(v *Values) {
	v.SetInt(IndUnexplainedSessions, c.Unexplained)
	v.SetInt(IndUnauthorisedKnownSessions, c.UnauthorisedKnown)
	v.SetInt(IndAuthorisedKnownSessions, c.AuthorisedKnown)
	v.SetInt(IndNoEducationSessions, c.NoEducation)
	v.SetInt(IndOffSiteSessions, c.OffSite)
}

// causeNames are the cause indicators, each with a sentence (Evidence).
var causeNames = [...]string{"unexplained_sessions", "unauthorised_known_sessions", "authorised_known_sessions", "no_education_sessions", "off_site_sessions"}

// AddEvidence gives the cause indicators their sentences, each written by
// Evidence, so the map and a single sentence cannot differ.
func (c Causes) AddEvidence(ev map[string]string) {
	for _, n := range causeNames {
		ev[n], _ = c.Evidence(n)
	}
}

// Evidence is the sentence AddEvidence gives the cause indicator name, or
// false when name is not one: an output asking for one sentence has only
// it written. TestCauseEvidence holds it to AddEvidence.
func (c Causes) Evidence(name string) (string, bool) {
	switch name {
	case "unexplained_sessions":
		return countNoun(c.Unexplained, "session") + " with no reason known (N, O or no mark)", true
	case "unauthorised_known_sessions":
		return countNoun(c.UnauthorisedKnown, "session") + " of unauthorised absence with a known reason (G holiday, U late after the register closed)", true
	case "authorised_known_sessions":
		return countNoun(c.AuthorisedKnown, "session") + " of authorised absence (illness, appointments, suspension, part-time timetable, study leave, travelling, leave)", true
	case "no_education_sessions":
		return countNoun(c.NoEducation, "session") + " with no education on offer (Q, Y1, Y7, or X for a compulsory-age pupil)", true
	case "off_site_sessions":
		return countNoun(c.OffSite, "session") + " at off-site provision (K, B)", true
	}
	return "", false
}
