// Offline after one visit: loads the release build once (the service worker caches the page's
// files), stops the server and takes the browser offline, reloads, and checks that the page
// mounts and a lab plays. Then serves a new release on the same address and checks that the
// page picks it up and the old cache is removed.
// Prints "offline: N passed, M failed".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, checker, canvasHash } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const t = checker('offline');

let srv = await serve(dist);
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  await page.goto(srv.url + '#ising?L=64&T=2.269&h=0&dynamics=metropolis&seed=1&speed=1');
  await page.waitForSelector('#app[data-ready="1"]', { timeout: 20000 });
  t.check('a web-app manifest is linked', await page.$eval('link[rel=manifest]', (l) => l.href.endsWith('manifest.webmanifest')).catch(() => false));
  // Wait until the worker controls the page and holds this release.
  const cached = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
    }
    const names = (await caches.keys()).filter((n) => n.startsWith('energy-playground-'));
    const files = names.length ? (await (await caches.open(names[0])).keys()).map((r) => r.url) : [];
    return { names, files };
  });
  const has = (re) => cached.files.some((u) => re.test(u));
  t.check('one versioned cache after the first visit', cached.names.length === 1, JSON.stringify(cached.names));
  t.check('it holds the page, the wasm, its loader, the style sheet and the manifest',
    has(/index\.html$/) && has(/_bg\.wasm$/) && has(/\.js$/) && has(/\.css$/) && has(/manifest\.webmanifest$/),
    cached.files.join(' '));
  t.check('files are cached under the sub-path', cached.files.every((u) => u.startsWith(srv.url)), cached.files[0]);

  // No network at all: the server is gone and the browser is offline.
  const port = srv.port;
  await srv.close();
  await context.setOffline(true);
  await page.reload();
  const mounted = await page.waitForSelector('#app[data-ready="1"]', { timeout: 20000 }).then(() => true, () => false);
  t.check('offline: the page reloads and mounts', mounted);
  const lattice = '#lab-ising canvas.ising-lattice';
  const before = await page.evaluate(canvasHash(lattice));
  await page.click('header .transport button.primary');
  await page.waitForTimeout(800);
  const after = await page.evaluate(canvasHash(lattice));
  t.check('offline: a lab plays (the Ising lattice changes)', before !== 'none' && before !== after, `${before} → ${after}`);
  t.check('offline: no errors', errors.length === 0, errors.join(' | '));
  await page.screenshot({ path: path.join(root, 'target/e2e/offline.png') });

  // A new release on the same address: the page shows it when online, and the old cache goes.
  const next = fs.mkdtempSync(path.join(os.tmpdir(), 'ep-release-'));
  fs.cpSync(dist, next, { recursive: true });
  const sw = path.join(next, 'sw.js');
  const oldVersion = cached.names[0].replace('energy-playground-', '');
  fs.writeFileSync(sw, fs.readFileSync(sw, 'utf8').replace(oldVersion, 'next-release'));
  const idx = path.join(next, 'index.html');
  fs.writeFileSync(idx, fs.readFileSync(idx, 'utf8').replace('<title>', '<meta name="release" content="next">\n  <title>'));
  srv = await serve(next, '/energy-playground/', port);
  await context.setOffline(false);
  await page.reload();
  await page.waitForSelector('#app[data-ready="1"]', { timeout: 20000 });
  t.check('online again: the reload shows the new release', await page.$('meta[name=release]') !== null);
  const names = await page.evaluate(async () => {
    for (let i = 0; i < 100; i++) {
      const n = (await caches.keys()).filter((k) => k.startsWith('energy-playground-'));
      if (n.length === 1 && n[0].endsWith('next-release')) return n;
      await new Promise((r) => setTimeout(r, 100));
    }
    return caches.keys();
  });
  t.check('the new release is cached and the old cache removed', names.length === 1 && names[0] === 'energy-playground-next-release', JSON.stringify(names));
  fs.rmSync(next, { recursive: true, force: true });
} finally {
  await browser.close();
  await srv.close();
}
t.done();
