// DuckDB doing the same work as `pageviews count --grace unbounded -f csv -o`: read the NDJSON
// with explicit columns, 7-day epoch-aligned windows, GROUP BY, ORDER BY, COPY to CSV.
// Default threads. Used by scripts/bench.mjs; DuckDB is installed into .cache/bench/duckdb.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [file, by, out] = process.argv.slice(2);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { DuckDBInstance } = await import(path.join(root, '.cache/bench/duckdb/node_modules/@duckdb/node-api/lib/index.js'));
const WEEK = 604_800_000;
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const source = `SELECT userId, pageId, (timestamp // ${WEEK}) * ${WEEK} AS ws FROM read_ndjson('${file}', columns = {userId: 'VARCHAR', pageId: 'VARCHAR', timestamp: 'BIGINT'})`;
const select = (keys, label) =>
  `SELECT ${label ? `'${label}' AS "by", ` : ''}pageId, ${keys.includes('userId') ? 'userId' : label ? 'NULL AS userId' : ''}${keys.includes('userId') || label ? ', ' : ''}` +
  `strftime(make_timestamp(ws * 1000), '%Y-%m-%dT%H:%M:%SZ') AS windowStart, strftime(make_timestamp((ws + ${WEEK}) * 1000), '%Y-%m-%dT%H:%M:%SZ') AS windowEnd, count(*) AS count ` +
  `FROM events GROUP BY ${keys}, ws`;
await connection.run(`CREATE TEMP VIEW events AS ${source}`);
let query;
if (by === 'page') query = `${select('pageId')} ORDER BY windowStart, pageId`;
else if (by === 'user-page') query = `${select('pageId, userId')} ORDER BY windowStart, pageId, userId`;
else query = `SELECT * FROM (${select('pageId', 'page')} UNION ALL ${select('pageId, userId', 'user-page')}) ORDER BY windowStart, "by", pageId, userId`;
await connection.run(`COPY (${query}) TO '${out}' (HEADER, DELIMITER ',')`);
