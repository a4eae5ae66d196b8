package cmd

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The pupils' names in these registers are distinctive strings, so that any
// trace of them in a message is found.
const (
	secretSurname  = "Quixbeforth"
	secretForename = "Zaphodina"
)

// qualityExamples is the data_quality section's examples as "reason where
// detail" lines, with the test's directory taken out of the places.
func qualityExamples(t *testing.T, dir, out string) ([]string, string) {
	t.Helper()
	var doc struct {
		DataQuality json.RawMessage `json:"data_quality"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	var dq struct {
		Rejections, Findings []struct {
			Reason   string `json:"reason"`
			Examples []struct{ Where, Detail string }
		}
	}
	if err := json.Unmarshal(doc.DataQuality, &dq); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range append(dq.Rejections, dq.Findings...) {
		for _, e := range r.Examples {
			lines = append(lines, r.Reason+" "+strings.TrimPrefix(e.Where, dir+string(filepath.Separator))+" "+e.Detail)
		}
	}
	return lines, string(doc.DataQuality)
}

// TestNoNamesInMessages feeds malformed registers in which a name lands
// where a date, a session, a mark or a count should be, or where a header
// should be, and checks that the names appear nowhere in stderr, the
// data-quality account, inspect's report or the JSON data_quality section:
// the file, line, column and kind of problem are given instead.
func TestNoNamesInMessages(t *testing.T) {
	const marksHead = "UPN,Surname,Forename,Date,Session,Mark\n"
	const good = "R9X7Q1,Quixbeforth,Zaphodina,02/09/2024,AM,/\nR9X7Q1,Quixbeforth,Zaphodina,02/09/2024,PM,/\n"
	withheld := "(value not shown: it may identify a pupil)"
	tests := []struct {
		name     string
		file     string
		args     []string
		want     []string // the data_quality examples; nil when the run fails
		wantErr  string   // the whole of stderr when the run fails
		wantNote string   // a line the stderr account must hold
	}{
		{
			name: "an unquoted comma in a name shifts the forename into the date column",
			file: marksHead + good + "R9X7Q1,Quixbeforth,Jr,Zaphodina,03/09/2024,AM,/\n",
			want: []string{"bad_date r.csv:4 " + withheld},
		},
		{
			name: "a name in the session column",
			file: marksHead + good + "R9X7Q1,Quixbeforth,Zaphodina,03/09/2024,Quixbeforth,/\n",
			want: []string{"bad_session r.csv:4 " + withheld},
		},
		{
			name:     "a name in the mark column",
			file:     marksHead + good + "R9X7Q1,Quixbeforth,Zaphodina,03/09/2024,AM,Zaphodina\nR9X7Q1,Quixbeforth,Zaphodina,03/09/2024,PM,Q9\n",
			want:     []string{"unknown_code r.csv:4 " + withheld, `unknown_code r.csv:5 "Q9"`},
			wantNote: "  unknown codes: " + withheld + ` ×1, "Q9" ×1 (left out of the figures)`,
		},
		{
			name: "a name in a grid cell",
			file: "UPN,Surname,Forename,02/09/2024 AM,02/09/2024 PM\nR9X7Q1,Quixbeforth,Zaphodina,/,Zaphodina Quixbeforth\n",
			want: []string{"unknown_code r.csv:2 (02/09/2024 PM) " + withheld},
		},
		{
			name: "a name in a count cell",
			file: "UPN,Surname,Forename,Possible sessions,I,N\nR9X7Q1,Quixbeforth,Zaphodina,20,1,0\nR9X7Q2,Quixbeforth,Zaphodina,20,Quixbeforth,0\n",
			want: []string{"bad_count r.csv:3 (I) " + withheld + " in I"},
		},
		{
			name:    "a headerless export: the first row is a pupil's",
			file:    strings.TrimPrefix(good, ""),
			wantErr: "attendrisk: %s:1: no header row found in the first 2 rows: expected a header row with a pupil id (UPN, Pupil ID, Adno, Admission Number, Student ID) and either Date, Session and Mark columns (marks layout) or session columns such as \"03/09/2024 AM\" (grid layout); the first row has 6 cells (not quoted: a row may hold a pupil's details)\n(use --map field=Header for other column names, e.g. --map pupil_id=\"Pupil Ref\")\n",
		},
		{
			name:    "a title naming the pupil above a header with no id",
			file:    "Attendance of Zaphodina Quixbeforth\nName,Date,Session,Mark\nZaphodina,02/09/2024,AM,/\n",
			wantErr: "attendrisk: %s:1: no header row found in the first 3 rows: expected a header row with a pupil id (UPN, Pupil ID, Adno, Admission Number, Student ID) and either Date, Session and Mark columns (marks layout) or session columns such as \"03/09/2024 AM\" (grid layout); the first row has 1 cell (not quoted: a row may hold a pupil's details)\n(use --map field=Header for other column names, e.g. --map pupil_id=\"Pupil Ref\")\n",
		},
		{
			name:    "--map names a column no row has, and the first row is a pupil's",
			file:    good,
			args:    []string{"--map", "pupil_id=Pupil Ref"},
			wantErr: "attendrisk: %s:1: --map pupil_id=\"Pupil Ref\": no such column (the row has 6 cells (not quoted: a row may hold a pupil's details))\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"r.csv": tt.file})
			reg := filepath.Join(dir, "r.csv")
			args := append(append([]string{"analyse", "--no-rules", "--min-sessions", "1", "--format", "json"}, tt.args...), reg)
			code, out, stderr := run(args...)
			_, inspect, inspectErr := run(append(append([]string{"inspect"}, tt.args...), reg)...)
			for _, text := range []string{stderr, inspect, inspectErr} {
				for _, secret := range []string{secretSurname, secretForename} {
					if strings.Contains(strings.ToLower(text), strings.ToLower(secret)) {
						t.Errorf("%q appears in:\n%s", secret, text)
					}
				}
			}
			if tt.wantErr != "" {
				if code != ExitFailure {
					t.Errorf("exit %d, want 1", code)
				}
				if diff := cmp.Diff(strings.ReplaceAll(tt.wantErr, "%s", reg), stderr); diff != "" {
					t.Errorf("stderr (-want +got):\n%s", diff)
				}
				return
			}
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			got, section := qualityExamples(t, dir, out)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("data_quality examples (-want +got):\n%s", diff)
			}
			for _, secret := range []string{secretSurname, secretForename} {
				if strings.Contains(section, secret) {
					t.Errorf("%q appears in the data_quality section:\n%s", secret, section)
				}
			}
			if tt.wantNote != "" && !strings.Contains(stderr, tt.wantNote+"\n") {
				t.Errorf("stderr lacks %q:\n%s", tt.wantNote, stderr)
			}
		})
	}
}
