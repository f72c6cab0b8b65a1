import path from 'node:path';
import fs from 'node:fs';
import { serve, launch } from './lib.mjs';
const root = '/work/main';
const only = process.argv[2];
const srv = await serve(path.join(root, 'dist'));
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(srv.url + '#speed');
  await page.waitForSelector('#app[data-ready="1"]', { timeout: 20000 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  if (!process.env.NOPROF) await cdp.send("Profiler.start");
  const r = await page.evaluate((o) => window.wasmBindings.runBenchmarks(o), only);
  if (process.env.NOPROF) { console.log(r); process.exit(0); }
  const { profile } = await cdp.send("Profiler.stop");
  console.log(r);
  const self = new Map();
  const dt = {};
  const counts = new Map();
  for (const s of profile.samples) counts.set(s, (counts.get(s) || 0) + 1);
  let total = 0;
  for (const n of profile.nodes) {
    const c = counts.get(n.id) || 0; total += c;
    const k = n.callFrame.functionName || '(anon)';
    self.set(k, (self.get(k) || 0) + c);
  }
  for (const n of profile.nodes) if (n.callFrame.functionName.includes('Sampler2d::step')) console.log(JSON.stringify(n.callFrame), JSON.stringify((n.positionTicks||[]).sort((a,b)=>b.ticks-a.ticks).slice(0,30)));
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  for (const [k, c] of rows) console.log((100 * c / total).toFixed(1).padStart(5), k.slice(0, 150));
} finally { await browser.close(); srv.close(); }
