package cmd

import (
	"archive/zip"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/analysis"
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
			want: []string{"bad_date r.csv:4 " + withheld, "beyond_header r.csv:4 column 7"},
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
			want: []string{"bad_count r.csv:3 (I) " + withheld + " in I: not a number"},
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

// TestPseudonymiseLeavesNoRealID runs --pseudonymise over a register, a
// context file and an earlier identified run, in every format, and looks for
// every real id (and name) in every output and in stderr: none may be there.
// The register has malformed rows that put ids where a date and a mark
// belong, so the data-quality account would quote them.
func TestPseudonymiseLeavesNoRealID(t *testing.T) {
	week1 := "UPN,Surname,Forename,Date,Session,Mark\n" +
		"K7Q2W9,Quixbeforth,Zaphodina,02/09/2024,AM,/\nK7Q2W9,Quixbeforth,Zaphodina,02/09/2024,PM,/\n" +
		"M3V8X1,Quixbeforth,Arbelle,02/09/2024,AM,/\nM3V8X1,Quixbeforth,Arbelle,02/09/2024,PM,/\n" +
		"L1F7G2,Vantrigg,Orlame,02/09/2024,AM,/\nL1F7G2,Vantrigg,Orlame,02/09/2024,PM,/\n"
	week2 := "UPN,Surname,Forename,Date,Session,Mark\n" +
		"K7Q2W9,Quixbeforth,Zaphodina,02/09/2024,AM,/\nK7Q2W9,Quixbeforth,Zaphodina,02/09/2024,PM,/\n" +
		"K7Q2W9,Quixbeforth,Zaphodina,03/09/2024,AM,O\nK7Q2W9,Quixbeforth,Zaphodina,03/09/2024,PM,O\n" +
		"M3V8X1,Quixbeforth,Arbelle,02/09/2024,AM,/\nM3V8X1,Quixbeforth,Arbelle,02/09/2024,PM,/\n" +
		"T5N4B6,Wexcombe,Ilfryn,03/09/2024,AM,/\nT5N4B6,Wexcombe,Ilfryn,03/09/2024,PM,/\n" +
		// ids where a date and a mark should be
		"T5N4B6,Wexcombe,Ilfryn,M3V8X1,AM,/\n" +
		"T5N4B6,Wexcombe,Ilfryn,04/09/2024,AM,K7Q2W9\n" +
		"T5N4B6,Wexcombe,Ilfryn,Y8Y8Y8Y8,AM,/\n"
	context := "UPN,family_id,Young Carer\nK7Q2W9,FAMQ77,Y\nM3V8X1,FAMQ77,N\nT5N4B6,FAMR12,N\nJ2H7L0,FAMR12,Y\n"
	dir := writeFiles(t, map[string]string{"w1.csv": week1, "w2.csv": week2, "ctx.csv": context, "key": "a-long-secret-key-for-tests\n"})
	p := func(name string) string { return filepath.Join(dir, name) }
	key := p("key")
	if code, _, stderr := run("analyse", "-q", "--as-of", "2024-09-02", "--context", p("ctx.csv"), "-o", p("w1.json"), p("w1.csv")); code != 0 {
		t.Fatal(stderr)
	}
	secrets := []string{"K7Q2W9", "M3V8X1", "L1F7G2", "T5N4B6", "J2H7L0", "Y8Y8Y8Y8", "FAMQ77", "FAMR12",
		secretSurname, secretForename, "Arbelle", "Vantrigg", "Orlame", "Wexcombe", "Ilfryn"}
	check := func(what, text string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s holds %q:\n%s", what, s, text)
			}
		}
	}
	base := []string{"analyse", "--pseudonymise", "--key-file", key, "--as-of", "2024-09-03", "--min-sessions", "1",
		"--context", p("ctx.csv"), "--compare", p("w1.json")}
	for _, format := range []string{"table", "csv", "json", "jsonl", "md", "html"} {
		code, out, stderr := run(append(append([]string{}, base...), "--format", format, p("w2.csv"))...)
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		if !strings.Contains(out, "P-") {
			t.Errorf("%s: no pseudonym in the output:\n%s", format, out)
		}
		check(format+" output", out)
		check(format+" stderr", stderr)
	}
	code, _, stderr := run(append(append([]string{}, base...), "-o", p("out.xlsx"), p("w2.csv"))...)
	if code != ExitOK {
		t.Fatalf("xlsx: exit %d: %s", code, stderr)
	}
	check("xlsx stderr", stderr)
	zr, err := zip.OpenReader(p("out.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		check("xlsx "+f.Name, string(body))
	}

	// The ids in the data-quality account are replaced by their pseudonyms,
	// or withheld, and the unknown code too.
	_, out, _ := run(append(append([]string{}, base...), "--format", "json", p("w2.csv"))...)
	got, _ := qualityExamples(t, dir, out)
	want := []string{
		`bad_date w2.csv:10 "P-` + pseudonymOf(t, key, "M3V8X1") + `"`,
		`bad_date w2.csv:12 (value not shown: it may identify a pupil)`,
		`unknown_code w2.csv:11 "P-` + pseudonymOf(t, key, "K7Q2W9") + `"`,
		"age_unknown w2.csv no year group or date of birth (3 pupils)",
		"context_no_pupil ctx.csv:5 (UPN) ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("data_quality examples (-want +got):\n%s", diff)
	}
}

