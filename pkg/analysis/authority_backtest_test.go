package analysis

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// TestAuthorityBacktestBySchool: Oak's and elm's admission number 1001
// are two children, so a backtest of both schools compares each child at
// the date with that same child in the whole data, never with the other
// school's 1001: the authority's counts are the two schools' own
// backtests' counts added.
func TestAuthorityBacktestBySchool(t *testing.T) {
	at := btDay(2024, 9, 20)
	point := func(files ...string) BacktestPoint {
		t.Helper()
		p, err := Prepare(Input{Files: authorityFiles(files...), MinSessions: 10})
		if err != nil {
			t.Fatal(err)
		}
		bt, err := p.Backtest(context.Background(), []register.Day{at})
		if err != nil {
			t.Fatal(err)
		}
		pt := bt.Points[0]
		pt.Rows, pt.From, pt.End = nil, 0, 0
		return pt
	}
	type counts struct {
		Pupils, Assessable, NotAssessable, NotAssessablePA, NotAssessableSA, PA, SA, PAAtDate, Flagged, NotFlagged int
	}
	c := func(p BacktestPoint) counts {
		return counts{p.Pupils, p.Assessable, p.NotAssessable, p.NotAssessablePA, p.NotAssessableSA, p.PA, p.SA, p.PAAtDate, p.Flagged, p.NotFlagged}
	}
	oak, elm := c(point("oak.csv")), c(point("elm.csv"))
	sum := counts{oak.Pupils + elm.Pupils, oak.Assessable + elm.Assessable, oak.NotAssessable + elm.NotAssessable,
		oak.NotAssessablePA + elm.NotAssessablePA, oak.NotAssessableSA + elm.NotAssessableSA, oak.PA + elm.PA, oak.SA + elm.SA,
		oak.PAAtDate + elm.PAAtDate, oak.Flagged + elm.Flagged, oak.NotFlagged + elm.NotFlagged}
	if diff := cmp.Diff(sum, c(point("oak.csv", "elm.csv"))); diff != "" {
		t.Errorf("authority backtest (-the schools' own added +authority):\n%s", diff)
	}
}
