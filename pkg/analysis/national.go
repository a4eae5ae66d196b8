package analysis

import (
	"strings"
	"time"

	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// DfE's published absence statistics leave out the second half of the
// summer term (the spring bank holiday to 31 July, the census's "summer
// part 2") for pupils aged 15 at the start of the academic year, that is
// Year 11, whose study leave and examinations would otherwise swamp it
// (Department for Education, Pupil absence in schools in England,
// methodology: "sixth half term absence is removed prior to analysis" for
// age 15). A school's persistent and severe absence compared with the
// national figures has to be counted the same way, or a school with a
// Year 11 looks worse than it is. The pupil's own figures, which an
// officer acts on, keep every session: this basis is for comparison only.

// NationalBasis says how the figures compared with national ones were
// counted, for output footnotes.
const NationalBasis = "Year 11 (aged 15) sessions from the spring bank holiday to 31 July are left out, as in DfE's statistics"

// NationalFigures is a pupil's figures on the basis of DfE's statistics:
// for a Year 11 pupil (by date of birth, aged 15 on 31 August before the
// academic year; without one, by year group), the sessions from the spring
// bank holiday to 31 July are left out. leftOut is how many possible
// sessions that took away. dated is false for a Year 11 pupil whose
// figures are counts with no dates (a summary-layout export): nothing can
// be left out, and the caller should say so. A pseudonymised result keeps
// the figures worked out before its register was dropped.
func (r *Result) NationalFigures(p *Pupil) (f metrics.Figures, leftOut int, dated bool) {
	if n := p.national; n != nil {
		return n.f, n.leftOut, n.dated
	}
	f = p.Figures
	if p.Aggregate || !p.Figures.Assessable() || !r.year11(p) {
		return f, 0, true
	}
	if p.reg == nil || !p.reg.HasMarks() {
		return f, 0, false
	}
	from, to := r.From, r.To
	if from == 0 || to == 0 {
		first, last := p.reg.Span()
		if from == 0 {
			from = first
		}
		if to == 0 {
			to = last
		}
	}
	var kept metrics.Figures
	start := from
	fy, _, _ := from.Civil()
	ty, _, _ := to.Civil()
	for y := fy; y <= ty; y++ {
		cut, end := SummerPart2(y)
		if end < from || cut > to {
			continue
		}
		if cut > start {
			kept.Add(metrics.Compute(p.reg, start, cut-1))
		}
		start = end + 1
	}
	if start <= to {
		kept.Add(metrics.Compute(p.reg, start, to))
	}
	return kept, f.Possible - kept.Possible, true
}

// nationalFigures are NationalFigures' results, kept.
type nationalFigures struct {
	f       metrics.Figures
	leftOut int
	dated   bool
}

// keepNational works out p's figures on DfE's basis while the register is
// still there to count them from (Pseudonymise drops it).
func (r *Result) keepNational(p *Pupil) {
	f, left, dated := r.NationalFigures(p)
	p.national = &nationalFigures{f, left, dated}
}

// year11 reports a pupil DfE's statistics count as aged 15: from the date
// of birth in the context when there is a readable one, else Year 11.
func (r *Result) year11(p *Pupil) bool {
	age, ok := r.DfEAge(p)
	return ok && age == 15
}

// DfEAge is a pupil's age as DfE's statistics count it: on 31 August
// before the academic year analysed, from the date of birth in the context
// when there is a readable one, else from the year group (Year 1 is 5,
// Year 11 is 15, Reception 4, nursery 3). ok is false when neither says.
// The national figures cover pupils aged 5 to 15 on that day.
func (r *Result) DfEAge(p *Pupil) (age int, ok bool) {
	for _, col := range dobColumns {
		v, has := p.Context[col]
		if !has || r.To == 0 {
			continue
		}
		dob, ok := contextDate(v)
		if !ok {
			break // read as no date of birth, as pupilAge reports it
		}
		y := int(register.YearOf(r.To))
		by, bm, _ := dob.Civil()
		age := y - by
		if bm > 8 {
			age-- // born September to December: no birthday yet by 31 August
		}
		return age, true
	}
	t := strings.ToLower(strings.TrimSpace(p.Info.YearGroup))
	switch t {
	case "n", "n1", "n2", "nursery":
		return 3, true
	}
	n := ncYear(p.Info.YearGroup)
	if n < 0 {
		return 0, false
	}
	if n == 0 {
		return 4, true // Reception
	}
	return n + 4, true
}

// SummerPart2 is the census's second summer half term of calendar year y:
// the spring bank holiday (the last Monday in May, moved for the jubilees
// of 2002, 2012 and 2022) to 31 July.
func SummerPart2(y int) (from, to register.Day) {
	switch y {
	case 2002:
		from = register.MustDay(2002, 6, 4)
	case 2012:
		from = register.MustDay(2012, 6, 4)
	case 2022:
		from = register.MustDay(2022, 6, 2)
	default:
		from = register.MustDay(y, 5, 31)
		for from.Weekday() != time.Monday {
			from--
		}
	}
	return from, register.MustDay(y, 7, 31)
}
