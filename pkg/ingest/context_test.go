package ingest

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/attendrisk/attendrisk/pkg/quality"
	"github.com/attendrisk/attendrisk/pkg/register"
)

// TestReadContextCanonicalIDs: context ids are trimmed, upper-cased and a
// spreadsheet's 12.0 is 12, as the register's are; leading zeros stay, and
// two spellings of one id are a duplicate.
func TestReadContextCanonicalIDs(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "c.csv", []byte("UPN,Young Carer\n a100000000001 ,Y\n12.0,N\n0012,N\nA100000000001,N\n"))
	q := quality.New()
	ctx, err := ReadContext(path, "", nil, q)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"A100000000001", "12", "0012"}, ctx.Order); d != "" {
		t.Errorf("ids (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]any{"young_carer": true}, ctx.Rows["A100000000001"]); d != "" {
		t.Errorf("first row kept (-want +got):\n%s", d)
	}
	if n := q.Finding("context_duplicate"); n != 1 {
		t.Errorf("context_duplicate = %d, want 1", n)
	}
}

// keysOf is register pupils at one school (none: "").
func keysOf(school string, ids ...string) []PupilKey {
	var out []PupilKey
	for _, id := range ids {
		out = append(out, PupilKey{School: school, ID: id})
	}
	return out
}

func contextOf(path string, ids ...string) *Context {
	c := &Context{Rows: map[string]map[string]any{}, Info: quality.FileInfo{Path: path}}
	for _, id := range ids {
		c.Rows[id] = map[string]any{}
		c.Order = append(c.Order, id)
	}
	return c
}

// TestCheckJoin: fewer than half of the register's pupils in the context
// file fails, showing up to 3 unmatched ids from each side and the likely
// cause; half or more is left to the data-quality account.
func TestCheckJoin(t *testing.T) {
	upns := []string{"A100000000001", "A100000000002", "A100000000003", "A100000000004"}
	tests := []struct {
		name     string
		register []string
		context  []string
		want     string
	}{
		{name: "all match", register: upns, context: upns},
		{name: "exactly half match", register: upns, context: upns[:2]},
		{name: "no pupils", register: nil, context: upns},
		{
			name: "admission numbers against UPNs", register: upns, context: []string{"1001", "1002", "1003", "1004", "1005"},
			want: "c.csv: none of the register's 4 pupils has a row in this context file, fewer than half, so it cannot be joined on the pupil id\n" +
				"  likely cause: the context ids look like admission numbers, the register's like UPNs: use the same id in both files (--map pupil_id=HEADER chooses the column, in both)\n" +
				"  register ids with no context row: A100000000001, A100000000002, A100000000003 (and 1 more)\n" +
				"  context ids not in the register: 1001, 1002, 1003 (and 2 more)\n" +
				"no output written",
		},
		{
			name: "UPNs against admission numbers", register: []string{"1001", "1002", "1003"}, context: upns[:1],
			want: "c.csv: none of the register's 3 pupils has a row in this context file, fewer than half, so it cannot be joined on the pupil id\n" +
				"  likely cause: the context ids look like UPNs, the register's like admission numbers: use the same id in both files (--map pupil_id=HEADER chooses the column, in both)\n" +
				"  register ids with no context row: 1001, 1002, 1003\n" +
				"  context ids not in the register: A100000000001\n" +
				"no output written",
		},
		{
			name: "leading zeros lost in the context file", register: []string{"0012", "0013", "0014", "0099"}, context: []string{"12", "13", "14", "0099"},
			want: "c.csv: only 1 of the register's 4 pupils have a row in this context file, fewer than half, so it cannot be joined on the pupil id\n" +
				"  likely cause: leading zeros: the context file's ids are the register's without their leading zeros (a spreadsheet read them as numbers: format the id column as text)\n" +
				"  register ids with no context row: 0012, 0013, 0014\n" +
				"  context ids not in the register: 12, 13, 14\n" +
				"no output written",
		},
		{
			name: "leading zeros lost in the register", register: []string{"12", "13", "14"}, context: []string{"012", "013", "014"},
			want: "c.csv: none of the register's 3 pupils has a row in this context file, fewer than half, so it cannot be joined on the pupil id\n" +
				"  likely cause: leading zeros: the register's ids are the context file's without their leading zeros (a spreadsheet read them as numbers: format the id column as text)\n" +
				"  register ids with no context row: 12, 13, 14\n" +
				"  context ids not in the register: 012, 013, 014\n" +
				"no output written",
		},
		{
			name: "another school's UPNs", register: upns, context: []string{"B200000000001", "B200000000002"},
			want: "c.csv: none of the register's 4 pupils has a row in this context file, fewer than half, so it cannot be joined on the pupil id\n" +
				"  likely cause: both files' ids look like UPNs, but few are the same: is the context file for these pupils?\n" +
				"  register ids with no context row: A100000000001, A100000000002, A100000000003 (and 1 more)\n" +
				"  context ids not in the register: B200000000001, B200000000002\n" +
				"no output written",
		},
		{
			name: "a context file for a few pupils", register: upns, context: upns[:1],
			want: "c.csv: only 1 of the register's 4 pupils have a row in this context file, fewer than half, so it cannot be joined on the pupil id\n" +
				"  likely cause: the context file has rows for only 1 of the pupils: list every pupil, leaving a cell blank where nothing is known\n" +
				"  register ids with no context row: A100000000002, A100000000003, A100000000004\n" +
				"no output written",
		},
		{
			name: "no common form", register: []string{"P-1", "P-2"}, context: []string{"X9", "X8"},
			want: "c.csv: none of the register's 2 pupils has a row in this context file, fewer than half, so it cannot be joined on the pupil id\n" +
				"  likely cause: the ids are written differently in the two files (compare the examples below)\n" +
				"  register ids with no context row: P-1, P-2\n" +
				"  context ids not in the register: X9, X8\n" +
				"no output written",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := contextOf("c.csv", tc.context...).CheckJoin(keysOf("", tc.register...))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("error (-want +got):\n%s", d)
			}
		})
	}
}

