package ingest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/register"
)

func TestParseDate(t *testing.T) {
	sep3 := "2024-09-03"
	tests := []struct {
		in    string
		excel bool
		want  string // ISO date; "" means rejected
	}{
		// UK day-first, the default; never guessed as US month-first.
		{"03/09/2024", false, sep3},
		{"3/9/2024", false, sep3},
		{"03/9/2024", false, sep3},
		{"03-09-2024", false, sep3},
		{"03.09.2024", false, sep3},
		{"03/09/24", false, sep3},
		{"12/01/2025", false, "2025-01-12"},
		{" 03/09/2024 ", false, sep3},
		{"03/09/2024\r", false, sep3},
		// ISO.
		{"2024-09-03", false, sep3},
		{"2024-9-3", false, sep3},
		{"2024/09/03", false, sep3},
		// A time of day is ignored.
		{"03/09/2024 00:00:00", false, sep3},
		{"03/09/2024 08:45", false, sep3},
		{"2024-09-03 00:00:00", false, sep3},
		{"2024-09-03T08:45:00Z", false, sep3},
		{"2024-09-03T00:00:00.000+01:00", false, sep3},
		// Leap days.
		{"29/02/2024", false, "2024-02-29"},
		{"29/02/2025", false, ""},
		{"2025-02-29", false, ""},
		{"29/02/2000", false, "2000-02-29"},
		{"29/02/1900", false, ""},
		// Impossible and malformed dates.
		{"31/02/2025", false, ""},
		{"31/04/2025", false, ""},
		{"00/01/2025", false, ""},
		{"32/01/2025", false, ""},
		{"01/13/2025", false, ""}, // not read as 13 January: UK order only
		{"09/03/2024", false, "2024-03-09"},
		{"2024-13-01", false, ""},
		{"2024-00-10", false, ""},
		{"", false, ""},
		{"   ", false, ""},
		{"today", false, ""},
		{"ab/cd/efgh", false, ""},
		{"03/09", false, ""},
		{"03/09/2024/1", false, ""},
		{"03/09/202", false, ""},   // three-digit year
		{"03/09/02024", false, ""}, // five-digit year
		{"03//2024", false, ""},
		{"/09/2024", false, ""},
		{"03/09/2024x", false, ""},
		{"01/01/1899", false, ""}, // before the supported range
		{"01/01/2201", false, ""},
		{"+3/09/2024", false, ""},
		{"03/09/2024 Notes", false, ""}, // only a time of day may follow a date
		{"03/09/2024 09", false, ""},
		// Excel serial days, only when reading XLSX cells.
		{"45538", true, sep3},
		// A date-time cell: the time of day is ignored, as for text dates.
		{"45538.5", true, sep3},
		{"45538.999", true, sep3},
		{"45538.364583333336", true, sep3},
		{"45292", true, "2024-01-01"},
		{"25569", true, "1970-01-01"},
		{"45538", false, ""},
		{"03/09/2024", true, sep3},
		{"2024-09-03", true, sep3},
		{"0", true, ""},
		{"0.5", true, ""},
		{"abc", true, ""},
		{"45538abc", true, ""},
		// Serials outside the 1900-2200 range every other date path keeps to.
		{"1", true, ""}, // 31/12/1899 in Excel's reckoning
		{"2", true, "1900-01-01"},
		{"109939", true, "2200-12-31"},
		{"109940", true, ""},  // 01/01/2201
		{"2958465", true, ""}, // 31/12/9999
		{"99999999", true, ""},
	}
	for _, tt := range tests {
		d, ok := parseDate([]byte(tt.in), tt.excel)
		got := ""
		if ok {
			got = d.ISO()
		}
		if got != tt.want {
			t.Errorf("parseDate(%q, excel=%v) = %q, %v; want %q", tt.in, tt.excel, got, ok, tt.want)
		}
	}
}

