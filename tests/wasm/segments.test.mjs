// Segments in the wasm engine under Node: the seed's three questions on the demo store give the golden counts
// (tests/golden/segments/demo_questions.json, the same file the native CLI test checks), and the ops the
// dashboard's segment editor uses: tokens for highlighting, segment_fields for autocomplete, the error with
// its position and suggestion, net revenue and its share, playbooks due before a day.
//   node --no-experimental-fetch --test tests/wasm/segments.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { kEngineDir, kRepo, loadEngine } from './engine.mjs';

const kGolden = JSON.parse(fs.readFileSync(path.join(kRepo, 'tests/golden/segments/demo_questions.json'), 'utf8'));
const kRapport = process.env.RAPPORT_CLI ?? path.join(kRepo, 'build/rapport');
const haveEngine = fs.existsSync(path.join(kEngineDir, 'rapport_engine.wasm'));
const haveCli = fs.existsSync(kRapport);
const skip = (!haveEngine && 'no wasm engine (make wasm)') || (!haveCli && `no native ${kRapport} to write the demo files (make native)`);

describe('wasm segments on the demo store', { skip }, () => {
  let engine, handle, dir;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-seg-'));
    execFileSync(kRapport, ['demo', '--out', dir, '--seed', '42', '--feedback'], { stdio: 'ignore' });
    engine = await loadEngine();
    handle = engine.openMemory();
    for (const name of ['shopify_orders_export_demo.csv', 'judgeme_reviews_demo.csv', 'nps_demo.csv']) {
      const reply = engine.importBytes(handle, name, fs.readFileSync(path.join(dir, name)), 1 << 20);
      assert.equal(reply.ok, true, `${name}: ${JSON.stringify(reply.error)}`);
    }
  });
  after(() => {
    if (engine && handle) engine.close(handle);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  const segment = (request) => {
    const reply = engine.call(handle, { op: 'segment', ...request });
    assert.equal(reply.ok, true, JSON.stringify(reply.error));
    return reply.result;
  };

  for (const q of kGolden.questions) {
    test(`${q.question} ${q.rule} -> ${q.members}`, () => {
      const r = segment({ rule: q.rule, limit: 3 });
      assert.equal(r.valid, true);
      assert.equal(r.members, q.members);
      assert.equal(r.as_of, kGolden.as_of);
      assert.equal(r.rows.length, Math.min(3, q.members));
    });
  }

  test('net revenue and its share: a rule and its NOT add up to the whole', () => {
    const a = segment({ rule: 'orders >= 2', limit: 0 });
    const b = segment({ rule: 'NOT orders >= 2', limit: 0 });
    assert.ok(a.revenue_share > 0 && a.revenue_share < 1);
    assert.ok(Math.abs(a.revenue_share + b.revenue_share - 1) < 1e-9);
    assert.ok(Math.abs(Number(a.net_revenue) + Number(b.net_revenue) - Number(segment({ rule: 'orders >= 0 OR NOT orders >= 0', limit: 0 }).net_revenue)) < 0.01);
  });

  test('tokens: classes and byte spans from the engine lexer, for valid and invalid rules', () => {
    const ok = segment({ rule: 'orders >= 2 BUT NOT bought("DF-CHK-04")', tokens: true, limit: 0 });
    assert.deepEqual(ok.tokens.map((t) => t[2]), ['field', 'operator', 'number', 'keyword', 'keyword', 'function', 'paren', 'text', 'paren']);
    const bad = segment({ rule: 'oders > 2 AND tags CONTAINS "vip"', tokens: true });
    assert.equal(bad.valid, false);
    assert.deepEqual(bad.error.offset, 0);
    assert.deepEqual(bad.error.length, 5);
    assert.match(bad.error.message, /did you mean `orders`\?/);
    assert.deepEqual(bad.tokens[0], [0, 5, 'unknown']);
    const utf8 = segment({ rule: 'first_name = "Zoë" AND oders > 1', tokens: true });
    assert.equal(utf8.error.offset, Buffer.byteLength('first_name = "Zoë" AND '));
  });

  test('segment_fields lists every field, function and enum value the docs list', () => {
    const reply = engine.call(handle, { op: 'segment_fields' });
    assert.equal(reply.ok, true);
    const { fields, functions, keywords } = reply.result;
    const doc = fs.readFileSync(path.join(kRepo, 'docs/segments.md'), 'utf8');
    for (const f of fields) {
      assert.ok(doc.includes(`| \`${f.name}\``), `${f.name} in docs/segments.md`);
      for (const v of f.values ?? []) assert.ok(doc.includes(`\`${v}\``), `${f.name} value ${v}`);
    }
    assert.ok(fields.find((f) => f.name === 'orders').aliases.includes('number_of_orders'));
    assert.deepEqual(fields.find((f) => f.name === 'stage').values.slice(0, 2), ['new', 'one_time']);
    for (const name of ['bought', 'bought_in', 'ordered_since', 'ordered_between', 'reviewed', 'complained', 'in_segment']) {
      assert.ok(functions.some((f) => f.name === name), name);
    }
    assert.ok(keywords.includes('BUT NOT'));
  });

  test('model fields are fitted on first use and then answer', () => {
    const r = segment({ rule: 'p_alive < 0.3 AND predicted_clv > 0 AND next_order_date > today', limit: 0 });
    assert.equal(r.valid, true, JSON.stringify(r.error));
    assert.ok(r.members > 0 && r.members < r.customers);
  });

  test('playbooks due_before counts per playbook without listing every action', () => {
    const all = engine.call(handle, { op: 'playbooks', limit: 10000000 }).result;
    const week = engine.call(handle, { op: 'playbooks', limit: 0, due_before: '+7d' });
    assert.equal(week.ok, true, JSON.stringify(week.error));
    const r = week.result;
    assert.equal(r.actions.length, 0);
    const asOf = Date.parse(`${r.as_of}T00:00:00Z`);
    assert.equal(r.due_before, new Date(asOf + 7 * 86400000).toISOString().slice(0, 10));
    for (const p of r.playbooks) {
      const expected = all.actions.filter((a) => a.playbook === p.playbook && a.due <= r.due_before).length;
      assert.equal(p.due, expected, p.playbook);
    }
    assert.equal(r.actions_total, r.playbooks.reduce((s, p) => s + p.due, 0));
    const bad = engine.call(handle, { op: 'playbooks', due_before: 'next week' });
    assert.equal(bad.ok, false);
    assert.match(bad.error.message, /due_before/);
  });
});
