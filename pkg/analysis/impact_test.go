package analysis

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// The hand-worked impact fixture, testdata/impact: a register from Mon
// 14/10/2024 to Fri 15/11/2024 crossing the October half-term (28/10 to
// 01/11, no marks) with an INSET day (# for everyone) on Mon 04/11, so the
// school days are 14-18 and 21-25 Oct, 5-8 and 11-15 Nov: 19 of them.
// Everyone is present (/ \) unless listed. With --window 8d:
//
//	C100000000001, letter Fri 25/10 (its own day, O O, in neither window).
//	  before: the 8 school days 15,16,17,18,21,22,23,24 Oct, 16 sessions;
//	  absent O O on 16, 18, 22 and 24 Oct: 8/16 attended = 50.00%.
//	  after: 5,6,7,8,11,12,13,14 Nov (half-term and the INSET day skipped;
//	  8 calendar days after 25/10 would be all holiday), absent O O on
//	  7 Nov: 14/16 = 87.50%. Change +37.50.
//	C100000000004, letter Fri 25/10 (a second letter on 11/11 is within
//	  the first's after-window and not counted again).
//	  before: I I on 21 Oct: 14/16 = 87.50%; after: O O on 12 and 13 Nov:
//	  12/16 = 75.00%. Change -12.50.
//	C100000000003, home visit Thu 07/11: only 8,11,12,13,14,15 Nov (6
//	  school days) follow, so both windows are 6: before 22,23,24,25 Oct and
//	  5,6 Nov, O O on 22 and 23 Oct: 8/12 = 66.67%; after O \ on 12 Nov:
//	  11/12 = 91.67%. Change +25.00.
//	C100000000002, letter Wed 13/11: 2 school days after, under 5: left out.
//
// Letter: 2 pupils, median (37.50 + -12.50)/2 = 12.50, 1 of 2 improved
// (50%); home visit: 1 pupil, median 25.00, 100%. Both fewer than the
// default 5 pupils, so suppressed unless --suppress-below is lowered.
func TestImpactHandWorked(t *testing.T) {
	res, err := Run(Input{Files: []string{"../../testdata/impact/register.csv"}, ActionsFile: "../../testdata/impact/actions.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Calendar.Len(); got != 19 {
		t.Fatalf("school days = %d, want 19", got)
	}
	type row struct {
		ID, Kind, Date, BFrom, BTo, AFrom, ATo string
		Days, BPoss, APoss                     int
		Before, After, Change                  float64
		Included                               bool
		Note                                   string
	}
	rows := func(rep *ImpactReport) []row {
		var out []row
		for _, r := range rep.Rows {
			x := row{ID: r.Pupil.ID, Kind: r.Kind, Date: r.Date.ISO(), Days: r.Days, Included: r.Included, Note: r.Note}
			if r.Days > 0 {
				x.BFrom, x.BTo, x.AFrom, x.ATo = r.BeforeFrom.ISO(), r.BeforeTo.ISO(), r.AfterFrom.ISO(), r.AfterTo.ISO()
			}
			if r.Included {
				x.BPoss, x.APoss = r.Before.Possible, r.After.Possible
				x.Before, x.After, x.Change = roundPoints(r.BeforePct()), roundPoints(r.AfterPct()), roundPoints(r.Change())
			}
			out = append(out, x)
		}
		return out
	}
	rep := res.Impact(ImpactOptions{Days: 8})
	want := []row{
		{"C100000000003", "home_visit", "2024-11-07", "2024-10-22", "2024-11-06", "2024-11-08", "2024-11-15", 6, 12, 12, 66.67, 91.67, 25, true,
			"shortened: only 6 school days of data after the action, so both windows are 6"},
		{"C100000000001", "letter", "2024-10-25", "2024-10-15", "2024-10-24", "2024-11-05", "2024-11-14", 8, 16, 16, 50, 87.5, 37.5, true, ""},
		{"C100000000004", "letter", "2024-10-25", "2024-10-15", "2024-10-24", "2024-11-05", "2024-11-14", 8, 16, 16, 87.5, 75, -12.5, true, ""},
		{ID: "C100000000002", Kind: "letter", Date: "2024-11-13", Note: "left out: only 2 school days of data after the action (at least 5 needed)"},
	}
	if d := cmp.Diff(want, rows(rep)); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}

	// Suppression: the default 5 hides both kinds' median and share; at 2
	// the letter is shown and the one home visit still is not; at 1 both.
	cases := []struct {
		suppress int
		want     []ImpactKind
	}{
		{0, []ImpactKind{{Kind: "home_visit", Label: "Home visit", Pupils: 1, Suppressed: true}, {Kind: "letter", Label: "Letter", Pupils: 2, Suppressed: true}}},
		{2, []ImpactKind{{Kind: "home_visit", Label: "Home visit", Pupils: 1, Suppressed: true}, {Kind: "letter", Label: "Letter", Pupils: 2, Median: 12.5, Improved: 1}}},
		{1, []ImpactKind{{Kind: "home_visit", Label: "Home visit", Pupils: 1, Median: 25, Improved: 1}, {Kind: "letter", Label: "Letter", Pupils: 2, Median: 12.5, Improved: 1}}},
	}
	for _, c := range cases {
		got := res.Impact(ImpactOptions{Days: 8, SuppressBelow: c.suppress}).Kinds
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("suppress-below %d (-want +got):\n%s", c.suppress, d)
		}
	}

	// The default window (20 school days) is longer than the data on both
	// sides of every action: each is cut to the shorter side or left out.
	for _, r := range res.Impact(ImpactOptions{}).Rows {
		if r.Included && r.Days >= DefaultImpactDays {
			t.Errorf("%s: %d-day windows in 19 school days of data", r.Pupil.ID, r.Days)
		}
	}
	// --to ends the data on 08/11: the home visit has 1 school day after.
	res2, err := Run(Input{Files: []string{"../../testdata/impact/register.csv"}, ActionsFile: "../../testdata/impact/actions.csv",
		To: res.To - 7})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range res2.Impact(ImpactOptions{Days: 8}).Rows {
		found = found || r.Kind == "home_visit"
		if r.Kind == "home_visit" && (r.Included || r.Note != "left out: only 1 school day of data after the action (at least 5 needed)") {
			t.Errorf("home visit with --to 08/11: %+v", r.Note)
		}
	}
	if !found {
		t.Error("with --to 08/11: no home visit row")
	}
}

