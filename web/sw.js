// The site's service worker (sitegen/runtime.py writes it to the site root as sw.js, with CONFIG
// filled in; the checker page registers it once the checker has started). It makes later visits
// start faster and lets the checker work offline after a first visit:
//
// - the runtime (Pyodide and its standard library) and the checker wheel are served from a cache
//   named after the Pyodide version and the wheel's sha256 (and the standard library's), so a
//   rebuild with another wheel changes this file, and the browser installs it anew into a new
//   cache and deletes the old one on activation: never a stale wheel. The wheel is stored only
//   if its bytes match the sha256 (Subresource Integrity), and served from the cache only to a
//   request that asks for that very sha256 (the worker's fetch names it);
// - the checker pages, their styles and scripts and the lock file are fetched from the network
//   first, so an online visit always gets the current site, and come from the cache offline;
// - anything else on the site is not touched.
//
// Nothing here sees answers: they live in the page's URL fragment, which no request carries.
// The worker's memory snapshot (web/checker/worker.mjs) lives in a cache of its own, which this
// worker empties of snapshots made for another runtime or wheel.
//
// Cache names start with "aspire-checker " and the site root's URL, so two copies of the site
// under different paths of one host never delete each other's caches.

const CONFIG = /* written by sitegen/runtime.py */ null;

const ROOT = self.registration.scope;
const PREFIX = `aspire-checker ${ROOT} `;
const RUNTIME_CACHE = `${PREFIX}runtime ${CONFIG.pyodide} ${CONFIG.wheel.sha256} ${CONFIG.stdlib_sha256.slice(0, 16)}`;
const PAGES_CACHE = `${PREFIX}pages`;
const SNAPSHOT_CACHE = `${PREFIX}snapshot`;
// The worker names its snapshots "<version>-<wheel sha256>-<stdlib sha256, 16>-<…>".
const SNAPSHOT_KEY = `${CONFIG.pyodide}-${CONFIG.wheel.sha256}-${CONFIG.stdlib_sha256.slice(0, 16)}-`;

const url = (path) => new URL(path, ROOT).href;
const RUNTIME = new Set([...CONFIG.runtime, CONFIG.wheel.url].map(url));
const NETWORK_FIRST = new Set([...CONFIG.pages, ...CONFIG.assets].map(url));
const WHEEL = url(CONFIG.wheel.url);

/** @param {string} hex */
const integrity = (hex) => `sha256-${btoa(String.fromCharCode(...hex.match(/../g).map((byte) => parseInt(byte, 16))))}`;
const WHEEL_INTEGRITY = integrity(CONFIG.wheel.sha256);

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      // "no-cache": revalidate with the server rather than trust the HTTP cache's copy, which
      // could predate the rebuild this file describes.
      const runtime = await caches.open(RUNTIME_CACHE);
      await Promise.all(
        [...RUNTIME].map(async (href) => {
          if (await runtime.match(href, { ignoreVary: true })) return;
          const init = href === WHEEL ? { cache: "no-cache", integrity: WHEEL_INTEGRITY } : { cache: "no-cache" };
          const response = await fetch(href, init);
          if (!response.ok) throw new Error(`${href}: HTTP ${response.status}`);
          await runtime.put(href, response);
        }),
      );
      const pages = await caches.open(PAGES_CACHE);
      await pages.addAll([...NETWORK_FIRST].map((href) => new Request(href, { cache: "no-cache" })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && ![RUNTIME_CACHE, PAGES_CACHE, SNAPSHOT_CACHE].includes(name)) await caches.delete(name);
      }
      const pages = await caches.open(PAGES_CACHE);
      for (const request of await pages.keys()) {
        if (!NETWORK_FIRST.has(request.url)) await pages.delete(request);
      }
      const snapshots = await caches.open(SNAPSHOT_CACHE);
      for (const request of await snapshots.keys()) {
        if (!new URL(request.url).pathname.split("/").pop()?.startsWith(SNAPSHOT_KEY)) await snapshots.delete(request);
      }
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const href = request.url.split("#")[0];
  if (RUNTIME.has(href)) {
    // The wheel only for a request that asks for this build's wheel; any other goes to the
    // network, and the browser checks the bytes against what it asked for.
    if (href === WHEEL && request.integrity && request.integrity !== WHEEL_INTEGRITY) return;
    event.respondWith(fromPage(event.clientId).then((page) => (page ? new Response(null, { status: 204 }) : cacheFirst(event, href))));
  } else if (NETWORK_FIRST.has(href) || (request.mode === "navigate" && NETWORK_FIRST.has(href.split("?")[0]))) {
    event.respondWith(networkFirst(event, href.split("?")[0]));
  }
});

/**
 * Whether a request comes from a page rather than from the checker's worker: the page asks for
 * the runtime only through its preload hints, which on a first visit start the downloads early
 * (the worker then reuses them from the HTTP cache). Here the worker reads this cache itself, so
 * a page gets an empty answer instead of a second copy of 13 MB it would not use.
 * @param {string} clientId
 */
async function fromPage(clientId) {
  const client = clientId ? await self.clients.get(clientId) : undefined;
  return client?.type === "window";
}

// Both answer at once and store a copy meanwhile (event.waitUntil keeps this worker alive).

/** @param {FetchEvent} event @param {string} href */
async function cacheFirst(event, href) {
  const cache = await caches.open(RUNTIME_CACHE);
  const cached = await cache.match(href, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(event.request);
  if (response.ok && href !== WHEEL) event.waitUntil(cache.put(href, response.clone()));
  return response;
}

/** @param {FetchEvent} event @param {string} href */
async function networkFirst(event, href) {
  const cache = await caches.open(PAGES_CACHE);
  try {
    const response = await fetch(event.request);
    if (response.ok && response.type === "basic") event.waitUntil(cache.put(href, response.clone()));
    return response;
  } catch (error) {
    const cached = await cache.match(href, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}
