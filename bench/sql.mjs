// Runs the SQL that `attendrisk sql --dialect duckdb` prints on marks CSVs in
// DuckDB, for pkg/sqlgen's tests (TestSQLMatchesAttendrisk...): it loads the
// CSVs into one table "marks" with the default column names, runs the SQL and
// writes its result as CSV.
//
//   node bench/sql.mjs QUERY.sql OUT.csv MARKS.csv [MARKS.csv...]
//
// Each CSV has the columns Date (dd/mm/yyyy), Session and Mark, a pupil id
// column (the first of UPN, Adno, Pupil ID that the files have) and, if the
// files have one, School: it is loaded as the column "school", for the SQL of
// `attendrisk sql --school-column school`. Files are matched by column name.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
if (args.length < 3) {
  console.error('usage: node bench/sql.mjs QUERY.sql OUT.csv MARKS.csv [MARKS.csv...]');
  process.exit(2);
}
const [queryFile, output, ...inputs] = args;
const literal = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;
// COPY takes one statement without its closing semicolon.
const query = readFileSync(queryFile, 'utf8').trim().replace(/;$/, '');
const source = `read_csv([${inputs.map(literal).join(', ')}], header = true, delim = ',',
  quote = '"', escape = '"', all_varchar = true, union_by_name = true)`;

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
try {
  const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
  const names = described.getRowObjects().map((r) => String(r.column_name));
  const id = ['UPN', 'Adno', 'Pupil ID'].find((n) => names.includes(n));
  if (!id) {
    throw new Error(`${inputs.join(', ')}: no pupil id column (UPN, Adno, Pupil ID) in ${names.join(', ')}`);
  }
  const school = names.includes('School') ? `, "School" AS school` : '';
  await conn.run(`
    CREATE TABLE marks AS
    SELECT ${ident(id)} AS pupil_id, strptime("Date", '%d/%m/%Y')::DATE AS date,
      "Session" AS session, "Mark" AS code${school}
    FROM ${source}`);
  await conn.run(`COPY (${query}) TO ${literal(output)} (FORMAT csv, HEADER)`);
} finally {
  conn.closeSync();
  instance.closeSync();
}
