package register

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/quality"
)

func TestUPN(t *testing.T) {
	tests := []struct {
		id         string
		shaped, ok bool
	}{
		{"H801200001001", true, true},  // DfE's example: 53 mod 23 = 7, H
		{"A801200001001", true, false}, // the check letter typed wrong
		{"C823200112001", true, true},
		{"A100000000001", true, false}, // the placeholder ids of older fixtures: R would be right
		{"R100000000001", true, true},
		{"H80120000100A", true, false}, // a temporary UPN: letter last, valid shape
		{"I801200001001", true, false}, // I is never a check letter
		{"H80120000100", false, false}, // 12 characters: an admission number, say
		{"1801200001001", false, false},
		{"H8012000010O1", false, false},
		{"1001", false, false},
	}
	for _, tt := range tests {
		if got := UPNShaped(tt.id); got != tt.shaped {
			t.Errorf("UPNShaped(%q) = %v, want %v", tt.id, got, tt.shaped)
		}
		if got := UPNValid(tt.id); got != tt.ok {
			t.Errorf("UPNValid(%q) = %v, want %v", tt.id, got, tt.ok)
		}
	}
	// Every letter last: exactly the one check letter the sum gives is valid.
	for _, c := range upnLetters {
		body := "80120000100" + string(c)
		n := 0
		for _, f := range upnLetters {
			if UPNValid(string(f) + body) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d valid check letters for ?%s, want 1", n, body)
		}
	}
}

type enrolView struct {
	ID, School string
	Marks      []marked
}

func enrolOf(ps []*Pupil) []enrolView {
	var out []enrolView
	for _, p := range ps {
		out = append(out, enrolView{p.ID, p.Info.School, marksOf(p)})
	}
	return out
}

// TestEnrolments: a local id is a pupil per school; a UPN is one child,
// whose enrolments at two schools keep their own marks and combine in the
// child view with D giving way to the other school's mark, with no
// conflict reported.
func TestEnrolments(t *testing.T) {
	q := quality.New()
	b := NewBuilder(q)
	d := MustDay(2024, 9, 2)
	const upn = "C823200112001"
	offers := []struct {
		file, school, id string
		sess             Session
		code             string
	}{
		{"oak.csv", "Oak", "1001", AM, "/"},
		{"elm.csv", "", "1001", AM, "G"}, // elm.csv names no school: it is "elm"
		{"oak.csv", "Oak", upn, AM, "D"},
		{"oak.csv", "Oak", upn, PM, "/"},
		{"pru.csv", "PRU", upn, AM, "O"},
		{"pru.csv", "PRU", upn, PM, "D"},
	}
	for i, o := range offers {
		b.BeginFile(o.file, time.Time{}, map[string]string{"oak.csv": "oak", "elm.csv": "elm", "pru.csv": "pru"}[o.file])
		q.MarksRead++
		p := b.PupilAt([]byte(o.id), o.school, quality.Loc{File: o.file, Line: i + 2})
		b.Mark(p, d, o.sess, code(t, o.code), quality.Loc{File: o.file, Line: i + 2})
	}
	b.Finish(ByExtent)
	wantChildren := []enrolView{
		{"1001", "Oak", []marked{{"2024-09-02", "AM", "/"}}},
		{"1001", "elm", []marked{{"2024-09-02", "AM", "G"}}},
		{upn, "Oak + PRU", []marked{{"2024-09-02", "AM", "O"}, {"2024-09-02", "PM", "/"}}},
	}
	if diff := cmp.Diff(wantChildren, enrolOf(b.Reg.Pupils())); diff != "" {
		t.Errorf("children (-want +got):\n%s", diff)
	}
	wantEnrol := []enrolView{
		{"1001", "Oak", []marked{{"2024-09-02", "AM", "/"}}},
		{"1001", "elm", []marked{{"2024-09-02", "AM", "G"}}},
		{upn, "Oak", []marked{{"2024-09-02", "AM", "D"}, {"2024-09-02", "PM", "/"}}},
		{upn, "PRU", []marked{{"2024-09-02", "AM", "O"}, {"2024-09-02", "PM", "D"}}},
	}
	if diff := cmp.Diff(wantEnrol, enrolOf(b.Reg.Enrolments())); diff != "" {
		t.Errorf("enrolments (-want +got):\n%s", diff)
	}
	if got := b.Reg.Find("elm", "1001"); got == nil || got.Info.School != "elm" {
		t.Errorf("Find(elm, 1001) = %+v", got)
	}
	if got := b.Reg.Find("anywhere", upn); got == nil || len(got.Enrolments()) != 2 {
		t.Errorf("Find(anywhere, UPN) = %+v, want the child of two enrolments", got)
	}
	if got := b.Reg.Len(); got != 3 {
		t.Errorf("Len = %d, want 3 children", got)
	}
	if diff := cmp.Diff(account{Read: 6, Used: 6, Rejected: 0, Rejections: map[string]int{}, Findings: map[string]int{}}, accountOf(q)); diff != "" {
		t.Errorf("account (-want +got):\n%s", diff)
	}
}

