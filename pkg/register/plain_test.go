package register

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/mark"
	"github.com/attendrisk/attendrisk/pkg/quality"
)

// TestPlainRunAsMarkAt holds PlainRun.Mark to MarkAt: marks applied by
// Mark where it takes them and by MarkAt where it does not (as the marks
// reader's apply does) leave the same register, files and account as
// MarkAt alone, for runs of marks that take every branch either has:
// weekends, duplicates and conflicts, special codes, marks before a
// pupil's first day and past its array, both windows, a second file and a
// second school of a UPN.
func TestPlainRunAsMarkAt(t *testing.T) {
	codes := []string{"/", `\`, "I", "O", "N", "M", "B", "#", "-", "X", "Z", "G", "V"}
	start := MustDay(2024, 9, 2)
	for seed := range uint64(30) {
		r := rand.New(rand.NewPCG(seed, 7))
		type row struct {
			id, school string
			d          Day
			s          Session
			code       mark.ID
			file       int
		}
		var rows []row
		ids := []string{"A", "B", "C", "K801200001001"}
		for f := range 2 {
			for range 1 + r.IntN(8) {
				id, school := ids[r.IntN(len(ids))], []string{"S1", "S2"}[r.IntN(2)]
				d := start + Day(r.IntN(40)+f*r.IntN(60)) // the second file later, or not
				for range r.IntN(300) {
					switch x := r.IntN(20); {
					case x < 12: // the next session, nearly always
					case x < 14:
						d += Day(1 + r.IntN(3))
					case x < 15:
						d -= Day(r.IntN(30))
					case x < 16:
						d += Day(r.IntN(400))
					case x < 17 && r.IntN(8) == 0:
						d = MustDay(1969, 12, 20) + Day(r.IntN(20)) // days before 0
					}
					pid := id
					if r.IntN(40) == 0 { // another pupil's row among these
						pid = ids[r.IntN(len(ids))]
					}
					rows = append(rows, row{id: pid, school: school, d: d, s: Session(r.IntN(2)), code: code(t, codes[r.IntN(len(codes))]), file: f})
				}
			}
		}
		var from, to, yearFrom, yearTo Day
		if seed%3 == 1 {
			from, to = start+Day(r.IntN(30)), start+Day(100+r.IntN(200))
		}
		if seed%4 == 2 {
			yearFrom, yearTo = AcademicYear(2024).Start(), AcademicYear(2024).End()
		}
		// apply also returns, after each row, whether the child view is
		// to be built again.
		apply := func(plain bool) (map[string][]marked, account, []fileInfo, int32, []bool) {
			var dirty []bool
			q := quality.New()
			q.Limit = 1 << 20
			b := NewBuilder(q)
			b.From, b.To, b.YearFrom, b.YearTo = from, to, yearFrom, yearTo
			file := -1
			for i, w := range rows {
				if w.file != file {
					file = w.file
					b.BeginFile(fmt.Sprintf("f%d.csv", file), time.Unix(int64(file), 0), "")
				}
				loc := quality.Loc{File: "f.csv", Line: i + 2}
				p := b.PupilAt([]byte(w.id), w.school, loc)
				q.MarksRead++
				if run := b.Plain(p); !plain || !run.Mark(w.d, w.s, w.code) {
					b.MarkAt(p, w.d, w.s, w.code, &loc)
				} else {
					q.MarksUsed++
				}
				// The child view, built after each row, is to be built
				// again after a row that gave a child of several schools
				// a mark.
				dirty = append(dirty, b.Reg.dirty)
				_ = b.Reg.Pupils()
			}
			q.MarksRejected = q.MarksRead - q.MarksUsed
			b.Finish(ByExtent) // the revisions between the files
			out := map[string][]marked{}
			for _, p := range b.Reg.Enrolments() {
				out[p.Info.School+"|"+p.ID] = marksOf(p)
			}
			for _, p := range b.Reg.Pupils() {
				out["child|"+p.ID] = marksOf(p)
			}
			return out, accountOf(q), append([]fileInfo(nil), b.files...), b.Reg.reach, dirty
		}
		wantM, wantA, wantF, wantR, wantD := apply(false)
		gotM, gotA, gotF, gotR, gotD := apply(true)
		if diff := cmp.Diff(wantM, gotM); diff != "" {
			t.Fatalf("seed %d: marks (-MarkAt +PlainRun):\n%s", seed, diff)
		}
		if diff := cmp.Diff(wantA, gotA); diff != "" {
			t.Fatalf("seed %d: account (-MarkAt +PlainRun):\n%s", seed, diff)
		}
		if diff := cmp.Diff(wantD, gotD); diff != "" {
			t.Fatalf("seed %d: child view to build (-MarkAt +PlainRun):\n%s", seed, diff)
		}
		if diff := cmp.Diff(wantF, gotF, cmp.AllowUnexported(fileInfo{})); diff != "" || wantR != gotR {
			t.Fatalf("seed %d: files (-MarkAt +PlainRun):\n%s\nreach %d, %d", seed, diff, wantR, gotR)
		}
	}
}
