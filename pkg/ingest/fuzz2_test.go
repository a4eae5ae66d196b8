package ingest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// FuzzParseProfile: a mapping profile never panics the parser, and one it
// accepts always applies cleanly.
func FuzzParseProfile(f *testing.F) {
	f.Add("name: x\nlayout: marks\ncolumns:\n  pupil_id: Ref\nlocal_codes:\n  \"@\": \"/\"\n")
	f.Add("name: x\ndate_order: mdy\n")
	f.Add("layout: grid\nsheet: Register\n")
	f.Add("local_codes: {\"7\": I, \"9\": Y}\n")
	f.Add("colour: red\n")
	f.Add(":\n- [")
	f.Fuzz(func(t *testing.T, data string) {
		p, err := ParseProfile("p.yaml", []byte(data))
		if err != nil {
			return
		}
		var o Options
		p.Apply(&o)
		for code, id := range o.LocalCodes {
			if id == 0 {
				t.Fatalf("local code %q mapped to no code", code)
			}
		}
	})
}

// FuzzReadSummary: any rows under a summary header are read without a panic,
// and every row is accounted for.
func FuzzReadSummary(f *testing.F) {
	f.Add("A1,20,2,1,9,8,2,1\n")
	f.Add("A1,c,x,,1.5,-3,1e9,\n")
	f.Add("\"A,1\",20,0,0,10,10,0,0\nA1,20,0,0,10,10,0,0\n")
	f.Add(",,,,,,,\n")
	f.Fuzz(func(t *testing.T, rows string) {
		dir := t.TempDir()
		path := filepath.Join(dir, "s.csv")
		data := "UPN,Possible,Authorised,Unauthorised,/,\\,I,O\n" + rows
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		b := register.NewBuilder(quality.New())
		if err := ReadFile(path, Options{Layout: LayoutSummary}, b); err != nil {
			return
		}
		if err := b.Q.Balanced(); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzReadExport fuzzes whole files, seeded with every text fixture in
// testdata/exports (each encoding, delimiter and layout attendrisk reads),
// so the sniffing of encoding, delimiter, header row and layout is fuzzed
// along with the rows. Any file is either refused with an error or read
// with every row accounted for.
func FuzzReadExport(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/exports/*")
	for _, s := range seeds {
		if filepath.Ext(s) == ".xlsx" {
			continue
		}
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "export.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		b := register.NewBuilder(quality.New())
		if err := ReadFile(path, Options{}, b); err != nil {
			return
		}
		if err := b.Q.Balanced(); err != nil {
			t.Fatal(err)
		}
	})
}
