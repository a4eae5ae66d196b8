package synth

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// category is the DfE statistical category of a mark, written out here
// independently of the generator's own tables (reference §1.1), so the
// tests check the generator against the rules rather than against itself.
type category int

const (
	present category = iota
	aea
	authorised
	unauthorised
	notPossible
	missing
)

var categories = func() map[string]category {
	m := map[string]category{"-": missing}
	for cat, codes := range map[category]string{
		present:      `/ \ L`,
		aea:          "K V P W B",
		authorised:   "C C1 C2 E I J1 M R S T",
		unauthorised: "G N O U",
		notPossible:  "D X Q Y1 Y2 Y3 Y4 Y5 Y6 Y7 Z #",
	} {
		for _, c := range strings.Fields(codes) {
			m[c] = cat
		}
	}
	return m
}()

// row is one parsed row of the marks layout.
type row struct {
	date       time.Time
	pm         bool
	mark       string
	year, form string
}

// tally counts one pupil's rows by category.
type tally struct {
	n        [missing + 1]int
	byMark   map[string]int
	absentMF int // absent sessions on Mondays and Fridays
}

func (t tally) possible() int { return t.n[present] + t.n[aea] + t.n[authorised] + t.n[unauthorised] }
func (t tally) absent() int   { return t.n[authorised] + t.n[unauthorised] }

func count(t *testing.T, rows []row) tally {
	t.Helper()
	tl := tally{byMark: map[string]int{}}
	for _, r := range rows {
		cat, ok := categories[r.mark]
		if !ok {
			t.Fatalf("unknown mark %q", r.mark)
		}
		tl.n[cat]++
		tl.byMark[r.mark]++
		if cat == authorised || cat == unauthorised {
			if wd := r.date.Weekday(); wd == time.Monday || wd == time.Friday {
				tl.absentMF++
			}
		}
	}
	return tl
}

// parseMarks reads a marks-layout CSV into rows per UPN, checking the header
// and the shape of every row.
func parseMarks(t *testing.T, data []byte, header string) (map[string][]row, []string) {
	t.Helper()
	cr := csv.NewReader(bytes.NewReader(data))
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != header {
		t.Fatalf("header = %q, want %q", got, header)
	}
	off := 0
	if strings.Contains(header, "School") {
		off = 1
	}
	byUPN := map[string][]row{}
	var order []string
	for i, rec := range recs[1:] {
		d, err := time.Parse("02/01/2006", rec[5+off])
		if err != nil {
			t.Fatalf("row %d: date %q: %v", i+2, rec[5+off], err)
		}
		s := rec[6+off]
		if s != "AM" && s != "PM" {
			t.Fatalf("row %d: session %q", i+2, s)
		}
		upn := rec[0]
		if _, seen := byUPN[upn]; !seen {
			order = append(order, upn)
		} else if order[len(order)-1] != upn {
			t.Fatalf("row %d: rows of %s are not grouped", i+2, upn)
		}
		byUPN[upn] = append(byUPN[upn], row{date: d, pm: s == "PM", mark: rec[7+off], year: rec[3], form: rec[4]})
	}
	return byUPN, order
}

func sampleSchool(t testing.TB, pupils int) *School {
	t.Helper()
	cfg := SampleSchoolConfig()
	cfg.Pupils = pupils
	s, err := NewSchool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func marksCSV(t testing.TB, s *School) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := s.WriteMarksCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != s.Rows() || int64(bytes.Count(buf.Bytes(), []byte("\n"))-1) != n {
		t.Fatalf("WriteMarksCSV reported %d rows, Rows() says %d", n, s.Rows())
	}
	return buf.Bytes()
}