// FuzzReadContext: any context file is either refused with an error or
// read with every id canonical, listed once, and with a row; a value is
// of its column's kind.
func FuzzReadContext(f *testing.F) {
	f.Add([]byte("UPN,Young Carer,Free School Meals\nA100000000001,Y,N\na100000000002 ,n,\n"))
	f.Add([]byte("Adno,Attendance Target,family_id\n0012,95,F1\n12.0,90.5,F1\n 0012 ,x,\n"))
	f.Add([]byte("Report\n\nPupil ID;EHCP\n1;true\n;false\n1;TRUE\n"))
	f.Add([]byte("UPN,\"Note, long\"\r\nA1,\"a\r\nb\"\r\n"))
	f.Add([]byte("\xef\xbb\xbfUPN\tLooked After\nA1\t1\nA2\t0\n"))
	f.Add([]byte("UPN,UPN,Young Carer\nA1,A2,Y\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "c.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, err := ReadContext(path, "", nil, quality.New())
		if err != nil {
			return
		}
		if len(ctx.Order) != len(ctx.Rows) || len(ctx.Loc) != len(ctx.Rows) {
			t.Fatalf("%d ids in order, %d rows, %d places", len(ctx.Order), len(ctx.Rows), len(ctx.Loc))
		}
		kinds := map[string]ColumnKind{}
		for _, c := range ctx.Columns {
			kinds[c.Name] = c.Kind
		}
		for _, key := range ctx.Order {
			school, id := KeyParts(key)
			if id == "" || register.CanonicalID(id) != id || register.ChildKey(school, id) != key {
				t.Fatalf("key %q is not a child key of a canonical id", key)
			}
			for name, v := range ctx.Rows[key] {
				var ok bool
				switch kinds[name] {
				case KindBool:
					_, ok = v.(bool)
				case KindNumber:
					_, ok = v.(float64)
				case KindString:
					_, ok = v.(string)
				}
				if !ok {
					t.Fatalf("column %q (%s) holds %T", name, kinds[name], v)
				}
			}
		}
		// The join check never fails on the file's own ids.
		var own []PupilKey
		for _, key := range ctx.Order {
			school, id := KeyParts(key)
			own = append(own, PupilKey{School: school, ID: id})
		}
		sort.Slice(own, func(i, j int) bool { return own[i].ID < own[j].ID })
		if err := ctx.CheckSchools(own); err != nil && !strings.HasSuffix(err.Error(), "no output written") {
			t.Fatalf("an ambiguous join's error: %v", err)
		}
		if err := ctx.CheckJoin(own); err != nil {
			t.Fatalf("joining the file's own ids: %v", err)
		}
		// A lower-case id is never canonical, so never among the rows.
		if err := ctx.CheckJoin(keysOf("", "ZZ-not-there")); err == nil || !strings.Contains(err.Error(), "no output written") {
			t.Fatalf("an unmatched register: %v", err)
		}
	})
}

// TestContextBySchool: a context file with a school column keys local ids
// by (school, id) and UPNs by the UPN alone, so admission number 1001 at
// two schools is two rows, each joining its own school's child; a row that
// leaves the school blank is keyed by the id alone.
func TestContextBySchool(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "c.csv", []byte("School,Adno,CP Plan\n"+
		"Oak Primary,1001,Y\nelm,1001,N\nOak Primary,A100000000001,Y\n,1002,Y\nelm, 1001 ,Y\n"))
	q := quality.New()
	ctx, err := ReadContext(path, "", nil, q)
	if err != nil {
		t.Fatal(err)
	}
	wantOrder := []string{"Oak Primary\x1f1001", "elm\x1f1001", "A100000000001", "1002"}
	if d := cmp.Diff(wantOrder, ctx.Order); d != "" {
		t.Errorf("keys (-want +got):\n%s", d)
	}
	if ctx.SchoolColumn != "School" {
		t.Errorf("school column %q, want School", ctx.SchoolColumn)
	}
	if n := q.Finding("context_duplicate"); n != 1 {
		t.Errorf("context_duplicate = %d, want 1 (elm's 1001 twice)", n)
	}
	tests := []struct {
		school, id, want string
		ok               bool
	}{
		{"Oak Primary", "1001", "Oak Primary\x1f1001", true},
		{"elm", "1001", "elm\x1f1001", true},
		{"Ash", "1001", "", false},                                // another school's 1001 is not this child
		{"Birch Academy", "A100000000001", "A100000000001", true}, // a UPN is the child at any school
		{"Ash", "1002", "1002", true},                             // a row naming no school
		{"", "1001", "", false},                                   // two schools' 1001: CheckSchools refuses it
	}
	for _, tc := range tests {
		got, ok := ctx.Join(tc.school, tc.id)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Join(%q, %q) = %q, %v; want %q, %v", tc.school, tc.id, got, ok, tc.want, tc.ok)
		}
	}
}

