// Shared by the end-to-end check and the benchmark driver: a static file server for dist/
// (mounted under a sub-path, as on a project page) and the system's headless Chromium.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.json': 'application/json', '.bin': 'application/octet-stream',
  '.webmanifest': 'application/manifest+json',
};

/** Serves `root` under `prefix` on 127.0.0.1 (a free port, or `port`); resolves to
 *  { url, port, requests, close }: `requests` counts the requests served, `close` also drops
 *  open keep-alive connections (so a closed server really is gone). */
export function serve(root, prefix = '/energy-playground/', port = 0) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const u = new URL(req.url, 'http://x');
    if (!u.pathname.startsWith(prefix)) { res.writeHead(404); res.end(); return; }
    let rel = decodeURIComponent(u.pathname.slice(prefix.length)) || 'index.html';
    const file = path.resolve(root, rel);
    if (!file.startsWith(path.resolve(root))) { res.writeHead(403); res.end(); return; }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}${prefix}`,
        port,
        get requests() { return requests; },
        close: () => new Promise((done) => { server.close(done); server.closeAllConnections(); }),
      });
    });
  });
}

/** The median of the finite numbers in `xs` (undefined if there are none). */
export function median(xs) {
  const s = xs.filter((x) => x !== undefined && isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return undefined;
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
}

/** A counter of checks that prints `ok` / `FAIL` lines and, at the end, `<name>: N passed, M
 *  failed` (exit code 1 on a failure). */
export function checker(name) {
  let passed = 0, failed = 0;
  return {
    check(what, ok, detail = '') {
      if (ok) { passed++; console.log(`ok   ${what}`); }
      else { failed++; console.log(`FAIL ${what} ${detail}`); }
      return ok;
    },
    done() {
      console.log(`${name}: ${passed} passed, ${failed} failed`);
      process.exit(failed ? 1 : 0);
    },
  };
}

/** A hash of a canvas's pixels (to see whether a picture changed). */
export const canvasHash = (sel) => `(() => {
  const c = document.querySelector(${JSON.stringify(sel)});
  if (!c) return 'none';
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let h = 2166136261;
  for (let i = 0; i < d.length; i += 4) { h ^= d[i] + 3 * d[i + 1] + 7 * d[i + 2]; h = Math.imul(h, 16777619) >>> 0; }
  return c.width + 'x' + c.height + ':' + h;
})()`;

/** Launches Debian's Chromium headless with the flags this machine needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
      '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', ...(process.env.CHROMIUM_ARGS ? process.env.CHROMIUM_ARGS.split(' ') : [])],
  });
}

/** Prints the `top` functions of a DevTools CPU profile by self time (percent of samples). */
export function printHottest(profile, top) {
  const ticks = new Map();
  for (const s of profile.samples) ticks.set(s, (ticks.get(s) || 0) + 1);
  const self = new Map();
  let total = 0;
  for (const n of profile.nodes) {
    const c = ticks.get(n.id) || 0;
    total += c;
    const name = n.callFrame.functionName || '(anonymous)';
    self.set(name, (self.get(name) || 0) + c);
  }
  console.log('\n self %  function (self time, whole run)');
  for (const [name, c] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(100 * c / total).toFixed(1).padStart(6)}  ${name.slice(0, 160)}`);
  }
}
