package compare

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/analysis"
)

var testKey = []byte("a-long-secret-key-for-tests")

func ids(p *Previous) []string {
	var out []string
	for id, pp := range p.Pupils {
		if pp.ID != id {
			out = append(out, "mismatch "+id+" "+pp.ID)
		}
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func TestPreviousPseudonymise(t *testing.T) {
	ps := func(id string) string { return analysis.Pseudonym(testKey, id) }
	tests := []struct {
		name       string
		ids        []string
		pseudonyms bool
		want       []string
		wantErr    string
	}{
		{name: "identified: ids replaced under the key", ids: []string{"A1", "B2"}, want: sortStrings(ps("A1"), ps("B2"))},
		{name: "already pseudonymised: kept", ids: []string{ps("A1"), ps("B2")}, pseudonyms: true, want: sortStrings(ps("A1"), ps("B2"))},
		{name: "no pupils", ids: nil, pseudonyms: true, want: nil},
		{name: "mixed: refused", ids: []string{"A1", ps("B2")}, wantErr: "--compare w.json: 1 pupil ids are pseudonyms and 1 are not; expected the output of one attendrisk analyse run"},
		{name: "a pseudonym-like id with capitals is an id", ids: []string{"P-0123456789ABCDEF"}, want: sortStrings(ps("P-0123456789ABCDEF"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Previous{Path: "w.json", Pupils: map[string]PrevPupil{}}
			for _, id := range tt.ids {
				p.Pupils[id] = PrevPupil{ID: id, Tier: "high", AbsencePct: 12.5}
			}
			if tt.wantErr == "" && p.Pseudonymised() != tt.pseudonyms {
				t.Errorf("Pseudonymised() = %v, want %v", p.Pseudonymised(), tt.pseudonyms)
			}
			err := p.Pseudonymise(testKey)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ids(p)); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			for _, pp := range p.Pupils {
				if pp.Tier != "high" || pp.AbsencePct != 12.5 {
					t.Errorf("%s lost its figures: %+v", pp.ID, pp)
				}
			}
		})
	}
}

func sortStrings(s ...string) []string { sort.Strings(s); return s }