// TestRevisions: for one school, the later export's mark stands for the
// sessions both hold; N loses to any code whatever the order; identical
// marks are duplicates; marks within one export conflict as before.
func TestRevisions(t *testing.T) {
	d := MustDay(2024, 9, 2)
	type offer struct {
		file int
		day  Day
		sess Session
		code string
	}
	early := time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		order  RevisionOrder
		mtimes [2]time.Time
		offers []offer
		want   []marked
		acct   account
	}{
		{"the export whose data ends later wins, whichever is read first", ByExtent, [2]time.Time{early, early},
			// file 0 ends on day d+7, file 1 on d: file 0 is the later export.
			[]offer{{1, d, AM, "O"}, {0, d, AM, "C"}, {0, d + 7, AM, "/"}},
			[]marked{{"2024-09-02", "AM", "C"}, {"2024-09-09", "AM", "/"}},
			account{Read: 3, Used: 2, Rejected: 1, Rejections: map[string]int{"superseded_mark": 1}, Findings: map[string]int{"revision": 1}}},
		{"the better mark does not win against a later export", ByExtent, [2]time.Time{early, early},
			[]offer{{0, d, AM, "/"}, {1, d, AM, "G"}, {1, d + 1, AM, "/"}},
			[]marked{{"2024-09-02", "AM", "G"}, {"2024-09-03", "AM", "/"}},
			account{Read: 3, Used: 2, Rejected: 1, Rejections: map[string]int{"superseded_mark": 1}, Findings: map[string]int{"revision": 1}}},
		{"equal extents: the newer file", ByExtent, [2]time.Time{early.Add(time.Hour), early},
			[]offer{{0, d, AM, "O"}, {1, d, AM, "C"}},
			[]marked{{"2024-09-02", "AM", "O"}},
			account{Read: 2, Used: 1, Rejected: 1, Rejections: map[string]int{"superseded_mark": 1}, Findings: map[string]int{"revision": 1}}},
		{"--revision-order given: the last file given", AsGiven, [2]time.Time{early, early},
			[]offer{{0, d, AM, "O"}, {0, d + 7, AM, "/"}, {1, d, AM, "C"}},
			[]marked{{"2024-09-02", "AM", "C"}, {"2024-09-09", "AM", "/"}},
			account{Read: 3, Used: 2, Rejected: 1, Rejections: map[string]int{"superseded_mark": 1}, Findings: map[string]int{"revision": 1}}},
		{"N is provisional: it loses to an earlier export's code", ByExtent, [2]time.Time{early, early},
			[]offer{{0, d, AM, "I"}, {1, d, AM, "N"}, {1, d + 1, AM, "/"}},
			[]marked{{"2024-09-02", "AM", "I"}, {"2024-09-03", "AM", "/"}},
			account{Read: 3, Used: 2, Rejected: 1, Rejections: map[string]int{"superseded_mark": 1}, Findings: map[string]int{"revision": 1}}},
		{"identical marks in two exports are duplicates", ByExtent, [2]time.Time{early, early},
			[]offer{{0, d, AM, "/"}, {1, d, AM, "/"}},
			[]marked{{"2024-09-02", "AM", "/"}},
			account{Read: 2, Used: 1, Rejected: 1, Duplicate: 1, StrictFailures: 1, Rejections: map[string]int{"duplicate_mark": 1}, Findings: map[string]int{}}},
		{"a conflict inside one export is a conflict", ByExtent, [2]time.Time{early, early},
			[]offer{{0, d, AM, "/"}, {0, d, AM, "G"}},
			[]marked{{"2024-09-02", "AM", "/"}},
			account{Read: 2, Used: 1, Rejected: 1, Conflicting: 1, StrictFailures: 1, Rejections: map[string]int{"conflicting_mark": 1}, Findings: map[string]int{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := quality.New()
			b := NewBuilder(q)
			b.School = "Oak"
			names := []string{"a.csv", "b.csv"}
			// Files are read in turn, as ingest.ReadFiles does.
			for f := 0; f < 2; f++ {
				b.BeginFile(names[f], tt.mtimes[f], "")
				for i, o := range tt.offers {
					if o.file != f {
						continue
					}
					q.MarksRead++
					p := b.PupilAt([]byte("1001"), "", quality.Loc{File: names[f], Line: i + 2})
					b.Mark(p, o.day, o.sess, code(t, o.code), quality.Loc{File: names[f], Line: i + 2})
				}
			}
			b.Finish(tt.order)
			ps := b.Reg.Pupils()
			if len(ps) != 1 {
				t.Fatalf("%d pupils, want 1", len(ps))
			}
			if diff := cmp.Diff(tt.want, marksOf(ps[0])); diff != "" {
				t.Errorf("marks (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.acct, accountOf(q)); diff != "" {
				t.Errorf("account (-want +got):\n%s", diff)
			}
			if err := q.Balanced(); err != nil {
				t.Error(err)
			}
		})
	}
}
