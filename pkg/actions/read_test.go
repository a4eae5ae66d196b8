package actions

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/register"
)

func write(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefault(t *testing.T) {
	v := Default()
	if len(v.Kinds) != 13 || len(v.Outcomes) != 4 {
		t.Fatalf("%d kinds, %d outcomes", len(v.Kinds), len(v.Outcomes))
	}
	for _, c := range []struct{ in, want string }{
		{"First-day call", FirstDayCall}, {"first day call", FirstDayCall}, {"LETTER", Letter},
		{"Meeting with parents", MeetingWithParents}, {"TSM", TargetingSupportMeeting},
		{"Early help offered", EarlyHelpOffered}, {"early_help_engaged", EarlyHelpEngaged},
		{"Attendance contract", AttendanceContract}, {"Notice to Improve", NoticeToImprove},
		{"Penalty notice", PenaltyNotice}, {"PN", PenaltyNotice}, {"ESO", ESO},
		{"Education Supervision Order", ESO}, {"Referral to MASH", ReferralToMASH},
		{"CME enquiry", CMEEnquiry}, {"Home visit", HomeVisit},
	} {
		k, ok := v.Kind(c.in)
		if !ok || k.ID != c.want {
			t.Errorf("Kind(%q) = %v, %v; want %s", c.in, k, ok, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{{"Engaged", OutcomeEngaged}, {"declined", OutcomeDeclined}, {"No contact", OutcomeNoContact}, {"no-contact", OutcomeNoContact}, {"Completed", OutcomeCompleted}} {
		o, ok := v.Outcome(c.in)
		if !ok || o.ID != c.want {
			t.Errorf("Outcome(%q) = %v, %v; want %s", c.in, o, ok, c.want)
		}
	}
	if err := v.AddKind(Kind{ID: "pn2", Label: "Penalty notice"}); err == nil {
		t.Error("a local kind reusing a default label was accepted")
	}
	if err := v.AddKind(Kind{ID: "Bad Id"}); err == nil {
		t.Error("a non-snake_case id was accepted")
	}
	if err := v.AddKind(Kind{ID: "school_nurse", Label: "School nurse referral", Group: GroupSupport}); err != nil {
		t.Fatal(err)
	}
	if k, ok := v.Kind("school nurse referral"); !ok || k.Group != GroupSupport {
		t.Errorf("local kind not found: %v %v", k, ok)
	}
}

func TestRead(t *testing.T) {
	p := write(t, "actions.csv", "UPN,Date,Action,Outcome,Note ref,Owner,Review date\n"+
		"a100000000001 ,02/09/2024,First-day call,No contact,CN-1,JB,\n"+
		"A100000000001,2024-09-10,Early help offered,Declined,CN-2,JB,01/10/2024\n"+
		"A100000000002,11/09/2024,Letter,,,,\n")
	log, err := Read(p, "", nil, Default())
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID, Date, Kind, Outcome, Note, Owner, Review string
		Line                                         int
	}
	var got []row
	for _, a := range log.Actions {
		r := row{a.PupilID, a.Date.UK(), a.Kind.ID, "", a.NoteRef, a.Owner, "", a.Loc.Line}
		if a.Outcome != nil {
			r.Outcome = a.Outcome.ID
		}
		if a.Review != 0 {
			r.Review = a.Review.UK()
		}
		got = append(got, r)
	}
	want := []row{
		{"A100000000001", "02/09/2024", FirstDayCall, OutcomeNoContact, "CN-1", "JB", "", 2},
		{"A100000000001", "10/09/2024", EarlyHelpOffered, OutcomeDeclined, "CN-2", "JB", "01/10/2024", 3},
		{"A100000000002", "11/09/2024", Letter, "", "", "", "", 4},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if log.Info.Columns["review_date"] != "Review date" || log.Info.Layout != "actions" {
		t.Errorf("info %+v", log.Info)
	}
}

// TestReadSchool: a School (URN, School Name) column is read for the join:
// a local id's key has its school, a UPN's and a blank cell's do not.
func TestReadSchool(t *testing.T) {
	for _, header := range []string{"School", "URN", "School Name"} {
		p := write(t, "actions.csv", "Adno,"+header+",Date,Action,Outcome\n"+
			"1001, Oak Primary ,02/09/2024,Letter,\n"+
			"1001,elm,03/09/2024,Letter,\n"+
			"1001,,04/09/2024,Letter,\n"+
			"C823200112001,Oak Primary,05/09/2024,Letter,\n")
		log, err := Read(p, "", nil, Default())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range log.Actions {
			got = append(got, a.School+"|"+a.Key())
		}
		want := []string{"Oak Primary|Oak Primary\x1f1001", "elm|elm\x1f1001", "|1001", "Oak Primary|C823200112001"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: (-want +got):\n%s", header, diff)
		}
		if log.SchoolColumn != header || log.Info.SchoolFrom != "column" || log.Info.Columns["school"] != header {
			t.Errorf("%s: school column %q, info %+v", header, log.SchoolColumn, log.Info)
		}
		if diff := cmp.Diff([]string{"Oak Primary\x1f1001", "elm\x1f1001", "1001", "C823200112001"}, log.Pupils()); diff != "" {
			t.Errorf("%s: pupils (-want +got):\n%s", header, diff)
		}
	}
}

func TestReadBadRows(t *testing.T) {
	p := write(t, "actions.csv", "Pupil ID,Date,Action,Outcome\n"+
		"1001,31/02/2024,Letter,\n"+
		"1002,01/10/2024,Smith Jones,\n"+
		",01/10/2024,Letter,\n"+
		"1003,01/10/2024,Letter,Maybe?\n"+
		"1004,01/10/2024,Letter,Completed\n")
	_, err := Read(p, "", nil, Default())
	var bad *BadRowsError
	if !errors.As(err, &bad) {
		t.Fatalf("err = %v, want *BadRowsError", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"4 rows of the actions log cannot be read",
		p + ":2 (Date): date \"31/02/2024\" is not a real date",
		p + ":3 (Action): action (value not shown: it may identify a pupil) is not in the vocabulary (expected one of: First-day call, Letter,",
		p + ":4 (Pupil ID): no pupil id",
		p + ":5 (Outcome): outcome \"Maybe?\" is not in the vocabulary (expected one of: Engaged, Declined, No contact, Completed, or blank",
		"no output written",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "Smith") {
		t.Errorf("message shows a name:\n%s", msg)
	}
}

func TestReadNoHeader(t *testing.T) {
	p := write(t, "actions.csv", "UPN,When,What\nA1,01/10/2024,Letter\n")
	_, err := Read(p, "", nil, Default())
	if err == nil || !strings.Contains(err.Error(), "Date, Action and Outcome") {
		t.Fatalf("err = %v", err)
	}
}

func TestHistory(t *testing.T) {
	v := Default()
	k := func(id string) *Kind { x, _ := v.KindByID(id); return x }
	o := func(id string) *Outcome { x, _ := v.Outcome(id); return x }
	d := register.MustDay
	h := History{
		{Date: d(2024, 6, 1), Kind: k(PenaltyNotice)}, // before the framework: not counted
		{Date: d(2024, 9, 2), Kind: k(FirstDayCall), Outcome: o(OutcomeNoContact)},
		{Date: d(2024, 9, 5), Kind: k(Letter)},
		{Date: d(2024, 9, 20), Kind: k(EarlyHelpOffered), Outcome: o(OutcomeDeclined)},
		{Date: d(2024, 10, 1), Kind: k(AttendanceContract)},
		{Date: d(2024, 10, 20), Kind: k(PenaltyNotice), Outcome: o(OutcomeCompleted)},
		{Date: d(2025, 3, 1), Kind: k(PenaltyNotice)},
	}
	end := d(2024, 11, 22)
	if n := h.PenaltyNotices3y(end); n != 1 {
		t.Errorf("PenaltyNotices3y(%s) = %d, want 1", end.UK(), n)
	}
	if n := h.PenaltyNotices3y(d(2025, 7, 1)); n != 2 {
		t.Errorf("PenaltyNotices3y(2025) = %d, want 2", n)
	}
	if n := h.PenaltyNotices3y(d(2027, 10, 20)); n != 1 { // the first has left the 3 years
		t.Errorf("PenaltyNotices3y(2027-10-20) = %d, want 1", n)
	}
	if n := h.PenaltyNotices3y(d(2027, 10, 19)); n != 2 {
		t.Errorf("PenaltyNotices3y(2027-10-19) = %d, want 2", n)
	}
	hu := h.Upto(end)
	if rung, a := hu.HighestRung(); rung != 3 || a.Date != d(2024, 10, 20) {
		t.Errorf("HighestRung = %d %s", rung, a)
	}
	if a, ok := hu.LastContact(); !ok || a.Kind.ID != Letter {
		t.Errorf("LastContact = %s %v, want the letter (the call made no contact)", a, ok)
	}
	if s, _, ok := hu.Support(); !ok || s != SupportDeclined {
		t.Errorf("Support = %s %v", s, ok)
	}
	f := h.Funcs(end)
	if got := f["days_since"].(func(string) any)(Letter); got != 78 {
		t.Errorf("days_since(letter) = %v", got)
	}
	if got := f["last"].(func(string) any)(ESO); got != nil {
		t.Errorf("last(eso) = %v", got)
	}
	if got := f["count"].(func(string) int)(PenaltyNotice); got != 2 {
		t.Errorf("count(penalty_notice) = %v (the 2025 notice is after end)", got)
	}
	if got := f["count_within"].(func(string, int) int)(PenaltyNotice, 33); got != 0 {
		t.Errorf("count_within(pn, 33) = %v", got)
	}
	if got := f["count_within"].(func(string, int) int)(PenaltyNotice, 34); got != 1 {
		t.Errorf("count_within(pn, 34) = %v", got)
	}
	if got := f["outcome"].(func(string) string)(EarlyHelpOffered); got != OutcomeDeclined {
		t.Errorf("outcome = %v", got)
	}
}
