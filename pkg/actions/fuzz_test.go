package actions

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead: any bytes either read or fail with an error; never a panic,
// and every action read has a pupil id, a date and a kind.
func FuzzRead(f *testing.F) {
	f.Add([]byte("UPN,Date,Action,Outcome\nA1,01/10/2024,Letter,\n"))
	f.Add([]byte("Pupil ID;Date;Action;Outcome;Review date\n1;2024-10-01;PN;Completed;x\n"))
	f.Add([]byte("\xef\xbb\xbfAdno,Date,Action,Outcome,Owner\r\n\"1\",\"1 Oct 2024\",\"Home visit\",\"No contact\",AB\r\n"))
	f.Add([]byte("UPN,Date,Action,Outcome\n,,,\n"))
	dir := f.TempDir()
	v := Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "a.csv")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		log, err := Read(p, "", nil, v)
		if err != nil {
			return
		}
		for _, a := range log.Actions {
			if a.PupilID == "" || a.Date == 0 || a.Kind == nil || a.Loc.Line == 0 {
				t.Fatalf("incomplete action %+v", a)
			}
		}
	})
}
