package render

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

// BacktestCaveat is said in every backtest output: the counts are the
// rules measured against this school's own outcomes, not a forecast.
const BacktestCaveat = "This measures the rules against the school's own outcomes in this data; it is not a prediction about any child."

// share writes "of 40 flagged, 31 were persistently absent by the end (78%)".
func share(part, whole int) string {
	if whole == 0 {
		return "-"
	}
	return fmt.Sprintf("%d%%", (200*part+whole)/(2*whole)) // rounded half up, whole numbers only
}

// were agrees the verb with a count: 1 was, 2 were.
func were(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

func rowName(r analysis.BacktestRow) string {
	switch r.Kind {
	case "flagged":
		return "flagged (any tier above the lowest)"
	case "tier":
		return "tier " + r.Name
	}
	return "factor " + r.Name
}

func weeks(r analysis.BacktestRow) string {
	if len(r.WarningWeeks) == 0 {
		return "-"
	}
	return strconv.FormatFloat(r.MedianWeeks, 'f', -1, 64)
}

// BacktestTable writes the backtest for a terminal: one block per date.
func BacktestTable(w io.Writer, bt *analysis.Backtest) error {
	var b strings.Builder
	b.WriteString(BacktestCaveat + "\n")
	for _, pt := range bt.Points {
		fmt.Fprintf(&b, "\nBacktest at %s: the rules applied to the data from %s to %s, compared with the whole data to %s\n",
			pt.At.UK(), pt.From.UK(), pt.At.UK(), pt.End.UK())
		fmt.Fprintf(&b, "  %s; assessable at the date: %d (flagged %d, not flagged %d)\n", N(pt.Pupils, "pupil"), pt.Assessable, pt.Flagged, pt.NotFlagged)
		fmt.Fprintf(&b, "  not assessable at the date (too few sessions, or not yet on roll): %d, of whom %d persistently and %d severely absent by the end\n",
			pt.NotAssessable, pt.NotAssessablePA, pt.NotAssessableSA)
		fmt.Fprintf(&b, "  of the assessable, %d were persistently absent at the date; by the end %d were persistently and %d severely absent\n", pt.PAAtDate, pt.PA, pt.SA)
		for _, r := range pt.Rows {
			switch r.Kind {
			case "flagged":
				fmt.Fprintf(&b, "  of %d flagged, %d %s persistently absent by the end (%s), %d severely; %s persistently absent by the end %s not flagged (missed)\n",
					r.Pupils, r.PA, were(r.PA), share(r.PA, r.Pupils), r.SA, N(r.MissedPA, "pupil"), were(r.MissedPA))
			case "tier":
				fmt.Fprintf(&b, "  of %d in tier %s, %d %s persistently absent by the end (%s), %d severely\n",
					r.Pupils, Term(r.Name), r.PA, were(r.PA), share(r.PA, r.Pupils), r.SA)
			}
		}
		b.WriteString("\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  GROUP\tPUPILS\tPA AT END\tSHARE\tSA AT END\tALREADY PA\tBECAME PA\tMEDIAN WEEKS OF WARNING\tMISSED PA\tMISSED SA")
		for _, r := range pt.Rows {
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%s\t%d\t%d\t%d\t%s\t%d\t%d\n", Term(rowName(r)), r.Pupils, r.PA, share(r.PA, r.Pupils), r.SA,
				r.AlreadyPA, r.BecamePA, weeks(r), r.MissedPA, r.MissedSA)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	b.WriteString("\nWeeks of warning: for a pupil selected at the date who was not persistently absent then but was by the end, the weeks after the date until their figures first reached 10% (checked every 7 days).\n")
	b.WriteString("Missed: pupils assessable at the date and persistently (or severely) absent by the end whom the group did not select.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

var backtestHeader = []string{"at", "from", "end", "kind", "name", "label", "pupils", "pa_at_end", "pa_share_pct", "sa_at_end",
	"already_pa", "became_pa", "median_weeks_of_warning", "missed_pa", "missed_sa",
	"cohort_pupils", "assessable", "not_assessable", "not_assessable_pa", "not_assessable_sa", "flagged", "not_flagged"}

// BacktestCSV writes one row per date and group, with the date's cohort
// counts repeated on each row so a spreadsheet can filter freely.
func BacktestCSV(w io.Writer, bt *analysis.Backtest) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(backtestHeader); err != nil {
		return err
	}
	for _, pt := range bt.Points {
		for _, r := range pt.Rows {
			sh := ""
			if r.Pupils > 0 {
				sh = strings.TrimSuffix(share(r.PA, r.Pupils), "%")
			}
			med := ""
			if len(r.WarningWeeks) > 0 {
				med = strconv.FormatFloat(r.MedianWeeks, 'f', -1, 64)
			}
			row := []string{pt.At.ISO(), pt.From.ISO(), pt.End.ISO(), r.Kind, Neutralise(r.Name), Neutralise(r.Label),
				strconv.Itoa(r.Pupils), strconv.Itoa(r.PA), sh, strconv.Itoa(r.SA), strconv.Itoa(r.AlreadyPA), strconv.Itoa(r.BecamePA), med,
				strconv.Itoa(r.MissedPA), strconv.Itoa(r.MissedSA),
				strconv.Itoa(pt.Pupils), strconv.Itoa(pt.Assessable), strconv.Itoa(pt.NotAssessable), strconv.Itoa(pt.NotAssessablePA),
				strconv.Itoa(pt.NotAssessableSA), strconv.Itoa(pt.Flagged), strconv.Itoa(pt.NotFlagged)}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

type jsonBacktestRow struct {
	Kind         string   `json:"kind"`
	Name         string   `json:"name,omitempty"`
	Label        string   `json:"label,omitempty"`
	Pupils       int      `json:"pupils"`
	PA           int      `json:"pa_at_end"`
	SA           int      `json:"sa_at_end"`
	AlreadyPA    int      `json:"already_pa"`
	BecamePA     int      `json:"became_pa"`
	WarningWeeks []int    `json:"weeks_of_warning"`
	MedianWeeks  *float64 `json:"median_weeks_of_warning"`
	MissedPA     int      `json:"missed_pa"`
	MissedSA     int      `json:"missed_sa"`
	Summary      string   `json:"summary"`
}

type jsonBacktestPoint struct {
	At              string            `json:"at"`
	From            string            `json:"from"`
	End             string            `json:"end"`
	Pupils          int               `json:"pupils"`
	Assessable      int               `json:"assessable"`
	NotAssessable   int               `json:"not_assessable"`
	NotAssessablePA int               `json:"not_assessable_pa_at_end"`
	NotAssessableSA int               `json:"not_assessable_sa_at_end"`
	PA              int               `json:"pa_at_end"`
	SA              int               `json:"sa_at_end"`
	PAAtDate        int               `json:"pa_at_date"`
	Flagged         int               `json:"flagged"`
	NotFlagged      int               `json:"not_flagged"`
	Rows            []jsonBacktestRow `json:"rows"`
}

// BacktestJSON writes the backtest as one JSON document.
func BacktestJSON(w io.Writer, bt *analysis.Backtest, meta Meta) error {
	doc := struct {
		Version string              `json:"version"`
		AsOf    string              `json:"as_of"`
		Caveat  string              `json:"caveat"`
		Points  []jsonBacktestPoint `json:"points"`
	}{Version: meta.Version, AsOf: meta.AsOf, Caveat: BacktestCaveat, Points: []jsonBacktestPoint{}}
	for _, pt := range bt.Points {
		jp := jsonBacktestPoint{At: pt.At.ISO(), From: pt.From.ISO(), End: pt.End.ISO(), Pupils: pt.Pupils, Assessable: pt.Assessable,
			NotAssessable: pt.NotAssessable, NotAssessablePA: pt.NotAssessablePA, NotAssessableSA: pt.NotAssessableSA,
			PA: pt.PA, SA: pt.SA, PAAtDate: pt.PAAtDate, Flagged: pt.Flagged, NotFlagged: pt.NotFlagged, Rows: []jsonBacktestRow{}}
		for _, r := range pt.Rows {
			jr := jsonBacktestRow{Kind: r.Kind, Name: r.Name, Label: r.Label, Pupils: r.Pupils, PA: r.PA, SA: r.SA, AlreadyPA: r.AlreadyPA,
				BecamePA: r.BecamePA, WarningWeeks: append([]int{}, r.WarningWeeks...), MissedPA: r.MissedPA, MissedSA: r.MissedSA,
				Summary: fmt.Sprintf("of %d selected (%s), %d were persistently absent by the end", r.Pupils, rowName(r), r.PA)}
			if len(r.WarningWeeks) > 0 {
				m := r.MedianWeeks
				jr.MedianWeeks = &m
			}
			jp.Rows = append(jp.Rows, jr)
		}
		doc.Points = append(doc.Points, jp)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
