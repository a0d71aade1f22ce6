// The wasm engine under Node: the same real files, the same KPI bytes as the native CLI's golden files
// (tests/golden/kpis/*.json, written by `rapport kpis WS --json`), whatever the chunk size; images that
// round-trip; and bad input that leaves the workspace as it was.
//   node --no-experimental-fetch --test tests/wasm/
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import { dataFileFor, indentLikeCli, kEngineDir, kRepo, kSharedData, loadEngine } from './engine.mjs';

const kGoldenDir = path.join(kRepo, 'tests/golden/kpis');
const haveEngine = fs.existsSync(path.join(kEngineDir, 'rapport_engine.wasm'));
const haveData = fs.existsSync(kSharedData);
const kAlphaPaw = 'shopify_alphapaw_orders_export_1';
const kSmall = 'shopify_maisonmaria_orders_export_1';

if (!haveEngine) console.log(`# SKIP: no wasm engine in ${kEngineDir} (build it: make wasm)`);
if (!haveData) console.log(`# SKIP: no reference data in ${kSharedData}: the real-file tests are skipped`);

/** Golden files: [base, golden text without the trailing newline] (the CLI's `--json`, indented). */
function goldens() {
  if (!fs.existsSync(kGoldenDir)) return [];
  return fs.readdirSync(kGoldenDir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => [f.slice(0, -5), fs.readFileSync(path.join(kGoldenDir, f), 'utf8').replace(/\n$/, '')]);
}

/** A golden file may name several inputs, imported in order: "a+b.json" -> a.csv then b.csv. */
function inputsFor(base) {
  const files = base.split('+').map(dataFileFor);
  return files.every(Boolean) ? files : null;
}

function importAll(engine, handle, files, chunk) {
  for (const file of files) {
    const reply = engine.importBytes(handle, path.basename(file), fs.readFileSync(file), chunk);
    assert.equal(reply.ok, true, `${path.basename(file)}: ${JSON.stringify(reply.error)}`);
  }
}

