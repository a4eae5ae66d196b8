package ingest

import (
	"errors"
	"io"
	"sort"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// The date order of a file whose order is not declared (--date-order or a
// profile's date_order) is decided from the file's own dates, and the whole
// file is read that one way:
//
//   - a date that is a real date only day-first (13/09/2024) or only
//     month-first (09/13/2024) settles it;
//   - a file with dates of both kinds is refused, naming one of each: no
//     reading of it can be trusted, and the user must say which it is;
//   - a file in which no date settles it (every number 12 or less) is read
//     day-first, the UK default.
//
// A marks file is streamed, and its rows are applied as they are parsed, so
// the order must be known before the first ambiguous date (09/03/2024) is
// applied. Before any row is applied, a scan reads the dates of the first
// sampleDates rows (also giving the middle year of the file's dates,
// against which a mistyped year is rejected); nearly every file is settled
// by it, since a pupil's rows cover more than twelve days. If the scan did
// not settle the order and an ambiguous date then comes to be applied, the
// file's dates are scanned again from the start until one settles it (or to
// the end). Every date the main pass applies is also checked against the
// settled order, so a file that mixes orders after the scanned rows is still
// refused: a run never succeeds on a file read half one way, half the other.
// The scans read only the date column and hold one record at a time, so
// memory stays by pupils, not rows.

// sampleDates is how many dates the first scan reads: enough for the year
// most of a file's dates are in, few enough to cost nothing next to the
// file itself.
const sampleDates = 10000

// dateEvidence is the first date that settled a file's order.
type dateEvidence struct {
	order dateOrder
	where quality.Loc
	text  string // the date as written, quoted
	day   register.Day
}

// dateSample is what a scan of a file's dates found.
type dateSample struct {
	years map[int]int // calendar year → dates, over the first sampleDates dates
	first *dateEvidence
}

// dateScan reads a file's dates from the start of its data: dates are
// counted by year for the first limit of them, and the scan goes on until
// one settles the order when untilSettled is set.
type dateScan func(limit int, untilSettled bool) (dateSample, error)

// fileDates decides and checks the dates of one file as its rows are
// applied in file order.
type fileDates struct {
	order  dateOrder     // declared, settled, or orderAuto while undecided
	first  *dateEvidence // the date that settled the order, if one did
	anchor int           // the middle year of the file's dates; 0: no check
	scan   dateScan
	// detected says the order was not declared: it is the file's own.
	detected bool
}

// newFileDates runs the first scan of a file's dates. scan may be nil when
// the file has no date column (a grid: its dates are its header's).
func newFileDates(o DateOrder, scan dateScan) (*fileDates, error) {
	fd := &fileDates{order: o.internal(), scan: scan, detected: o.internal() == orderAuto}
	if scan == nil {
		return fd, nil
	}
	s, err := scan(sampleDates, false)
	if err != nil {
		return nil, err
	}
	fd.anchor = middleYear(s.years)
	if fd.order == orderAuto && s.first != nil {
		fd.order, fd.first = s.first.order, s.first
	}
	return fd, nil
}

// middleYear is the median of the years counted (the earlier middle one of
// an even count), or 0 when none were: a few mistyped years cannot move it.
func middleYear(years map[int]int) int {
	n := 0
	keys := make([]int, 0, len(years))
	for y, c := range years {
		keys = append(keys, y)
		n += c
	}
	sort.Ints(keys)
	seen := 0
	for _, y := range keys {
		if seen += years[y]; 2*seen >= n {
			return y
		}
	}
	return 0
}

// resolve returns a record's date in the file's order, settling the order
// on the first date that can only be read one way, and refusing a date
// that contradicts it.
func (fd *fileDates) resolve(rec *markRec, loc quality.Loc) (register.Day, error) {
	switch rec.dkind {
	case dateDayFirst, dateMonthFirst:
		o := orderDMY
		if rec.dkind == dateMonthFirst {
			o = orderMDY
		}
		if fd.order == orderAuto {
			fd.order = o
			fd.first = &dateEvidence{order: o, where: loc, text: rec.detail, day: rec.day}
		} else if fd.order != o {
			return 0, fd.mixed(rec, loc, o)
		}
	case dateAmbiguous:
		if fd.order == orderAuto {
			if err := fd.decide(); err != nil {
				return 0, err
			}
		}
		if fd.order == orderMDY {
			return rec.alt, nil
		}
	}
	return rec.day, nil
}

// decide scans the file's dates until one settles the order; with none,
// the file is read day-first.
func (fd *fileDates) decide() error {
	fd.order = orderDMY
	if fd.scan == nil {
		return nil
	}
	s, err := fd.scan(0, true)
	if err != nil {
		return err
	}
	if s.first != nil {
		fd.order, fd.first = s.first.order, s.first
	}
	return nil
}

// mixed is the error for a file with dates of both orders.
func (fd *fileDates) mixed(rec *markRec, loc quality.Loc, o dateOrder) error {
	if fd.first == nil { // cannot happen: an order is only settled by a date
		return errorf(loc, "the date %s can only be %s, which contradicts the rest of the file; say which order the file uses with --date-order dmy or --date-order mdy", rec.detail, orderName(o))
	}
	return errorf(loc, "the date %s can only be %s (%s), but %s at %s can only be %s (%s): the file mixes date orders, so none of its dates can be trusted; say which order it uses with --date-order %s or --date-order %s (or date_order in a profile): the dates that are no real date in that order are then rejected",
		rec.detail, orderName(o), longDate(rec.day), fd.first.text, fd.first.where, orderName(fd.first.order), longDate(fd.first.day),
		orderFlag(fd.first.order), orderFlag(o))
}

func orderName(o dateOrder) string {
	if o == orderMDY {
		return "month-first"
	}
	return "day-first"
}

func orderFlag(o dateOrder) string {
	if o == orderMDY {
		return "mdy"
	}
	return "dmy"
}

// longDate writes a day unambiguously: 13 September 2024.
func longDate(d register.Day) string { return d.Time().Format("2 January 2006") }

// scanRows is the dateScan of a file whose rows next yields from the start
// of its data: fields, line, and io.EOF at the end. A row that would be
// rejected before its date is read (too short, no pupil id) is skipped, so
// the scan sees the dates the main pass reads.
func scanRows(open func() (next func() ([][]byte, int, error), done func(), err error), cols marksCols, loc func(line int) quality.Loc) dateScan {
	return func(limit int, untilSettled bool) (dateSample, error) {
		s := dateSample{years: map[int]int{}}
		next, done, err := open()
		if err != nil {
			return s, err
		}
		defer done()
		counted := 0
		var last []byte
		var lastYear int
		var lastKind dateKind
		lastOK := false
		for {
			if counted >= limit && (!untilSettled || s.first != nil) {
				return s, nil
			}
			fields, line, err := next()
			if err == io.EOF {
				return s, nil
			}
			var rr *rowReject
			if errors.As(err, &rr) {
				continue // a row the main pass rejects, with its reason
			}
			if err != nil {
				return s, err
			}
			if len(fields) < cols.need || len(trimSpace(fields[cols.id])) == 0 {
				continue
			}
			raw := fields[cols.date]
			if last == nil || string(raw) != string(last) {
				last = append(last[:0], raw...)
				lastOK = false
				if r, ok := scanDate(raw, cols.serial, true); ok {
					var d register.Day
					d, _, lastKind, lastOK = r.classify()
					lastYear, _, _ = d.Civil()
					if lastOK && s.first == nil && (lastKind == dateDayFirst || lastKind == dateMonthFirst) {
						o := orderDMY
						if lastKind == dateMonthFirst {
							o = orderMDY
						}
						s.first = &dateEvidence{order: o, where: loc(line), text: quoteShort([]byte(cols.text(raw))), day: d}
					}
				}
			}
			if lastOK && counted < limit {
				s.years[lastYear]++
				counted++
			}
		}
	}
}

// gridDates decides the order of a grid header's dates and reads them. The
// cells are the header cells that are dates; where is each one's place, for
// messages. A header that mixes orders, or holds a date that is no date in
// a declared order, is an error: the columns cannot be placed in time.
func gridDates(cells []gridHead, texts []string, o DateOrder, where func(i int) quality.Loc) ([]register.Day, *dateEvidence, error) {
	order := o.internal()
	days := make([]register.Day, len(cells))
	var ev *dateEvidence
	if order == orderAuto {
		df, mf := -1, -1
		for i, c := range cells {
			_, _, kind, _ := c.date.classify()
			if kind == dateDayFirst && df < 0 {
				df = i
			}
			if kind == dateMonthFirst && mf < 0 {
				mf = i
			}
		}
		switch {
		case df >= 0 && mf >= 0:
			return nil, nil, errorf(where(mf), "the header %q can only be a month-first date, but %q at %s can only be day-first: the header mixes date orders; say which it uses with --date-order dmy or --date-order mdy (or date_order in a profile)",
				texts[mf], texts[df], where(df))
		case mf >= 0:
			order = orderMDY
			d, _ := cells[mf].date.in(orderMDY)
			ev = &dateEvidence{order: orderMDY, where: where(mf), text: quoteShort([]byte(texts[mf])), day: d}
		default:
			order = orderDMY
		}
	}
	for i, c := range cells {
		d, ok := c.date.in(order)
		if !ok {
			return nil, nil, errorf(where(i), "the header %q is not a date in the date order given (%s); check --date-order or the profile's date_order",
				texts[i], o)
		}
		days[i] = d
	}
	return days, ev, nil
}

// report notes in the account a file its own dates showed to be
// month-first: the figures are right, and the reader should know why.
func (fd *fileDates) report(q *quality.Report) {
	if fd.detected {
		reportMonthFirst(q, fd.first)
	}
}

func reportMonthFirst(q *quality.Report, ev *dateEvidence) {
	if ev != nil && ev.order == orderMDY {
		q.Find("month_first", ev.where, ev.text+" can only be month-first")
	}
}

// farYears returns the days of a grid's columns whose year is more than
// maxYearsAway from the middle year of them all.
func farYears(days []register.Day) (anchor int, far map[register.Day]bool) {
	years := map[int]int{}
	for _, d := range days {
		y, _, _ := d.Civil()
		years[y]++
	}
	anchor = middleYear(years)
	far = map[register.Day]bool{}
	for _, d := range days {
		if farFrom(d, anchor) {
			far[d] = true
		}
	}
	return anchor, far
}
