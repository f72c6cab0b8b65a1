// Energy Playground's service worker: after one visit the page opens and works with no network.
//
// scripts/offline_hook.py (a Trunk post-build hook) writes this build's file list into FILES
// (Trunk's content-hashed names) and a VERSION computed from their contents, so every release
// has its own cache. Paths are relative to the worker's scope (the page's folder), so the same
// file works on any static host and under any sub-path.
//
// - install: caches every file of the release (a failed download fails the install, and the
//   previous release keeps serving);
// - activate: deletes the caches of earlier releases and takes over open pages;
// - navigations: network first (a new release shows as soon as it is online), the cached page
//   when the network fails or takes longer than NAV_TIMEOUT_MS;
// - the page's files: from the cache, else from the network.
'use strict';
const VERSION = '__VERSION__';
const FILES = [/* __FILES__ */];
const PREFIX = 'energy-playground-';
const CACHE = PREFIX + VERSION;
const NAV_TIMEOUT_MS = 4000;
const scope = self.registration.scope;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // `reload`: bypass the HTTP cache, so the cache holds exactly this release's files.
    await cache.addAll(FILES.map((f) => new Request(new URL(f, scope), { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names
      .filter((n) => n.startsWith(PREFIX) && n !== CACHE)
      .map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

async function cachedPage() {
  const cache = await caches.open(CACHE);
  return cache.match(new URL('index.html', scope).href);
}

async function navigate(request) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, NAV_TIMEOUT_MS); });
  const net = fetch(request);
  try {
    const first = await Promise.race([net, late.then(() => null)]);
    if (first) return first;
    // Slow network: the cached page now, if there is one; else keep waiting.
    return (await cachedPage()) || await net;
  } catch (e) {
    const page = await cachedPage();
    if (page) return page;
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(scope)) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(request));
    return;
  }
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    return (await cache.match(request, { ignoreSearch: true })) || fetch(request);
  })());
});
