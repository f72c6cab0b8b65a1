// End-to-end check of the release build in dist/: the page loads from a sub-path with no
// console error, the app mounts, the grid paints and takes a drawn stroke, every tab shows.
// Screenshots go to target/e2e/. Prints "e2e: N passed, M failed" and exits non-zero on failure.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const shots = path.join(root, 'target/e2e');
fs.mkdirSync(shots, { recursive: true });

let passed = 0, failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name} ${detail}`); }
}

const srv = await serve(path.join(root, 'dist'));
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });

  await page.goto(srv.url, { waitUntil: 'load' });
  const mounted = await page.waitForSelector('#app[data-ready="1"]', { timeout: 20000 }).then(() => true, () => false);
  check('app mounts (served under a sub-path)', mounted);
  // The page starts from the start module alone and the rest of its code arrives in the
  // background (scripts/split_hook.py); "on demand" means the first lab called into the rest.
  const rest = await page.waitForFunction(() => document.documentElement.dataset.rest, null, { timeout: 20000 })
    .then((h) => h.jsonValue(), () => 'never loaded');
  check('the first lab starts without the rest module, which loads in the background', rest === 'background',
    `data-rest=${rest} (if "on demand": scripts/start-profile, then commit www/start-functions.txt)`);

  // The grid canvas has painted pixels.
  const grid = '#lab-hopfield canvas.grid';
  const painted = await page.$eval(grid, (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let opaque = 0; for (let i = 3; i < d.length; i += 4) if (d[i] === 255) opaque++;
    return opaque / (c.width * c.height);
  }).catch(() => 0);
  check('the grid canvas paints', painted === 1, `opaque fraction ${painted}`);

  // Draw a diagonal stroke with the mouse and read the count of active neurons.
  await page.click('#lab-hopfield button:text-is("Clear")');
  const box = await page.locator(grid).boundingBox();
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.8, { steps: 4 });
  await page.mouse.up();
  await page.waitForTimeout(150);
  const on = Number(await page.getAttribute('#hopfield-readout', 'data-on'));
  check('a drawn stroke turns neurons on', on >= 5, `data-on=${on}`);
  await page.screenshot({ path: path.join(shots, 'hopfield.png') });

  // Every tab shows its panel.
  const tabs = await page.$$eval('nav.tabs .tab', (ts) => ts.map((t) => t.textContent));
  for (let i = 0; i < tabs.length; i++) {
    await page.click(`nav.tabs .tab >> nth=${i}`);
    await page.waitForTimeout(200);
    const visible = await page.$$eval('main.labs > section', (ss) => ss.filter((s) => !s.classList.contains('hidden')).length);
    check(`tab "${tabs[i]}" shows one panel`, visible === 1, `visible=${visible}`);
    await page.screenshot({ path: path.join(shots, `tab-${i + 1}-${tabs[i].toLowerCase().replace(/\W+/g, '-')}.png`) });
  }

  // Keyboard: "?" opens the shortcut help.
  await page.keyboard.press('?');
  const help = await page.$eval('.help', (h) => !h.classList.contains('hidden'));
  check('"?" shows the keyboard shortcuts', help);
  await page.keyboard.press('Escape');

  check('no console errors', errors.length === 0, errors.join(' | '));

  // The Speed tab's worker: a selection that matches no workload is refused with a message.
  const nomatch = await page.evaluate(() => window.energyPlayground.runBenchmarks('no_such_row')
    .then(() => 'resolved', (e) => String(e && e.message)));
  check('runBenchmarks with a name matching no workload says so',
    /no benchmark workload/.test(nomatch), nomatch);
  const number = await page.evaluate(() => window.energyPlayground.runBenchmarks(123)
    .then(() => 'resolved', (e) => String(e && e.message)));
  check('runBenchmarks with a number instead of names says what it takes',
    /takes the rows to run as one string/.test(number), number);

  // ... and a benchmark module that cannot be fetched is reported in the tab, not waited on
  // forever (service workers blocked so the route sees the worker's fetch).
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  try {
    await ctx.route(/energy-bench-[0-9a-f]+_bg\.wasm$/, (r) => r.fulfill({ status: 404, body: 'gone' }));
    const p2 = await ctx.newPage();
    await p2.goto(srv.url + '#speed', { waitUntil: 'load' });
    await p2.waitForSelector('#app[data-ready="1"]', { timeout: 20000 });
    await p2.click('button:text-is("Run benchmarks")');
    const said = await p2.waitForFunction(() => {
      const t = document.querySelector('.bench-note')?.textContent || '';
      return /could not load/.test(t) && t;
    }, null, { timeout: 20000 }).then((h) => h.jsonValue(), () => 'nothing within 20 s');
    const enabled = await p2.isEnabled('button:text-is("Run benchmarks")');
    check('a benchmark module that cannot load is reported and the button works again',
      /could not load/.test(said) && enabled, `${said}; button enabled=${enabled}`);
  } finally {
    await ctx.close();
  }

  // A link that opens another lab than the first starts it with the rest module.
  const ctx4 = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  try {
    const p4 = await ctx4.newPage();
    const errs = [];
    p4.on('console', (m) => { if (m.type() === 'error') errs.push(m.text()); });
    p4.on('pageerror', (e) => errs.push(String(e)));
    await p4.goto(srv.url + '#ising', { waitUntil: 'load' });
    const ok = await p4.waitForSelector('#app[data-ready="1"]', { timeout: 20000 }).then(() => true, () => false);
    const shown = ok && await p4.isVisible('#lab-ising');
    const how = await p4.evaluate(() => document.documentElement.dataset.rest);
    check('a link to another lab starts on it (the rest module loaded first)', shown && errs.length === 0,
      `shown=${shown} data-rest=${how} errors: ${errs.join(' | ')}`);
  } finally {
    await ctx4.close();
  }

  // A rest module that cannot be fetched: the first lab starts; opening another says to reload.
  const ctx5 = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  try {
    await ctx5.route(/_rest\.wasm$/, (r) => r.fulfill({ status: 404, body: 'gone' }));
    const p5 = await ctx5.newPage();
    await p5.goto(srv.url, { waitUntil: 'load' });
    const ok = await p5.waitForSelector('#app[data-ready="1"]', { timeout: 20000 }).then(() => true, () => false);
    if (ok) await p5.click('nav.tabs .tab >> nth=1', { timeout: 5000 }).catch(() => {});
    const said = await p5.waitForFunction(() => {
      const t = document.querySelector('#status')?.textContent || '';
      return /could not load the rest of the page/.test(t) && t;
    }, null, { timeout: 10000 }).then((h) => h.jsonValue(), () => 'nothing within 10 s');
    // ... where it can be read: in the window, not below the fold with the rest of the page.
    const inView = await p5.evaluate(() => {
      const r = document.querySelector('#status').getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight + 0.5 ? 'in view' : `at ${Math.round(r.top)}–${Math.round(r.bottom)} px of ${window.innerHeight}`;
    });
    // ... and the first lab still plays.
    const before = await p5.textContent('#lab-hopfield').catch(() => '');
    await p5.keyboard.press('n');
    await p5.waitForTimeout(300);
    const after = await p5.textContent('#lab-hopfield').catch(() => '');
    check('a rest module that cannot load: the first lab starts, another lab says to reload (in view), the first lab still steps',
      ok && /_rest\.wasm, HTTP 404\): reload/.test(said) && inView === 'in view' && before !== after,
      `started=${ok}; ${said}; message ${inView}; step changed the lab: ${before !== after}`);
  } finally {
    await ctx5.close();
  }

  // ... and a data file that cannot be fetched (the page fetches the RBM lab's digits and
  // trained models at start) stops the start with a message naming it, not a blank page.
  const ctx3 = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  try {
    await ctx3.route(/\/data\/rbm-labels-[0-9a-f]+\.json$/, (r) => r.fulfill({ status: 404, body: 'gone' }));
    const p3 = await ctx3.newPage();
    await p3.goto(srv.url, { waitUntil: 'load' });
    const said = await p3.waitForFunction(() => {
      const t = document.querySelector('#app')?.textContent || '';
      return /could not start/.test(t) && t;
    }, null, { timeout: 20000 }).then((h) => h.jsonValue(), () => 'nothing within 20 s');
    check('a data file that cannot load is named in a message on the page',
      /data\/rbm-labels-[0-9a-f]+\.json \(HTTP 404\)/.test(said), said);
  } finally {
    await ctx3.close();
  }
} finally {
  await browser.close();
  srv.close();
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
