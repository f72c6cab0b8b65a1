// Seeded random-action run of the built page (dist/) in headless Chromium: for DURATION seconds
// (default 300) it clicks random buttons, picks random menu entries, moves sliders, draws on
// the main pictures, follows links that bring memories, steps through lecture scenes and
// presses shortcut keys, in every tab. It reports the longest gap between animation frames,
// every console error and page error, and whether the user's saved Hopfield library survived
// (a link or a scene must never overwrite it). Not part of scripts/test (it runs for minutes):
//   SEED=1 DURATION=300 node tests/e2e/random.mjs
// Exit code 1 if a frame gap exceeded 1 s, an error was logged, or the saved library changed
// without an explicit save.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, checker } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const seed = Number(process.env.SEED || 1);
const duration = Number(process.env.DURATION || 300) * 1000;
const KEY = 'energy-playground/hopfield/v1';

// mulberry32: a small seeded generator, so a run can be replayed from its seed.
function rng(a) {
  return () => {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(seed);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

// Buttons that open a file dialog, download or record are left out (nothing to test there
// without a person), and so are those that edit the library on purpose (storing, removing,
// replacing it with a set of glyphs, keeping a link's library as one's own).
const SKIP = /export|save png|download|record|import|csv|png|store|forget|a h o u|a–e|keep as|×/i;
const LINKS = [
  '#hopfield?n=16&mem=AB&cue=A&seed=3', '#hopfield?n=64&rule=grad-c&mem=AHOU',
  '#hopfield?n=64&rule=storkey&mem=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', '#hopfield?mem=',
  '#boltzmann?seed=2', '#rbm?seed=2', '#sampling?sampler=nuts', '#sampling?compare=1',
  '#energy?seed=4', '#ising?L=256', '#nosuchlab?x=1', '#hopfield?n=8',
];

const c = checker('random actions');
const srv = await serve(path.join(root, 'dist'));
const browser = await launch();
const errors = [];
let worstGap = 0, actions = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(srv.url + '#hopfield?seed=' + seed);
  await page.waitForSelector('#lab-hopfield canvas');
  await page.waitForTimeout(500);
  // The student's own library: draw a stroke and store it (an explicit save).
  const grid = await page.$('#lab-hopfield canvas.grid');
  const box = await grid.boundingBox();
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.5, { steps: 12 });
  await page.mouse.up();
  await page.click('#hopfield-memories button[data-key="store"]');
  await page.waitForTimeout(300);
  // The memories saved (the drawing and rule in the same entry change with every edit).
  const memoriesOf = (k) => {
    const text = localStorage.getItem(k);
    try { return text && JSON.stringify(JSON.parse(text).memories); } catch { return 'unreadable'; }
  };
  const saved = await page.evaluate(memoriesOf, KEY);
  c.check('the drawn library is saved', !!saved && saved !== 'unreadable' && saved !== '[]');
  // A frame-gap watcher inside the page.
  await page.evaluate(() => {
    window.__gap = 0; let last = performance.now();
    const f = () => { const t = performance.now(); window.__gap = Math.max(window.__gap, t - last); last = t; requestAnimationFrame(f); };
    requestAnimationFrame(f);
  });
  const t0 = Date.now();
  while (Date.now() - t0 < duration) {
    const r = rand();
    try {
      if (r < 0.1) {
        await page.evaluate((h) => { location.hash = h; }, pick(LINKS));
      } else if (r < 0.2) {
        const tabs = await page.$$('nav [role=tab], nav a');
        if (tabs.length) await pick(tabs).click({ timeout: 1000 });
      } else if (r < 0.3) {
        await page.keyboard.press(pick(['[', ']', ' ', 'p', 'r', 'ArrowRight']));
      } else if (r < 0.45) {
        const sels = await page.$$('section:not([hidden]) select:not([disabled])');
        const s = sels.length ? pick(sels) : null;
        if (s && await s.isVisible()) {
          const n = await s.evaluate((e) => e.options.length);
          await s.selectOption({ index: Math.floor(rand() * n) }, { timeout: 1000 });
        }
      } else if (r < 0.6) {
        const ranges = await page.$$('section:not([hidden]) input[type=range]');
        const s = ranges.length ? pick(ranges) : null;
        if (s && await s.isVisible()) {
          const f = rand();
          await s.evaluate((e, f) => {
            const lo = Number(e.min), hi = Number(e.max);
            e.value = String(lo + f * (hi - lo));
            e.dispatchEvent(new Event('input', { bubbles: true }));
            e.dispatchEvent(new Event('change', { bubbles: true }));
          }, f);
        }
      } else if (r < 0.7) {
        const pics = await page.$$('section:not([hidden]) canvas.main-pic');
        const p = pics.length ? pick(pics) : null;
        const b = p && await p.boundingBox();
        if (b) {
          await page.mouse.move(b.x + rand() * b.width, b.y + rand() * b.height);
          await page.mouse.down();
          await page.mouse.move(b.x + rand() * b.width, b.y + rand() * b.height, { steps: 5 });
          await page.mouse.up();
        }
      } else {
        const buttons = await page.$$('section:not([hidden]) button:not([disabled]), footer button, header button');
        const vis = [];
        for (const b of buttons) {
          const t = (await b.getAttribute('aria-label')) || (await b.textContent()) || '';
          if (!SKIP.test(t) && await b.isVisible()) vis.push(b);
        }
        if (vis.length) await pick(vis).click({ timeout: 1000 });
      }
      actions++;
    } catch (e) {
      // An element that went away between finding and clicking it is not an error of the page.
      if (!/detached|not visible|Timeout|outside of the viewport|intercepts pointer/i.test(String(e))) throw e;
    }
    await page.waitForTimeout(20 + Math.floor(rand() * 200));
    worstGap = Math.max(worstGap, await page.evaluate(() => { const g = window.__gap; window.__gap = 0; return g; }));
  }
  const after = await page.evaluate(memoriesOf, KEY);
  console.log(`seed ${seed}: ${actions} actions in ${(duration / 1000).toFixed(0)} s, longest frame gap ${worstGap.toFixed(0)} ms, ${errors.length} errors`);
  c.check('no frame gap over 1 s', worstGap <= 1000, `${worstGap.toFixed(0)} ms`);
  c.check('no console or page error', errors.length === 0, errors.slice(0, 5).join(' | '));
  c.check('the saved memories are still the ones the student stored', after === saved,
    after === null ? '(deleted)' : `(${String(after).slice(0, 80)}…)`);
} finally {
  await browser.close();
  await srv.close();
}
c.done();
