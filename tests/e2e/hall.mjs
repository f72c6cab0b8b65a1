// End-to-end check that the built page (dist/) works in a lecture hall, in headless Chromium:
// - every lab and every lecture scene is photographed at 1280×800, at 1920×1080 and in presenter
//   mode at 1920×1080 (target/e2e/hall/);
// - the scene panel (title and note) lies inside the viewport for every scene at all three sizes;
// - after a scene is chosen from the menu, `]` moves to the next scene (the keys work at once);
// - at 1920×1080 the main picture of every lab is at least 60 % of the viewport's height;
// - in presenter mode no canvas draws text below 16 CSS px (each canvas records the smallest
//   font it used in data-min-font) and no page text is below 16 px;
// - in presenter mode every chart of every lab and scene is at least 400 × 180 CSS px (room
//   for its data under the larger text), also with two samplers compared;
// - the page's frame paints within 200 ms of navigation, and the labs are interactive within
//   1 s (printed; checked with HALL_TIMING=1 on a quiet machine).
// Prints "hall: N passed, M failed" and exits non-zero on failure.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, median } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const shots = path.join(root, 'target/e2e/hall');

// The charts shown whose box is under 400 × 180 CSS px: in presenter mode their 1.5× text
// leaves no room for the data below that. Returns [charts shown, those too small].
async function crampedCharts(page) {
  const boxes = await page.$$eval('.lab:not(.hidden) .plot-wrap canvas', (cs) => cs
    .filter((c) => c.offsetWidth > 0)
    .map((c) => { const r = c.getBoundingClientRect(); return [c.id || c.className, Math.round(r.width), Math.round(r.height)]; }));
  return [boxes.length, boxes.filter(([, w, h]) => w < 400 || h < 180)];
}
fs.mkdirSync(shots, { recursive: true });

