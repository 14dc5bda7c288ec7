// The site's service worker (sitegen/runtime.py writes it to the site root as sw.js, with CONFIG
// filled in; the checker page registers it once the checker has started). It makes later visits
// start faster and lets the checker work offline after a first visit:
//
// - the runtime (Pyodide, the build's memory snapshot and the standard library a start from it
//   needs) is stored at install; what only a normal start loads (the full standard library and
//   the checker wheel, for when the snapshot cannot be used) is stored when it is first asked
//   for. They live in a cache named after a digest of every runtime file's sha256
//   (CONFIG.runtime_digest), so a rebuild that changes any file changes this file, and the browser
//   installs it anew into a new cache and deletes the old one on activation: never a stale wheel
//   or snapshot. Each file is stored only
//   if its bytes have the sha256 the build wrote here (fetched with it as Subresource
//   Integrity, at install and when a request finds it missing), so a copy cut short or altered
//   on the way is never kept: the next request fetches it afresh. A file the network has no
//   intact copy of is left out of the cache, the install goes on without it, and its requester
//   gets what the network gave (the checker's worker then says what is wrong with it). A
//   request that asks for other bytes (its integrity names another sha256: a page of a newer
//   build) goes to the network;
// - the checker pages, their styles and scripts and the lock file are fetched from the network
//   first, so an online visit always gets the current site, and come from the cache offline;
// - anything else on the site is not touched.
//
// Nothing here sees answers: they live in the page's URL fragment, which no request carries.
//
// Cache names start with "aspire-checker " and the site root's URL, so two copies of the site
// under different paths of one host never delete each other's caches.

const CONFIG = /* written by sitegen/runtime.py */ null;

const ROOT = self.registration.scope;
const PREFIX = `aspire-checker ${ROOT} `;
const RUNTIME_CACHE = `${PREFIX}runtime ${CONFIG.pyodide} ${CONFIG.runtime_digest}`;
const PAGES_CACHE = `${PREFIX}pages`;

const url = (path) => new URL(path, ROOT).href;
/** @param {string} hex */
const integrity = (hex) => `sha256-${btoa(String.fromCharCode(...hex.match(/../g).map((byte) => parseInt(byte, 16))))}`;
/** Each runtime file and the wheel by URL, with the integrity its bytes must have. */
const RUNTIME = new Map(Object.entries(CONFIG.runtime).map(([path, sha256]) => [url(path), integrity(sha256)]));
/** What the install stores: a start from the snapshot's files (the rest when asked for). */
const PRECACHE = CONFIG.precache.map(url);
const NETWORK_FIRST = new Set([...CONFIG.pages, ...CONFIG.assets].map(url));

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const runtime = await caches.open(RUNTIME_CACHE);
      await Promise.all(
        PRECACHE.map(async (href) => {
          if (await runtime.match(href, { ignoreVary: true })) return;
          const response = await intact(href);
          if (response) await runtime.put(href, response);
          else console.warn(`The checker's service worker keeps no copy of ${href}: the network has none that is intact.`);
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
        // The runtime of another build, and the snapshots the worker once kept itself.
        if (name.startsWith(PREFIX) && ![RUNTIME_CACHE, PAGES_CACHE].includes(name)) await caches.delete(name);
      }
      const pages = await caches.open(PAGES_CACHE);
      for (const request of await pages.keys()) {
        if (!NETWORK_FIRST.has(request.url)) await pages.delete(request);
      }
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const href = request.url.split("#")[0];
  if (RUNTIME.has(href)) {
    // Only for a request that asks for this build's bytes, or names none; any other goes to the
    // network, and the browser checks the bytes against what it asked for.
    if (request.integrity && request.integrity !== RUNTIME.get(href)) return;
    event.respondWith(fromPage(event.clientId).then((page) => (page ? new Response(null, { status: 204 }) : cacheFirst(event, href))));
  } else if (NETWORK_FIRST.has(href) || (request.mode === "navigate" && NETWORK_FIRST.has(href.split("?")[0]))) {
    event.respondWith(networkFirst(event, href.split("?")[0]));
  }
});

/**
 * Whether a request comes from a page rather than from the checker's worker: the page asks for
 * the runtime only through its preload hints, which on a first visit start the downloads early
 * (the worker then reuses them from the HTTP cache). Here the worker reads this cache itself, so
 * a page gets an empty answer instead of a second copy of megabytes it would not use.
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
  const response = await intact(href);
  // None intact: the requester gets what the network gives, and its own check says what is wrong.
  if (!response) return fetch(event.request);
  event.waitUntil(cache.put(href, response.clone()));
  return response;
}

/**
 * The network's copy of a runtime file, if its bytes are this build's (the browser checks them
 * against the integrity), else null. "no-cache" first: the HTTP cache's copy is revalidated
 * rather than trusted, since it could predate the rebuild this file describes; then "reload", past
 * the HTTP cache, whose copy may be one a host served cut short on an earlier visit (a
 * revalidation keeps it: the file itself has not changed). That also leaves the HTTP cache with
 * the intact copy.
 * @param {string} href
 */
async function intact(href) {
  for (const cache of /** @type {const} */ (["no-cache", "reload"])) {
    try {
      return await fetch(href, { cache, integrity: RUNTIME.get(href) });
    } catch {
      // Not these bytes, or no network: try once more past the HTTP cache, then give up.
    }
  }
  return null;
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
