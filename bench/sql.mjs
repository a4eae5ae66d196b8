// Runs the SQL that `attendrisk sql --dialect duckdb` prints on a marks CSV
// in DuckDB, for pkg/sqlgen's test (TestSQLMatchesAttendrisk): it loads the
// CSV (columns UPN, Date as dd/mm/yyyy, Session, Mark) into a table "marks"
// with the default column names, runs the SQL and writes its result as CSV.
//
//   node bench/sql.mjs MARKS.csv QUERY.sql OUT.csv
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
if (args.length !== 3) {
  console.error('usage: node bench/sql.mjs MARKS.csv QUERY.sql OUT.csv');
  process.exit(2);
}
const [input, queryFile, output] = args;
const literal = (s) => `'${s.replaceAll("'", "''")}'`;
// COPY takes one statement without its closing semicolon.
const query = readFileSync(queryFile, 'utf8').trim().replace(/;$/, '');

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
try {
  await conn.run(`
    CREATE TABLE marks AS
    SELECT "UPN" AS pupil_id, strptime("Date", '%d/%m/%Y')::DATE AS date,
      "Session" AS session, "Mark" AS code
    FROM read_csv(${literal(input)}, header = true, delim = ',', quote = '"', escape = '"', all_varchar = true)`);
  await conn.run(`COPY (${query}) TO ${literal(output)} (FORMAT csv, HEADER)`);
} finally {
  conn.closeSync();
  instance.closeSync();
}
