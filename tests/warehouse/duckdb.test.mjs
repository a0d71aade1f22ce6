// warehouse/duckdb/summary.sql gives the same per-customer summary as the engine (`rapport summary`), on the
// demo store's export and on the real Shopify exports in ../shared/data (skipped when absent).
//   node --test tests/warehouse/            (RAPPORT_BIN=path/to/rapport to pick the binary; default build/rapport)
// DuckDB comes from bench/node_modules (@duckdb/node-api, PEERS.md §2); the test is skipped without it.
//
// Identity: the SQL keys customers on the e-mail only (DESIGN §5: a warehouse summary). The engine also
// merges customers that share a phone number, so a handful of real customers with two e-mails and one phone
// are one customer in the engine and two in SQL. Those customers are found from the export itself (e-mails
// linked by a normalised phone) and are the only rows allowed to differ; every other customer must agree
// in every column, and the totals (orders, net revenue) must agree exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = process.env.RAPPORT_SHARED_DATA || path.resolve(root, '../shared/data');
const rapport = process.env.RAPPORT_BIN || path.join(root, 'build/rapport');
const sqlText = fs.readFileSync(path.join(root, 'warehouse/duckdb/summary.sql'), 'utf8');

let duckdb = null;
try {
  duckdb = await import(path.join(root, 'bench/node_modules/@duckdb/node-api/lib/index.js'));
} catch {
  duckdb = null;
}
const noDuck = duckdb ? false : 'DuckDB (@duckdb/node-api) is not installed: run `npm ci` in bench/';
const noEngine = fs.existsSync(rapport) ? false : `no engine binary at ${rapport}: run make native`;

function sqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

// Runs the warehouse SQL on one export; returns the DuckDB connection holding the result tables.
async function runSql(csvPath, { unit = 'week', asOf = null } = {}) {
  const db = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
  const con = await db.connect();
  await con.run(`CREATE TABLE shopify_orders AS SELECT * FROM read_csv(${sqlString(csvPath)}, header = true, all_varchar = true)`);
  await con.run(`SET VARIABLE unit = ${sqlString(unit)}`);
  if (asOf) await con.run(`SET VARIABLE as_of = DATE ${sqlString(asOf)}`);
  await con.run(sqlText);
  return con;
}

// The engine's summary of the same export, as a table `engine` in `con`.
async function loadEngine(con, csvPath, dir, { unit = 'week', asOf = null } = {}) {
  const ws = path.join(dir, 'ws.rapport');
  fs.rmSync(ws, { force: true });
  execFileSync(rapport, ['import', ws, csvPath], { stdio: 'pipe' });
  const args = ['summary', ws, '--unit', unit];
  if (asOf) args.push('--as-of', asOf);
  const out = path.join(dir, 'engine_summary.csv');
  fs.writeFileSync(out, execFileSync(rapport, args, { maxBuffer: 1 << 30 }));
  await con.run(`CREATE OR REPLACE TABLE engine AS SELECT * FROM read_csv(${sqlString(out)}, header = true, all_varchar = true)`);
  return out;
}

async function rows(con, sql) {
  return (await con.runAndReadAll(sql)).getRowObjectsJson();
}

// E-mails whose orders share a normalised phone (the order's Phone, else Billing, else Shipping Phone, digits
// only, at least 6) with another e-mail: the customers the engine merges and the SQL does not.
const LINKED = `
CREATE OR REPLACE TABLE linked AS
WITH o AS (
  SELECT lower(trim(coalesce("Email", ''))) AS email,
         regexp_replace(coalesce(nullif(trim(coalesce("Phone", '')), ''), nullif(trim(coalesce("Billing Phone", '')), ''),
                                 trim(coalesce("Shipping Phone", ''))), '[^0-9]', '', 'g') AS phone
  FROM shopify_orders WHERE trim(coalesce("Currency", '')) <> ''
),
p AS (SELECT phone FROM o WHERE length(phone) >= 6 AND email LIKE '%@%' GROUP BY phone HAVING count(DISTINCT email) > 1)
SELECT DISTINCT email FROM o JOIN p USING (phone)`;

const COLUMNS_EXACT = ['first_order', 'last_order', 'orders', 'purchase_days', 'x', 't_x_days', 'T_days'];

async function compare(con, label) {
  await con.run(LINKED);
  const [tot] = await rows(con, `
    SELECT (SELECT count(*) FROM rapport_summary) AS sql_customers,
           (SELECT count(*) FROM engine WHERE customer_id LIKE '%@%') AS engine_customers,
           (SELECT sum(orders) FROM rapport_summary) AS sql_orders,
           (SELECT sum(orders::BIGINT) FROM engine WHERE customer_id LIKE '%@%') AS engine_orders,
           (SELECT sum(net_revenue) FROM rapport_summary) AS sql_net,
           (SELECT sum(net_revenue::DECIMAL(18, 2)) FROM engine WHERE customer_id LIKE '%@%') AS engine_net,
           (SELECT count(*) FROM linked) AS linked`);
  assert.equal(tot.sql_orders, tot.engine_orders, `${label}: orders`);
  assert.equal(tot.sql_net, tot.engine_net, `${label}: net revenue`);

  // Every customer not linked by a phone: the same row.
  const diffs = await rows(con, `
    SELECT coalesce(s.customer_id, e.customer_id) AS customer_id,
           s.customer_id IS NULL AS only_engine, e.customer_id IS NULL AS only_sql,
           ${COLUMNS_EXACT.map((c) => `CAST(s."${c}" AS VARCHAR) AS s_${c}, e."${c}" AS e_${c}`).join(', ')},
           s.net_revenue AS s_net, e.net_revenue AS e_net, s.t_x AS s_t_x, e.t_x AS e_t_x, s."T" AS s_T, e."T" AS e_T,
           s.zbar AS s_zbar, e.zbar AS e_zbar
    FROM rapport_summary s FULL JOIN (SELECT * FROM engine WHERE customer_id LIKE '%@%') e USING (customer_id)
    WHERE coalesce(s.customer_id, e.customer_id) NOT IN (SELECT email FROM linked)
      AND (s.customer_id IS NULL OR e.customer_id IS NULL
           ${COLUMNS_EXACT.map((c) => `OR CAST(s."${c}" AS VARCHAR) <> e."${c}"`).join(' ')}
           OR s.net_revenue <> CAST(e.net_revenue AS DECIMAL(18, 2))
           OR abs(s.t_x - CAST(e.t_x AS DOUBLE)) > 1e-9 OR abs(s."T" - CAST(e."T" AS DOUBLE)) > 1e-9
           OR abs(s.zbar - CAST(e.zbar AS DOUBLE)) > 1e-6 * greatest(1, abs(s.zbar)))
    LIMIT 5`);
  assert.deepEqual(diffs, [], `${label}: customers whose SQL and engine summaries differ`);
  return tot;
}

