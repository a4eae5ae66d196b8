package ingest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// TestSchoolOfRow: one file listing two schools, with admission number
// 1001 at each on consecutive rows, is two pupils, in the marks layout (on
// one worker and several) and the grid; a file with no school column takes
// --school.
func TestSchoolOfRow(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	marks := write("marks.csv", "School,Adno,Date,Session,Mark\n"+
		"Oak,1001,02/09/2024,AM,/\nOak,1001,02/09/2024,PM,/\n"+
		"Elm,1001,02/09/2024,AM,G\nElm,1001,02/09/2024,PM,G\n")
	grid := write("grid.csv", "School,Adno,02/09/2024 AM,02/09/2024 PM\nOak,1001,/,/\nElm,1001,G,G\n")
	plain := write("plain.csv", "Adno,Date,Session,Mark\n1001,02/09/2024,AM,/\n")
	type pupil struct{ ID, School, AM, PM string }
	view := func(b *register.Builder) []pupil {
		var out []pupil
		d := register.MustDay(2024, 9, 2)
		for _, p := range b.Reg.Pupils() {
			code := func(s register.Session) string {
				if id := p.Mark(d, s); id != 0 {
					return markCode(id)
				}
				return ""
			}
			out = append(out, pupil{p.ID, p.Info.School, code(register.AM), code(register.PM)})
		}
		return out
	}
	two := []pupil{{"1001", "Elm", "G", "G"}, {"1001", "Oak", "/", "/"}}
	tests := []struct {
		name  string
		files []string
		opts  Options
		want  []pupil
	}{
		{"marks, one worker", []string{marks}, Options{Workers: 1}, two},
		{"marks, several workers", []string{marks}, Options{Workers: 3}, two},
		{"grid", []string{grid}, Options{}, two},
		{"--school for a file without a school column", []string{plain}, Options{School: "Ash"}, []pupil{{"1001", "Ash", "/", ""}}},
		{"one file without a school needs no name", []string{plain}, Options{}, []pupil{{"1001", "", "/", ""}}},
		{"two files without a school are named after them", []string{plain, marks}, Options{},
			[]pupil{{"1001", "Elm", "G", "G"}, {"1001", "Oak", "/", "/"}, {"1001", "plain", "/", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := register.NewBuilder(quality.New())
			if err := ReadFiles(tt.files, tt.opts, b); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, view(b)); diff != "" {
				t.Errorf("pupils (-want +got):\n%s", diff)
			}
			if err := b.Q.Balanced(); err != nil {
				t.Error(err)
			}
		})
	}
}

func markCode(id mark.ID) string { return mark.Get(id).Code }