func TestCalendar(t *testing.T) {
	c := AcademicYear2024()
	var inset, perTerm [3]int
	nInset := 0
	for i, d := range c.Days {
		if wd := d.Date.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Errorf("day %d (%s) is a weekend", i, d.Date.Format(time.DateOnly))
		}
		if i > 0 && !c.Days[i-1].Date.Before(d.Date) {
			t.Errorf("day %d is not after day %d", i, i-1)
		}
		perTerm[d.Term]++
		if d.INSET {
			inset[d.Term]++
			nInset++
		}
	}
	got := map[string]int{
		"days": len(c.Days), "sessions": c.Sessions(), "inset": nInset, "pupil days": len(c.Days) - nInset,
		"autumn": perTerm[Autumn], "spring": perTerm[Spring], "summer": perTerm[Summer],
	}
	want := map[string]int{
		"days": 195, "sessions": 390, "inset": 5, "pupil days": 190,
		"autumn": 75, "spring": 60, "summer": 60,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("calendar counts (-want +got):\n%s", diff)
	}

	tests := []struct {
		date        string
		school      bool
		inset       bool
		description string
	}{
		{"2024-08-30", false, false, "before term"},
		{"2024-09-02", true, true, "first day: INSET"},
		{"2024-09-04", true, false, "first pupil day"},
		{"2024-09-07", false, false, "Saturday"},
		{"2024-10-25", true, true, "INSET before half-term"},
		{"2024-10-28", false, false, "October half-term"},
		{"2024-11-01", false, false, "October half-term"},
		{"2024-11-04", true, false, "after half-term"},
		{"2024-12-20", true, false, "last day of autumn"},
		{"2024-12-25", false, false, "Christmas Day"},
		{"2025-01-01", false, false, "New Year's Day"},
		{"2025-01-06", true, true, "INSET, first day of spring"},
		{"2025-02-17", false, false, "February half-term"},
		{"2025-04-04", true, false, "last day of spring"},
		{"2025-04-18", false, false, "Good Friday"},
		{"2025-04-21", false, false, "Easter Monday"},
		{"2025-04-22", true, false, "first day of summer"},
		{"2025-05-05", false, false, "early May bank holiday"},
		{"2025-05-26", false, false, "spring bank holiday"},
		{"2025-05-30", false, false, "May half-term"},
		{"2025-06-02", true, true, "INSET after half-term"},
		{"2025-07-22", true, false, "last day"},
		{"2025-07-23", false, false, "summer holiday"},
	}
	for _, tt := range tests {
		d, _ := time.Parse(time.DateOnly, tt.date)
		i, ok := c.Index(d)
		if ok != tt.school {
			t.Errorf("%s (%s): school day = %v, want %v", tt.date, tt.description, ok, tt.school)
			continue
		}
		if ok && c.Days[i].INSET != tt.inset {
			t.Errorf("%s (%s): INSET = %v, want %v", tt.date, tt.description, c.Days[i].INSET, tt.inset)
		}
	}
	if got := c.SessionHeader(1); got != "02/09/2024 PM" {
		t.Errorf("SessionHeader(1) = %q", got)
	}
}

func TestDeterminism(t *testing.T) {
	writers := []struct {
		name  string
		write func(seed uint64) []byte
	}{
		{"marks", func(seed uint64) []byte {
			cfg := SampleSchoolConfig()
			cfg.Seed, cfg.Pupils = seed, 120
			s, err := NewSchool(cfg)
			if err != nil {
				t.Fatal(err)
			}
			return marksCSV(t, s)
		}},
		{"context", func(seed uint64) []byte {
			cfg := SampleSchoolConfig()
			cfg.Seed, cfg.Pupils = seed, 120
			s, err := NewSchool(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if _, err := s.WriteContextCSV(&buf); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}},
		{"grid", func(seed uint64) []byte {
			cfg := SampleSchoolConfig()
			cfg.Seed, cfg.Pupils = seed, 60
			s, err := NewSchool(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := s.WriteGridXLSX(&buf); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}},
		{"la", func(seed uint64) []byte {
			var buf bytes.Buffer
			if _, err := WriteLAMarksCSV(&buf, LAConfig{Seed: seed, Pupils: 1500}); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}},
	}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			a, b, other := w.write(7), w.write(7), w.write(8)
			if !bytes.Equal(a, b) {
				t.Error("the same seed wrote different bytes")
			}
			if bytes.Equal(a, other) {
				t.Error("different seeds wrote the same bytes")
			}
		})
	}
}