// TestCheckSchools: a local id that two schools in the run share cannot be
// joined by a context row that names no school, and a register pupil that
// names no school cannot choose among several schools' rows; UPNs, and ids
// only one school uses, join as before.
func TestCheckSchools(t *testing.T) {
	noSchool := contextOf("c.csv", "1001", "1002", "1003", "A100000000001")
	bySchool := &Context{Rows: map[string]map[string]any{}, SchoolColumn: "School", Info: quality.FileInfo{Path: "c.csv"}}
	for _, k := range []string{"Oak\x1f1001", "Elm\x1f1001", "Oak\x1f1002"} {
		bySchool.Rows[k] = map[string]any{}
		bySchool.Order = append(bySchool.Order, k)
	}
	two := append(keysOf("Oak", "1001", "1002", "A100000000001"), keysOf("Elm", "1001", "1003", "A100000000001")...)
	tests := []struct {
		name    string
		ctx     *Context
		pupils  []PupilKey
		wantErr string
	}{
		{name: "one school", ctx: noSchool, pupils: keysOf("Oak", "1001", "1002")},
		{name: "no school named", ctx: noSchool, pupils: keysOf("", "1001", "1002")},
		{name: "UPN at two schools", ctx: noSchool, pupils: append(keysOf("Oak", "A100000000001"), keysOf("Elm", "A100000000001")...)},
		{name: "ids each school's own", ctx: noSchool, pupils: append(keysOf("Oak", "1002"), keysOf("Elm", "1003")...)},
		{name: "shared id, no school column", ctx: noSchool, pupils: two,
			wantErr: "c.csv: 1 local pupil id in this context file is used by more than one school in the run (Elm, Oak), and the file has no school column to say whose row each is, so the id alone could be either child\n" +
				"  shared ids: 1001\n" +
				"  fix: add a School column to the context file, naming each row's school as the register names it (Elm, Oak); UPNs need none\n" +
				"no output written"},
		{name: "shared id, school column", ctx: bySchool, pupils: two},
		{name: "register names no school", ctx: bySchool, pupils: keysOf("", "1001", "1002"),
			wantErr: "c.csv: 1 local pupil id in the register has rows at more than one school in this context file, and the register names no school for it, so the id alone could be any of those children\n" +
				"  ids: 1001\n" +
				"  fix: name the register's school with --school NAME (as the context file's School column names it), or give the file a school column\n" +
				"no output written"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if err := tc.ctx.CheckSchools(tc.pupils); err != nil {
				got = err.Error()
			}
			if d := cmp.Diff(tc.wantErr, got); d != "" {
				t.Errorf("error (-want +got):\n%s", d)
			}
		})
	}
}

// TestCheckJoinBySchool: the less-than-half rule counts pupils joined by
// their key, so a context file whose ids are the register's but whose
// school names are not fails, saying so.
func TestCheckJoinBySchool(t *testing.T) {
	c := &Context{Rows: map[string]map[string]any{}, SchoolColumn: "School", Info: quality.FileInfo{Path: "c.csv"}}
	for _, k := range []string{"Oak Primary School\x1f1001", "Oak Primary School\x1f1002", "Oak Primary School\x1f1003"} {
		c.Rows[k] = map[string]any{}
		c.Order = append(c.Order, k)
	}
	if err := c.CheckJoin(keysOf("Oak Primary School", "1001", "1002", "1004", "1005")); err != nil {
		t.Errorf("half joined: %v", err)
	}
	want := "c.csv: none of the register's 3 pupils has a row in this context file, fewer than half, so it cannot be joined on the pupil id\n" +
		"  likely cause: the ids match but the schools do not: the context file's School column names Oak Primary School, the register Oak Primary; write each school's name as the register does\n" +
		"  register ids with no context row: Oak Primary:1001, Oak Primary:1002, Oak Primary:1003\n" +
		"  context ids not in the register: Oak Primary School:1001, Oak Primary School:1002, Oak Primary School:1003\n" +
		"no output written"
	got := ""
	if err := c.CheckJoin(keysOf("Oak Primary", "1001", "1002", "1003")); err != nil {
		got = err.Error()
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("error (-want +got):\n%s", d)
	}
}
