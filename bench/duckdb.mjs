// The reference side of bench/run.sh: the per-pupil figures `attendrisk
// analyse` computes, done by DuckDB on the same marks CSV, so the benchmark
// compares attendrisk with a columnar engine doing the same work rather than
// with nothing.
//
//   node bench/duckdb.mjs MARKS.csv OUT.csv   aggregate MARKS.csv into OUT.csv
//   node bench/duckdb.mjs --version           print DuckDB's version
//
// Per UPN it counts sessions by DfE category (shared/domain/
// attendance-reference.md §1.1): present (/ \ L), approved educational
// activity (K V P W B), authorised (C C1 C2 E I J1 M R S T), unauthorised
// (G N O U); possible = the sum of those four; missing = "-" marks, which are
// not possible sessions; D X Q Y1-Y7 Z # are counted nowhere. Then
// persistent = 10 * absent >= possible and severe = 2 * absent >= possible
// (reference §0, rules 2-4), for pupils with at least one possible session.
// It writes one CSV row per pupil and a one-line summary on stderr.
import { DuckDBInstance, version } from '@duckdb/node-api';

const args = process.argv.slice(2);
if (args[0] === '--version') {
  console.log(version());
  process.exit(0);
}
if (args.length !== 2) {
  console.error('usage: node bench/duckdb.mjs MARKS.csv OUT.csv | --version');
  process.exit(2);
}
const [input, output] = args;

// COPY and read_csv take file names as literals, not bound parameters.
const literal = (s) => `'${s.replaceAll("'", "''")}'`;
// A DuckDB string literal has no escapes: '\' is one backslash, the PM
// present mark.
const list = (codes) => codes.map(literal).join(', ');
const present = list(['/', '\\', 'L']);
const aea = list(['K', 'V', 'P', 'W', 'B']);
const authorised = list(['C', 'C1', 'C2', 'E', 'I', 'J1', 'M', 'R', 'S', 'T']);
const unauthorised = list(['G', 'N', 'O', 'U']);

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
try {
  // all_varchar: every column is text, as it is to attendrisk; the sniffer
  // still finds the header and delimiter. The table of pupils (one row each)
  // is kept so the summary does not read the CSV a second time.
  await conn.run(`
    CREATE TABLE pupils AS
    WITH counts AS (
      SELECT
        "UPN" AS upn,
        count(*) AS rows,
        count(*) FILTER (WHERE "Mark" IN (${present})) AS present,
        count(*) FILTER (WHERE "Mark" IN (${aea})) AS aea,
        count(*) FILTER (WHERE "Mark" IN (${authorised})) AS authorised,
        count(*) FILTER (WHERE "Mark" IN (${unauthorised})) AS unauthorised,
        count(*) FILTER (WHERE "Mark" = '-') AS missing
      FROM read_csv(${literal(input)}, header = true, delim = ',', quote = '"', escape = '"', all_varchar = true)
      GROUP BY "UPN"
    )
    SELECT
      upn, rows,
      present + aea + authorised + unauthorised AS possible,
      present, aea, authorised, unauthorised, missing,
      possible > 0 AND 10 * (authorised + unauthorised) >= possible AS persistent,
      possible > 0 AND 2 * (authorised + unauthorised) >= possible AS severe
    FROM counts`);
  await conn.run(`COPY (SELECT * EXCLUDE (rows) FROM pupils ORDER BY upn) TO ${literal(output)} (FORMAT csv, HEADER)`);
  const reader = await conn.runAndReadAll(`
    SELECT count(*) AS pupils, sum(rows) AS rows,
      count(*) FILTER (WHERE persistent) AS persistent, count(*) FILTER (WHERE severe) AS severe,
      round(100 * sum(authorised + unauthorised) / sum(possible), 2) AS absence_pct
    FROM pupils`);
  const [s] = reader.getRowObjectsJS();
  console.error(`duckdb ${version()}: ${s.pupils} pupils, ${s.rows} rows, overall absence ${s.absence_pct}%, ` +
    `${s.persistent} persistent, ${s.severe} severe -> ${output}`);
} finally {
  conn.closeSync();
  instance.closeSync();
}
