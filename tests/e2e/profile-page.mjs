// Where the page spends its time while a lab plays: opens the built page (dist/) in headless
// Chromium at VIEWPORT (default 1920x1080), applies the link argv[2] (default '#energy?seed=1'),
// presses Play and prints the hottest functions by self time over argv[3] seconds (default 5)
// from the DevTools CPU profiler. Build the page with its functions' names kept in both of
// its modules (scripts/split_hook.py) first; the copy of dist/ it serves has its service worker
// emptied so the copy is what runs. "(program)" is the browser's own work (layout, painting,
// compositing).
//
//   SPLIT_NAMES=1 trunk build --release && node tests/e2e/profile-page.mjs '#energy?seed=1'
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
