package render

import (
	"fmt"
	"sort"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/register"
)

const sheetMoves = "On the move"

// The findings of the On the move sheet, in the order each school's are
// listed: the ones that may be a child missing education first.
const (
	moveLeft   = "Left the roll"
	moveJoined = "Joined, never attended"
	moveMoved  = "Moved school"
)

var moveOrder = map[string]int{moveLeft: 0, moveJoined: 1, moveMoved: 2}

// moveItem is one row of the sheet.
type moveItem struct {
	school, finding string
	p               *analysis.Pupil
	last, joined    register.Day // last marked at the school left; first marked at the school joined
	days            int          // school days since leaving; between the rolls
	hasDays         bool
	detail          string
}

// moveItems lists every child on the move in the run (analysis.LeftRoll,
// Move, Pupil.JoinedAbsent), by school: a child who left is listed under
// the school they left, a move under the school the child left (with the
// school they joined in the detail), a joiner under their school.
func moveItems(ps []*analysis.Pupil) []moveItem {
	var out []moveItem
	for _, p := range ps {
		if p.Aggregate {
			continue
		}
		if l := p.Left; l != nil {
			out = append(out, moveItem{school: l.School, finding: moveLeft, p: p, last: l.LastDay, days: l.SchoolDaysAfter, hasDays: true, detail: l.Summary()})
		}
		if p.JoinedAbsent {
			out = append(out, moveItem{school: p.Info.School, finding: moveJoined, p: p, joined: p.Joined,
				detail: fmt.Sprintf("joined on %s and absent from all %s since: a child possibly missing education", p.Joined.UK(), N(p.Figures.Possible, "possible session"))})
		}
		for _, m := range p.Moves {
			out = append(out, moveItem{school: m.From, finding: moveMoved, p: p, last: m.Left, joined: m.Joined, days: m.GapDays, hasDays: true, detail: m.Summary()})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.school != b.school {
			return a.school < b.school
		}
		if a.finding != b.finding {
			return moveOrder[a.finding] < moveOrder[b.finding]
		}
		if a.p.Rank != b.p.Rank {
			return a.p.Rank < b.p.Rank
		}
		return a.p.ID < b.p.ID
	})
	return out
}

// movesSheet is the children on the move, school by school, for the
// termly meetings and the children-missing-education checks: who left a
// roll for no school in the run, who joined and never attended, and who
// moved between the run's schools with the school days missed between.
func (b *xlBook) movesSheet() *xlSheet {
	items := moveItems(b.res.All)
	intro := fmt.Sprintf("%s: children who left a school's roll and are on no other school's roll in the run (check the deletion return, the destination and the children-missing-education procedures), who joined and have never attended, and who moved between the run's schools, school by school.",
		N(len(items), "finding"))
	rows := []xlRow{xlNote(intro, false),
		xlNote("Last marked: the last day marked at the school left. First marked: the first day at the school joined. School days: since leaving, on the school's own calendar; for a move, those missed between the two rolls, on the joining school's.", true), xlBlank(),
		xlHeaderRow("School", "Finding", "Pupil ID", "Surname", "Forename", "Year", "Tier", "Last marked", "First marked", "School days", "Detail")}
	for _, it := range items {
		p := it.p
		tierCell := xlCell{}
		if p.Outcome != nil {
			tierCell = xlStyled(p.Outcome.Tier, b.tierLook(p))
		}
		days := xlCell{}
		if it.hasDays {
			days = xlNum(it.days)
		}
		rows = append(rows, xlRow{role: xlRoleData, cells: []xlCell{xlTxt(schoolOrNone(it.school)), xlTxt(it.finding), xlTxt(p.ID),
			xlTxt(p.Info.Surname), xlTxt(p.Info.Forename), {v: xlYearValue(p.Info.YearGroup)}, tierCell, xlDateCell(it.last), xlDateCell(it.joined), days,
			xlStyled(it.detail, xlLook{wrap: true})}})
	}
	if len(items) == 0 {
		rows = append(rows, xlNote("No child left a roll, joined without attending or moved school in the data.", true))
	}
	return &xlSheet{name: sheetMoves, rows: xlRowsOf(rows), freezeCols: 3}
}

// schoolOrNone names a school, or says the file named none.
func schoolOrNone(s string) string {
	if s == "" {
		return "(no school named)"
	}
	return s
}
