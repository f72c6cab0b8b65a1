// Runs the benchmarks side by side: each workload natively (argv[2], the built
// examples/bench.rs binary) and in the page's wasm and plain JS (the Speed tab's worker in
// headless Chromium), and prints one table.
//
// On a shared machine the speed of the whole machine drifts by a third or more for tens of
// seconds at a time, so one native pass followed by one browser pass can compare a fast minute
// with a slow one. Instead each row is timed natively and then in the page back to back, the
// wasm/native ratio is taken from that pair, and this is repeated over ROUNDS rounds (default
// 3; every row once per round): the table gives the medians over the rounds and, in brackets,
// the lowest and highest ratio of a round. ONLY=word,word times only the rows whose names
// contain one of the words.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve, launch, median } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const nativeBin = process.argv[2];
if (!nativeBin || !fs.existsSync(nativeBin)) {
  console.error('usage: node tests/e2e/bench.mjs <native bench binary> [sklearn.json]');
  process.exit(2);
}
const rounds = Math.max(1, Number(process.env.ROUNDS || 3) | 0);

/** One native run of the rows matching `only` (JSON of examples/bench.rs; with `LIST: '1'` in
 *  `env`, their names only). */
const native = (only, env = {}) => JSON.parse(execFileSync(nativeBin, {
  env: { ...process.env, ...env, ONLY: only }, encoding: 'utf8',
}));

const srv = await serve(path.join(root, 'dist'));
const browser = await launch();
// per row: the rounds' native, wasm and JS results
const got = new Map();
try {
  const page = await browser.newPage();
  await page.goto(srv.url + '#speed');
  await page.waitForSelector('#app[data-ready="1"]', { timeout: 20000 });
  const inPage = async (only) =>
    JSON.parse(await page.evaluate((o) => window.energyPlayground.runBenchmarks(o), only));
  // the rows, in the table's order (LIST=1: the native binary names them without timing)
  const order = native(process.env.ONLY || '', { LIST: '1' });
  for (const name of order) got.set(name, []);
  for (let r = 0; r < rounds; r++) {
    for (const name of order) {
      const n = native(name)[name];
      const w = (await inPage(name))[name];
      got.get(name).push({ n, w });
      process.stderr.write(`round ${r + 1}/${rounds}: ${name}\n`);
    }
  }
} finally {
  await browser.close();
  srv.close();
}

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
const rows = [['workload', 'wasm ms', 'JS ms', 'native ms', 'JS/wasm', 'wasm/native (lo–hi)', 'same result']];
const web = {};
for (const [name, rs] of got) {
  const wasm = median(rs.map((x) => x.w && x.w.wasm_ms));
  const js = median(rs.map((x) => x.w && x.w.js_ms));
  const nat = median(rs.map((x) => x.n && x.n.median_ms));
  const ratios = rs.map((x) => x.w && x.n && x.w.wasm_ms / x.n.median_ms).filter((x) => isFinite(x));
  const jsRatio = median(rs.map((x) => x.w && x.w.js_ms && x.w.js_ms / x.w.wasm_ms));
  // every round must have done the same work: the checksums of all rounds and sides
  const checks = rs.map((x) => same(x.w.wasm_checksum, [x.w.js_checksum, x.n && x.n.checksum]));
  const worst = checks.includes('NO') ? 'NO' : checks.includes('yes (1e-6)') ? 'yes (1e-6)' : 'yes';
  web[name] = { wasm_ms: wasm, js_ms: js, native_ms: nat, rounds: rs.length, ratios };
  rows.push([name, f(wasm), f(js), f(nat),
    jsRatio ? f(jsRatio, 1) + '×' : '—',
    ratios.length
      ? `${f(median(ratios), 2)}× (${f(Math.min(...ratios), 2)}–${f(Math.max(...ratios), 2)})`
      : '—',
    // The checksums show wasm, JS and native did the same work: equal, or equal to 1e-6
    // relative where exp/ln from different maths libraries differ in the last bits.
    worst]);
}
fs.mkdirSync(path.join(root, 'target/bench'), { recursive: true });
fs.writeFileSync(path.join(root, 'target/bench/web.json'), JSON.stringify(web, null, 1));
const width = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const [i, r] of rows.entries()) {
  console.log(r.map((x, c) => (c === 0 ? x.padEnd(width[c]) : x.padStart(width[c]))).join('  '));
  if (i === 0) console.log(width.map((w) => '-'.repeat(w)).join('  '));
}
const sk = process.argv[3] ? JSON.parse(fs.readFileSync(process.argv[3], 'utf8')) : {};
if (sk.sklearn_cd1_epoch_ms && web.rbm_cd1_epoch_digits) {
  const s = sk.sklearn_cd1_epoch_ms, w = web.rbm_cd1_epoch_digits.wasm_ms, n = web.rbm_cd1_epoch_digits.native_ms;
  console.log(`\nrbm_cd1_epoch_digits vs scikit-learn ${sk.sklearn_version} BernoulliRBM (1 BLAS thread): ` +
    `sklearn ${f(s)} ms · native ${f(n)} ms (${f(n / s, 2)}× sklearn) · wasm ${f(w)} ms (${f(w / s, 2)}× sklearn)`);
}
console.log(`\neach row: median time per repetition, then the median over ${rounds} round(s) in which the row ` +
  'ran natively and in the page back to back; wasm/native is the median of the rounds\' ratios ' +
  '(lowest–highest in brackets). Timings on a shared 2-core machine are noisy.');
