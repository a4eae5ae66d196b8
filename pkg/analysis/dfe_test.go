package analysis

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestReproducesDfEPublishedRates reads DfE's own published attendance data
// (testdata/dfe/EES_ytd_data.csv, copied unchanged from DfE's repository) in
// the summary layout and checks that the rates attendrisk derives from the
// per-code counts alone equal DfE's published overall, authorised and
// unauthorised absence percentages for every row.
//
// In 51 of the 643 rows DfE's own authorised_absence total is a few sessions
// more than the sum of its authorised reason columns. attendrisk must report
// each of those rows as a contradiction; its code-derived rate is then
// within 0.001 percentage points of the published one. Every other row must
// match to floating-point precision.
func TestReproducesDfEPublishedRates(t *testing.T) {
	const path = "../../testdata/dfe/EES_ytd_data.csv"
	res, err := Run(Input{Files: []string{path}})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*Pupil{}
	for _, p := range res.Pupils {
		byID[p.ID] = p
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, r := range res.Quality.Findings() {
		if r.Key == "counts_mismatch" {
			if r.Count != 51 {
				t.Errorf("contradictions reported = %d, want 51", r.Count)
			}
		}
	}
	// Which rows does DfE's own arithmetic contradict? Those whose declared
	// possible sessions differ from the sum of the categories' codes.
	exact, close, suppressed := 0, 0, 0
	for line, r := range rows[1:] {
		var parts []string
		for _, g := range []string{"country_name", "region_name", "la_name", "education_phase"} {
			if v := strings.TrimSpace(r[col[g]]); v != "" {
				parts = append(parts, v)
			}
		}
		id := strings.Join(parts, " / ")
		if r[col["possible_sessions"]] == "c" {
			suppressed++
			if byID[id] != nil {
				t.Errorf("line %d: suppressed row was used", line+2)
			}
			continue
		}
		p := byID[id]
		if p == nil {
			t.Errorf("line %d: no result for %q", line+2, id)
			continue
		}
		declared, _ := strconv.Atoi(r[col["possible_sessions"]])
		consistent := declared == p.Figures.Possible
		fg := p.Figures
		got := map[string]float64{
			"overall_absence_perc":      fg.Pct(fg.Absent()),
			"authorised_absence_perc":   fg.Pct(fg.Authorised),
			"unauthorised_absence_perc": fg.Pct(fg.Unauthorised),
		}
		for name, g := range got {
			want, err := strconv.ParseFloat(r[col[name]], 64)
			if err != nil {
				t.Fatalf("line %d: %s: %v", line+2, name, err)
			}
			tol := 1e-9
			if !consistent {
				tol = 1e-3
			}
			if math.Abs(g-want) > tol {
				t.Errorf("line %d %s: %s = %.12f, DfE published %.12f", line+2, id, name, g, want)
			}
		}
		if consistent {
			exact++
		} else {
			close++
		}
	}
	if exact != 592 || close != 51 || suppressed != 4 {
		t.Errorf("rows: %d exact, %d contradicted, %d suppressed; want 592, 51, 4", exact, close, suppressed)
	}
	if q := res.Quality; q.RowsRead != 647 || q.RowsUsed != 643 || q.RowsRejected != 4 {
		t.Errorf("rows read/used/rejected = %d/%d/%d, want 647/643/4", q.RowsRead, q.RowsUsed, q.RowsRejected)
	}
	if res.Quality.Rejection("bad_count") != 4 {
		t.Errorf("suppressed rows rejected as bad_count = %d, want 4", res.Quality.Rejection("bad_count"))
	}
	for _, p := range res.Pupils {
		if !p.Aggregate || p.PA() || p.SA() {
			t.Fatalf("%s: an area row must be an aggregate and never persistent or severe", p.ID)
		}
	}
}
