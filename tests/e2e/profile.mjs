// Where a benchmark row spends its time in the page's WebAssembly: runs the rows whose names
// contain one of the comma-separated words of argv[2] (as `ONLY=` does for scripts/bench) in
// headless Chromium under the DevTools CPU profiler, and prints the hottest functions by
// self time (the plain-JS versions of the rows run in the same profile, under their JS names).
//
//   trunk build --release && node tests/e2e/profile.mjs mala,nested
//
// The workloads are the Speed tab's worker module (energy-bench); the DevTools profiler of the
// page does not see inside a worker, so this loads that module on the main thread of a small
// page of its own (target/profile-dist/profile.html: the plain-JS versions, the module, its
// `runAll`). The release .wasm carries no function names (wasm-opt drops them), so the copy of
// dist/ it serves has the module as wasm-bindgen wrote it optimised again with
// `wasm-opt -O3 --debuginfo`, which keeps the names (same code otherwise). To see inside a
// function that wasm-opt inlines into its caller, mark the parts `#[inline(never)]` and name
// them in NO_INLINE (wasm-opt's --no-inline patterns, comma-separated, `*` as wildcard):
//
//   NO_INLINE='*ChainBatch*' node tests/e2e/profile.mjs rwmh_batch
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, printHottest } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const only = process.argv[2] || '';
const top = Number(process.argv[3] || 20);

const dist = path.join(root, 'target/profile-dist');
fs.rmSync(dist, { recursive: true, force: true });
fs.cpSync(path.join(root, 'dist'), dist, { recursive: true });
// (the release build gives the worker's files content-hashed names: scripts/hash_hook.py)
const named = (re) => {
  const f = fs.readdirSync(dist).find((n) => re.test(n));
  if (!f) throw new Error(`no ${re} in dist/ (run trunk build --release first)`);
  return f;
};
const wasm = named(/^energy-bench-[0-9a-f]+_bg\.wasm$/);
fs.writeFileSync(path.join(dist, 'profile.html'),
  `<!doctype html><meta charset="utf-8"><script src="${named(/^bench-[0-9a-f]+\.js$/)}"></script>` +
  `<script src="${named(/^energy-bench-[0-9a-f]+\.js$/)}"></script>`);
// (--no-inline marks functions for the passes after it, so it comes first)
const noInline = (process.env.NO_INLINE || '').split(',').filter(Boolean);
execFileSync('wasm-opt', [...noInline.map((p) => `--no-inline=${p}`),
  '-O3', '--debuginfo', '--enable-simd', '--enable-bulk-memory',
  '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals',
  '--enable-reference-types', '--enable-multivalue',
  path.join(root, 'target/wasm-bindgen/release/energy-bench_bg.wasm'),
  '-o', path.join(dist, wasm)], { stdio: 'inherit' });

const srv = await serve(dist);
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(srv.url + 'profile.html');
  await page.evaluate((w) => wasm_bindgen(w), wasm);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  await cdp.send('Profiler.start');
  const timings = await page.evaluate((o) => wasm_bindgen.runAll(o), only);
  const { profile } = await cdp.send('Profiler.stop');
  console.log(timings);
  printHottest(profile, top);
} finally {
  await browser.close();
  await srv.close();
}
