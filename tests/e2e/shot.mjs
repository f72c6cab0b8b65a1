// Screenshot of the built page after a few scripted actions, for looking at a feature:
//   node tests/e2e/shot.mjs '#hopfield?n=32' out.png '[{"key":" "},{"wait":1000},{"click":"text=Start"}]'
// VIEWPORT=1920x1080 sets the window; PRESENTER=1 switches presenter mode on first; FULL=0 shoots
// the window only (as a projector shows it).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch } from './lib.mjs';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const srv = await serve(path.join(root, 'dist'));
const b = await launch();
const [vw, vh] = (process.env.VIEWPORT || '1400x1000').split('x').map(Number);
const p = await b.newPage({ viewport: { width: vw, height: vh } });
p.on('pageerror', e => console.log('pageerror', String(e).slice(0, 800)));
p.on('console', m => { if (m.type() === 'error') console.log('console', m.text().slice(0, 500)); });
const hash = process.argv[2] || '';
await p.goto(srv.url + hash);
await p.waitForSelector('#app[data-ready="1"]');
await p.waitForTimeout(500);
if (process.env.PRESENTER === '1') { await p.keyboard.press('p'); await p.waitForTimeout(300); }
const steps = JSON.parse(process.argv[4] || '[]');
for (const s of steps) {
  if (s.key) await p.keyboard.press(s.key);
  if (s.click) await p.click(s.click);
  if (s.wait) await p.waitForTimeout(s.wait);
  if (s.eval) console.log(await p.evaluate(s.eval));
}
await p.screenshot({ path: process.argv[3] || '/tmp/shot.png', fullPage: process.env.FULL !== '0' });
await b.close(); srv.close();
