package cohort

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/analysis"
	"github.com/attendrisk/attendrisk/pkg/metrics"
)

// cohortOf builds a result with n pupils in each year group (each with 10
// possible sessions, one of them absent), and a group of pupils with no
// possible sessions when blank > 0.
func cohortOf(sizes map[string]int, blank int) *analysis.Result {
	res := &analysis.Result{}
	id := 0
	years := make([]string, 0, len(sizes))
	for y := range sizes {
		years = append(years, y)
	}
	sort.Strings(years) // pupil ids, and so schools, do not depend on map order
	for _, year := range years {
		n := sizes[year]
		for i := 0; i < n; i++ {
			id++
			res.All = append(res.All, &analysis.Pupil{ID: fmt.Sprint(id), Figures: metrics.Figures{Possible: 10, Present: 9, Unauthorised: 1}})
			res.All[len(res.All)-1].Info.YearGroup = year
			res.All[len(res.All)-1].Info.School = "S" + fmt.Sprint(id%2)
		}
	}
	for i := 0; i < blank; i++ {
		id++
		res.All = append(res.All, &analysis.Pupil{ID: fmt.Sprint(id)})
	}
	return res
}

// shown writes each group as "key pupils" or "key c" (suppressed; "c2" when
// suppressed only so that another cannot be derived).
func shown(gs []Group) []string {
	var out []string
	for _, g := range gs {
		v := fmt.Sprint(g.Pupils)
		switch {
		case g.Secondary:
			v = "c2"
		case g.Suppressed:
			v = "c"
		}
		out = append(out, strings.Join(g.Key, "/")+" "+v)
	}
	return out
}

// TestSecondarySuppression works through small cohorts by hand. With
// --suppress-below 5 a group of 2 is suppressed; were it the only one, the
// total minus the shown groups would be exactly its figures, so the next
// smallest group is suppressed with it.
func TestSecondarySuppression(t *testing.T) {
	tests := []struct {
		name  string
		sizes map[string]int
		blank int
		by    []string
		below int
		want  []string
	}{
		{
			// 25 - (6 + 12) = 7 = Year 7 and Year 10 together: neither alone.
			name:  "one small group: the next smallest goes with it",
			sizes: map[string]int{"Year 7": 2, "Year 8": 6, "Year 9": 12, "Year 10": 5},
			by:    []string{"year_group"}, below: 5,
			want: []string{"All pupils 25", "Year 7 c", "Year 8 6", "Year 9 12", "Year 10 c2"},
		},
		{
			name:  "two small groups protect each other",
			sizes: map[string]int{"Year 7": 2, "Year 8": 3, "Year 9": 12},
			by:    []string{"year_group"}, below: 5,
			want: []string{"All pupils 17", "Year 7 c", "Year 8 c", "Year 9 12"},
		},
		{
			name:  "equal next smallest: the first in order",
			sizes: map[string]int{"Year 7": 6, "Year 8": 6, "Year 9": 1},
			by:    []string{"year_group"}, below: 5,
			want: []string{"All pupils 13", "Year 7 c2", "Year 8 6", "Year 9 c"},
		},
		{
			name:  "no small group: nothing suppressed",
			sizes: map[string]int{"Year 7": 5, "Year 8": 6},
			by:    []string{"year_group"}, below: 5,
			want: []string{"All pupils 11", "Year 7 5", "Year 8 6"},
		},
		{
			name:  "a total under the threshold suppresses everything",
			sizes: map[string]int{"Year 7": 1, "Year 8": 3},
			by:    []string{"year_group"}, below: 5,
			want: []string{"All pupils c", "Year 7 c", "Year 8 c"},
		},
		{
			// The blank group (sorted first) has no assessable pupils: it is shown as c but
			// gives nobody away, so Year 9 alone calls for a second.
			name:  "an empty group does not count as the second",
			sizes: map[string]int{"Year 8": 6, "Year 9": 2, "Year 10": 7},
			blank: 3,
			by:    []string{"year_group"}, below: 5,
			want: []string{"All pupils 15", "(blank) c", "Year 8 c2", "Year 9 c", "Year 10 7"},
		},
		{
			name:  "two dimensions: the cells partition the total",
			sizes: map[string]int{"Year 7": 12, "Year 8": 3},
			by:    []string{"year_group", "school"}, below: 2,
			// Year 8 is one pupil at S0 and two at S1.
			want: []string{"All pupils 15", "Year 7/S0 6", "Year 7/S1 6", "Year 8/S0 c", "Year 8/S1 c2"},
		},
		{
			name:  "without --suppress-below nothing is suppressed",
			sizes: map[string]int{"Year 7": 1, "Year 8": 6},
			by:    []string{"year_group"}, below: 0,
			want: []string{"All pupils 7", "Year 7 1", "Year 8 6"},
		},
		{
			name:  "no --by: the total alone",
			sizes: map[string]int{"Year 7": 3},
			below: 5,
			want:  []string{"All pupils c"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := shown(Summarise(cohortOf(tt.sizes, tt.blank), tt.by, tt.below))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