let passed = 0, failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok   ${name}${detail ? ` (${detail})` : ''}`); }
  else { failed++; console.log(`FAIL ${name} ${detail}`); }
}

// The main picture of each lab.
const MAIN = {
  hopfield: '#lab-hopfield canvas.main-pic',
  boltzmann: '#lab-boltzmann canvas.main-pic',
  rbm: '#lab-rbm canvas.main-pic',
  sampling: '#lab-sampling canvas.plane',
  energy: '#lab-energy canvas.energy-field',
  ising: '#lab-ising canvas.main-pic',
};

const SIZES = [
  { name: '1280x800', width: 1280, height: 800, presenter: false },
  { name: '1920x1080', width: 1920, height: 1080, presenter: false },
  { name: 'presenter-1920x1080', width: 1920, height: 1080, presenter: true },
];

async function ready(page) {
  await page.waitForSelector('#app[data-ready="1"]', { timeout: 20000 });
}

const srv = await serve(path.join(root, 'dist'));
const browser = await launch();
try {
  // Loading: the frame paints at once, the labs follow. The median of three navigations in
  // fresh tabs (the first one also starts the browser's own processes).
  {
    const runs = [];
    for (let k = 0; k < 3; k++) {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await page.goto(srv.url, { waitUntil: 'commit' });
      await ready(page);
      runs.push(await page.evaluate(() => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        return { fcp: fcp ? fcp.startTime : Infinity, ready: Number(document.querySelector('#app').dataset.readyAt || NaN) };
      }));
      await page.close();
    }
    const fcp = median(runs.map((r) => r.fcp));
    const rdy = median(runs.map((r) => r.ready));
    console.log(`page frame painted (first contentful paint) at ${runs.map((r) => r.fcp.toFixed(0)).join(', ')} ms; labs interactive at ${runs.map((r) => r.ready.toFixed(0)).join(', ')} ms after navigation`);
    // Timings are printed; they are checked only on request (HALL_TIMING=1), on a quiet
    // machine: a timed assertion in the test suite would fail on a busy one.
    console.log(`load timings (median of 3): frame painted ${fcp.toFixed(0)} ms (target ≤ 200), interactive ${rdy.toFixed(0)} ms (target ≤ 1000)`);
    if (process.env.HALL_TIMING === '1') {
      check('the frame paints within 200 ms of navigation (median of 3)', fcp <= 200, `${fcp.toFixed(0)} ms`);
      check('the labs are interactive within 1 s of navigation (median of 3)', rdy <= 1000, `${rdy.toFixed(0)} ms`);
    }
  }

  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(srv.url);
    await ready(page);
    if (size.presenter) {
      await page.keyboard.press('p');
      await page.waitForTimeout(200);
    }
    const labs = await page.evaluate(() => window.energyPlayground.labs());
    // Every lab.
    for (const lab of labs) {
      await page.evaluate((l) => window.energyPlayground.select(l), lab);
      await page.waitForTimeout(400);
      await page.screenshot({ path: path.join(shots, `${size.name}-lab-${lab}.png`) });
      if (size.name === '1920x1080' && MAIN[lab]) {
        const h = await page.$eval(MAIN[lab], (c) => c.getBoundingClientRect().height).catch(() => 0);
        check(`1920×1080: the main picture of ${lab} is ≥ 60 % of the viewport height`, h >= 0.6 * size.height, `${h.toFixed(0)} px`);
      }
      if (size.name === '1920x1080' && lab === 'rbm') {
        // Outside presenter mode too, a projector's width gives the RBM's charts room to be read.
        const [count, small] = await crampedCharts(page);
        check(`1920×1080: every chart in rbm is at least 400 × 180 px`, count > 0 && small.length === 0,
          small.length ? JSON.stringify(small) : `${count} charts`);
      }
      if (size.width >= 1920 && lab === 'sampling') {
        // The charts beside the plane use the room a projector gives them, all on screen.
        const boxes = await page.$$eval('#lab-sampling .samp-plots .plot-wrap:not(.hidden) canvas',
          (cs) => cs.map((c) => { const r = c.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.bottom)]; }));
        const ok = boxes.length === 4 && boxes.every(([w, b]) => w >= 400 && b <= size.height);
        check(`${size.name}: the sampling lab's four charts are ≥ 400 px wide and on screen`, ok, JSON.stringify(boxes));
        if (size.presenter) {
          // Two samplers compared: six charts, still wide enough for presenter text (the page
          // may scroll to the last row).
          await page.evaluate(() => window.energyPlayground.set('#sampling?view=mcmc&compare=1&sampler2=mala&seed=1'));
          await page.waitForTimeout(400);
          const [six, small] = await crampedCharts(page);
          check(`${size.name}: two samplers compared, all six charts at least 400 × 180 px`, six === 6 && small.length === 0, `${six} charts ${JSON.stringify(small)}`);
        }
      }
      if (size.presenter) {
        const fonts = await page.$$eval('.lab:not(.hidden) canvas[data-min-font]', (cs) => cs
          .filter((c) => c.offsetWidth > 0)
          .map((c) => [c.id || c.className, Number(c.dataset.minFont)]));
        const small = fonts.filter(([, f]) => f < 16);
        const [count, small2] = await crampedCharts(page);
        check(`presenter: every chart in ${lab} is at least 400 × 180 px`, small2.length === 0,
          small2.length ? JSON.stringify(small2) : `${count} charts`);
        check(`presenter: no chart text under 16 px in ${lab}`, fonts.length > 0 ? small.length === 0 : true,
          small.length ? JSON.stringify(small) : `${fonts.length} canvases, smallest ${Math.min(...fonts.map((f) => f[1]))} px`);
      }
    }
    // Every scene: the panel's note is in view.
    const n = await page.$$eval('select.lecture-menu option[value]:not([value=""])', (os) => os.length);
    const outside = [];
    const cramped = [];
    for (let i = 0; i < n; i++) {
      await page.evaluate((k) => { const m = document.querySelector('select.lecture-menu'); m.value = String(k); m.dispatchEvent(new Event('change')); }, i);
      await page.waitForTimeout(250);
      const box = await page.$eval('#scene-panel', (p) => {
        const r = p.getBoundingClientRect();
        return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, shown: !p.classList.contains('hidden') };
      });
      const inside = box.shown && box.top >= 0 && box.left >= 0 && box.bottom <= size.height && box.right <= size.width;
      if (!inside) outside.push(`${i + 1}: ${JSON.stringify(box)}`);
      if (size.presenter) {
        const [, small] = await crampedCharts(page);
        if (small.length) cramped.push(`${i + 1}: ${JSON.stringify(small)}`);
      }
      await page.screenshot({ path: path.join(shots, `${size.name}-scene-${String(i + 1).padStart(2, '0')}.png`) });
    }
    check(`${size.name}: the scene note is inside the viewport for all ${n} scenes`, outside.length === 0, outside.join(' | '));
    if (size.presenter) check(`presenter: every chart of all ${n} scenes is at least 400 × 180 px`, cramped.length === 0, cramped.join(' | '));
    // Menu, then `]`.
    await page.selectOption('select.lecture-menu', '3');
    await page.waitForTimeout(200);
    await page.keyboard.press(']');
    await page.waitForTimeout(200);
    const after = await page.$eval('#scene-panel', (p) => p.dataset.scene);
    check(`${size.name}: after choosing a scene from the menu, ] moves to the next`, after === '4', `scene index ${after}`);
    if (size.presenter) {
      const tiny = await page.evaluate(() => {
        const out = [];
        for (const e of document.querySelectorAll('.lab:not(.hidden) *, header *, .scene-panel *')) {
          if (!e.offsetWidth || !e.childNodes.length) continue;
          const own = [...e.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim());
          if (!own) continue;
          const px = parseFloat(getComputedStyle(e).fontSize);
          if (px < 16 && !e.closest('.plot-export')) out.push(`${e.tagName.toLowerCase()}.${e.className}: ${px}`);
        }
        return out.slice(0, 8);
      });
      check('presenter: no page text under 16 px', tiny.length === 0, tiny.join(' | '));
    }
    check(`${size.name}: no console errors`, errors.length === 0, errors.join(' | '));
    await page.close();
  }
} finally {
  await browser.close();
  srv.close();
}
console.log(`hall: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
