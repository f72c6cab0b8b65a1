// Frame-time probe (not a test): opens each lab and heavy sub-view of the built page (dist/) in
// headless Chromium, plays it for 5 s, records the time between requestAnimationFrame callbacks
// and prints p50 / p95 / max frame time per case, at 1280×800 and 1920×1080. The target is
// p95 ≤ 20 ms on this machine when nothing else runs; timings on a shared machine are
// indicative, so nothing here fails — read the table.
//   node tests/e2e/fps.mjs [seconds per case]
//   ONLY=energy node tests/e2e/fps.mjs   (only the cases whose name contains "energy")
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const seconds = Number(process.argv[2] || 5);

// Each case: a name and the link that sets it up (defaults otherwise); `play` presses Play
// (labs that work on their own, like a running training, need no Play).
const CASES = [
  ['Hopfield (default)', '#hopfield?seed=1'],
  ['Boltzmann (default)', '#boltzmann?seed=1'],
  ['RBM training (default)', '#rbm?seed=1'],
  ['Sampling (default)', '#sampling?seed=1'],
  ['Sampling, two samplers side by side', '#sampling?seed=1&compare=1&sampler2=mala'],
  ['Sampling, 10 000 Langevin particles', '#sampling?seed=1&sampler=particles&n=10000'],
  ['Sampling, 10 000 Metropolis particles', '#sampling?seed=1&sampler=mhparticles&n=10000'],
  ['Train an energy (default)', '#energy?seed=1'],
  ['Ising 256² (default speed)', '#ising?seed=1&L=256'],
  ['Ising 1024²', '#ising?seed=1&L=1024'],
];

const only = (process.env.ONLY || '').toLowerCase();
const cases = CASES.filter(([name]) => name.toLowerCase().includes(only));

function stats(deltas) {
  const d = deltas.slice().sort((a, b) => a - b);
  const q = (p) => d[Math.min(d.length - 1, Math.floor(p * d.length))];
  return { n: d.length, p50: q(0.5), p95: q(0.95), max: d[d.length - 1] };
}

const srv = await serve(path.join(root, 'dist'));
const browser = await launch();
const rows = [];
try {
  for (const [w, h] of [[1280, 800], [1920, 1080]]) {
    const page = await browser.newPage({ viewport: { width: w, height: h } });
    await page.goto(srv.url);
    await page.waitForSelector('#app[data-ready="1"]', { timeout: 30000 });
    for (const [name, hash] of cases) {
      await page.evaluate((h) => window.energyPlayground.set(h), hash);
      await page.waitForTimeout(300);
      await page.evaluate(() => window.energyPlayground.play());
      await page.waitForTimeout(500); // past the first frames of a fresh run
      const deltas = await page.evaluate((ms) => new Promise((resolve) => {
        const out = [];
        let last = null;
        const end = performance.now() + ms;
        function tick(t) {
          if (last !== null) out.push(t - last);
          last = t;
          if (t < end) requestAnimationFrame(tick); else resolve(out);
        }
        requestAnimationFrame(tick);
      }), seconds * 1000);
      await page.evaluate(() => window.energyPlayground.pause());
      const s = stats(deltas);
      rows.push({ size: `${w}×${h}`, name, ...s });
      console.error(`${w}×${h} ${name}: p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms (${s.n} frames)`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  srv.close();
}
console.log('| window | case | frames | p50 ms | p95 ms | max ms |');
console.log('|---|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.size} | ${r.name} | ${r.n} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} |`);
}
