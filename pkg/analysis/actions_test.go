package analysis

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/quality"
)

func writeActions(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "actions.csv")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const declinedRegister = casesDir + "/support-declined/register.csv"

// TestActionsJoin: every row of the log is accounted for (read = used +
// rejected: a pupil not in the register, a date after the last day), each
// pupil gets their own actions in date order, and the log's early-help
// outcome sets the support state.
func TestActionsJoin(t *testing.T) {
	p := writeActions(t, "UPN,Date,Action,Outcome\n"+
		"C100000000001,01/10/2024,Early help offered,Declined\n"+
		"c100000000001,03/09/2024,First-day call,No contact\n"+
		"C100000000099,04/09/2024,Letter,\n"+
		"C100000000001,01/12/2024,Home visit,\n"+ // after 22/11/2024
		"C999999999999,01/10/2024,Letter,\n") // not in the register
	// Three pupils in the log, two in the register: the join holds.
	res, err := Run(Input{Files: []string{declinedRegister}, ActionsFile: p})
	if err != nil {
		t.Fatal(err)
	}
	q := res.Quality
	if diff := cmp.Diff(quality.Account{Read: 5, Used: 3, Rejected: 2}, q.Actions); diff != "" {
		t.Errorf("account (-want +got):\n%s", diff)
	}
	if q.Finding("action_no_pupil") != 1 || q.Finding("action_after_end") != 1 {
		t.Errorf("findings: no pupil %d, after end %d", q.Finding("action_no_pupil"), q.Finding("action_after_end"))
	}
	pp := find(res, "C100000000001")
	var got []string
	for _, a := range pp.Actions {
		got = append(got, a.String())
	}
	if diff := cmp.Diff([]string{"03/09/2024 First-day call: No contact", "01/10/2024 Early help offered: Declined"}, got); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	if pp.Support != SupportDeclined || !strings.Contains(pp.SupportRaw, "actions log") {
		t.Errorf("support %q (%q)", pp.Support, pp.SupportRaw)
	}
	if !pp.ActionsLog {
		t.Error("ActionsLog not set")
	}
}

