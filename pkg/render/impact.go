package render

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

// The impact outputs carry no names: an evaluation of actions needs the
// pupil id (to go back to the case) and nothing more personal.

func impactPts(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

// ImpactCSV writes the comparison as one table: a "pupil" row per pupil and
// action kind, a "kind" row per kind across the cohort (a suppressed kind's
// median and share are "c", as in published statistics), and a last
// "caveat" row with the caveat in its note.
func ImpactCSV(w io.Writer, rep *analysis.ImpactReport) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"row", "pupil_id", "year_group", "action", "action_date", "window_school_days",
		"before_from", "before_to", "before_possible", "before_attendance_pct",
		"after_from", "after_to", "after_possible", "after_attendance_pct", "change_points",
		"pupils", "median_change_points", "improved_share_pct", "note", "school"})
	for _, r := range rep.Rows {
		rec := []string{"pupil", Neutralise(r.Pupil.ID), Neutralise(r.Pupil.Info.YearGroup), r.Kind, r.Date.ISO(), "", "", "", "", "", "", "", "", "", "", "", "", "", Neutralise(r.Note), Neutralise(r.Pupil.Info.School)}
		if r.Days > 0 {
			rec[5] = strconv.Itoa(r.Days)
			rec[6], rec[7] = r.BeforeFrom.ISO(), r.BeforeTo.ISO()
			rec[10], rec[11] = r.AfterFrom.ISO(), r.AfterTo.ISO()
		}
		if r.Included {
			rec[8], rec[9] = strconv.Itoa(r.Before.Possible), impactPts(r.BeforePct())
			rec[12], rec[13] = strconv.Itoa(r.After.Possible), impactPts(r.AfterPct())
			rec[14] = impactPts(r.Change())
		}
		_ = cw.Write(rec)
	}
	for _, k := range rep.Kinds {
		med, share, note := "c", "c", fmt.Sprintf("fewer than %d pupils: suppressed", rep.SuppressBelow)
		if !k.Suppressed {
			med, share, note = impactPts(k.Median), impactPts(k.ImprovedShare()), ""
		}
		_ = cw.Write([]string{"kind", "", "", k.Kind, "", strconv.Itoa(rep.Days), "", "", "", "", "", "", "", "", "",
			strconv.Itoa(k.Pupils), med, share, note, ""})
	}
	_ = cw.Write([]string{"caveat", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", rep.Caveat, ""})
	cw.Flush()
	return cw.Error()
}

type impactRowJSON struct {
	PupilID        string   `json:"pupil_id"`
	School         string   `json:"school"`
	YearGroup      string   `json:"year_group"`
	Action         string   `json:"action"`
	Date           string   `json:"action_date"`
	Included       bool     `json:"included"`
	Days           int      `json:"window_school_days"`
	BeforeFrom     string   `json:"before_from,omitempty"`
	BeforeTo       string   `json:"before_to,omitempty"`
	BeforePossible *int     `json:"before_possible"`
	BeforePct      *float64 `json:"before_attendance_pct"`
	AfterFrom      string   `json:"after_from,omitempty"`
	AfterTo        string   `json:"after_to,omitempty"`
	AfterPossible  *int     `json:"after_possible"`
	AfterPct       *float64 `json:"after_attendance_pct"`
	Change         *float64 `json:"change_points"`
	Note           string   `json:"note,omitempty"`
}

type impactKindJSON struct {
	Action     string   `json:"action"`
	Label      string   `json:"label"`
	Pupils     int      `json:"pupils"`
	Suppressed bool     `json:"suppressed"`
	Median     *float64 `json:"median_change_points"`
	Improved   *float64 `json:"improved_share_pct"`
}

func round2(x float64) *float64 { v, _ := strconv.ParseFloat(impactPts(x), 64); return &v }

// ImpactJSON writes the comparison as one object; a suppressed kind's
// median and share are null.
func ImpactJSON(w io.Writer, rep *analysis.ImpactReport) error {
	out := struct {
		Caveat        string           `json:"caveat"`
		Days          int              `json:"window_school_days"`
		SuppressBelow int              `json:"suppress_below"`
		Pupils        []impactRowJSON  `json:"pupils"`
		Kinds         []impactKindJSON `json:"kinds"`
	}{Caveat: rep.Caveat, Days: rep.Days, SuppressBelow: rep.SuppressBelow, Pupils: []impactRowJSON{}, Kinds: []impactKindJSON{}}
	for _, r := range rep.Rows {
		j := impactRowJSON{PupilID: r.Pupil.ID, School: r.Pupil.Info.School, YearGroup: r.Pupil.Info.YearGroup, Action: r.Kind, Date: r.Date.ISO(),
			Included: r.Included, Days: r.Days, Note: r.Note}
		if r.Days > 0 {
			j.BeforeFrom, j.BeforeTo, j.AfterFrom, j.AfterTo = r.BeforeFrom.ISO(), r.BeforeTo.ISO(), r.AfterFrom.ISO(), r.AfterTo.ISO()
		}
		if r.Included {
			bp, ap := r.Before.Possible, r.After.Possible
			j.BeforePossible, j.AfterPossible = &bp, &ap
			j.BeforePct, j.AfterPct, j.Change = round2(r.BeforePct()), round2(r.AfterPct()), round2(r.Change())
		}
		out.Pupils = append(out.Pupils, j)
	}
	for _, k := range rep.Kinds {
		j := impactKindJSON{Action: k.Kind, Label: k.Label, Pupils: k.Pupils, Suppressed: k.Suppressed}
		if !k.Suppressed {
			j.Median, j.Improved = round2(k.Median), round2(k.ImprovedShare())
		}
		out.Kinds = append(out.Kinds, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// ImpactTable writes the comparison for a terminal.
func ImpactTable(w io.Writer, rep *analysis.ImpactReport) error {
	fmt.Fprintf(w, "Attendance before and after actions (%d school days each side)\n", rep.Days)
	fmt.Fprintf(w, "Caveat: %s\n\n", rep.Caveat)
	if len(rep.Rows) == 0 {
		_, err := fmt.Fprintln(w, "No dated actions in the log for pupils in the register.")
		return err
	}
	// Two schools' admission number 1001 are two children: with several
	// schools in the run, each row says whose it is.
	schools := map[string]bool{}
	for _, r := range rep.Rows {
		schools[r.Pupil.Info.School] = true
	}
	school := func(string) string { return "" }
	head := ""
	if len(schools) > 1 {
		school = func(s string) string { return fmt.Sprintf(" %-16s", Term(clip(s, 16))) }
		head = fmt.Sprintf(" %-16s", "School")
	}
	fmt.Fprintf(w, "  %-26s %-14s%s %-10s %5s %14s %14s %8s\n", "Action", "Pupil", head, "Date", "Days", "Before", "After", "Change")
	for _, r := range rep.Rows {
		if !r.Included {
			fmt.Fprintf(w, "  %-26s %-14s%s %s  %s\n", Term(clip(r.Label, 26)), Term(r.Pupil.ID), school(r.Pupil.Info.School), r.Date.UK(), Term(r.Note))
			continue
		}
		before := fmt.Sprintf("%5.1f%% of %3d", r.BeforePct(), r.Before.Possible)
		after := fmt.Sprintf("%5.1f%% of %3d", r.AfterPct(), r.After.Possible)
		fmt.Fprintf(w, "  %-26s %-14s%s %s %5d %14s %14s %+8.1f", Term(clip(r.Label, 26)), Term(r.Pupil.ID), school(r.Pupil.Info.School), r.Date.UK(), r.Days, before, after, r.Change())
		if r.Note != "" {
			fmt.Fprintf(w, "  (%s)", Term(r.Note))
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\nBy action (groups under %d pupils suppressed: c)\n", rep.SuppressBelow)
	fmt.Fprintf(w, "  %-26s %7s %14s %9s\n", "Action", "Pupils", "Median change", "Improved")
	for _, k := range rep.Kinds {
		if k.Suppressed {
			fmt.Fprintf(w, "  %-26s %7d %14s %9s\n", Term(clip(k.Label, 26)), k.Pupils, "c", "c")
			continue
		}
		fmt.Fprintf(w, "  %-26s %7d %+14.1f %8.0f%%\n", Term(clip(k.Label, 26)), k.Pupils, k.Median, k.ImprovedShare())
	}
	return nil
}
