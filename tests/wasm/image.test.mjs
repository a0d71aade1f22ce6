// The large-workspace exports of the wasm engine (wasm-bindings/PROTOCOL.md): an image read straight into
// a buffer the engine takes over (rp_alloc_image_buffer + rp_open_owned_image) and the image viewed in
// place (rp_image_view), as web/src/worker.ts uses them for OPFS. Run: node --no-experimental-fetch --test tests/wasm/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { kEngineDir, kRepo, loadEngine } from './engine.mjs';

const kDemo = path.join(kRepo, 'build/demo/demo.rapport');
const have = fs.existsSync(path.join(kEngineDir, 'rapport_engine.wasm')) && fs.existsSync(kDemo);

// Addresses come back as signed 32-bit numbers once the heap passes 2 GiB: read them unsigned.
const u32 = (v) => v >>> 0;

test('an image opened from a buffer the engine takes over, then viewed without a copy', { skip: !have && 'build the wasm engine and the demo first (make wasm demo)' }, async () => {
  const engine = await loadEngine();
  const m = engine.m;
  const bytes = fs.readFileSync(kDemo);
  const ptr = u32(m._rp_alloc_image_buffer(bytes.length));
  assert.ok(ptr > 0, 'no buffer');
  m.HEAPU8.set(bytes, ptr);
  const handle = m._rp_open_owned_image(ptr, bytes.length);
  assert.ok(handle, engine.resultText());

  // The same answers as the copying rp_open_image.
  const { handle: copied } = engine.openImage(bytes);
  assert.equal(engine.callResultText(handle, { op: 'kpis' }), engine.callResultText(copied, { op: 'kpis' }));

  // The view is the image itself: byte for byte what rp_serialize copies out.
  const lenPtr = u32(m._malloc(8));
  const at = u32(m._rp_image_view(handle, lenPtr));
  const len = m.HEAPF64[lenPtr / 8];
  m._free(lenPtr);
  assert.equal(len, bytes.length);
  const view = m.HEAPU8.slice(at, at + len);
  assert.equal(m._rp_serialize(handle), 1);
  assert.ok(Buffer.from(engine.resultBytes()).equals(Buffer.from(view)), 'the view differs from the serialised image');
  m._rp_result_clear();

  // A damaged buffer is refused, and the engine frees it (no handle, a corrupt error).
  const junk = u32(m._rp_alloc_image_buffer(4096));
  m.HEAPU8.fill(0x78, junk, junk + 4096);
  assert.equal(m._rp_open_owned_image(junk, 4096), 0);
  assert.equal(engine.reply().error.code, 'corrupt');

  // An empty in-memory workspace has no single image to view.
  const empty = engine.openMemory();
  const lenPtr2 = u32(m._malloc(8));
  assert.equal(u32(m._rp_image_view(empty, lenPtr2)), 0);
  m._free(lenPtr2);
  engine.close(handle);
  engine.close(copied);
  engine.close(empty);
});
