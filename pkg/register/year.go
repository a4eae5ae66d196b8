package register

import "fmt"

// AcademicYear is a school year in England, named by the calendar year it
// starts in: 2024 is 2024/25, 1 September 2024 to 31 August 2025. Persistent
// and severe absence are defined per academic year, so figures from two
// years are never added together without the user choosing to.
type AcademicYear int

// YearOf returns the academic year a day falls in.
func YearOf(d Day) AcademicYear {
	y, m, _ := d.Civil()
	if m < 9 {
		y--
	}
	return AcademicYear(y)
}

// Start is 1 September of the year.
func (a AcademicYear) Start() Day { return MustDay(int(a), 9, 1) }

// End is 31 August of the following calendar year.
func (a AcademicYear) End() Day { return MustDay(int(a)+1, 8, 31) }

// String names the year as DfE does: 2024/25.
func (a AcademicYear) String() string {
	return fmt.Sprintf("%d/%02d", int(a), (int(a)+1)%100)
}