// TestProfiles checks that each profile produces what it claims, by counting
// the pupil's rows in the written CSV with the DfE categories.
func TestProfiles(t *testing.T) {
	for _, seed := range []uint64{DefaultSeed, 1, 2} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			cfg := SampleSchoolConfig()
			cfg.Seed = seed
			s, err := NewSchool(cfg)
			if err != nil {
				t.Fatal(err)
			}
			checkProfiles(t, s)
		})
	}
}

func checkProfiles(t *testing.T, s *School) {
	byUPN, order := parseMarks(t, marksCSV(t, s), MarksHeader)
	if len(order) != len(s.Pupils) {
		t.Fatalf("%d pupils in the CSV, %d on the roster", len(order), len(s.Pupils))
	}
	cal := s.Calendar
	lastDay := cal.Days[len(cal.Days)-1].Date
	rate := func(rows []row, term Term) float64 {
		var tl tally
		for _, r := range rows {
			if d, ok := cal.Index(r.date); ok && cal.Days[d].Term == term {
				tl.n[categories[r.mark]]++
			}
		}
		return float64(tl.absent()) / float64(max(1, tl.possible()))
	}
	// longestRun is the longest run of consecutive sessions whose mark is in
	// marks.
	longestRun := func(rows []row, marks string) int {
		best, run := 0, 0
		for _, r := range rows {
			if strings.Contains(" "+marks+" ", " "+r.mark+" ") {
				run++
				best = max(best, run)
			} else {
				run = 0
			}
		}
		return best
	}
	pa := func(tl tally) bool { return 10*tl.absent() >= tl.possible() }

	checks := map[Profile]func(rows []row, tl tally) string{
		Severe: func(_ []row, tl tally) string {
			if 2*tl.absent() < tl.possible() {
				return "not severely absent"
			}
			return ""
		},
		Persistent: func(_ []row, tl tally) string {
			if !pa(tl) {
				return "not persistently absent"
			}
			return ""
		},
		IllnessHeavy: func(_ []row, tl tally) string {
			if !pa(tl) || 3*(tl.byMark["I"]+tl.byMark["M"]) < 2*tl.absent() {
				return "not PA mostly through I and M"
			}
			return ""
		},
		MondayFriday: func(_ []row, tl tally) string {
			if !pa(tl) || 5*tl.absentMF < 4*tl.absent() {
				return "not PA with 80 % of absence on Mondays and Fridays"
			}
			return ""
		},
		Improving: func(rows []row, _ tally) string {
			if rate(rows, Autumn) < rate(rows, Summer)+0.15 {
				return "autumn absence is not well above summer's"
			}
			return ""
		},
		Declining: func(rows []row, _ tally) string {
			if rate(rows, Summer) < rate(rows, Autumn)+0.15 {
				return "summer absence is not well above autumn's"
			}
			return ""
		},
		MissingEducation: func(rows []row, tl tally) string {
			run := 0
			for i := len(rows) - 1; i >= 0 && strings.Contains("G N O", rows[i].mark); i-- {
				run++
			}
			if !rows[len(rows)-1].date.Equal(lastDay) || run < 40 || !pa(tl) {
				return "no run of >= 20 school days of G/N/O to the end of the data"
			}
			return ""
		},
		PartTime: func(rows []row, _ tally) string {
			pm := 0
			for _, r := range rows {
				if r.mark == "C2" && !r.pm {
					return "C2 on a morning"
				}
				if r.mark == "C2" {
					pm++
				}
			}
			if pm != 30 {
				return "not 30 afternoons of C2"
			}
			return ""
		},
		Suspended: func(rows []row, _ tally) string {
			if longestRun(rows, "E") < 10 {
				return "no 5-day run of E"
			}
			return ""
		},
		HolidayTaker: func(rows []row, _ tally) string {
			if longestRun(rows, "G") < 10 {
				return "no 5-day run of G"
			}
			return ""
		},
		DualRegistered: func(rows []row, tl tally) string {
			for _, r := range rows {
				if r.mark == "D" && r.date.Weekday() != time.Thursday {
					return "D on a day other than Thursday"
				}
			}
			if tl.byMark["D"] < 20 {
				return "too few D marks"
			}
			return ""
		},
	}

	var school tally
	seen := map[Profile]int{}
	paCount, saCount, joiners, leavers, unresolved, post16 := 0, 0, 0, 0, 0, 0
	family := map[string][]bool{} // family id -> PA of each member
	for i := range s.Pupils {
		p := &s.Pupils[i]
		rows := byUPN[p.UPN]
		tl := count(t, rows)
		seen[p.Profile]++
		if check := checks[p.Profile]; check != nil {
			if msg := check(rows, tl); msg != "" {
				t.Errorf("%s (%s): %s: %+v", p.UPN, p.Profile, msg, tl.byMark)
			}
		}
		if p.Profile != DualRegistered && tl.byMark["D"] > 0 {
			t.Errorf("%s (%s) has D marks but is not dual registered", p.UPN, p.Profile)
		}
		// Rows run from the first to the last day on roll, every session,
		// in date order, AM before PM, with # exactly on INSET days.
		if want := 2 * (p.Last - p.First + 1); len(rows) != want {
			t.Fatalf("%s: %d rows, want %d", p.UPN, len(rows), want)
		}
		for j, r := range rows {
			d := p.First + j/2
			if !r.date.Equal(cal.Days[d].Date) || r.pm != (j%2 == 1) {
				t.Fatalf("%s row %d: %s pm=%v, want day %d", p.UPN, j, r.date.Format(time.DateOnly), r.pm, d)
			}
			if (r.mark == "#") != cal.Days[d].INSET {
				t.Errorf("%s %s: mark %q on an INSET=%v day", p.UPN, r.date.Format(time.DateOnly), r.mark, cal.Days[d].INSET)
			}
			if p.UnresolvedN && r.mark == "N" && d >= len(cal.Days)-5 {
				unresolved++
			}
		}
		if r := rows[0]; r.year != p.Year || r.form != p.RegGroup {
			t.Errorf("%s: year/group %s/%s, want %s/%s", p.UPN, r.year, r.form, p.Year, p.RegGroup)
		}
		if p.First > 0 {
			joiners++
		}
		if p.Last < len(cal.Days)-1 {
			leavers++
		}
		if p.nc >= 12 {
			post16++
		}
		for c := range tl.n {
			school.n[c] += tl.n[c]
		}
		if pa(tl) {
			paCount++
		}
		if 2*tl.absent() >= tl.possible() {
			saCount++
		}
		family[p.FamilyID] = append(family[p.FamilyID], pa(tl))
	}

	for prof := Good; prof <= DualRegistered; prof++ {
		if seen[prof] == 0 {
			t.Errorf("no pupil has profile %s", prof)
		}
	}
	absentFamilies := 0
	for _, members := range family {
		all := len(members) >= 3
		for _, m := range members {
			all = all && m
		}
		if all {
			absentFamilies++
		}
	}

	// School-wide figures, against the national ones with room for a
	// 600-pupil school's noise.
	poss := float64(school.possible())
	pct := func(n int) float64 { return 100 * float64(n) / poss }
	n := float64(len(s.Pupils))
	figures := []struct {
		name    string
		got     float64
		lo, hi  float64
		comment string
	}{
		{"overall absence %", pct(school.absent()), 6, 8.5, "national 6.9"},
		{"authorised %", pct(school.n[authorised]), 3.5, 5.5, "national 4.5"},
		{"unauthorised %", pct(school.n[unauthorised]), 1.5, 3.2, "national 2.4"},
		{"PA % of pupils", 100 * float64(paCount) / n, 15, 25, "national 18.8"},
		{"SA % of pupils", 100 * float64(saCount) / n, 1.5, 4, "national about 2"},
		{"missing marks", float64(school.n[missing]), 1, 6, "a handful"},
		{"joiners", float64(joiners), 2, 40, ""},
		{"leavers", float64(leavers), 1, 20, ""},
		{"unresolved N in the last week", float64(unresolved), 3, 12, ""},
		{"post-16 pupils", float64(post16), 50, 200, ""},
		{"sibling groups all PA", float64(absentFamilies), 1, 10, ""},
	}
	for _, f := range figures {
		t.Logf("%-30s %6.2f  (want %g-%g; %s)", f.name, f.got, f.lo, f.hi, f.comment)
		if f.got < f.lo || f.got > f.hi {
			t.Errorf("%s = %.2f, want %g to %g", f.name, f.got, f.lo, f.hi)
		}
	}
}

