package metrics

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// TestPatternsFastDays: counting a day of two only-possible sessions
// without the session loop (fastDays) gives the same patterns as the loop,
// on random registers of every code (mostly present, as real ones are,
// with runs of one code so the runs, spells and windows are exercised),
// whole and half days, a COVID-era year (X possible), and compulsory
// school age starting and ending inside the period.
func TestPatternsFastDays(t *testing.T) {
	var codes []string
	for _, c := range mark.Table() {
		codes = append(codes, c.Code)
	}
	rng := rand.New(rand.NewSource(13))
	for _, year := range []int{2020, 2024} {
		from, to := register.MustDay(year, 9, 2), register.MustDay(year+1, 7, 18)
		school := make([]register.Day, 0, 200)
		for d := from; d <= to; d++ {
			if !d.Weekend() && rng.Intn(12) != 0 {
				school = append(school, d)
			}
		}
		pupils := map[string]testMarks{"BG": presentOn(school)}
		for i := 0; i < 40; i++ {
			m := testMarks{}
			code := "/"
			for _, d := range school {
				if rng.Intn(8) == 0 {
					code = codes[rng.Intn(len(codes))]
					if rng.Intn(2) == 0 {
						code = "/"
					}
				}
				am, pm := code, code
				if code == "/" {
					pm = `\`
				}
				switch rng.Intn(30) {
				case 0:
					am = ""
				case 1:
					pm = codes[rng.Intn(len(codes))]
				}
				if am != "" || pm != "" {
					m[d] = [2]string{am, pm}
				}
			}
			pupils[fmt.Sprint("P", i)] = m
		}
		reg := testRegister(t, pupils)
		cal := NewCalendar(reg)
		for i := 0; i < 40; i++ {
			p := reg.Get(fmt.Sprint("P", i))
			for _, end := range []register.Day{to, school[len(school)/2]} {
				csaFrom, csaTo := register.Day(0), register.Day(0)
				if i%3 == 1 {
					csaFrom, csaTo = school[len(school)/3], school[2*len(school)/3]
				}
				fastDays = true
				fast := ComputePatternsAged(p, cal, end, csaFrom, csaTo)
				fastDays = false
				slow := ComputePatternsAged(p, cal, end, csaFrom, csaTo)
				fastDays = true
				if !reflect.DeepEqual(fast, slow) {
					t.Fatalf("%d, pupil %d, to %s: the fast days give\n%+v\nthe session loop\n%+v", year, i, end.UK(), fast, slow)
				}
			}
		}
	}
}
