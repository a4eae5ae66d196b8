package ingest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/mark"
)

// TestSummaryRowsChecked: a summary row is used only when its counts can
// be true; every other row is rejected with its line and what is wrong.
func TestSummaryRowsChecked(t *testing.T) {
	header := "UPN,Possible,Authorised,Unauthorised,/,\\,I,O\n"
	tests := []struct {
		name   string
		row    string
		used   bool
		reject map[string][]string
	}{
		{name: "a true row", row: "A1,20,2,1,9,8,2,1\n", used: true},
		{name: "negative count", row: "A1,20,2,1,9,8,-2,1\n",
			reject: map[string][]string{"bad_count": {`s.csv:2 (I) "-2" in I: negative`}}},
		{name: "not a whole number", row: "A1,20,2,1,9,8,1.5,1\n",
			reject: map[string][]string{"bad_count": {`s.csv:2 (I) "1.5" in I: not a whole number`}}},
		{name: "a spreadsheet's whole number is one", row: "A1,20.0,2,1,9,8,2.0,1\n", used: true},
		{name: "DfE's suppression mark", row: "A1,c,2,1,9,8,2,1\n",
			reject: map[string][]string{"bad_count": {`s.csv:2 (Possible) "c" in Possible: not a number`}}},
		{name: "hex is not a count", row: "A1,0x14,2,1,9,8,2,1\n",
			reject: map[string][]string{"bad_count": {`s.csv:2 (Possible) "0x14" in Possible: not a number`}}},
		{name: "more than a pupil's year", row: "A1,800,2,1,9,8,2,1\n",
			reject: map[string][]string{"impossible_counts": {"s.csv:2 (Possible) 800 in Possible: more than the 732 sessions a pupil can have in a year"}}},
		{name: "code columns summing past a year", row: "A1,700,2,1,400,400,2,1\n",
			reject: map[string][]string{"impossible_counts": {"s.csv:2 (UPN) 803 possible sessions from the counts: more than the 732 a pupil can have in a year"}}},
		{name: "absence above possible", row: "A1,10,12,1,0,0,12,1\n",
			reject: map[string][]string{"impossible_counts": {"s.csv:2 (Possible) absence 13 is more than the 10 possible sessions declared"}}},
		{name: "beyond any school's count", row: "A1,20,2,1,9,8,99999999999999999999,1\n",
			reject: map[string][]string{"bad_count": {`s.csv:2 (I) "9999999999999999"... in I: more sessions than any school or area has`}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeFile(t, dir, "s.csv", []byte(header+tc.row))
			b, err := readPaths(t, Options{}, path)
			if err != nil {
				t.Fatal(err)
			}
			q := b.Q
			if got := q.RowsUsed == 1; got != tc.used {
				t.Errorf("used = %v, want %v", got, tc.used)
			}
			v := viewAccount(q)
			want := tc.reject
			if want == nil {
				want = map[string][]string{}
			}
			got := map[string][]string{}
			for k, ex := range v.Rejected {
				for _, e := range ex {
					got[k] = append(got[k], trimDir(e, dir))
				}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("rejections (-want +got):\n%s", d)
			}
		})
	}
}

func trimDir(s, dir string) string {
	if len(s) > len(dir) && s[:len(dir)] == dir {
		return s[len(dir)+1:]
	}
	return s
}

