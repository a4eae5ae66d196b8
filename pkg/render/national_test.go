package render

import (
	"testing"

	"github.com/attendrisk/attendrisk/pkg/cohort"
)

// The summary's note on DfE's basis appears only when it made a
// difference, and says what could not be adjusted.
func TestNationalNote(t *testing.T) {
	total := func(left, year11, undated int) []cohort.Group {
		return []cohort.Group{{Key: []string{"All pupils"}, LeftOut: left, Year11: year11, Undated: undated}}
	}
	for _, tt := range []struct {
		name   string
		groups []cohort.Group
		want   string
	}{
		{"nothing left out", total(0, 0, 0), ""},
		{"no total", []cohort.Group{{Key: []string{"7"}, LeftOut: 10, Year11: 1}}, ""},
		{"sessions left out", total(70, 1, 0), "Counted as DfE's statistics are, to compare with the national figures: Year 11's " +
			"sessions from the spring bank holiday to 31 July are left out (70 possible sessions of 1 pupil). The pupil list (analyse) counts every session."},
		{"counts without dates", total(0, 0, 1), "1 pupil in Year 11 has counts without dates, so the sessions after the spring bank holiday could not be left out."},
		{"both", total(140, 2, 3), "Counted as DfE's statistics are, to compare with the national figures: Year 11's " +
			"sessions from the spring bank holiday to 31 July are left out (140 possible sessions of 2 pupils). The pupil list (analyse) counts every session. " +
			"3 pupils in Year 11 have counts without dates, so the sessions after the spring bank holiday could not be left out."},
	} {
		if got := NationalNote(tt.groups); got != tt.want {
			t.Errorf("%s: NationalNote = %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
