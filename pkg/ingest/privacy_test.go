package ingest

import "testing"

// TestDescribeRow: a row that is not a header is described for an error
// without quoting anything but known header names, as it may be a pupil's.
func TestDescribeRow(t *testing.T) {
	const why = " (not quoted: a row may hold a pupil's details)"
	tests := []struct {
		row  []string
		want string
	}{
		{[]string{"UPN", "Date", "Session"}, `"UPN", "Date", "Session"`},
		{[]string{"Name", "Date", "Session", "Mark"}, `"Date", "Session", "Mark" and 1 other cell` + why},
		{[]string{"A123", "Quixbeforth", "Zaphodina", "02/09/2024"}, "4 cells" + why},
		{[]string{"Attendance of Zaphodina Quixbeforth"}, "1 cell" + why},
		{[]string{"Legal Surname", "Quixbeforth", "Zaphodina", ""}, `"Legal Surname" and 2 other cells` + why},
		{[]string{"", " "}, "no text"},
	}
	for _, tt := range tests {
		if got := describeRow(tt.row); got != tt.want {
			t.Errorf("describeRow(%q) = %q, want %q", tt.row, got, tt.want)
		}
	}
}
