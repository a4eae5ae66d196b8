package cohort

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const eesFile = "../../testdata/dfe/EES_ytd_data.csv"

// TestReadEES picks rows of DfE's own 2025/26 year-to-date file; the
// expected rates are that file's cells, on the line named.
func TestReadEES(t *testing.T) {
	tests := []struct {
		name, area, phase string
		want              Benchmark
		wantErr           string
	}{
		{name: "England, all phases (the default area)", phase: "Total", want: Benchmark{Name: "England 2025/26",
			Overall: 6.88324813506746, Authorised: 4.52176301629652, Unauthorised: 2.36148511877094, Persistent: 18.7817604593414, Severe: NotPublished,
			Source: "DfE, explore-education-statistics file EES_ytd_data.csv, line 639 (England, Total, Academic year 2025/26)"}},
		{name: "a local authority by name, any case", area: "tower hamlets", phase: "primary", want: Benchmark{Name: "Tower Hamlets primary 2025/26",
			Overall: 5.92336377968847, Authorised: 4.3039262932588, Unauthorised: 1.61943748642966, Persistent: 17.5033710196038, Severe: NotPublished,
			Source: "DfE, explore-education-statistics file EES_ytd_data.csv, line 2 (Tower Hamlets, Primary, Academic year 2025/26)"}},
		{name: "a local authority by its old code", area: "211", phase: "Primary", want: Benchmark{Name: "Tower Hamlets primary 2025/26",
			Overall: 5.92336377968847, Authorised: 4.3039262932588, Unauthorised: 1.61943748642966, Persistent: 17.5033710196038, Severe: NotPublished,
			Source: "DfE, explore-education-statistics file EES_ytd_data.csv, line 2 (Tower Hamlets, Primary, Academic year 2025/26)"}},
		{name: "a region", area: "London", phase: "Secondary", want: Benchmark{Name: "London secondary 2025/26",
			Overall: 7.19601400463733, Authorised: 4.33962907038715, Unauthorised: 2.85638493425018, Persistent: 21.1536728071326, Severe: NotPublished,
			Source: "DfE, explore-education-statistics file EES_ytd_data.csv, line 321 (London, Secondary, Academic year 2025/26)"}},
		{name: "no such area", area: "Narnia", phase: "Total", wantErr: `--benchmarks ../../testdata/dfe/EES_ytd_data.csv: no row for area "Narnia" and phase Total (areas are England, a region or a local authority, by name or code)`},
		{name: "no such phase", phase: "Nursery", wantErr: `--benchmarks ../../testdata/dfe/EES_ytd_data.csv: phase "Nursery": expected one of Total, Primary, Secondary, Special`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadEES(eesFile, tt.area, tt.phase)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadEESRefusesOtherFiles: a CSV that is not a DfE attendance file is
// refused with what was expected, and a rate that is not a percentage names
// its line.
func TestReadEESRefusesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "marks.csv")
	os.WriteFile(other, []byte("UPN,Date,Session,Mark\nA1,02/09/2024,AM,/\n"), 0o600)
	if _, err := ReadEES(other, "", "Total"); err == nil || !strings.Contains(err.Error(), "no time_period column: expected a DfE attendance or absence file") {
		t.Errorf("err = %v", err)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("time_period,geographic_level,country_name,education_phase,overall_absence_perc,authorised_absence_perc,unauthorised_absence_perc\n202425,National,England,Total,7.1,x,2.5\n"), 0o600)
	if _, err := ReadEES(bad, "", "Total"); err == nil || err.Error() != `--benchmarks `+bad+`: line 2: authorised_absence_perc is "x", expected a percentage` {
		t.Errorf("err = %v", err)
	}
}

// TestBenchmarkJSONNull: a rate the source does not publish is null in
// JSON, never -1 or 0.
func TestBenchmarkJSONNull(t *testing.T) {
	b, err := json.Marshal(Benchmark{Name: "x", Overall: 5, Severe: NotPublished})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"severe_absence_pct":null`) || !strings.Contains(string(b), `"overall_absence_pct":5`) {
		t.Errorf("%s", b)
	}
}

func TestPhaseOf(t *testing.T) {
	for _, tt := range []struct {
		years []int
		want  string
	}{
		{[]int{0, 1, 6}, "Primary"},
		{[]int{7, 11, 13}, "Secondary"},
		{[]int{6, 7}, "Total"},
		{[]int{7, -1}, "Total"},
		{nil, "Total"},
	} {
		if got := PhaseOf(tt.years); got != tt.want {
			t.Errorf("PhaseOf(%v) = %s, want %s", tt.years, got, tt.want)
		}
	}
}