// The monthly cohorts agree with the summary they are built from.
async function checkCohorts(con, label) {
  const bad = await rows(con, `
    SELECT c.cohort_month, c.cohort_customers, count(*) AS n FROM rapport_cohorts c
    JOIN rapport_summary s ON strftime(s.first_order, '%Y-%m') = c.cohort_month
    WHERE c.months_since = 0 GROUP BY ALL HAVING c.cohort_customers <> count(*) OR c.active_customers <> count(*)`);
  assert.deepEqual(bad, [], `${label}: cohort sizes`);
  const [t] = await rows(con, `SELECT (SELECT sum(orders) FROM rapport_cohorts) AS a, (SELECT sum(orders) FROM rapport_summary) AS b,
                                      (SELECT sum(net_revenue) FROM rapport_cohorts) AS c, (SELECT sum(net_revenue) FROM rapport_summary) AS d`);
  assert.equal(t.a, t.b, `${label}: cohort orders`);
  assert.equal(t.c, t.d, `${label}: cohort revenue`);
}

test('DuckDB summary equals the engine on the demo export (weeks and days, with an as_of)', { skip: noDuck || noEngine }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-wh-'));
  try {
    execFileSync(rapport, ['demo', '--out', dir, '--seed', '7', '--customers', '1500'], { stdio: 'pipe' });
    const csv = path.join(dir, 'shopify_orders_export_demo.csv');
    for (const opts of [{ unit: 'week' }, { unit: 'day', asOf: '2025-06-30' }]) {
      const con = await runSql(csv, opts);
      await loadEngine(con, csv, dir, opts);
      const tot = await compare(con, `demo ${JSON.stringify(opts)}`);
      // The demo store has no shared phones: the two must agree on every customer.
      assert.equal(tot.linked, '0');
      assert.equal(tot.sql_customers, tot.engine_customers);
      await checkCohorts(con, 'demo');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const exports = fs.existsSync(shared)
  ? fs.readdirSync(shared).filter((f) => /^shopify_.*_orders_export_.*\.csv$/.test(f)).sort()
  : [];
if (exports.length === 0) {
  test('DuckDB summary on the real Shopify exports', { skip: `no shopify_*_orders_export_*.csv in ${shared}` }, () => {});
}
for (const name of exports) {
  test(`DuckDB summary equals the engine on ${name}`, { skip: noDuck || noEngine }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-wh-'));
    try {
      const csv = path.join(shared, name);
      const con = await runSql(csv);
      await loadEngine(con, csv, dir);
      const tot = await compare(con, name);
      // Customers the engine merged by phone: never more than the linked e-mails.
      assert.ok(Number(tot.sql_customers) - Number(tot.engine_customers) <= Number(tot.linked),
        `${name}: ${tot.sql_customers} SQL customers vs ${tot.engine_customers} engine, ${tot.linked} linked e-mails`);
      await checkCohorts(con, name);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the summary CSVs load into `rapport fit-summary`', { skip: noDuck || noEngine }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-wh-'));
  try {
    execFileSync(rapport, ['demo', '--out', dir, '--seed', '7', '--customers', '1500'], { stdio: 'pipe' });
    const csv = path.join(dir, 'shopify_orders_export_demo.csv');
    const con = await runSql(csv);
    await loadEngine(con, csv, dir);
    // The engine's customers known by e-mail (phone-only customers have no e-mail for the SQL to key on).
    const engineCsv = path.join(dir, 'engine_email_summary.csv');
    await con.run(`COPY (SELECT * FROM engine WHERE customer_id LIKE '%@%') TO ${sqlString(engineCsv)} (HEADER, DELIMITER ',')`);
    const sqlCsv = path.join(dir, 'sql_summary.csv');
    await con.run(`COPY (SELECT * FROM rapport_summary ORDER BY customer_id) TO ${sqlString(sqlCsv)} (HEADER, DELIMITER ',')`);
    const fits = [sqlCsv, engineCsv].map((f) =>
      JSON.parse(execFileSync(rapport, ['fit-summary', f, '--model', 'bgnbd', '--json'], { maxBuffer: 1 << 26 })));
    assert.equal(fits[0].customers, fits[1].customers);
    for (const k of Object.keys(fits[1].fit.params)) {
      assert.ok(Math.abs(fits[0].fit.params[k] - fits[1].fit.params[k]) <= 1e-6 * Math.abs(fits[1].fit.params[k]), k);
    }
    const gg = JSON.parse(execFileSync(rapport, ['fit-summary', sqlCsv, '--model', 'gg', '--json'], { maxBuffer: 1 << 26 }));
    assert.ok(gg.fit.params.p > 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
