package analysis

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/register"

	"github.com/attendrisk/attendrisk/pkg/ingest"
)

// figs are the figures a child's school relies on.
type figs struct {
	Possible, Authorised, Unauthorised int
	PA, SA                             bool
}

func figsOf(p *Pupil) figs {
	f := p.Figures
	return figs{f.Possible, f.Authorised, f.Unauthorised, p.PA(), p.SA()}
}

// findingExamples lists a data-quality finding's examples, each as its
// place and detail.
func findingExamples(res *Result, key string) []string {
	var got []string
	for _, f := range res.Quality.Findings() {
		if f.Key == key {
			for _, e := range f.Examples {
				got = append(got, e.Where+" "+e.Detail)
			}
		}
	}
	return got
}

func authorityFiles(names ...string) []string {
	var out []string
	for _, n := range names {
		out = append(out, filepath.Join("..", "..", "testdata", "authority", n))
	}
	return out
}

// TestAuthorityEqualsOwnSchool: run over the whole authority (two schools
// with different half-terms sharing admission number 1001, a PRU with a
// dual-registered pupil, and Oak's corrected re-export), every enrolment's
// figures are those of its own school's run, and the dual-registered
// child's combined view counts every session once.
func TestAuthorityEqualsOwnSchool(t *testing.T) {
	run := func(files []string, order string) *Result {
		t.Helper()
		in := Input{Files: files, NoRules: true}
		if order == "given" {
			in.Ingest = ingest.Options{RevisionOrder: 1}
		}
		res, err := Run(in)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	all := run(authorityFiles("oak.csv", "oak-corrected.csv", "elm.csv", "riverside-pru.csv"), "")
	// The files in another order give the same answer: the corrected
	// export is later by its data, not by its place on the command line.
	reordered := run(authorityFiles("riverside-pru.csv", "oak-corrected.csv", "elm.csv", "oak.csv"), "")

	const dual = "C823200112001"
	type key struct{ school, id string }
	got := map[key]figs{}
	for _, p := range all.Enrolments {
		got[key{p.Info.School, p.ID}] = figsOf(p)
	}
	got2 := map[key]figs{}
	for _, p := range reordered.Enrolments {
		got2[key{p.Info.School, p.ID}] = figsOf(p)
	}
	if diff := cmp.Diff(got, got2); diff != "" {
		t.Errorf("file order changed the figures (-given order +reordered):\n%s", diff)
	}

	own := map[key]figs{}
	for school, files := range map[string][]string{
		"Oak Primary":   authorityFiles("oak.csv", "oak-corrected.csv"),
		"elm":           authorityFiles("elm.csv"),
		"Riverside PRU": authorityFiles("riverside-pru.csv"),
	} {
		for _, p := range run(files, "").Enrolments {
			own[key{school, p.ID}] = figsOf(p)
		}
	}
	// The UPN with a bad check letter is in a file naming no school: it has
	// no school in the authority run (only local ids take the file's name).
	own[key{"", "B823200212002"}] = own[key{"elm", "B823200212002"}]
	delete(own, key{"elm", "B823200212002"})
	if diff := cmp.Diff(own, got); diff != "" {
		t.Errorf("authority run's enrolments (-own school's run +authority run):\n%s", diff)
	}

	// The figures themselves, worked from the fixtures: the two 1001s are
	// two children; Oak's re-export turned six N into I and a G into C.
	want := map[key]figs{
		{"Oak Primary", "1001"}: {90, 2, 0, false, false},
		{"elm", "1001"}:         {90, 0, 30, true, false},
		{"Oak Primary", "1002"}: {90, 7, 10, true, false},
		{"Oak Primary", dual}:   {36, 0, 9, true, false},
		{"Riverside PRU", dual}: {54, 0, 14, true, false},
		{"elm", "1003"}:         {90, 2, 0, false, false},
		{"", "B823200212002"}:   {90, 6, 0, false, false},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("enrolment figures (-want +got):\n%s", diff)
	}

	// The child view: one row for the dual-registered child, every session
	// a possible one (D at one school pairs with the other's mark).
	var child *Pupil
	for _, p := range all.All {
		if p.ID == dual {
			if child != nil {
				t.Fatalf("the dual-registered child is listed twice")
			}
			child = p
		}
	}
	if diff := cmp.Diff(figs{90, 0, 23, true, false}, figsOf(child)); diff != "" {
		t.Errorf("child view (-want +got):\n%s", diff)
	}
	if child.Info.School != "Oak Primary + Riverside PRU" {
		t.Errorf("child's school %q", child.Info.School)
	}
	q := all.Quality
	for key, n := range map[string]int{"conflicting_mark": 0, "superseded_mark": 7} {
		if got := q.Rejection(key); got != n {
			t.Errorf("%s: %d, want %d", key, got, n)
		}
	}
	if err := q.Balanced(); err != nil {
		t.Error(err)
	}
	findings := map[string]int{}
	for _, r := range q.Findings() {
		findings[r.Key] = r.Count
	}
	if diff := cmp.Diff(map[string]int{"bad_upn": 1, "revision": 2}, findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}

	// --revision-order given with the corrected export first: oak.csv is
	// then the later one, and its G stands; its N still lose to the I.
	given := run(authorityFiles("oak-corrected.csv", "oak.csv"), "given")
	for _, p := range given.Enrolments {
		if p.ID == "1002" {
			if diff := cmp.Diff(figs{90, 6, 11, true, false}, figsOf(p)); diff != "" {
				t.Errorf("--revision-order given (-want +got):\n%s", diff)
			}
		}
	}
}

// TestAuthorityEnrolmentsJudgedAndPseudonymised: a dual-registered child's
// rows per school carry the child's age and the school's own absence by
// cause, and pseudonymising leaves no real id or register link on them:
// each has the child's pseudonym.
//
// The same with the rules, and with the register dropped as analyse drops
// it (Input.DropRegister: before the rules, the rows per school made
// first and given the child's verdict after).
func TestAuthorityEnrolmentsJudgedAndPseudonymised(t *testing.T) {
	for _, in := range []Input{
		{NoRules: true},
		{NoRules: true, DropRegister: true},
		{DropRegister: true},
		{},
	} {
		t.Run(fmt.Sprintf("no_rules=%v,drop=%v", in.NoRules, in.DropRegister), func(t *testing.T) {
			in.Files = authorityFiles("oak.csv", "riverside-pru.csv")
			testEnrolmentsJudgedAndPseudonymised(t, in)
		})
	}
}

func testEnrolmentsJudgedAndPseudonymised(t *testing.T, in Input) {
	const dual = "C823200112001"
	res, err := Run(in)
	if err != nil {
		t.Fatal(err)
	}
	var child *Pupil
	for _, p := range res.All {
		if p.ID == dual {
			child = p
		}
	}
	if child == nil {
		t.Fatalf("no pupil %s", dual)
	}
	n := 0
	for _, e := range res.Enrolments {
		if e.ID != dual {
			continue
		}
		n++
		if e == child {
			t.Fatalf("%s has one row, want one per school", dual)
		}
		if e.Age != child.Age {
			t.Errorf("%s at %s: age %+v, want the child's %+v", dual, e.Info.School, e.Age, child.Age)
		}
		if want := e.Figures.Causes(child.Age.Status == AgeCompulsory); e.Causes != want {
			t.Errorf("%s at %s: causes %+v, want the school's own %+v", dual, e.Info.School, e.Causes, want)
		}
		ec, _ := e.Concerns()
		cc, _ := child.Concerns()
		if e.Outcome != child.Outcome || e.concern != child.concern || e.openConcern != child.openConcern {
			t.Errorf("%s at %s: verdict %v %v, want the child's %v %v", dual, e.Info.School, e.Outcome, ec, child.Outcome, cc)
		}
	}
	if n != 2 {
		t.Fatalf("%s has %d rows per school, want 2", dual, n)
	}

	if err := Pseudonymise(res, []byte("0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	ps := Pseudonym([]byte("0123456789abcdef"), dual)
	var got []string
	for _, e := range res.Enrolments {
		if e.Marks() != nil || e.Info.Surname != "" || e.Info.Forename != "" {
			t.Errorf("%s at %s keeps its register link or name after pseudonymising", e.ID, e.Info.School)
		}
		if e.ID == dual {
			t.Errorf("real id %s left at %s", dual, e.Info.School)
		}
		if e.ID == ps {
			got = append(got, e.Info.School)
		}
	}
	if diff := cmp.Diff([]string{"Oak Primary", "Riverside PRU"}, got); diff != "" {
		t.Errorf("schools under the child's pseudonym (-want +got):\n%s", diff)
	}
}

// TestAuthorityCalendarsPerSchool: Oak's half-term is 28/10 to 01/11 and
// Elm's 21/10 to 25/10, so a calendar read from both schools together has no
// half-term week at all. Each school's pupils' patterns (the 10-school-week
// counts, the runs of absence, the N-code days) in the authority run must be
// those of their own school's run, counted on their own school's weeks.
func TestAuthorityCalendarsPerSchool(t *testing.T) {
	run := func(files ...string) *Result {
		t.Helper()
		res, err := Run(Input{Files: authorityFiles(files...)})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	type key struct{ school, id string }
	type view struct {
		Patterns metrics.Patterns
		Tier     string
		Fired    []string
	}
	viewOf := func(p *Pupil) view {
		v := view{Patterns: p.Patterns, Tier: p.Outcome.Tier}
		for i, f := range p.Outcome.Fired {
			v.Fired = append(v.Fired, f.Factor.ID+": "+strings.Join(p.Outcome.Evidence(i), "; "))
		}
		return v
	}
	all := run("oak.csv", "oak-corrected.csv", "elm.csv", "riverside-pru.csv")
	got := map[key]view{}
	for _, p := range all.All {
		if p.reg.Combined() {
			continue // the dual-registered child: the union of two calendars
		}
		got[key{p.Info.School, p.ID}] = viewOf(p)
	}
	own := map[key]view{}
	for school, files := range map[string][]string{
		"Oak Primary": {"oak.csv", "oak-corrected.csv"},
		"elm":         {"elm.csv"},
	} {
		for _, p := range run(files...).All {
			if p.ID == "C823200112001" {
				continue // dual-registered: not the same child view alone
			}
			s := school
			if p.ID == "B823200212002" {
				s = "" // a UPN in a file naming no school has none
			}
			own[key{s, p.ID}] = viewOf(p)
		}
	}
	if diff := cmp.Diff(own, got, cmpopts.IgnoreUnexported(metrics.Patterns{})); diff != "" {
		t.Errorf("authority run's patterns (-own school's run +authority run):\n%s", diff)
	}
	// The school weeks themselves: each school's autumn data (02/09 to
	// 08/11) is 10 weeks less its own half-term week, so 9 school weeks;
	// every school's days together would make it 10.
	for k, v := range got {
		if v.Patterns.SchoolWeeks != 9 {
			t.Errorf("%v: %d school weeks on roll, want 9 (own half-term left out)", k, v.Patterns.SchoolWeeks)
		}
	}
}

// TestAuthorityMovers: Ash Primary (half term 28/10 to 01/11) and Birch
// Academy (21/10 to 25/10), worked by hand. U823300113001 is last marked at
// Ash on 04/10 (present but for an I on 02/10 AM and O on 03/10 and 04/10)
// and at no other school: Ash has 20 school days after (07/10 to 25/10 and
// 04/11 to 08/11), and the 20 school days to 04/10 (09/09 on) hold 40
// possible sessions, 5 absent, 4 unexplained. H823300113002 leaves Ash after
// 27/09 and joins Birch on 14/10: one child, 10 of Birch's school days
// (30/09 to 11/10) between the rolls, and no leaver. The stayers are
// neither. Ash's leaver is the same in Ash's run alone.
func TestAuthorityMovers(t *testing.T) {
	run := func(files ...string) map[string]*Pupil {
		t.Helper()
		res, err := Run(Input{Files: authorityFiles(files...)})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*Pupil{}
		for _, p := range res.All {
			if out[p.ID] != nil {
				t.Fatalf("%s listed twice", p.ID)
			}
			out[p.ID] = p
		}
		return out
	}
	type view struct {
		Left  *LeftRoll
		Moves []Move
	}
	day := func(dd, mm int) register.Day { return register.MustDay(2024, mm, dd) }
	leaver := &LeftRoll{School: "Ash Primary", LastDay: day(4, 10), SchoolDaysAfter: 20, Unexplained: 4, Absent: 5, Possible: 40}
	want := map[string]view{
		"U823300113001": {Left: leaver},
		"H823300113002": {Moves: []Move{{From: "Ash Primary", To: "Birch Academy", Left: day(27, 9), Joined: day(14, 10), GapDays: 10}}},
		"X823300113003": {},
		"L823300113004": {},
		"A823300113005": {},
		"P823300113006": {},
		"D823300113007": {},
	}
	got := map[string]view{}
	for id, p := range run("ash.csv", "birch.csv") {
		got[id] = view{p.Left, p.Moves}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("movers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(leaver, run("ash.csv")["U823300113001"].Left); diff != "" {
		t.Errorf("Ash's run alone (-want +got):\n%s", diff)
	}
	if s := got["H823300113002"].Moves[0].Summary(); !strings.Contains(s, "10 school days missed between the rolls") {
		t.Errorf("move summary %q", s)
	}
	if s := leaver.Summary(); !strings.Contains(s, "4 unexplained (N, O) and 5 absent of 40 possible") || !strings.Contains(s, "children-missing-education") {
		t.Errorf("leaver summary %q", s)
	}
}

// TestSevereNoPlan: in Ash and Birch, three children are severely absent.
// A823300113005 (O every morning: 45 of 90) has attendance_plan Yes and is
// not listed; D823300113007 (45 mornings and the first week's afternoons:
// 50 of 90) has a blank plan cell, and P823300113006 (O to 11/10: 60 of 90)
// has No. Each school's list, Ash's first; with them the leaver's
// deletion-return check.
func TestSevereNoPlan(t *testing.T) {
	res, err := Run(Input{Files: authorityFiles("ash.csv", "birch.csv"), ContextFile: authorityFiles("ash-birch-context.csv")[0]})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range res.Outstanding("") {
		if it.Kind == DueSevereNoPlan || it.Kind == DueLeftRoll {
			got = append(got, it.Kind+" "+it.Pupil.ID+" "+it.Detail)
		}
	}
	want := []string{
		"left_roll U823300113001 Ash Primary, last marked 04/10/2024, 20 school days before the end of its data, at no other school in the run; in the last 20 school days on roll 4 unexplained (N, O) and 5 absent of 40 possible sessions. Check the deletion return, the destination and the children-missing-education procedures.",
		"severe_no_plan D823300113007 Ash Primary: severely absent (50 of 90 possible sessions) and no plan recorded (no plan value and no engaged support state in the context): for the termly meeting with the local authority",
		"severe_no_plan P823300113006 Birch Academy: severely absent (60 of 90 possible sessions) and no plan in place recorded in context.attendance_plan: for the termly meeting with the local authority",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outstanding (-want +got):\n%s", diff)
	}
}

// TestAuthorityCalendarsAreEachSchools: North Primary (half-term 21-25
// October, no rows) and South Primary (half-term 28 October - 1 November,
// marked #) each have a pupil 2001 with unauthorised O marks for the whole
// week of 9 September, and the data ends on Friday 22 November.
//
// Worked by hand on North's own calendar, the latest 10 school weeks to
// 22 November are the weeks of 18, 11 and 4 November, 28 and 14 and
// 7 October, and 30, 23, 16 and 9 September (21 October is half-term, not a
// school week for North): the O week is inside, so unauthorised_10wk is 10
// sessions, the penalty-notice threshold ("10 sessions of unauthorised
// absence in a rolling 10 school-week period", Working together to improve
// school attendance, 2024). South's is the same with 28 October left out.
// On one calendar shared by both schools every week from 2 September is a
// school week, the window starts on 16 September, and both children would
// drop to 0: one school's half-term would move the other's threshold.
func TestAuthorityCalendarsAreEachSchools(t *testing.T) {
	run := func(files ...string) map[string]map[string]any {
		t.Helper()
		res, err := Run(Input{Files: authorityFiles(files...)})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]map[string]any{}
		for _, p := range res.All {
			vars := map[string]any{}
			p.Patterns.AddVars(vars)
			var fired []string
			for _, f := range p.Outcome.Fired {
				fired = append(fired, f.Factor.ID)
			}
			vars["fired"] = fired
			vars["tier"] = p.Outcome.Tier
			out[p.Info.School+"/"+p.ID] = vars
		}
		return out
	}
	all := run("north.csv", "south.csv")
	own := run("north.csv")
	for k, v := range run("south.csv") {
		own[k] = v
	}
	if diff := cmp.Diff(own, all); diff != "" {
		t.Errorf("authority run differs from each school's own run (-own +authority):\n%s", diff)
	}
	for _, k := range []string{"North Primary/2001", "South Primary/2001"} {
		if got := all[k]["unauthorised_10wk"]; got != 10 {
			t.Errorf("%s: unauthorised_10wk = %v, want 10", k, got)
		}
	}
}

// TestAuthorityContextBySchool: Oak Primary and elm both have a child with
// admission number 1001; the context file's School column puts elm's on a
// child protection plan and Oak's not. Each child gets their own school's
// row: elm's 1001 (30 unauthorised sessions of 90, an attendance concern)
// has the child_protection_plan factor, Oak's (no unauthorised absence)
// has the plan recorded as No and no such factor. The same file without
// the School column is refused: its 1001 could be either child.
func TestAuthorityContextBySchool(t *testing.T) {
	files := authorityFiles("oak.csv", "elm.csv")
	res, err := Run(Input{Files: files, ContextFile: authorityFiles("oak-elm-context.csv")[0]})
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		CP       any
		CPFactor bool
	}
	want := map[string]got{
		"Oak Primary:1001":          {false, false},
		"elm:1001":                  {true, true},
		"Oak Primary:1002":          {false, false},
		"elm:1003":                  {false, false},
		"Oak Primary:C823200112001": {false, false},
		":B823200212002":            {false, false},
	}
	have := map[string]got{}
	for _, p := range res.All {
		fired := false
		if p.Outcome != nil {
			for _, f := range p.Outcome.Fired {
				fired = fired || f.Factor.ID == "child_protection_plan"
			}
		}
		have[p.Info.School+":"+p.ID] = got{p.Context["child_protection_plan"], fired}
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("context by school (-want +got):\n%s", diff)
	}
	if n := res.Quality.Finding("context_no_pupil") + res.Quality.Finding("pupil_no_context"); n != 0 {
		t.Errorf("%d unjoined rows or pupils, want 0", n)
	}

	_, err = Run(Input{Files: files, ContextFile: authorityFiles("oak-elm-context-no-school.csv")[0]})
	if err == nil {
		t.Fatal("a context file without a school column joined admission number 1001 at two schools")
	}
	for _, s := range []string{"oak-elm-context-no-school.csv: 1 local pupil id", "(Oak Primary, elm)", "shared ids: 1001\n", "add a School column to the context file", "no output written"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error lacks %q:\n%s", s, err)
		}
	}
	for _, name := range []string{"Ahmed", "Dunn", "Sara", "Ava"} {
		if strings.Contains(err.Error(), name) {
			t.Errorf("error names a pupil (%s):\n%s", name, err)
		}
	}
}
