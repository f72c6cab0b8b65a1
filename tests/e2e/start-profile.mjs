// scripts/start-profile's browser part: instruments the unsplit release page in <out>/dist
// (scripts/split_hook.py), opens it in headless Chromium on its first lab three times (load,
// play 2 s, pause, step, reset; each load with its own seed), reads the profiles back and writes
// the names of the functions that ran in any of them to <list>.
//   node tests/e2e/start-profile.mjs target/start-profile www/start-functions.txt
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve, launch } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [out, list] = process.argv.slice(2);
if (!out || !list) {
  console.error('usage: node tests/e2e/start-profile.mjs <out dir with dist/> <list file>');
  process.exit(2);
}
const hook = path.join(root, 'scripts/split_hook.py');
const dist = path.join(out, 'dist');
const wasmName = fs.readdirSync(dist).find((f) => /^energy-playground-[0-9a-f]+_bg\.wasm$/.test(f));
const wasmPath = path.join(dist, wasmName);
const plain = path.join(out, 'plain.wasm');
fs.copyFileSync(wasmPath, plain);
execFileSync('python3', [hook, plain, wasmPath], { stdio: 'inherit' });

// Three loads, each with its own fresh seed, so that what runs for some seeds only is listed.
const srv = await serve(dist);
const b = await launch();
const profiles = [];
for (let run = 1; run <= 3; run++) {
  const p = await b.newPage({ viewport: { width: 1280, height: 800 } });
  p.on('pageerror', (e) => console.log('pageerror', String(e).slice(0, 800)));
  await p.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__startExports = e.detail.wasm; });
  });
  await p.goto(srv.url);
  await p.waitForSelector('#app[data-ready="1"]');
  await p.waitForTimeout(500);
  for (const key of [' ', 2000, ' ', 'n', 'r', 500]) {
    if (typeof key === 'number') await p.waitForTimeout(key);
    else await p.keyboard.press(key);
  }
  const bytes = await p.evaluate(() => {
    const w = window.__startExports;
    const cap = 1 << 20;
    const ptr = w.__wbindgen_malloc(cap, 8);
    const n = w.__write_profile(ptr, cap);
    return Array.from(new Uint8Array(w.memory.buffer, ptr, n));
  });
  await p.close();
  const profile = path.join(out, `start-${run}.prof`);
  fs.writeFileSync(profile, Buffer.from(bytes));
  profiles.push(profile);
}
await b.close();
await srv.close();
execFileSync('python3', [hook, plain, ...profiles, list], { stdio: 'inherit' });