// pseudonymOf is the pseudonym's hex digits of an id under the key file's key.
func pseudonymOf(t *testing.T, keyFile, id string) string {
	t.Helper()
	k, err := pseudonymKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(analysis.Pseudonym(k, id), "P-")
}

// TestPseudonymisedCompare: comparing a pseudonymised run with an earlier
// identified run gives exactly what comparing it with that run pseudonymised
// under the same key gives, so the output carries nothing more from the
// identified file. An earlier pseudonymised run cannot be compared with an
// identified one, and a file mixing real ids and pseudonyms is refused.
func TestPseudonymisedCompare(t *testing.T) {
	week1 := "UPN,Surname,Forename,Date,Session,Mark\n" +
		"A1,Ash,Ann,02/09/2024,AM,/\nA1,Ash,Ann,02/09/2024,PM,/\nC3,Cole,Cy,02/09/2024,AM,/\nC3,Cole,Cy,02/09/2024,PM,/\n"
	week2 := "UPN,Surname,Forename,Date,Session,Mark\n" +
		"A1,Ash,Ann,02/09/2024,AM,/\nA1,Ash,Ann,02/09/2024,PM,/\nA1,Ash,Ann,03/09/2024,AM,O\nA1,Ash,Ann,03/09/2024,PM,O\n" +
		"D4,Dale,Di,03/09/2024,AM,/\nD4,Dale,Di,03/09/2024,PM,/\n"
	dir := writeFiles(t, map[string]string{"w1.csv": week1, "w2.csv": week2, "key": "a-long-secret-key-for-tests\n",
		"mixed.json": `{"tool": "attendrisk", "pupils": [{"pupil_id": "A1"}, {"pupil_id": "P-0123456789abcdef"}]}`})
	p := func(name string) string { return filepath.Join(dir, name) }
	pseudo := []string{"--pseudonymise", "--key-file", p("key")}
	for _, r := range [][]string{
		{"analyse", "-q", "--as-of", "2024-09-02", "-o", p("w1.json"), p("w1.csv")},
		append(append([]string{"analyse", "-q", "--as-of", "2024-09-02", "-o", p("w1p.json")}, pseudo...), p("w1.csv")),
	} {
		if code, _, stderr := run(r...); code != 0 {
			t.Fatal(stderr)
		}
	}
	second := func(prev string) (int, string, string) {
		return run(append(append([]string{"analyse", "-q", "--as-of", "2024-09-03", "--format", "json", "--compare", p(prev)}, pseudo...), p("w2.csv"))...)
	}
	_, fromIdentified, _ := second("w1.json")
	_, fromPseudonymised, _ := second("w1p.json")
	strip := func(s string) string {
		return strings.NewReplacer(p("w1.json"), "EARLIER", p("w1p.json"), "EARLIER").Replace(s)
	}
	if diff := cmp.Diff(strip(fromPseudonymised), strip(fromIdentified)); diff != "" {
		t.Errorf("comparing with the identified run differs from comparing with it pseudonymised (-pseudonymised +identified):\n%s", diff)
	}
	for _, want := range []string{`"change": "newly_severe"`, `"change": "joined"`, `"change": "left"`} {
		if !strings.Contains(fromIdentified, want) {
			t.Errorf("the comparison lacks %s:\n%s", want, fromIdentified)
		}
	}
	for _, id := range []string{`"A1"`, `"C3"`, `"D4"`} {
		if strings.Contains(fromIdentified, id) {
			t.Errorf("the output holds the real id %s", id)
		}
	}

	code, out, stderr := run("analyse", "-q", "--compare", p("w1p.json"), p("w2.csv"))
	if code != ExitFailure || out != "" {
		t.Errorf("identified run against a pseudonymised one: exit %d, stdout %q", code, out)
	}
	if want := "attendrisk: --compare " + p("w1p.json") + ": that run was pseudonymised, so its pupils cannot be matched with real ids; add --pseudonymise with the same key\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	code, out, stderr = second("mixed.json")
	if code != ExitFailure || out != "" {
		t.Errorf("mixed file: exit %d, stdout %q", code, out)
	}
	if want := "attendrisk: --compare " + p("mixed.json") + ": 1 pupil ids are pseudonyms and 1 are not; expected the output of one attendrisk analyse run\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
}
