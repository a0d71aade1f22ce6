// The dashboard's long ops a step at a time in the wasm engine (rp_call_step, core/api/cache.h "Steps"), as the
// worker runs them: each step builds one of the structures the op needs, other calls run in between, and the
// last reply is rp_call's, byte for byte, on the demo store.
//   node --no-experimental-fetch --test tests/wasm/steps.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { kEngineDir, kRepo, loadEngine } from './engine.mjs';

const kRapport = process.env.RAPPORT_CLI ?? path.join(kRepo, 'build/rapport');
const haveEngine = fs.existsSync(path.join(kEngineDir, 'rapport_engine.wasm'));
const haveCli = fs.existsSync(kRapport);
const skip = (!haveEngine && 'no wasm engine (make wasm)') || (!haveCli && `no native ${kRapport} to write the demo files (make native)`);

describe('wasm ops a step at a time on the demo store', { skip }, () => {
  let engine, stepped, whole, dir;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-steps-'));
    execFileSync(kRapport, ['demo', '--out', dir, '--seed', '42', '--feedback'], { stdio: 'ignore' });
    engine = await loadEngine();
    stepped = engine.openMemory();
    whole = engine.openMemory();
    for (const handle of [stepped, whole]) {
      for (const name of ['shopify_orders_export_demo.csv', 'judgeme_reviews_demo.csv', 'nps_demo.csv']) {
        const reply = engine.importBytes(handle, name, fs.readFileSync(path.join(dir, name)), 1 << 20);
        assert.equal(reply.ok, true, `${name}: ${JSON.stringify(reply.error)}`);
      }
    }
  });
  after(() => {
    if (engine && stepped) engine.close(stepped);
    if (engine && whole) engine.close(whole);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const request of [
    { op: 'playbooks', limit: 0, due_before: '+7d' },
    { op: 'fit', model: 'auto' },
    { op: 'predictions', model: 'bgnbd', offset: 0, limit: 50, sort: 'clv', desc: true },
    { op: 'widget_model', min_pairs: 3, file: false },
  ]) {
    test(`${request.op}: steps with other calls between them, then rp_call's reply`, () => {
      let steps = 0;
      let reply;
      for (;;) {
        reply = engine.callStep(stepped, request);
        ++steps;
        assert.ok(steps < 100, 'the op never finished');
        if (!reply.pending) break;
        assert.equal(reply.text, '{"ok":true,"pending":true}');
        // The page on screen's own request between two steps.
        assert.equal(engine.call(stepped, { op: 'rfm' }).text, engine.call(whole, { op: 'rfm' }).text);
      }
      assert.equal(reply.text, engine.call(whole, request).text);
      if (request.op !== 'predictions') assert.ok(steps >= 3, `${request.op} ran in ${steps} step(s)`);
    });
  }

  // A page's first content before its op's whole work (PROTOCOL.md): the customer list of `orders >= 2` once
  // the facts' columns are built ("first"), the products' repurchase intervals before the rest ("part").
  test('segment "first" and products "part": fewer steps, the same rows as the whole op', () => {
    const fresh = engine.openMemory();
    try {
      for (const name of ['shopify_orders_export_demo.csv', 'judgeme_reviews_demo.csv', 'nps_demo.csv']) {
        assert.equal(engine.importBytes(fresh, name, fs.readFileSync(path.join(dir, name)), 1 << 20).ok, true);
      }
      const stepsOf = (request) => {
        for (let steps = 1; ; ++steps) {
          const reply = engine.callStep(fresh, request);
          assert.ok(steps < 100, 'the op never finished');
          if (!reply.pending) return { steps, reply: JSON.parse(reply.text) };
        }
      };
      const list = { op: 'segment', rule: 'orders >= 2', limit: 100 };
      const first = stepsOf({ ...list, first: true });
      assert.equal(first.reply.result.columns_pending, true);
      delete first.reply.result.columns_pending;
      assert.deepEqual(first.reply, JSON.parse(engine.call(whole, list).text));
      const rest = stepsOf(list);
      assert.ok(rest.steps >= 2, `the rest of the columns in ${rest.steps} step(s)`);
      const part = stepsOf({ op: 'products', part: 'replenishment' });
      const all = JSON.parse(engine.call(whole, { op: 'products' }).text);
      assert.ok(all.result.replenishment.length > 0);
      assert.deepEqual(part.reply.result.replenishment, all.result.replenishment);
      assert.equal(part.reply.result.part, 'replenishment');
      assert.equal(stepsOf({ op: 'products' }).reply.result.bought_together.length, all.result.bought_together.length);
    } finally {
      engine.close(fresh);
    }
  });
});
