// The built page (dist/) in headless Firefox ESR, through geckodriver's WebDriver (the other
// end-to-end checks drive Chromium): it starts (fetching its data files), every lab plays and
// draws without an error, and the Speed tab's worker module runs a benchmark row.
//   trunk build --release && node tests/e2e/firefox.mjs
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, checker } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { check, done } = checker('firefox');

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const driver = spawn(process.env.GECKODRIVER || 'geckodriver', ['--port', String(port)], {
  stdio: 'ignore',
});
const base = `http://127.0.0.1:${port}`;
async function wd(method, url, body) {
  const r = await fetch(base + url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const j = await r.json();
  if (!r.ok) throw new Error(`${method} ${url}: ${JSON.stringify(j.value)}`);
  return j.value;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// geckodriver takes a moment to listen
for (let i = 0; i < 50; i++) {
  try { await wd('GET', '/status'); break; } catch { await sleep(200); }
}

const srv = await serve(path.join(root, 'dist'));
let sid;
try {
  sid = (await wd('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'firefox',
        'moz:firefoxOptions': {
          binary: process.env.FIREFOX || '/usr/bin/firefox-esr',
          args: ['-headless', '--width=1280', '--height=800'],
        },
      },
    },
  })).sessionId;
  const js = (script, args = []) => wd('POST', `/session/${sid}/execute/sync`, { script, args });
  const jsAsync = (script, args = []) => wd('POST', `/session/${sid}/execute/async`, { script, args });

  await wd('POST', `/session/${sid}/url`, { url: srv.url });
  let ready = '';
  for (let i = 0; i < 60 && ready !== '1'; i++) {
    await sleep(500);
    ready = await js('return document.querySelector("#app")?.dataset.ready || "";');
  }
  const text = await js('return document.querySelector("#app")?.innerText.slice(0, 300) || "";');
  check('the page starts', ready === '1', text);
  const fetched = await js(`return performance.getEntriesByType("resource")
    .filter((e) => e.name.includes("/data/")).length;`);
  check('the four data files were fetched', fetched === 4, `fetched ${fetched}`);

  // Every lab plays for a second and its picture is drawn (two colours or more), with no
  // error in the status line.
  for (const lab of ['hopfield', 'boltzmann', 'rbm', 'sampling', 'energy', 'ising']) {
    await js('window.energyPlayground.set(arguments[0]); window.energyPlayground.play();', [`#${lab}?seed=1`]);
    await sleep(1000);
    const r = await js(`window.energyPlayground.pause();
      const c = document.querySelector('main.labs > section:not(.hidden) canvas');
      if (!c) return 'no canvas';
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < d.length && seen.size < 2; i += 4) seen.add(d[i] | (d[i + 1] << 8) | (d[i + 2] << 16));
      const err = document.querySelector('.status.error');
      return (err ? 'error: ' + err.textContent : '') + (seen.size < 2 ? ' blank picture' : '');`);
    check(`${lab} plays and draws`, r === '', r);
  }

  // The Speed tab's worker (its own wasm module, content-hashed names) runs one row.
  const bench = await jsAsync(`const done = arguments[arguments.length - 1];
    window.energyPlayground.runBenchmarks('hopfield_energy').then(done, (e) => done('error: ' + e));`);
  let row = null;
  try { row = JSON.parse(bench).hopfield_energy_n1024; } catch { /* reported below */ }
  check('the Speed tab\'s worker runs a benchmark row', row && row.wasm_ms > 0, String(bench).slice(0, 200));
} catch (e) {
  check('the Firefox session ran', false, String(e));
} finally {
  if (sid) await wd('DELETE', `/session/${sid}`).catch(() => {});
  driver.kill();
  await srv.close();
}
done();
