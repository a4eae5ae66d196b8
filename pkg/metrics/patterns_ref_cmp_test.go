package metrics

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// checkAgainstRef fails unless ComputePatternsAged gives exactly what the
// reference (the code before tuning) gives, unexported evidence days
// included, with the fast days on and off.
func checkAgainstRef(t *testing.T, what string, p *register.Pupil, cal *Calendar, end, csaFrom, csaTo register.Day) {
	t.Helper()
	defer func() { fastDays = true }()
	for _, fast := range []bool{true, false} {
		fastDays = true
		want := computePatternsAgedRef(p, cal, end, csaFrom, csaTo)
		fastDays = fast
		got := ComputePatternsAged(p, cal, end, csaFrom, csaTo)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s (fast days %v): got\n%+v\nthe reference gives\n%+v", what, fast, got, want)
		}
	}
}

// randomMarks is a register of every code for the school days: mostly
// present, with runs of one code (so runs, spells and windows are
// exercised), half days, gaps (mid-year joiners and leavers) and, when
// weekends is set, the odd weekend session.
func randomMarks(rng *rand.Rand, school []register.Day, codes []string, weekends bool) testMarks {
	m := testMarks{}
	code := "/"
	lo, hi := 0, len(school)
	switch rng.Intn(4) {
	case 0:
		lo = rng.Intn(len(school)) // joined mid-year
	case 1:
		hi = 1 + rng.Intn(len(school)) // left mid-year
	}
	for _, d := range school[lo:hi] {
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
		case 2:
			pm = ""
		}
		if am != "" || pm != "" {
			m[d] = [2]string{am, pm}
		}
		if weekends && d.Weekday() == 5 && rng.Intn(10) == 0 {
			m[d+1] = [2]string{codes[rng.Intn(len(codes))], ""}
		}
	}
	return m
}

// TestPatternsMatchReference: the tuned ComputePatternsAged gives every
// field exactly as the reference does, for many random pupils over a
// COVID-era year and a normal one, analysis ends at the year's end, in
// the middle, before a pupil's marks and on a weekend, with and without a
// compulsory-school-age range.
func TestPatternsMatchReference(t *testing.T) {
	var codes []string
	for _, c := range mark.Table() {
		codes = append(codes, c.Code)
	}
	rng := rand.New(rand.NewSource(29))
	for _, year := range []int{2020, 2024} {
		from, to := register.MustDay(year, 9, 2), register.MustDay(year+1, 7, 18)
		school := make([]register.Day, 0, 200)
		for d := from; d <= to; d++ {
			if !d.Weekend() && rng.Intn(12) != 0 {
				school = append(school, d)
			}
		}
		const n = 300
		pupils := map[string]testMarks{"BG": presentOn(school), "NONE": {}}
		for i := 0; i < n; i++ {
			pupils[fmt.Sprint("P", i)] = randomMarks(rng, school, codes, i%5 == 0)
		}
		// One day only, and the first and last days only.
		pupils["ONE"] = testMarks{school[10]: {"O", "N"}}
		pupils["ENDS"] = testMarks{school[0]: {"G", "G"}, school[len(school)-1]: {"N", "/"}}
		reg := testRegister(t, pupils)
		cal := NewCalendar(reg)
		ends := []register.Day{0, to, school[len(school)/2], school[3], from - 1, register.MustDay(year+1, 3, 1)}
		for name := range pupils {
			p := reg.Get(name)
			if p == nil {
				continue
			}
			for k, end := range ends {
				csaFrom, csaTo := register.Day(0), register.Day(0)
				switch k % 3 {
				case 1:
					csaFrom, csaTo = school[len(school)/3], school[2*len(school)/3]
				case 2:
					csaFrom = school[len(school)/4]
				}
				checkAgainstRef(t, fmt.Sprint(year, " ", name, " to ", end), p, cal, end, csaFrom, csaTo)
			}
		}
	}
}

// TestPatternsMatchReferenceLongSpan: at the 16-bit bound the span is cut
// to its last maxPatternDays school days; the tuned loop must cut it the
// same way, just under, at and over the bound.
func TestPatternsMatchReferenceLongSpan(t *testing.T) {
	school := schoolDays(register.MustDay(2000, 1, 3), register.MustDay(2070, 12, 31))
	for _, n := range []int{maxPatternDays - 1, maxPatternDays, maxPatternDays + 1, len(school)} {
		days := school[len(school)-n:]
		m := testMarks{}.fill(days, "O", "U")
		for i, d := range days {
			if i%11 == 0 {
				m[d] = [2]string{"/", "N"}
			}
		}
		reg := testRegister(t, map[string]testMarks{"BG": presentOn(school), "P": m})
		cal := NewCalendar(reg)
		checkAgainstRef(t, fmt.Sprint(n, " days"), reg.Get("P"), cal, 0, 0, 0)
	}
}

// FuzzPatternsReference: for any register the fuzzer writes (two bytes a
// calendar day from a Monday: each picks a code or no session, weekends
// included), any analysis end and any compulsory-school-age range, the
// tuned ComputePatternsAged agrees with the reference.
func FuzzPatternsReference(f *testing.F) {
	f.Add([]byte("\x01\x02\x01\x02\x05\x05\x00\x00"), uint16(3), uint16(0), uint16(0))
	f.Add([]byte("\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"), uint16(0), uint16(2), uint16(5))
	f.Add([]byte{}, uint16(0), uint16(0), uint16(0))
	var codes []string
	for _, c := range mark.Table() {
		codes = append(codes, c.Code)
	}
	f.Fuzz(func(t *testing.T, data []byte, endOff, csaFromOff, csaToOff uint16) {
		if len(data) > 2*800 {
			data = data[:2*800]
		}
		from := register.MustDay(2020, 8, 31) // a Monday before the COVID-era X year
		school := schoolDays(from, from+400)
		m := testMarks{}
		pick := func(b byte) string {
			if int(b) >= len(codes) {
				return "" // no session
			}
			return codes[b]
		}
		for i := 0; i+1 < len(data); i += 2 {
			am, pm := pick(data[i]), pick(data[i+1])
			if am != "" || pm != "" {
				m[from+register.Day(i/2)] = [2]string{am, pm}
			}
		}
		// A background pupil present every weekday makes the calendar's
		// school days; the fuzzed pupil is measured against it.
		reg := testRegister(t, map[string]testMarks{"BG": presentOn(school), "P": m})
		p := reg.Get("P")
		if p == nil {
			return
		}
		cal := NewCalendar(reg)
		day := func(off uint16) register.Day {
			if off == 0 {
				return 0
			}
			return from + register.Day(off%500) - 20
		}
		checkAgainstRef(t, "fuzzed register", p, cal, day(endOff), day(csaFromOff), day(csaToOff))
	})
}
