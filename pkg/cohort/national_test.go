package cohort

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// TestNationalBasis works the Year 11 rule by hand on the summer term 2025
// (22/04 to 18/07: 116 sessions; the spring bank holiday is 26/05, so 46
// sessions come before it and 70 after). Two pupils are absent (O) for the
// 12 sessions from 02/06 to 09/06 and present otherwise: 12 of 116 is
// 10.3%, persistently absent. On DfE's basis the Year 11 pupil's 70
// sessions from the spring bank holiday are left out: 0 of 46, not
// persistently absent; the Year 10 pupil keeps all 116 and counts. Two
// classmates (Years 10 and 11) are present throughout. The pupil list keeps
// every session, so both absent pupils are persistently absent there.
func TestNationalBasis(t *testing.T) {
	type row struct {
		Key                       string
		Pupils, Possible, PA, Abs int
		LeftOut, Year11           int
	}
	rows := func(gs []Group) []row {
		var out []row
		for _, g := range gs {
			out = append(out, row{g.Key[0], g.Pupils, g.Figures.Possible, g.PA, g.Figures.Absent(), g.LeftOut, g.Year11})
		}
		return out
	}
	for _, tt := range []struct {
		name    string
		context string
		want    []row
	}{
		{
			name: "by year group",
			want: []row{
				{"All pupils", 4, 2*116 + 2*46, 1, 12, 2 * 70, 2},
				{"10", 2, 2 * 116, 1, 12, 0, 0},
				{"11", 2, 2 * 46, 0, 0, 2 * 70, 2},
			},
		},
		{
			// A date of birth decides it where there is one: the Year 10
			// pupil born 15/03/2009 was 15 on 31/08/2024 (kept back a
			// year) and is left out like Year 11; the Year 11 classmate
			// born 01/10/2009 was 14 and keeps every session.
			name:    "by date of birth",
			context: "testdata/year11-summer-dob.csv",
			want: []row{
				{"All pupils", 4, 116 + 46 + 46 + 116, 0, 0, 2 * 70, 2},
				{"10", 2, 116 + 46, 0, 0, 70, 1},
				{"11", 2, 46 + 116, 0, 0, 70, 1},
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := analysis.Run(analysis.Input{Files: []string{"testdata/year11-summer.csv"}, ContextFile: tt.context})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, rows(Summarise(res, []string{"year_group"}, 0))); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
			// A run that drops its register (analyse's outputs) keeps the
			// Year 11 pupils' figures on DfE's basis, worked out first.
			dropped, err := analysis.Run(analysis.Input{Files: []string{"testdata/year11-summer.csv"}, ContextFile: tt.context, DropRegister: true})
			if err != nil {
				t.Fatal(err)
			}
			if dropped.Register != nil || dropped.All[0].Marks() != nil {
				t.Error("DropRegister kept the register")
			}
			if diff := cmp.Diff(tt.want, rows(Summarise(dropped, []string{"year_group"}, 0))); diff != "" {
				t.Errorf("summary with the register dropped (-want +got):\n%s", diff)
			}
			// The pupil list: both absent pupils are persistently absent
			// on all their sessions, whatever the summary counts.
			pa := map[string]bool{}
			for _, p := range res.All {
				pa[p.ID] = p.PA()
			}
			want := map[string]bool{"T1100000001A": true, "T1000000001A": true, "T1100000002A": false, "T1000000002A": false}
			if diff := cmp.Diff(want, pa); diff != "" {
				t.Errorf("pupil list PA (-want +got):\n%s", diff)
			}
		})
	}
}

// A window that ends before the spring bank holiday leaves nothing out, and
// a Year 11 pupil known only by counts is said to be so.
func TestNationalBasisEdges(t *testing.T) {
	res, err := analysis.Run(analysis.Input{Files: []string{"testdata/year11-summer.csv"}, To: register.MustDay(2025, 5, 23)})
	if err != nil {
		t.Fatal(err)
	}
	total := Summarise(res, nil, 0)[0]
	if total.LeftOut != 0 || total.Year11 != 0 || total.Figures.Possible != 4*46 {
		t.Errorf("window to 23/05: left out %d of %d pupils, possible %d; want 0, 0, %d", total.LeftOut, total.Year11, total.Figures.Possible, 4*46)
	}

	counts := &analysis.Result{All: cohortOf(map[string]int{"11": 2, "10": 1}, 0).All}
	total = Summarise(counts, nil, 0)[0]
	if total.Undated != 2 || total.LeftOut != 0 || total.Pupils != 3 {
		t.Errorf("counts only: undated %d, left out %d, pupils %d; want 2, 0, 3", total.Undated, total.LeftOut, total.Pupils)
	}
}