func TestUPNsAndNames(t *testing.T) {
	s := sampleSchool(t, 600)
	seen := map[string]bool{}
	nonASCII := 0
	for _, p := range append(append([]Pupil(nil), s.Pupils...), s.Unregistered...) {
		u := p.UPN
		ok := len(u) == 13 && u[0] >= 'A' && u[0] <= 'Z' && !strings.ContainsAny(u[:1], "IOS")
		for _, c := range u[1:] {
			ok = ok && c >= '0' && c <= '9'
		}
		if !ok || upnCheck([]byte(u[1:])) != u[0] {
			t.Errorf("bad UPN %q", u)
		}
		if seen[u] {
			t.Errorf("duplicate UPN %s", u)
		}
		seen[u] = true
		if !utf8.ValidString(p.Surname+p.Forename) || strings.ContainsAny(p.Surname+p.Forename, ",\"") {
			t.Errorf("%s: awkward name %q %q", u, p.Forename, p.Surname)
		}
		if len(p.Forename+p.Surname) != utf8.RuneCountInString(p.Forename+p.Surname) {
			nonASCII++
		}
	}
	if nonASCII == 0 {
		t.Error("no pupil has a non-ASCII name")
	}
	// A known value: the DfE guide's algorithm on digits 999500111013.
	if got := makeUPN(999, 5001, 11, 13); got != "A999500111013" {
		t.Errorf("makeUPN = %s", got)
	}
}