// TestSummaryPossibleFromCodes: without a possible-sessions column the
// possible sessions are present + AEA + authorised + unauthorised, from the
// codes (D and the other not-possible codes left out), or from a present
// total beside the absence totals.
func TestSummaryPossibleFromCodes(t *testing.T) {
	tests := []struct {
		name     string
		data     string
		possible int
		absent   int
		reject   map[string][]string
	}{
		{name: "codes with the present marks", data: "UPN,/,\\,L,V,I,G,D,#\nA1,9,8,1,2,3,1,4,2\n", possible: 24, absent: 4},
		{name: "present total and absence totals", data: "UPN,Present,Authorised,Unauthorised\nA1,30,4,2\n", possible: 36, absent: 6},
		{name: "attended total and codes", data: "UPN,Attended,I,O\nA1,16,3,1\n", possible: 20, absent: 4},
		{name: "a blank possible cell the codes cannot fill", data: "UPN,Possible,Authorised,Unauthorised\nA1,,4,2\n",
			reject: map[string][]string{"impossible_counts": {"s.csv:2 (Possible) Possible is blank, and the counts do not give the possible sessions"}}},
		{name: "a blank possible cell the codes fill", data: "UPN,Possible,/,\\,I\nA1,,9,9,2\n", possible: 20, absent: 2},
		{name: "a pupil row over a year", data: "UPN,/,\\,I\nA1,400,400,2\n",
			reject: map[string][]string{"impossible_counts": {"s.csv:2 (UPN) 802 possible sessions from the counts: more than the 732 a pupil can have in a year"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := writeFile(t, dir, "s.csv", []byte(tc.data))
			b, err := readPaths(t, Options{}, path)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for k, ex := range viewAccount(b.Q).Rejected {
				for _, e := range ex {
					got[k] = append(got[k], trimDir(e, dir))
				}
			}
			want := tc.reject
			if want == nil {
				want = map[string][]string{}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("rejections (-want +got):\n%s", d)
			}
			if tc.reject != nil {
				return
			}
			p := b.Reg.Get("A1")
			if p == nil {
				t.Fatal("no pupil A1")
			}
			possible, absent := summaryFigures(p.Counts, p.Declared, p.CodesCover)
			if possible != tc.possible || absent != tc.absent {
				t.Errorf("possible %d, absent %d; want %d, %d", possible, absent, tc.possible, tc.absent)
			}
		})
	}
}

// summaryFigures is what the figures stage makes of a summary pupil, for
// this package's tests (metrics is downstream): from the codes when they
// cover the present marks, else from the totals.
func summaryFigures(codes []int, totals map[string]int, cover bool) (possible, absent int) {
	var sum [mark.Missing + 1]int
	for i, n := range codes {
		if i > 0 {
			sum[mark.Get(mark.ID(i)).Category] += n
		}
	}
	if cover {
		return sum[mark.Present] + sum[mark.AEA] + sum[mark.Authorised] + sum[mark.Unauthorised], sum[mark.Authorised] + sum[mark.Unauthorised]
	}
	a, u := sum[mark.Authorised], sum[mark.Unauthorised]
	if v, ok := totals["authorised"]; ok {
		a = v
	}
	if v, ok := totals["unauthorised"]; ok {
		u = v
	}
	return totals["possible"], a + u
}

// TestReadMapErrorListsHeader: a --map naming a column the file lacks lists
// the header row's columns, with its line, whatever row failed first: here
// a title row stands above the header.
func TestReadMapErrorListsHeader(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "r.csv", []byte("Attendance report,,\nUPN,Possible,I\nA1,20,2\n"))
	_, err := readPaths(t, Options{Map: map[Field]string{PupilID: "Pupil Ref"}}, path)
	want := path + `:2: --map pupil_id="Pupil Ref": no such column (columns: "UPN", "Possible", "I")`
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
	// The mapped column is there but the layout is not: the error is about
	// the layout, never a data row's values shown as columns.
	path = writeFile(t, dir, "s.csv", []byte("UPN,I\nA1,2\n"))
	_, err = readPaths(t, Options{Layout: LayoutSummary, Map: map[Field]string{PupilID: "UPN"}}, path)
	want = path + `:1: no header row found in the first 2 rows: expected a summary header with a row id (a pupil id, a school, or DfE's geography columns), per-code counts (I, M, G, ... or reason_i_authorised_illness, ...) or authorised and unauthorised absence, and possible sessions (or the present counts, / \ L or a present total, to compute them from); the first row has "UPN", "I"` +
		"\n(use --map field=Header for other column names, e.g. --map pupil_id=\"Pupil Ref\")"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
}