// TestActionsJoinMismatch: a log most of whose pupils are not in the
// register is refused, with the likely cause and a few ids.
func TestActionsJoinMismatch(t *testing.T) {
	p := writeActions(t, "UPN,Date,Action,Outcome\n"+
		"C100000000001,01/10/2024,Letter,\n"+
		"A1,01/10/2024,Letter,\n"+
		"A2,01/10/2024,Letter,\n")
	_, err := Run(Input{Files: []string{declinedRegister}, ActionsFile: p})
	if err == nil {
		t.Fatal("a log for other pupils was joined")
	}
	for _, want := range []string{"only 1 of the 3 pupils in this actions log are in the register, fewer than half", "actions log ids not in the register: A1, A2", "no output written"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestActionsBadLogBeforeRegisters: a bad log fails in Prepare, before any
// register is read.
func TestActionsBadLogBeforeRegisters(t *testing.T) {
	p := writeActions(t, "UPN,Date,Action,Outcome\nC100000000001,01/10/2024,Telegram,\n")
	_, err := Prepare(Input{Files: []string{"does-not-exist.csv"}, ActionsFile: p})
	if err == nil || !strings.Contains(err.Error(), ":2 (Action): action (value not shown") {
		t.Fatalf("err = %v", err)
	}
}

// TestHideActioned: a pupil actioned within the period with no new concern
// since is left off the list (kept in All), or marked; a whole day absent
// with no reason known after the action, or becoming persistently absent
// since, brings the pupil back with the reason. The register's last day
// is Friday 22/11/2024; C100000000001 is absent (O) every Thursday.
func TestHideActioned(t *testing.T) {
	for _, c := range []struct {
		name, log string
		days      int
		mark      bool
		listed    []string // ids on the list, in order
		status    map[string]string
	}{
		{"action after the last Thursday: hidden",
			"C100000000001,22/11/2024,Letter,\nC100000000099,20/11/2024,Letter,\n", 14, false,
			nil, map[string]string{"C100000000001": "actioned 22/11/2024 (Letter), no new concern since"}},
		{"marked instead",
			"C100000000001,22/11/2024,Letter,\nC100000000099,20/11/2024,Letter,\n", 14, true,
			[]string{"C100000000001", "C100000000099"}, map[string]string{"C100000000099": "actioned 20/11/2024 (Letter), no new concern since"}},
		{"a Thursday absent since: back",
			"C100000000001,15/11/2024,Home visit,No contact\nC100000000099,20/11/2024,Letter,\n", 14, false,
			[]string{"C100000000001"}, map[string]string{"C100000000001": "new concern since the action on 15/11/2024 (Home visit): absent with no reason known on 21/11/2024"}},
		{"outside the period: listed, no verdict",
			"C100000000001,04/11/2024,Letter,\nC100000000099,04/11/2024,Letter,\n", 14, false,
			[]string{"C100000000001", "C100000000099"}, map[string]string{"C100000000001": ""}},
		{"newly persistent since",
			"C100000000001,04/09/2024,Letter,\nC100000000099,04/11/2024,Letter,\n", 100, false,
			[]string{"C100000000001"}, map[string]string{"C100000000001": "new concern since the action on 04/09/2024 (Letter): newly persistently absent; absent with no reason known on 11 school days since, first 05/09/2024"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := writeActions(t, "UPN,Date,Action,Outcome\n"+c.log)
			res, err := Run(Input{Files: []string{declinedRegister}, ActionsFile: p, HideActioned: c.days, MarkActioned: c.mark})
			if err != nil {
				t.Fatal(err)
			}
			var listed []string
			for _, pp := range res.Pupils {
				listed = append(listed, pp.ID)
			}
			if diff := cmp.Diff(c.listed, listed); diff != "" {
				t.Errorf("listed (-want +got):\n%s", diff)
			}
			if len(res.All) != 2 {
				t.Errorf("All has %d pupils, want both", len(res.All))
			}
			for id, want := range c.status {
				if got := find(res, id).ActionStatus; got != want {
					t.Errorf("%s: status %q, want %q", id, got, want)
				}
			}
		})
	}
}

// TestOutstanding: a review past its date with nothing of its kind since
// is due; one followed by a later action of the kind, or not yet due, is
// not; a flagged pupil with no action at all is listed, at or above the
// tier given; overdue reviews come first, oldest first.
func TestOutstanding(t *testing.T) {
	p := writeActions(t, "UPN,Date,Action,Outcome,Review date\n"+
		"C100000000001,30/09/2024,Attendance contract,Declined,28/10/2024\n"+ // due: nothing later
		"C100000000001,01/10/2024,Letter,,14/10/2024\n"+ // a later letter followed
		"C100000000001,15/11/2024,Letter,,30/11/2024\n"+ // not yet due
		"C100000000001,10/09/2024,Meeting with parents,Engaged,20/09/2024\n") // due, older
	res, err := Run(Input{Files: []string{declinedRegister}, ActionsFile: p})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range res.Outstanding("monitor") {
		got = append(got, it.Pupil.ID+" "+it.Kind+" "+it.Detail)
	}
	want := []string{
		"C100000000001 review_overdue review of the Meeting with parents of 10/09/2024 was due 20/09/2024, 63 days before 22/11/2024; no later Meeting with parents recorded",
		"C100000000001 review_overdue review of the Attendance contract of 30/09/2024 was due 28/10/2024, 25 days before 22/11/2024; no later Attendance contract recorded",
		"C100000000099 no_action_recorded tier monitor and no action recorded",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if n := len(res.Outstanding("high")); n != 2 {
		t.Errorf("with --tier high: %d items, want the 2 reviews", n)
	}
}