func TestContext(t *testing.T) {
	s := sampleSchool(t, 600)
	var buf bytes.Buffer
	n, err := s.WriteContextCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(strings.Split(ContextHeader, ","), recs[0]); diff != "" {
		t.Fatalf("header (-want +got):\n%s", diff)
	}
	if int(n) != len(recs)-1 {
		t.Errorf("reported %d rows, wrote %d", n, len(recs)-1)
	}
	register := map[string]*Pupil{}
	for i := range s.Pupils {
		register[s.Pupils[i].UPN] = &s.Pupils[i]
	}
	inContext := map[string]bool{}
	var notOnRegister []string
	yes := make([]int, len(recs[0]))
	cpp := map[Profile]int{}
	for _, r := range recs[1:] {
		inContext[r[0]] = true
		p := register[r[0]]
		if p == nil {
			notOnRegister = append(notOnRegister, r[0])
		}
		for j, v := range r[2:] {
			if v != "Y" && v != "N" {
				t.Fatalf("%s: %s = %q", r[0], recs[0][j+2], v)
			}
			if v == "Y" {
				yes[j+2]++
			}
		}
		if p != nil && r[3] == "Y" {
			cpp[p.Profile]++
		}
	}
	var missingFromContext []string
	for upn := range register {
		if !inContext[upn] {
			missingFromContext = append(missingFromContext, upn)
		}
	}
	if len(notOnRegister) != 2 || len(missingFromContext) != 2 {
		t.Errorf("%d context pupils not on the register, %d register pupils missing from context; want 2 and 2",
			len(notOnRegister), len(missingFromContext))
	}
	for j := 2; j < len(yes); j++ {
		share := float64(yes[j]) / float64(len(recs)-1)
		if yes[j] == 0 || share > 0.4 {
			t.Errorf("%s: %d Y (%.0f %%): want a realistic minority", recs[0][j], yes[j], 100*share)
		}
	}
	if cpp[MissingEducation] != 1 || cpp[Severe] < 1 {
		t.Errorf("child protection plans by profile: %v; want the CME case and a severe absentee", cpp)
	}
}