// TestParseDate1904: workbooks saved in the 1904 date system (old Mac
// Excel) number the same day 1,462 lower; the supported range is the same.
func TestParseDate1904(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"44076", "2024-09-03"},
		{"44076.75", "2024-09-03"},
		{"108477", "2200-12-31"},
		{"108478", ""}, // 01/01/2201
		{"109939", ""},
		{"03/09/2024", "2024-09-03"}, // text dates are text dates
	}
	for _, tt := range tests {
		d, ok := readDate([]byte(tt.in), serial1904, orderDMY)
		got := ""
		if ok {
			got = d.ISO()
		}
		if got != tt.want {
			t.Errorf("parseDateOrder(%q, 1904) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestParseDateMonthFirst(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"09/03/2024", "2024-09-03"},
		{"9/3/2024", "2024-09-03"},
		{"09/03/24", "2024-09-03"},
		{"2024-09-03", "2024-09-03"}, // ISO is never reordered
		{"13/01/2024", ""},           // no 13th month
		{"02/29/2025", ""},
	}
	for _, tt := range tests {
		d, ok := readDate([]byte(tt.in), noSerial, orderMDY)
		got := ""
		if ok {
			got = d.ISO()
		}
		if got != tt.want {
			t.Errorf("parseDateOrder(%q, monthFirst) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestParseSession(t *testing.T) {
	tests := []struct {
		in   string
		want register.Session
		ok   bool
	}{
		{"AM", register.AM, true},
		{"am", register.AM, true},
		{"Am", register.AM, true},
		{"A", register.AM, true},
		{"a", register.AM, true},
		{" AM ", register.AM, true},
		{"AM\r", register.AM, true},
		{"Morning", register.AM, true},
		{"MORNING", register.AM, true},
		{"a.m.", register.AM, true},
		{"A.M", register.AM, true},
		{"PM", register.PM, true},
		{"pm", register.PM, true},
		{"P", register.PM, true},
		{"\tp\t", register.PM, true},
		{"Afternoon", register.PM, true},
		{"p.m.", register.PM, true},
		{"P.M", register.PM, true},
		{"", 0, false},
		{" ", 0, false},
		{"X", 0, false},
		{"AMX", 0, false},
		{"AX", 0, false},
		{"PX", 0, false},
		{"MA", 0, false},
		{"1", 0, false},
		{"Evening", 0, false},
		{"AM PM", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseSession([]byte(tt.in))
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("parseSession(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseGridHeader(t *testing.T) {
	d := register.MustDay(2024, 9, 3)
	tests := []struct {
		in    string
		excel bool
		want  gridColumn
		ok    bool
	}{
		{"03/09/2024 AM", false, gridColumn{day: d, session: register.AM}, true},
		{"03/09/2024 PM", false, gridColumn{day: d, session: register.PM}, true},
		{"2024-09-03 PM", false, gridColumn{day: d, session: register.PM}, true},
		{"03/09/2024 pm", false, gridColumn{day: d, session: register.PM}, true},
		{"Tue 03/09/2024 AM", false, gridColumn{day: d, session: register.AM}, true},
		{"Tuesday, 03/09/2024 PM", false, gridColumn{day: d, session: register.PM}, true},
		{"TUE 03/09/2024 AM", false, gridColumn{day: d, session: register.AM}, true},
		{"03/09/2024 (AM)", false, gridColumn{day: d, session: register.AM}, true},
		{"03/09/2024_PM", false, gridColumn{day: d, session: register.PM}, true},
		{"  03/09/2024   AM  ", false, gridColumn{day: d, session: register.AM}, true},
		{"3/9/24 a", false, gridColumn{day: d, session: register.AM}, true},
		// A day column holds both sessions.
		{"03/09/2024", false, gridColumn{day: d, both: true}, true},
		{"Tue 03/09/2024", false, gridColumn{day: d, both: true}, true},
		{"2024-09-03", false, gridColumn{day: d, both: true}, true},
		// XLSX date cells arrive as serial numbers.
		{"45538", true, gridColumn{day: d, both: true}, true},
		{"45538 PM", true, gridColumn{day: d, session: register.PM}, true},
		{"45538", false, gridColumn{}, false},
		// Not session columns.
		{"UPN", false, gridColumn{}, false},
		{"Surname", false, gridColumn{}, false},
		{"", false, gridColumn{}, false},
		{"Tue", false, gridColumn{}, false},
		{"Tue AM", false, gridColumn{}, false},
		{"31/02/2024 AM", false, gridColumn{}, false},
		{"03/09/2024 XX", false, gridColumn{}, false},
		{"03/09/2024 AM extra", false, gridColumn{}, false},
		{"Total 03/09/2024", false, gridColumn{}, false},
		{"Year", false, gridColumn{}, false},
	}
	for _, tt := range tests {
		got, ok := parseGridHeader(tt.in, tt.excel)
		if ok != tt.ok {
			t.Errorf("parseGridHeader(%q, excel=%v) ok = %v, want %v", tt.in, tt.excel, ok, tt.ok)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(gridColumn{})); diff != "" {
			t.Errorf("parseGridHeader(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestSplitDayCell(t *testing.T) {
	tests := []struct {
		in     string
		am, pm string
		ok     bool
	}{
		{`/\`, "/", `\`, true},
		{"NN", "N", "N", true},
		{"/N", "/", "N", true},
		{"IM", "I", "M", true},
		{"//", "/", "/", true},
		{"##", "#", "#", true},
		{"--", "-", "-", true},
		{"i/", "i", "/", true},
		// 2024 two-character codes are read whole before single characters.
		{"C2C2", "C2", "C2", true},
		{"C1/", "C1", "/", true},
		{"/C1", "/", "C1", true},
		{"J1N", "J1", "N", true},
		{"Y1Y7", "Y1", "Y7", true},
		{"y1y2", "y1", "y2", true},
		{"C1C", "C1", "C", true},
		{"CC", "C", "C", true},
		{"CC1", "C", "C1", true},
		{"IJ1", "I", "J1", true},
		// Separated marks.
		{"C2 C2", "C2", "C2", true},
		{"/ O", "/", "O", true},
		{"/,O", "/", "O", true},
		{"/|O", "/", "O", true},
		{"/;O", "/", "O", true},
		{"  /\\  ", "/", `\`, true},
		// Not two marks.
		{"", "", "", false},
		{"/", "", "", false},
		{"C1", "", "", false},
		{"Y1", "", "", false},
		{`/\/`, "", "", false},
		{"C2C2C2", "", "", false},
		{"/ O I", "", "", false},
	}
	for _, tt := range tests {
		am, pm, ok := splitDayCell(tt.in)
		if ok != tt.ok || am != tt.am || pm != tt.pm {
			t.Errorf("splitDayCell(%q) = %q, %q, %v; want %q, %q, %v", tt.in, am, pm, ok, tt.am, tt.pm, tt.ok)
		}
	}
}

func TestParseMap(t *testing.T) {
	got, err := ParseMap([]string{`pupil_id=Pupil Ref`, ` Date = Day `, "MARK=Code"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[Field]string{PupilID: "Pupil Ref", Date: "Day", Mark: "Code"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseMap (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"pupil_id", "pupil_id=", "pupil_id=  ", "colour=Red"} {
		if _, err := ParseMap([]string{bad}); err == nil {
			t.Errorf("ParseMap(%q) succeeded, want an error", bad)
		}
	}
}

func TestMatchHeaderAliases(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		user    map[Field]string
		want    map[string]string
	}{
		{
			name:    "SIMS-style names",
			headers: []string{"UPN", "Legal Surname", "Legal Forename", "Year", "Reg Group", "Date", "Session", "Mark"},
			want: map[string]string{"pupil_id": "UPN", "surname": "Legal Surname", "forename": "Legal Forename",
				"year_group": "Year", "reg_group": "Reg Group", "date": "Date", "session": "Session", "mark": "Mark"},
		},
		{
			// The UPN identifies the pupil when an admission number is also there.
			name:    "UPN preferred to Adno",
			headers: []string{"Adno", "UPN", "Attendance Date", "AM/PM", "Attendance Code"},
			want:    map[string]string{"pupil_id": "UPN", "date": "Attendance Date", "session": "AM/PM", "mark": "Attendance Code"},
		},
		{
			name:    "case, spaces and underscores do not matter",
			headers: []string{"pupil_id", "SESSION DATE", " am_pm ", "code"},
			want:    map[string]string{"pupil_id": "pupil_id", "date": "SESSION DATE", "session": " am_pm ", "mark": "code"},
		},
		{
			name:    "a user mapping wins and takes its column",
			headers: []string{"Pupil Ref", "UPN", "Day", "Session", "Mark"},
			user:    map[Field]string{PupilID: "Pupil Ref", Date: "day"},
			want:    map[string]string{"pupil_id": "Pupil Ref", "date": "Day", "session": "Session", "mark": "Mark"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := matchHeader(tt.headers, tt.user)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c.names()); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
		})
	}
	_, err := matchHeader([]string{"UPN", "Date"}, map[Field]string{PupilID: "Pupil Ref"})
	if err == nil || err.Error() != `--map pupil_id="Pupil Ref": no such column (columns: "UPN", "Date")` {
		t.Errorf("mapping a missing column: err = %v", err)
	}
}
