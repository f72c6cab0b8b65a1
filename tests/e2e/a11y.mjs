// Accessibility check of the release build in dist/: every interactive control in every lab
// (and Boltzmann view) has an accessible name in Chromium's accessibility tree, every visible
// canvas has an aria-label; prints the first tab stops with their focus outline.
//   node tests/e2e/a11y.mjs      (exits non-zero on a problem)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch } from './lib.mjs';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const srv = await serve(path.join(root, 'dist'));
const b = await launch();
const p = await b.newPage({ viewport: { width: 1280, height: 800 } });
await p.goto(srv.url);
await p.waitForSelector('#app[data-ready="1"]');
const cdp = await p.context().newCDPSession(p);
const ROLES = new Set(['button','combobox','slider','checkbox','textbox','spinbutton','listbox','radio','tab','link','menuitem','switch','searchbox']);
let bad = 0, total = 0;
async function check(where) {
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  for (const n of nodes) {
    if (n.ignored) continue;
    const role = n.role && n.role.value;
    if (!ROLES.has(role)) continue;
    total++;
    const name = (n.name && n.name.value || '').trim();
    if (!name) {
      bad++;
      let html = '';
      if (n.backendDOMNodeId) {
        const { outerHTML } = await cdp.send('DOM.getOuterHTML', { backendNodeId: n.backendDOMNodeId }).catch(() => ({ outerHTML: '?' }));
        html = outerHTML.slice(0, 160);
      }
      console.log(`NO NAME [${where}] role=${role} ${html}`);
    }
  }
  const canv = await p.$$eval('canvas', cs => cs.filter(c => c.offsetParent !== null && !c.getAttribute('aria-label')).map(c => c.outerHTML.slice(0, 120)));
  for (const c of canv) { bad++; console.log(`CANVAS WITHOUT aria-label [${where}] ${c}`); }
}
const labs = await p.evaluate(() => energyPlayground.labs());
for (const id of labs) {
  await p.evaluate((id) => energyPlayground.select(id), id);
  await p.waitForTimeout(200);
  if (id === 'boltzmann') {
    for (const v of ['temp', 'exact', 'learn']) {
      await p.click(`#bz-tab-${v}`);
      await p.waitForTimeout(200);
      await check(`boltzmann/${v}`);
    }
  } else {
    await check(id);
  }
}
// Tab order through the header and the start of the Hopfield lab.
await p.evaluate(() => energyPlayground.select('hopfield'));
await p.evaluate(() => document.activeElement && document.activeElement.blur());
const order = [];
for (let i = 0; i < 16; i++) {
  await p.keyboard.press('Tab');
  order.push(await p.evaluate(() => {
    const e = document.activeElement;
    const s = getComputedStyle(e);
    const label = e.getAttribute('aria-label') || (e.closest('label') && e.closest('label').textContent.trim().slice(0, 20)) || e.textContent.trim().slice(0, 20);
    return `${e.tagName.toLowerCase()}:${label} [outline ${s.outlineStyle} ${s.outlineWidth}]`;
  }));
}
console.log('tab order:', order.join(' → '));
console.log(`a11y: ${total} controls checked, ${bad} problems`);
await b.close(); srv.close();
process.exit(bad ? 1 : 0);
