package analysis

import (
	"testing"

	"github.com/attendrisk/attendrisk/pkg/register"
)

// FuzzContextDate feeds any context cell to the date readers (date of
// birth, support last reviewed): they never panic, and a date they accept
// is a real day that reads back the same when written as dd/mm/yyyy.
func FuzzContextDate(f *testing.F) {
	for _, s := range []string{"01/10/2024", "01/10/24", "2024-10-01", "2024-10-01T09:00", "1.10.2024", "31/09/2024",
		"29/02/2023", "00/00/00", "-1/-1/-1", "after half term", "", " / / ", "01/10/999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for name, read := range map[string]func(any) (register.Day, bool){"contextDate": contextDate, "reviewDate": reviewDate} {
			d, ok := read(s)
			if !ok {
				continue
			}
			back, ok2 := contextDate(d.UK())
			if !ok2 || back != d {
				t.Errorf("%s(%q) = %s, which reads back as %v, %v", name, s, d.UK(), back, ok2)
			}
		}
		p := &Pupil{Context: map[string]any{"support_last_reviewed": s}, end: register.MustDay(2025, 7, 18), Support: SupportEngaged}
		// Exactly one reading of the cell: a review date on or before the
		// last day, one after it, or not a date.
		r := p.supportReview()
		set := 0
		for _, b := range []bool{r.At != 0, r.Later != 0, r.Bad != ""} {
			if b {
				set++
			}
		}
		if set != 1 || r.At > p.end || (r.Later != 0 && r.Later <= p.end) || r.Days(p.end) < 0 {
			t.Errorf("supportReview(%q) = %+v", s, r)
		}
	})
}
