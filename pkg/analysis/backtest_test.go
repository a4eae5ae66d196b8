package analysis

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/register"
)

func btDay(y, m, d int) register.Day { return register.MustDay(y, m, d) }

// TestBacktestHandWorked checks the case in testdata/backtest (see its
// README for the table worked by hand). At 13/09/2024, after 20 of 40
// sessions:
//
//   - assessable: A1, B2, C3, D4, F6 (5); E5 has no session yet, so is
//     counted apart, and was PA and SA (10/20) by the end.
//   - flagged (tier flag): A1 (4/20 PA), B2 (2/20 PA), C3 (1/20, some
//     absence); not flagged: D4, F6.
//   - PA at the date: A1, B2 (2). PA by the end: A1 4/40, C3 4/40, D4
//     10/40 (3); nobody assessable reached 50%.
//   - flagged row: of 3, 2 PA by the end (A1 stayed, C3 became: at
//     20/09 C3 had 4/30, so 1 week of warning); missed 1 (D4).
//   - tier ok: of 2 (D4, F6), 1 PA (D4, who became PA only on the last
//     day, 27/09 = 13/09 + 14 days: 2 weeks); missed 2 (A1, C3).
//   - factor pa: A1 and B2; of 2, 1 PA (A1, already); missed C3 and D4.
//   - factor some_absence: A1, B2, C3, as the flagged row.
func TestBacktestHandWorked(t *testing.T) {
	rules, err := os.ReadFile("../../testdata/backtest/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Prepare(Input{Files: []string{"../../testdata/backtest/register.csv"}, RulesData: rules, MinSessions: 10})
	if err != nil {
		t.Fatal(err)
	}
	bt, err := p.Backtest(context.Background(), []register.Day{btDay(2024, 9, 13)})
	if err != nil {
		t.Fatal(err)
	}
	flagged := BacktestRow{Pupils: 3, PA: 2, AlreadyPA: 1, BecamePA: 1, MissedPA: 1, WarningWeeks: []int{1}, MedianWeeks: 1}
	row := func(r BacktestRow, kind, name, label string) BacktestRow {
		r.Kind, r.Name, r.Label = kind, name, label
		return r
	}
	want := []BacktestPoint{{
		At: btDay(2024, 9, 13), From: btDay(2024, 9, 2), End: btDay(2024, 9, 27),
		Pupils: 6, Assessable: 5, NotAssessable: 1, NotAssessablePA: 1, NotAssessableSA: 1,
		PA: 3, SA: 0, PAAtDate: 2, Flagged: 3, NotFlagged: 2,
		Rows: []BacktestRow{
			row(flagged, "flagged", "", ""),
			row(flagged, "tier", "flag", ""),
			{Kind: "tier", Name: "ok", Pupils: 2, PA: 1, BecamePA: 1, MissedPA: 2, WarningWeeks: []int{2}, MedianWeeks: 2},
			{Kind: "factor", Name: "pa", Label: "Persistently absent", Pupils: 2, PA: 1, AlreadyPA: 1, MissedPA: 2},
			row(flagged, "factor", "some_absence", "Any absence"),
		},
	}}
	if d := cmp.Diff(want, bt.Points); d != "" {
		t.Errorf("backtest (-want +got):\n%s", d)
	}
}

// TestBacktestRange: a date outside the data is refused with its range.
func TestBacktestRange(t *testing.T) {
	p, err := Prepare(Input{Files: []string{"../../testdata/backtest/register.csv"}, MinSessions: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []register.Day{btDay(2024, 9, 1), btDay(2024, 9, 28)} {
		_, err := p.Backtest(context.Background(), []register.Day{at})
		var re *RangeError
		if !errors.As(err, &re) {
			t.Fatalf("--at %s: got %v, want a RangeError", at.UK(), err)
		}
		if want := "--at " + at.UK() + " is outside the data, which runs from 02/09/2024 to 27/09/2024"; err.Error() != want {
			t.Errorf("got %q, want %q", err, want)
		}
	}
}

// TestBacktestSample checks invariants on the sample school at several
// dates: every pupil is assessable or not; the assessable are flagged or
// not; each row's selected and missed pupils add up to the assessable
// PA; warning weeks are counted for exactly the pupils who became PA.
func TestBacktestSample(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the sample school several times")
	}
	p, err := Prepare(Input{Files: []string{"../../testdata/sample/school-marks.csv"}})
	if err != nil {
		t.Fatal(err)
	}
	ats := []register.Day{btDay(2024, 10, 1), btDay(2025, 2, 3)}
	bt, err := p.Backtest(context.Background(), ats)
	if err != nil {
		t.Fatal(err)
	}
	pupils := 0
	for _, fp := range bt.Full.All {
		if !fp.Aggregate {
			pupils++
		}
	}
	for _, pt := range bt.Points {
		if pt.Pupils != pupils || pt.Assessable+pt.NotAssessable != pt.Pupils || pt.Flagged+pt.NotFlagged != pt.Assessable {
			t.Errorf("%s: pupils %d (want %d) = assessable %d + not %d; flagged %d + not %d", pt.At.UK(), pt.Pupils, pupils, pt.Assessable, pt.NotAssessable, pt.Flagged, pt.NotFlagged)
		}
		fullPA, fullSA, _ := bt.Full.Persistent()
		if pt.PA+pt.NotAssessablePA != fullPA || pt.SA+pt.NotAssessableSA != fullSA {
			t.Errorf("%s: PA %d+%d, SA %d+%d; the whole data has %d PA, %d SA", pt.At.UK(), pt.PA, pt.NotAssessablePA, pt.SA, pt.NotAssessableSA, fullPA, fullSA)
		}
		if pt.Flagged == 0 || pt.NotAssessable == pt.Pupils {
			t.Errorf("%s: a degenerate backtest (%d flagged, %d not assessable)", pt.At.UK(), pt.Flagged, pt.NotAssessable)
		}
		tierPupils, tierPA := 0, 0
		for _, r := range pt.Rows {
			if r.PA+r.MissedPA != pt.PA || r.SA+r.MissedSA != pt.SA {
				t.Errorf("%s %s %s: PA %d + missed %d, SA %d + missed %d; want %d, %d", pt.At.UK(), r.Kind, r.Name, r.PA, r.MissedPA, r.SA, r.MissedSA, pt.PA, pt.SA)
			}
			if r.AlreadyPA+r.BecamePA != r.PA || len(r.WarningWeeks) != r.BecamePA || r.PA > r.Pupils || r.SA > r.PA {
				t.Errorf("%s %s %s: inconsistent %+v", pt.At.UK(), r.Kind, r.Name, r)
			}
			for _, w := range r.WarningWeeks {
				if w < 1 || register.Day(7*(w-1)) > pt.End-pt.At {
					t.Errorf("%s %s %s: %d weeks of warning, outside 1..the end", pt.At.UK(), r.Kind, r.Name, w)
				}
			}
			if r.Kind == "tier" {
				tierPupils += r.Pupils
				tierPA += r.PA
			}
			if r.Kind == "flagged" && r.Pupils != pt.Flagged {
				t.Errorf("%s: flagged row %d, point %d", pt.At.UK(), r.Pupils, pt.Flagged)
			}
		}
		if tierPupils != pt.Assessable || tierPA != pt.PA {
			t.Errorf("%s: the tiers hold %d pupils, %d PA; want %d, %d", pt.At.UK(), tierPupils, tierPA, pt.Assessable, pt.PA)
		}
	}
}

// BenchmarkBacktestSample is a backtest of the sample school at three
// dates: the registers are read once for the whole data and once a date.
func BenchmarkBacktestSample(b *testing.B) {
	p, err := Prepare(Input{Files: []string{"../../testdata/sample/school-marks.csv"}})
	if err != nil {
		b.Fatal(err)
	}
	ats := []register.Day{btDay(2024, 10, 1), btDay(2025, 1, 6), btDay(2025, 4, 1)}
	for i := 0; i < b.N; i++ {
		if _, err := p.Backtest(context.Background(), ats); err != nil {
			b.Fatal(err)
		}
	}
}
