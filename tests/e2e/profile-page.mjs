// Where the page spends its time while a lab plays: opens the built page (dist/) in headless
// Chromium at VIEWPORT (default 1920x1080), applies the link argv[2] (default '#energy?seed=1'),
// presses Play and prints the hottest functions by self time over argv[3] seconds (default 5)
// from the DevTools CPU profiler. As tests/e2e/profile.mjs does for the benchmark module, the
// copy of dist/ it serves has the main module as wasm-bindgen wrote it optimised again with
// `wasm-opt -O3 --debuginfo` (same code, names kept); its service worker is emptied so the
// copy is what runs. "(program)" is the browser's own work (layout, painting, compositing).
//
//   trunk build --release && node tests/e2e/profile-page.mjs '#energy?seed=1'
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, printHottest } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [vw, vh] = (process.env.VIEWPORT || '1920x1080').split('x').map(Number);
const seconds = Number(process.argv[3] || 5);
const dist = path.join(root, 'target/profile-page-dist');
fs.rmSync(dist, { recursive: true, force: true });
fs.cpSync(path.join(root, 'dist'), dist, { recursive: true });
fs.writeFileSync(path.join(dist, 'sw.js'), '');
const main = fs.readdirSync(dist).find((n) => /^energy-playground-[0-9a-f]+_bg\.wasm$/.test(n));
execFileSync('wasm-opt', ['-O3', '--debuginfo', '--enable-simd', '--enable-bulk-memory',
  '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals',
  '--enable-reference-types', '--enable-multivalue',
  path.join(root, 'target/wasm-bindgen/release/energy-playground_bg.wasm'), '-o', path.join(dist, main)]);
// (the re-optimised module no longer matches the integrity hashes Trunk wrote)
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8').replace(/ integrity="[^"]*"/g, '');
fs.writeFileSync(path.join(dist, 'index.html'), html);
const srv = await serve(dist);
const browser = await launch();
try {
  const ctx = await browser.newContext({ viewport: { width: vw, height: vh }, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  await page.goto(srv.url);
  await page.waitForSelector('#app[data-ready="1"]', { timeout: 20000 });
  await page.evaluate((h) => window.energyPlayground.set(h), process.argv[2] || '#energy?seed=1');
  await page.waitForTimeout(300);
  await page.evaluate(() => window.energyPlayground.play());
  await page.waitForTimeout(500);
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.waitForTimeout(seconds * 1000);
  const { profile } = await cdp.send('Profiler.stop');
  printHottest(profile, Number(process.env.TOP || 30));
} finally {
  await browser.close();
  srv.close();
}