describe('wasm engine', { skip: !haveEngine && 'no wasm engine (make wasm)' }, () => {
  let engine;
  before(async () => {
    engine = await loadEngine();
  });

  test('an empty workspace answers info and kpis with {"ok":...} replies', () => {
    const h = engine.openMemory();
    for (const op of ['info', 'kpis', 'imports']) {
      const reply = engine.call(h, { op });
      assert.equal(typeof reply.ok, 'boolean', `${op}: ${reply.text}`);
    }
    engine.close(h);
  });

  test('malformed requests come back as errors, never as exceptions', () => {
    const h = engine.openMemory();
    for (const request of ['{not json', '[]', '{"op":"no_such_op"}', '']) {
      const reply = engine.call(h, request);
      assert.equal(reply.ok, false, request);
      assert.equal(typeof reply.error.code, 'string');
      assert.equal(typeof reply.error.message, 'string');
    }
    assert.equal(engine.importBegin(h, 'x.csv', { no_such_option: 1 }, 0).ok, false);
    assert.equal(engine.openImage(new TextEncoder().encode('not a workspace')).handle, 0);
    engine.close(h);
  });

  const cases = goldens();
  test('golden KPI files exist', { skip: cases.length === 0 && `no golden files in ${kGoldenDir} yet` }, () => {
    assert.ok(cases.length > 0);
  });

  // The worker's reply is compact; the CLI indents the same bytes (same Dump), so the result text is
  // re-indented without touching any value and then compared byte for byte.
  const kpisText = (h) => indentLikeCli(engine.callResultText(h, { op: 'kpis' }));

  for (const [base, golden] of cases) {
    const files = haveData ? inputsFor(base) : null;
    const skip = !files && `${base}: input not in ${kSharedData}`;
    test(`kpis of ${base} are byte-identical to the native golden file`, { skip }, () => {
      const h = engine.openMemory();
      importAll(engine, h, files, 4 << 20);
      assert.equal(kpisText(h), golden);
      engine.close(h);
    });
  }
  const alphaGolden = cases.find(([base]) => base === kAlphaPaw);
  test(`kpis of ${kAlphaPaw} are the same when imported in 1 MiB chunks`,
    { skip: !(haveData && alphaGolden && dataFileFor(kAlphaPaw)) && `${kAlphaPaw} or its golden file is missing` }, () => {
      const h = engine.openMemory();
      importAll(engine, h, [dataFileFor(kAlphaPaw)], 1 << 20);
      assert.equal(kpisText(h), alphaGolden[1]);
      engine.close(h);
    });

  const small = haveData ? dataFileFor(kSmall) : null;
  test('7-byte chunks give the same workspace as one chunk', { skip: !small && `${kSmall} not in ${kSharedData}` }, () => {
    const whole = engine.openMemory();
    importAll(engine, whole, [small], 64 << 20);
    const tiny = engine.openMemory();
    importAll(engine, tiny, [small], 7);
    for (const op of ['kpis', 'info']) {
      assert.equal(engine.callResultText(tiny, { op }), engine.callResultText(whole, { op }), op);
    }
    const golden = cases.find(([base]) => base === kSmall);
    if (golden) assert.equal(kpisText(tiny), golden[1]);
    engine.close(whole);
    engine.close(tiny);
  });

  const alpha = haveData ? dataFileFor(kAlphaPaw) : null;
  test('serialize -> reopen gives the same answers', { skip: !alpha && `${kAlphaPaw} not in ${kSharedData}` }, () => {
    const h = engine.openMemory();
    importAll(engine, h, [alpha], 1 << 20);
    const image = engine.serialize(h);
    assert.ok(image.length > 0);
    const { handle: reopened, reply } = engine.openImage(image);
    assert.ok(reopened, JSON.stringify(reply));
    for (const op of ['kpis', 'imports', 'info']) {
      assert.equal(engine.callResultText(reopened, { op }), engine.callResultText(h, { op }), op);
    }
    engine.close(h);
    engine.close(reopened);
  });

  test('importing the same file twice adds no orders', { skip: !small && `${kSmall} not in ${kSharedData}` }, () => {
    const h = engine.openMemory();
    importAll(engine, h, [small], 4 << 20);
    const before = engine.callResultText(h, { op: 'kpis' });
    const again = engine.importBytes(h, path.basename(small), fs.readFileSync(small));
    assert.equal(again.ok, true, JSON.stringify(again.error));
    assert.equal(again.result.orders_added, 0);
    assert.equal(engine.callResultText(h, { op: 'kpis' }), before);
    engine.close(h);
  });

  const bad = [
    ['not_a_csv.csv', 'Name;Age\n"unterminated,1\n'],
    ['unknown_header.csv', 'alpha,beta,gamma\n1,2,3\n'],
  ];
  for (const [name, text] of bad) {
    test(`a bad file (${name}) is an error with file:line:col and leaves the workspace unchanged`,
      { skip: !small && `${kSmall} not in ${kSharedData}` }, () => {
        const h = engine.openMemory();
        importAll(engine, h, [small], 4 << 20);
        const kpis = engine.callResultText(h, { op: 'kpis' });
        const imports = engine.callResultText(h, { op: 'imports' });
        const reply = engine.importBytes(h, name, new TextEncoder().encode(text), 5);
        assert.equal(reply.ok, false, `expected an error, got ${JSON.stringify(reply)}`);
        assert.match(reply.error.message, new RegExp(`^${name.replace('.', '\\.')}:\\d+:\\d+: `), reply.error.message);
        assert.equal(engine.callResultText(h, { op: 'kpis' }), kpis);
        assert.equal(engine.callResultText(h, { op: 'imports' }), imports);
        engine.close(h);
      });
  }

  test('removing an import takes its rows out', { skip: !small && `${kSmall} not in ${kSharedData}` }, () => {
    const empty = engine.openMemory();
    const emptyKpis = engine.callResultText(empty, { op: 'kpis' });
    const h = engine.openMemory();
    const reply = engine.importBytes(h, path.basename(small), fs.readFileSync(small));
    assert.equal(reply.ok, true);
    assert.equal(engine.removeImport(h, reply.result.id).ok, true);
    assert.equal(engine.callResultText(h, { op: 'kpis' }), emptyKpis);
    engine.close(h);
    engine.close(empty);
  });
});