func TestGrid(t *testing.T) {
	s := sampleSchool(t, 80)
	var buf bytes.Buffer
	if err := s.WriteGridXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Register" {
		t.Fatalf("sheets = %q, want [Register]", got)
	}
	rows, err := f.GetRows("Register")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(s.Pupils) {
		t.Fatalf("%d rows, want %d", len(rows), 1+len(s.Pupils))
	}
	wantHeader := append([]string(nil), GridFixedHeaders...)
	for j := range s.Calendar.Sessions() {
		wantHeader = append(wantHeader, s.Calendar.SessionHeader(j))
	}
	if diff := cmp.Diff(wantHeader, rows[0]); diff != "" {
		t.Fatalf("header (-want +got):\n%s", diff)
	}
	for i := range s.Pupils {
		p := &s.Pupils[i]
		want := append([]string{p.UPN, p.Surname, p.Forename, p.Year, p.RegGroup}, s.Marks(i)...)
		// GetRows drops trailing empty cells: a leaver's row is shorter.
		for len(want) > 0 && want[len(want)-1] == "" {
			want = want[:len(want)-1]
		}
		if diff := cmp.Diff(want, rows[i+1]); diff != "" {
			t.Fatalf("row of %s (first day %d, last %d) (-want +got):\n%s", p.UPN, p.First, p.Last, diff)
		}
	}
}

func TestLASchools(t *testing.T) {
	for _, pupils := range []int{50, 333, 2000, 12345, LAPupils} {
		schools, err := LASchools(LAConfig{Seed: DefaultSeed, Pupils: pupils})
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		urns := map[string]bool{}
		for _, sc := range schools {
			total += sc.Pupils
			if sc.Pupils < MinPupils || sc.Pupils > MaxPupils || urns[sc.URN] {
				t.Errorf("%d pupils: school %+v", pupils, sc)
			}
			urns[sc.URN] = true
		}
		if total != pupils {
			t.Errorf("%d pupils: schools hold %d", pupils, total)
		}
	}
}

func TestLAMarks(t *testing.T) {
	cfg := LAConfig{Seed: DefaultSeed, Pupils: 2500}
	var buf bytes.Buffer
	n, err := WriteLAMarksCSV(&buf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	byUPN, order := parseMarks(t, buf.Bytes(), LAMarksHeader)
	if len(order) != cfg.Pupils {
		t.Errorf("%d pupils, want %d (UPNs must be unique across schools)", len(order), cfg.Pupils)
	}
	total := 0
	for _, rows := range byUPN {
		total += len(rows)
	}
	if int64(total) != n {
		t.Errorf("reported %d rows, parsed %d", n, total)
	}
	// Close to 390 sessions a pupil: only joiners and leavers have fewer.
	if per := float64(n) / float64(cfg.Pupils); per < 380 || per > 390 {
		t.Errorf("%.1f rows a pupil", per)
	}
}

// BenchmarkWriteLAMarksCSV measures generation speed, which bounds how long
// `make bench` spends making its input (15.3 million rows).
func BenchmarkWriteLAMarksCSV(b *testing.B) {
	cfg := LAConfig{Seed: DefaultSeed, Pupils: 2000}
	var rows int64
	for b.Loop() {
		n, err := WriteLAMarksCSV(io.Discard, cfg)
		if err != nil {
			b.Fatal(err)
		}
		rows = n
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
