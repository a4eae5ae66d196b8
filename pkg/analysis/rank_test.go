package analysis

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/metrics"
	"github.com/attendrisk/attendrisk/pkg/register"
	"github.com/attendrisk/attendrisk/pkg/rule"
)

// rp is a pupil for ranking: absence sessions of possible.
func rp(id string, absent, possible int) *Pupil {
	return &Pupil{ID: id, Figures: metrics.Figures{Possible: possible, Authorised: absent, Present: possible - absent}}
}

func ids(ps []*Pupil) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func TestRankWithoutRules(t *testing.T) {
	tests := []struct {
		name   string
		pupils []*Pupil
		want   []string
	}{
		{
			name: "severe, then persistent, then the rest, by rate",
			pupils: []*Pupil{
				rp("low", 1, 100),    // 1%
				rp("pa", 20, 100),    // 20%: persistent
				rp("sa", 50, 100),    // 50%: severe
				rp("pa-hi", 49, 100), // 49%: persistent, not severe
				rp("mid", 9, 100),    // 9%
				rp("sa-hi", 90, 100), // 90%: severe
			},
			want: []string{"sa-hi", "sa", "pa-hi", "pa", "mid", "low"},
		},
		{
			// 1/3 is more than 33.33%: compared as exact fractions, not as
			// rounded percentages.
			name:   "rates compared exactly",
			pupils: []*Pupil{rp("a-3333", 3333, 10000), rp("b-1of3", 1, 3), rp("c-33333", 33333, 100000)},
			want:   []string{"b-1of3", "c-33333", "a-3333"},
		},
		{
			// 6004799503160661/2^54 is the float64 nearest 1/3, so the two
			// rates divide to the same float64; only the exact comparison
			// puts 1/3 (the higher) first, ahead of the larger pupil.
			name:   "rates that tie in floating point",
			pupils: []*Pupil{rp("near", 6004799503160661, 1<<54), rp("third", 1, 3)},
			want:   []string{"third", "near"},
		},
		{
			// The same rate: more possible sessions (more evidence) first.
			name:   "equal rates: more possible sessions first",
			pupils: []*Pupil{rp("small", 1, 3), rp("large", 30, 90), rp("medium", 2, 6)},
			want:   []string{"large", "medium", "small"},
		},
		{
			name:   "equal rates and sessions: by pupil id",
			pupils: []*Pupil{rp("C", 10, 100), rp("A", 10, 100), rp("B", 10, 100)},
			want:   []string{"A", "B", "C"},
		},
		{
			name:   "a severe pupil with few sessions beats a persistent one with many",
			pupils: []*Pupil{rp("many", 45, 100), rp("few", 2, 4)},
			want:   []string{"few", "many"},
		},
		{
			name:   "pupils who cannot be assessed go last, by id",
			pupils: []*Pupil{rp("z-none", 0, 0), rp("a-none", 0, 0), rp("ok", 0, 10), rp("pa", 5, 10)},
			want:   []string{"pa", "ok", "a-none", "z-none"},
		},
		{
			name: "group rows go after every pupil",
			pupils: []*Pupil{
				{ID: "LA total", Aggregate: true, Figures: metrics.Figures{Possible: 100, Authorised: 60}},
				rp("pupil", 0, 10),
				rp("none", 0, 0),
			},
			want: []string{"pupil", "none", "LA total"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Whatever order they come in, the ranking is the same.
			r := rand.New(rand.NewSource(1))
			for k := 0; k < 10; k++ {
				ps := append([]*Pupil(nil), tt.pupils...)
				r.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
				Rank(ps, nil)
				if diff := cmp.Diff(tt.want, ids(ps)); diff != "" {
					t.Fatalf("Rank (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestAggregateIsNeverPersistent(t *testing.T) {
	g := &Pupil{ID: "School", Aggregate: true, Figures: metrics.Figures{Possible: 100, Unauthorised: 60}}
	if g.PA() || g.SA() {
		t.Error("a group row is counted as a persistent or severe absentee")
	}
	p := rp("p", 60, 100)
	if !p.PA() || !p.SA() {
		t.Error("a pupil absent 60% is not persistent and severe")
	}
}

// TestRunFiguresOnly runs the whole pipeline on a small register, without
// the rules, and checks the figures, the order and the totals by hand.
func TestRunFiguresOnly(t *testing.T) {
	dir := t.TempDir()
	data := "UPN,Surname,Date,Session,Mark\n" +
		// A1: 4 possible, 2 absent (50%): severe.
		"A1,Ash,02/09/2024,AM,/\nA1,Ash,02/09/2024,PM,O\nA1,Ash,03/09/2024,AM,I\nA1,Ash,03/09/2024,PM,\\\n" +
		// B2: 4 possible, 1 absent (25%): persistent.
		"B2,Birch,02/09/2024,AM,/\nB2,Birch,02/09/2024,PM,\\\nB2,Birch,03/09/2024,AM,M\nB2,Birch,03/09/2024,PM,\\\n" +
		// C3: 3 possible (D is not), 0 absent.
		"C3,Cedar,02/09/2024,AM,/\nC3,Cedar,02/09/2024,PM,\\\nC3,Cedar,03/09/2024,AM,D\nC3,Cedar,03/09/2024,PM,L\n" +
		// D4: only closures: no possible sessions.
		"D4,Elm,02/09/2024,AM,#\nD4,Elm,02/09/2024,PM,#\n"
	path := filepath.Join(dir, "r.csv")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Run(Input{Files: []string{path}, NoRules: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"A1", "B2", "C3", "D4"}, ids(res.Pupils)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	// Totals are summed sessions: 3 absent of 11 possible.
	if res.Totals.Possible != 11 || res.Totals.Absent() != 3 {
		t.Errorf("totals %d absent of %d possible, want 3 of 11", res.Totals.Absent(), res.Totals.Possible)
	}
	pa, sa, n := res.Persistent()
	if pa != 2 || sa != 1 || n != 3 {
		t.Errorf("persistent %d, severe %d, assessable %d; want 2, 1, 3", pa, sa, n)
	}
	if res.From != register.MustDay(2024, 9, 2) || res.To != register.MustDay(2024, 9, 3) {
		t.Errorf("window %s to %s", res.From.ISO(), res.To.ISO())
	}
	if res.Rules != nil {
		t.Error("rules ran with NoRules")
	}

	// A window narrows every figure and is reported as the window.
	res, err = Run(Input{Files: []string{path}, NoRules: true, From: register.MustDay(2024, 9, 3), To: register.MustDay(2024, 9, 3)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Totals.Possible != 5 || res.Totals.Absent() != 2 || res.Quality.Rejection("outside_window") != 8 {
		t.Errorf("window 03/09: %d absent of %d possible, %d outside; want 2 of 5, 8 outside",
			res.Totals.Absent(), res.Totals.Possible, res.Quality.Rejection("outside_window"))
	}

	if _, err := Run(Input{Files: []string{path}, NoRules: true, From: register.MustDay(2024, 9, 4), To: register.MustDay(2024, 9, 3)}); err == nil {
		t.Error("--from after --to accepted")
	}
}

// TestRankKeysMatchLess checks Rank's compact keys against less itself,
// sorted with sort.SliceStable as Rank did before the keys: random
// pupils with ties on every field (duplicate ids included, whose order is
// then the order they came in), group rows, pupils who cannot be
// assessed, tiers the set does not have, and a class that mixes pupils
// with and without an outcome (which Rank sorts by less).
func TestRankKeysMatchLess(t *testing.T) {
	set := &rule.Set{Tiers: []rule.Tier{{Name: "high", MinScore: 6}, {Name: "medium", MinScore: 3}, {Name: "low"}}}
	tiers := []string{"high", "medium", "low", "gone"}
	r := rand.New(rand.NewSource(12))
	for round := 0; round < 200; round++ {
		n := 1 + r.Intn(300)
		ps := make([]*Pupil, n)
		mixed := round%10 == 9
		for i := range ps {
			possible := r.Intn(12)
			p := rp(fmt.Sprintf("P%d", r.Intn(n/2+1)), r.Intn(possible+1), possible)
			p.Aggregate = r.Intn(20) == 0
			if !p.Aggregate && (!mixed || r.Intn(2) == 0) {
				p.Outcome = &rule.Outcome{Tier: tiers[r.Intn(len(tiers))], Score: r.Intn(4)}
			}
			ps[i] = p
		}
		for _, s := range []*rule.Set{nil, set} {
			want := append([]*Pupil(nil), ps...)
			sort.SliceStable(want, func(i, j int) bool { return less(want[i], want[j], s) })
			got := append([]*Pupil(nil), ps...)
			Rank(got, s)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("round %d (rules %v): place %d is %s, want %s", round, s != nil, i+1, got[i].ID, want[i].ID)
				}
			}
		}
	}
}
