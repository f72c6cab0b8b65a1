import { serve, launch } from '/work/main/tests/e2e/lib.mjs';
const srv = await serve('/work/main/dist');
const b = await launch();
const p = await b.newPage({ viewport: { width: 1400, height: 1000 } });
p.on('pageerror', e => console.log('pageerror', String(e).slice(0, 800)));
p.on('console', m => { if (m.type() === 'error') console.log('console', m.text().slice(0, 500)); });
const hash = process.argv[2] || '';
await p.goto(srv.url + hash);
await p.waitForSelector('#app[data-ready="1"]');
await p.waitForTimeout(500);
const steps = JSON.parse(process.argv[4] || '[]');
for (const s of steps) {
  if (s.key) await p.keyboard.press(s.key);
  if (s.click) await p.click(s.click);
  if (s.wait) await p.waitForTimeout(s.wait);
  if (s.eval) console.log(await p.evaluate(s.eval));
}
await p.screenshot({ path: process.argv[3] || '/tmp/shot.png', fullPage: true });
await b.close(); srv.close();