// TestImpactOwnSchoolDays: in an authority's register each pupil's windows
// are counted on their own school's days. School A is open through the week
// of 28/10/2024; school B has its half-term then. B's pupil has a letter on
// Fri 25/10 and is absent (O O) on Mon 21/10 and Mon 04/11. With 5-day
// windows: before 18, 21, 22, 23, 24 Oct (8/10 = 80%); after 4 to 8 Nov,
// B's next five school days (8/10 = 80%), not A's 28/10 to 01/11, when B
// was closed and its pupil had no possible session.
func TestImpactOwnSchoolDays(t *testing.T) {
	var days []register.Day
	for d := register.MustDay(2024, 10, 14); d <= register.MustDay(2024, 11, 15); d++ {
		if !d.Weekend() {
			days = append(days, d)
		}
	}
	head := "School,UPN,Surname,Forename,Year"
	a, b := "A,C100000000001,Ay,Al,8", "B,C100000000002,Bee,Bo,8"
	for _, d := range days {
		head += "," + d.UK()
		a += ",/\\"
		switch {
		case d >= register.MustDay(2024, 10, 28) && d <= register.MustDay(2024, 11, 1):
			b += ",##"
		case d == register.MustDay(2024, 10, 21) || d == register.MustDay(2024, 11, 4):
			b += ",OO"
		default:
			b += ",/\\"
		}
	}
	dir := t.TempDir()
	reg := filepath.Join(dir, "register.csv")
	if err := os.WriteFile(reg, []byte(head+"\n"+a+"\n"+b+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	log := writeActions(t, "UPN,Date,Action,Outcome\nC100000000002,25/10/2024,Letter,Completed\n")
	res, err := Run(Input{Files: []string{reg}, ActionsFile: log})
	if err != nil {
		t.Fatal(err)
	}
	rows := res.Impact(ImpactOptions{Days: 5}).Rows
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1", len(rows))
	}
	r := rows[0]
	got := []any{r.Included, r.BeforeFrom.ISO(), r.BeforeTo.ISO(), r.AfterFrom.ISO(), r.AfterTo.ISO(), r.Before.Possible, r.After.Possible,
		roundPoints(r.BeforePct()), roundPoints(r.AfterPct()), r.Note}
	want := []any{true, "2024-10-18", "2024-10-24", "2024-11-04", "2024-11-08", 10, 10, 80.0, 80.0, ""}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
