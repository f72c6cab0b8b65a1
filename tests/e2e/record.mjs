// Recording: a 2-second recording of a playing lab, as GIF and as WebM, yields a file named
// after the lab, scene and seed with more than one distinct frame; the page keeps animating
// while the GIF is encoded. Downloads are caught in the page (the click on the generated
// <a download> is intercepted and the blob behind its URL read). Prints "record: N passed, M failed".
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import crypto from 'node:crypto';
import { serve, launch, checker } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const t = checker('record');

/** The image blocks of a GIF (descriptor, palette and LZW data of each frame). */
function gifFrames(buf) {
  if (buf.subarray(0, 6).toString() !== 'GIF89a') throw new Error('not a GIF89a file');
  let p = 13;
  if (buf[10] & 0x80) p += 3 * (1 << ((buf[10] & 7) + 1));
  const frames = [];
  const skipBlocks = () => { while (buf[p]) p += buf[p] + 1; p++; };
  while (p < buf.length) {
    const b = buf[p++];
    if (b === 0x3b) return frames;
    if (b === 0x21) { p++; skipBlocks(); continue; }
    if (b !== 0x2c) throw new Error(`unexpected GIF block 0x${b.toString(16)} at ${p - 1}`);
    const start = p - 1;
    const flags = buf[p + 8];
    p += 9;
    if (flags & 0x80) p += 3 * (1 << ((flags & 7) + 1));
    p++;
    skipBlocks();
    frames.push(buf.subarray(start, p));
  }
  throw new Error('GIF without trailer');
}
const md5 = (b) => crypto.createHash('md5').update(b).digest('hex');

const srv = await serve(path.join(root, 'dist'));
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  // Scene 3: the Ising model at T_c (it changes every frame).
  await page.goto(srv.url + '#ising?scene=3');
  await page.waitForSelector('#app[data-ready="1"]', { timeout: 20000 });
  await page.evaluate(() => {
    window.__downloads = [];
    // The page's CSP allows no fetch of blob: URLs, so keep each blob as its URL is made.
    const blobs = new Map();
    const make = URL.createObjectURL;
    URL.createObjectURL = (b) => { const u = make.call(URL, b); blobs.set(u, b); return u; };
    document.addEventListener('click', (e) => {
      const a = e.target;
      if (!(a instanceof HTMLAnchorElement) || !a.download) return;
      e.preventDefault();
      const name = a.download;
      const blob = blobs.get(a.href);
      if (!blob) { window.__downloads.push({ name, data: '' }); return; }
      blob.arrayBuffer().then((b) => {
        const bytes = new Uint8Array(b);
        let s = '';
        for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        window.__downloads.push({ name, data: btoa(s) });
      });
    }, true);
    // The longest gap between animation frames from now on (a frozen page shows up here).
    window.__gap = 0;
    let last = performance.now();
    const loop = (now) => { window.__gap = Math.max(window.__gap, now - last); last = now; requestAnimationFrame(loop); };
    requestAnimationFrame(loop);
  });
  const record = 'header .transport button[data-key=record]';

  async function recordFor(format, ms) {
    const n = await page.evaluate(() => window.__downloads.length);
    await page.selectOption('header .transport select.rec-format', format);
    await page.click(record);
    await page.waitForTimeout(ms / 2);
    const info = await page.textContent('header .transport .rec-info');
    await page.waitForTimeout(ms / 2);
    await page.evaluate(() => { window.__gap = 0; });
    await page.click(record);
    const got = await page.waitForFunction((k) => window.__downloads.length > k && window.__downloads[k], n, { timeout: 30000 })
      .then((h) => h.jsonValue(), () => null);
    const gap = await page.evaluate(() => window.__gap);
    return { info, got, gap };
  }

  // GIF, encoded in wasm.
  const gif = await recordFor('gif', 2000);
  t.check('while recording, the format, frame rate and time show', /GIF · 10 fps · \d\.\d s/.test(gif.info || ''), gif.info);
  t.check('the GIF downloads as ising-scene-3-seed-1.gif', gif.got && gif.got.name === 'ising-scene-3-seed-1.gif', gif.got && gif.got.name);
  if (gif.got) {
    const frames = gifFrames(Buffer.from(gif.got.data, 'base64'));
    const distinct = new Set(frames.map(md5)).size;
    console.log(`     GIF: ${frames.length} frames, ${distinct} distinct, ${Buffer.from(gif.got.data, 'base64').length} bytes`);
    const status = await page.textContent('#status');
    const said = /saved ising-scene-3-seed-1\.gif: (\d+\.\d) s, (\d+) frames at 10 fps/.exec(status);
    t.check('the status line says what was saved', said, status);
    const secs = said ? Number(said[1]) : 0;
    t.check('the recording lasted about 2 s', secs >= 1.9 && secs <= 3.5, `${secs} s`);
    t.check('the GIF holds 10 frames per recorded second', Math.abs(frames.length - 10 * secs) <= 2 && said && Number(said[2]) === frames.length, `${frames.length} frames in ${secs} s`);
    t.check('the GIF has more than one distinct frame', distinct > 1, `${distinct} distinct`);
  }
  console.log(`     longest gap between animation frames while the GIF was encoded: ${gif.gap.toFixed(0)} ms`);
  t.check('the page keeps animating while the GIF is encoded', gif.gap < 500, `longest frame gap ${gif.gap.toFixed(0)} ms`);

  // WebM through MediaRecorder.
  const webm = await recordFor('webm', 2000);
  t.check('the WebM downloads as ising-scene-3-seed-1.webm', webm.got && webm.got.name === 'ising-scene-3-seed-1.webm', webm.got && webm.got.name);
  if (webm.got) {
    // Decode it in a page of its own (the app's CSP allows no blob: media) and hash the frames.
    const probe = await browser.newPage();
    const res = await probe.evaluate(async (b64) => {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const v = document.createElement('video');
      v.muted = true;
      v.src = URL.createObjectURL(new Blob([bytes], { type: 'video/webm' }));
      const c = document.createElement('canvas');
      const seen = new Set();
      let frames = 0;
      await new Promise((done) => {
        const grab = () => {
          c.width = v.videoWidth; c.height = v.videoHeight;
          const x = c.getContext('2d', { willReadFrequently: true });
          x.drawImage(v, 0, 0);
          const d = x.getImageData(0, 0, c.width, c.height).data;
          let h = 2166136261;
          for (let i = 0; i < d.length; i += 4) { h ^= d[i] + 3 * d[i + 1] + 7 * d[i + 2]; h = Math.imul(h, 16777619) >>> 0; }
          seen.add(h); frames++;
          if (!v.ended) v.requestVideoFrameCallback(grab);
        };
        v.requestVideoFrameCallback(grab);
        v.onended = done; v.onerror = done;
        setTimeout(done, 8000);
        v.play().catch(done);
      });
      return { frames, distinct: seen.size, w: v.videoWidth, h: v.videoHeight, error: v.error && v.error.message };
    }, webm.got.data);
    console.log(`     WebM: ${res.frames} frames decoded, ${res.distinct} distinct, ${res.w}×${res.h}, ${Buffer.from(webm.got.data, 'base64').length} bytes`);
    t.check('the WebM plays and has more than one distinct frame', res.distinct > 1, JSON.stringify(res));
    await probe.close();
  }
  t.check('no errors', errors.length === 0, errors.join(' | '));
} finally {
  await browser.close();
  await srv.close();
}
t.done();
