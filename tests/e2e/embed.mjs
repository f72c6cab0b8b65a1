// Embedding: the page inside an 800×500 <iframe> with `embed=1` shows the lab's main picture
// (no header, tabs or footer), the transport and the scene note, fits the frame without
// scrolling, and plays. Screenshot in target/e2e/embed.png. Prints "embed: N passed, M failed".
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, launch, checker, canvasHash } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const t = checker('embed');
const srv = await serve(path.join(root, 'dist'));
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // A plain host page, as a slide deck or a course page would have it (scene 2: Hopfield recall).
  const src = `${srv.url}#hopfield?embed=1&scene=2`;
  await page.setContent(`<!doctype html><body style="margin:20px">
    <iframe src="${src}" width="800" height="500" style="border:1px solid #999" title="Energy Playground"></iframe>`);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForSelector('#app[data-ready="1"]', { timeout: 20000 });
  await page.waitForTimeout(300);

  const seen = await frame.evaluate(() => {
    const shown = (sel) => { const e = document.querySelector(sel); if (!e) return false; const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
    const pic = document.querySelector('canvas.embed-pic');
    const r = pic ? pic.getBoundingClientRect() : null;
    return {
      tabs: shown('nav.tabs'), brand: shown('.brand'), footer: shown('footer.foot'), menu: shown('.lecture'),
      play: shown('header .transport button.primary'), note: shown('.scene-panel') && (document.querySelector('.scene-note')?.textContent || ''),
      pic: r && { x: r.x, y: r.y, w: r.width, h: r.height },
      controls: [...document.querySelectorAll('#lab-hopfield .controls')].filter((c) => c.getBoundingClientRect().width > 0).length,
      scroll: document.scrollingElement.scrollHeight - innerHeight,
      hash: location.hash,
    };
  });
  t.check('no header tabs, title, scene menu or footer', !seen.tabs && !seen.brand && !seen.menu && !seen.footer, JSON.stringify(seen));
  t.check('no lab controls beside the picture', seen.controls === 0, `${seen.controls} control boxes`);
  t.check('the transport shows', seen.play);
  t.check('the scene note shows', typeof seen.note === 'string' && seen.note.length > 20, String(seen.note));
  const p = seen.pic;
  t.check('the main picture fills the frame\'s free height', p && p.h >= 330 && p.y + p.h <= 500 && p.x >= 0 && p.x + p.w <= 800, JSON.stringify(p));
  t.check('the frame does not scroll', seen.scroll <= 1, `overflow ${seen.scroll}px`);
  t.check('the link keeps embed=1 when the shell rewrites it', /[?&]embed=1/.test(seen.hash), seen.hash);

  const before = await frame.evaluate(canvasHash('canvas.embed-pic'));
  await frame.click('header .transport button.primary');
  await page.waitForTimeout(1000);
  const after = await frame.evaluate(canvasHash('canvas.embed-pic'));
  t.check('Play in the frame changes the picture', before !== 'none' && before !== after, `${before} → ${after}`);
  t.check('still embedded after playing', await frame.evaluate(() => document.body.classList.contains('embed') && /embed=1/.test(location.hash)));
  await page.screenshot({ path: path.join(root, 'target/e2e/embed.png') });
  t.check('no errors', errors.length === 0, errors.join(' | '));
} finally {
  await browser.close();
  await srv.close();
}
t.done();
