// Runs the page's benchmarks (wasm and plain JS, same page, same run) in headless Chromium and
// prints them beside the native timings given as argv[2] (JSON from examples/bench.rs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const native = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

const srv = await serve(path.join(root, 'dist'));
const browser = await launch();
let web;
try {
  const page = await browser.newPage();
  await page.goto(srv.url + '#speed');
  await page.waitForSelector('#app[data-ready="1"]', { timeout: 20000 });
  web = JSON.parse(await page.evaluate((only) => window.energyPlayground.runBenchmarks(only), process.env.ONLY || ''));
} finally {
  await browser.close();
  srv.close();
}
fs.writeFileSync(path.join(root, 'target/bench/web.json'), JSON.stringify(web, null, 1));

function same(a, others) {
  let exact = true;
  for (const c of others) {
    if (c === undefined) continue; // no JS version, or a JS version with its own RNG
    if (c === a) continue;
    exact = false;
    if (!(Math.abs(c - a) <= 1e-6 * Math.max(1, Math.abs(a)))) return 'NO';
  }
  return exact ? 'yes' : 'yes (1e-6)';
}
const f = (x, d = 3) => (x === undefined || !isFinite(x) ? '—' : x.toFixed(d));
const rows = [['workload', 'wasm ms', 'JS ms', 'native ms', 'JS/wasm', 'wasm/native', 'same result']];
for (const name of Object.keys(web)) {
  const w = web[name], n = native[name] || {};
  rows.push([name, f(w.wasm_ms), f(w.js_ms), f(n.median_ms),
    w.js_ms ? f(w.js_ms / w.wasm_ms, 1) + '×' : '—',
    n.median_ms ? f(w.wasm_ms / n.median_ms, 2) + '×' : '—',
    // The checksums show wasm, JS and native did the same work: equal, or equal to 1e-6
    // relative where exp/ln from different maths libraries differ in the last bits.
    same(w.wasm_checksum, [w.js_checksum, n.checksum])]);
}
const width = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const [i, r] of rows.entries()) {
  console.log(r.map((x, c) => (c === 0 ? x.padEnd(width[c]) : x.padStart(width[c]))).join('  '));
  if (i === 0) console.log(width.map((w) => '-'.repeat(w)).join('  '));
}
const sk = process.argv[3] ? JSON.parse(fs.readFileSync(process.argv[3], 'utf8')) : {};
if (sk.sklearn_cd1_epoch_ms && web.rbm_cd1_epoch_digits) {
  const s = sk.sklearn_cd1_epoch_ms, w = web.rbm_cd1_epoch_digits.wasm_ms, n = (native.rbm_cd1_epoch_digits || {}).median_ms;
  console.log(`\nrbm_cd1_epoch_digits vs scikit-learn ${sk.sklearn_version} BernoulliRBM (1 BLAS thread): ` +
    `sklearn ${f(s)} ms · native ${f(n)} ms (${f(n / s, 2)}× sklearn) · wasm ${f(w)} ms (${f(w / s, 2)}× sklearn)`);
}
console.log('\nmedians of repeated runs; ratios from this one run (timings on a shared 2-core machine are noisy).');
