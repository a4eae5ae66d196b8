package render

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// duckdbReadScript prints what DuckDB makes of a Parquet file: the row
// count, the types of a few columns, and sums that must equal attendrisk's.
const duckdbReadScript = `
import { DuckDBInstance } from '@duckdb/node-api';
const f = process.argv[2].replaceAll("'", "''");
const conn = await (await DuckDBInstance.create(':memory:')).connect();
const r = await conn.runAndReadAll(` + "`" + `
  SELECT count(*)::VARCHAR, sum(possible_sessions)::VARCHAR,
         typeof(any_value(first_date)), typeof(any_value(possible_sessions)),
         typeof(any_value(absence_pct)), typeof(any_value(persistent_absence)),
         typeof(any_value(factor_ids)), count(absence_pct)::VARCHAR
  FROM read_parquet('${f}')` + "`" + `);
console.log(r.getRows()[0].join(','));
`

// TestParquetDuckDB reads the Parquet output with DuckDB, when Node.js and
// bench/node_modules/@duckdb/node-api (installed by make bench) are here;
// it is skipped otherwise.
func TestParquetDuckDB(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH")
	}
	bench, _ := filepath.Abs("../../bench")
	if _, err := os.Stat(filepath.Join(bench, "node_modules", "@duckdb", "node-api")); err != nil {
		t.Skip("no bench/node_modules/@duckdb/node-api (make bench installs it)")
	}
	res := rulesResult(t)
	var b bytes.Buffer
	if err := Parquet(&b, res, goldenMeta); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pq := filepath.Join(dir, "pupils.parquet")
	// The script lives in bench/ so that Node resolves its node_modules.
	script, err := os.CreateTemp(bench, ".parquet-check-*.mjs")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(script.Name())
	script.WriteString(duckdbReadScript)
	script.Close()
	if err := os.WriteFile(pq, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, script.Name(), pq).CombinedOutput()
	if err != nil {
		t.Fatalf("duckdb: %v\n%s", err, out)
	}
	possible, withRate := 0, 0
	for _, p := range res.Pupils {
		possible += p.Figures.Possible
		if p.Figures.Possible > 0 {
			withRate++
		}
	}
	want := strings.Join([]string{itoa(len(res.Pupils)), itoa(possible), "DATE", "BIGINT", "DOUBLE", "BOOLEAN", "VARCHAR[]", itoa(withRate)}, ",")
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("DuckDB read %q, want %q", got, want)
	}
}

func itoa(n int) string { return formatCell(n) }
