package render

import (
	"fmt"
	"strings"
)

const sheetOutstanding = "Outstanding"

// xlOutstandingTier is the tier from which a pupil with no recorded action
// is listed: `attendrisk outstanding`'s default, so the sheet and the
// command agree. Rules without it use the tier above their lowest.
const xlOutstandingTier = "medium"

func (b *xlBook) outstandingTier() string {
	rules := b.res.Rules
	switch {
	case rules == nil:
		return ""
	case rules.TierIndex(xlOutstandingTier) >= 0:
		return xlOutstandingTier
	case len(rules.Tiers) >= 2:
		return rules.Tiers[len(rules.Tiers)-2].Name
	}
	return ""
}

// outstandingSheet is the due follow-ups, as `attendrisk outstanding`
// lists them (analysis.Result.Outstanding), oldest due first. It is written
// only with an actions log: without one, most of what it lists cannot be
// known, and an empty sheet would read as all clear.
func (b *xlBook) outstandingSheet() *xlSheet {
	tier := b.outstandingTier()
	items := b.res.Outstanding(tier)
	end := b.res.End
	if end == 0 {
		end = b.res.To
	}
	intro := fmt.Sprintf("%s due on %s: reviews past their date, N codes unresolved after 5 school days, part-time timetables with no review", N(len(items), "follow-up"), end.UK())
	if tier != "" {
		intro += fmt.Sprintf(", pupils in tier %s or above with no action recorded", tier)
	}
	// An authority's run names each pupil's school (after the year, so a
	// school's sheet keeps its columns).
	schools := ManySchools(b.res)
	head := []string{"Due", "Pupil ID", "Surname", "Forename", "Year", "Tier", "Kind", "Detail"}
	if schools {
		head = []string{"Due", "Pupil ID", "Surname", "Forename", "Year", "School", "Tier", "Kind", "Detail"}
	}
	rows := []xlRow{xlNote(intro+".", false), xlBlank(), xlHeaderRow(head...)}
	for _, it := range items {
		p := it.Pupil
		due := xlCell{}
		if it.Due != 0 {
			due = xlDateCell(it.Due)
		}
		tierCell := xlCell{}
		if p.Outcome != nil {
			tierCell = xlStyled(p.Outcome.Tier, b.tierLook(p))
		}
		cells := []xlCell{due, xlTxt(p.ID), xlTxt(p.Info.Surname), xlTxt(p.Info.Forename), {v: xlYearValue(p.Info.YearGroup)}}
		if schools {
			cells = append(cells, xlTxt(p.Info.School))
		}
		cells = append(cells, tierCell, xlTxt(strings.ReplaceAll(it.Kind, "_", " ")), xlStyled(it.Detail, xlLook{wrap: true}))
		rows = append(rows, xlRow{role: xlRoleData, cells: cells})
	}
	if len(items) == 0 {
		rows = append(rows, xlNote("Nothing outstanding.", true))
	}
	return &xlSheet{name: sheetOutstanding, rows: xlRowsOf(rows), freezeCols: 2}
}