func TestSummerPart2(t *testing.T) {
	for _, tt := range []struct {
		year int
		want register.Day
	}{
		{2024, register.MustDay(2024, 5, 27)},
		{2025, register.MustDay(2025, 5, 26)},
		{2026, register.MustDay(2026, 5, 25)},
		{2022, register.MustDay(2022, 6, 2)}, // moved for the Platinum Jubilee
		{2012, register.MustDay(2012, 6, 4)},
	} {
		from, to := analysis.SummerPart2(tt.year)
		if from != tt.want || to != register.MustDay(tt.year, 7, 31) {
			t.Errorf("SummerPart2(%d) = %s to %s, want %s to 31/07", tt.year, from.UK(), to.UK(), tt.want.UK())
		}
	}
}

// A pseudonymised result drops the register, but keeps the figures on
// DfE's basis worked out before it went.
func TestNationalBasisPseudonymised(t *testing.T) {
	res, err := analysis.Run(analysis.Input{Files: []string{"testdata/year11-summer.csv"}})
	if err != nil {
		t.Fatal(err)
	}
	before := Summarise(res, []string{"year_group"}, 0)
	if err := analysis.Pseudonymise(res, []byte("a key of sixteen bytes or more")); err != nil {
		t.Fatal(err)
	}
	after := Summarise(res, []string{"year_group"}, 0)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("pseudonymised summary (-before +after):\n%s", diff)
	}
	if after[0].LeftOut != 140 || after[0].PA != 1 {
		t.Errorf("left out %d, PA %d; want 140, 1", after[0].LeftOut, after[0].PA)
	}
}

// TestCompulsoryAgeRow: DfE's national figures cover pupils aged 5 to 15 on
// 31 August (attendance-reference.md, "Cohort and period used in official
// statistics"), so a school with a nursery, Reception or a sixth form gets
// a row of its Years 1 to 11 to set beside them; one whose pupils are all
// of that age does not (the total is that row). A pupil with no year group
// cannot be placed and stays in it. The row is withheld when it would
// disclose a small group: the pupils outside it (the total minus the row)
// under the threshold, or any group suppressed.
func TestCompulsoryAgeRow(t *testing.T) {
	type want struct {
		pupils int
		shown  string // "" no row; else "N", "c" or "c2" as shown() writes
	}
	for _, tt := range []struct {
		name  string
		sizes map[string]int
		by    []string
		below int
		want  want
	}{
		{"a secondary school, Years 7 to 11 only", map[string]int{"7": 6, "11": 6}, nil, 0, want{12, ""}},
		{"a sixth form and Reception", map[string]int{"R": 6, "7": 6, "12": 6, "13": 6}, nil, 0, want{24, "6"}},
		{"a year group not known stays in", map[string]int{"": 2, "7": 6, "12": 6}, nil, 0, want{14, "8"}},
		{"nursery", map[string]int{"N1": 3, "1": 6}, nil, 0, want{9, "6"}},
		{"outside under the threshold: withheld", map[string]int{"7": 6, "12": 3}, nil, 5, want{9, "c2"}},
		{"outside at the threshold: shown", map[string]int{"7": 6, "12": 5}, nil, 5, want{11, "6"}},
		{"a group suppressed: withheld", map[string]int{"7": 6, "8": 2, "9": 7, "12": 6}, []string{"year_group"}, 5, want{21, "c2"}},
		{"the row itself under the threshold", map[string]int{"7": 3, "12": 6}, nil, 5, want{9, "c"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := cohortOf(tt.sizes, 0)
			total := Summarise(res, tt.by, tt.below)[0]
			if total.Pupils != tt.want.pupils {
				t.Errorf("total %d pupils, want %d", total.Pupils, tt.want.pupils)
			}
			got := ""
			if c := total.Compulsory; c != nil {
				got = strings.TrimPrefix(shown([]Group{*c})[0], CompulsoryKey+" ")
				if c.Pupils+total.Outside != total.Pupils {
					t.Errorf("row %d + outside %d pupils != total %d", c.Pupils, total.Outside, total.Pupils)
				}
			}
			if got != tt.want.shown {
				t.Errorf("aged 5 to 15 row %q, want %q", got, tt.want.shown)
			}
		})
	}
}
