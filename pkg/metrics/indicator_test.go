package metrics

import (
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestIndicatorTableWellFormed checks what the table itself promises: a
// unique rules name for each entry, a known kind and group, and a doc line.
func TestIndicatorTableWellFormed(t *testing.T) {
	name := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	groups := map[Group]bool{GroupFigures: true, GroupPupil: true, GroupJudgement: true, GroupCauses: true,
		GroupPatterns: true, GroupActions: true, GroupFamily: true}
	seen := map[string]bool{}
	for _, ind := range Indicators {
		if !name.MatchString(ind.Name) || ind.Name == "context" {
			t.Errorf("%q is not a usable rules name", ind.Name)
		}
		if seen[ind.Name] {
			t.Errorf("%s listed twice", ind.Name)
		}
		seen[ind.Name] = true
		if ind.Kind < Int || ind.Kind > Funcs {
			t.Errorf("%s: kind %v", ind.Name, ind.Kind)
		}
		if !groups[ind.Group] {
			t.Errorf("%s: group %q", ind.Name, ind.Group)
		}
		if ind.Doc == "" {
			t.Errorf("%s: no doc", ind.Name)
		}
		if s, ok := ind.Sample(); ok != (ind.Kind != Funcs) || (ok && !ind.Kind.Matches(s)) {
			t.Errorf("%s: sample %T does not match kind %v", ind.Name, s, ind.Kind)
		}
	}
}

// kinds is the name → kind view of a filled environment, or of the table.
func kinds(t *testing.T, vars map[string]any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range vars {
		out[k] = "?"
		for _, kd := range []Kind{Int, Float, Bool, Text, Codes, Funcs} {
			if kd.Matches(v) {
				out[k] = kd.String()
			}
		}
	}
	return out
}

func tableKinds(g Group) map[string]string {
	out := map[string]string{}
	for _, ind := range IndicatorsIn(g) {
		out[ind.Name] = ind.Kind.String()
	}
	return out
}

// sentenceNames is the group's indicators that carry a sentence.
func sentenceNames(g Group) map[string]bool {
	out := map[string]bool{}
	for _, ind := range IndicatorsIn(g) {
		if !ind.ValueEvidence {
			out[ind.Name] = true
		}
	}
	return out
}

// TestGroupsFillTheTable holds each metrics computation to its group in the
// table: the same names, the same kinds, and a sentence for every
// indicator that is not shown by value, for pupils with nothing, with a
// bit of everything, and with no absence at all. An indicator added to
// AddVars and not to the table (or the other way round) fails here.
func TestGroupsFillTheTable(t *testing.T) {
	school := schoolDays(testDay(3, 3), testDay(11, 4))
	busy := presentOn(school).
		on(testDay(3, 3), "G", "G").on(testDay(7, 3), "I", "I").on(testDay(12, 3), "U", `\`).
		on(testDay(14, 3), "/", "C2").on(testDay(24, 3), "E", "E").on(testDay(28, 3), "N", "N").
		on(testDay(4, 4), "O", "O").on(testDay(8, 4), "Q", "Q").on(testDay(9, 4), "-", "-")
	reg := testRegister(t, map[string]testMarks{"BG": presentOn(school), "P": busy})
	cal := NewCalendar(reg)
	type pupil struct {
		name string
		fig  Figures
		pat  Patterns
	}
	pupils := []pupil{{name: "zero"}}
	for _, id := range []string{"P", "BG"} {
		rp := reg.Get(id)
		pupils = append(pupils, pupil{id, Compute(rp, 0, 0), ComputePatterns(rp, cal, testDay(11, 4))})
	}
	for _, p := range pupils {
		for _, g := range []struct {
			group Group
			vars  func(map[string]any)
			ev    func(map[string]string)
		}{
			{GroupFigures, func(m map[string]any) { p.fig.AddVars(m, DefaultMinSessions) }, p.fig.AddEvidence},
			{GroupPatterns, p.pat.AddVars, p.pat.AddEvidence},
			{GroupCauses, p.fig.Causes(true).AddVars, p.fig.Causes(true).AddEvidence},
		} {
			vars := map[string]any{}
			g.vars(vars)
			if diff := cmp.Diff(tableKinds(g.group), kinds(t, vars)); diff != "" {
				t.Errorf("%s pupil, %s: AddVars against the table (-table +filled):\n%s", p.name, g.group, diff)
			}
			ev := map[string]string{}
			g.ev(ev)
			got := map[string]bool{}
			for k, s := range ev {
				if s == "" {
					t.Errorf("%s pupil, %s: empty sentence for %s", p.name, g.group, k)
				}
				got[k] = true
			}
			if diff := cmp.Diff(sentenceNames(g.group), got); diff != "" {
				t.Errorf("%s pupil, %s: AddEvidence against the table (-table +written):\n%s", p.name, g.group, diff)
			}
		}
	}
}

// TestIndicatorIDs holds the IDs to the table: every ID names its own
// entry, and every entry has an ID.
func TestIndicatorIDs(t *testing.T) {
	if len(Indicators) != NumIndicators {
		t.Fatalf("%d indicators in the table, %d IDs", len(Indicators), NumIndicators)
	}
	for i, ind := range Indicators {
		if idNames[i] != ind.Name {
			t.Errorf("ID %d is %q, the table's entry %q", i, idNames[i], ind.Name)
		}
	}
}

// TestValuesAny checks that Values gives each kind back with the Go type
// the rules environment holds for it.
func TestValuesAny(t *testing.T) {
	var v Values
	v.SetInt(IndPossibleSessions, 300)
	v.SetFloat(IndAbsencePct, 12.5)
	v.SetBool(IndPersistentAbsence, true)
	v.SetText(IndYearGroup, "Year 7")
	for id, want := range map[ID]any{IndPossibleSessions: 300, IndAbsencePct: 12.5, IndPersistentAbsence: true,
		IndSevereAbsence: false, IndYearGroup: "Year 7", IndCodes: nil, IndActions: nil} {
		if got := v.Any(id); got != want {
			t.Errorf("%s: %#v, want %#v", Indicators[id].Name, got, want)
		}
		if want != nil && !Indicators[id].Kind.Matches(v.Any(id)) {
			t.Errorf("%s: %T does not match kind %s", Indicators[id].Name, v.Any(id), Indicators[id].Kind)
		}
	}
}
