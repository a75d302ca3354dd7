/* The service worker: every page of the site, saved on the device, served without a network.
 *
 * Workbox's precaching model, without Workbox. The server replaces the precache placeholder below
 * with the list of every page, data file and static file and a version of each (tirek/offline.py),
 * so any change to the content changes this file and the browser installs a new worker:
 * - install: fetch everything into a new cache, all or nothing, reusing what has not changed;
 * - the new worker then waits until the reader accepts the update (static/js/offline.js);
 * - activate: delete this site's older caches;
 * - fetch: saved URLs from the cache at once; anything else from the network, and for a page
 *   when there is no network, the offline page in the reader's language.
 * URLs in the list are relative to this file; a static copy may live under any path prefix.
 */
'use strict';

const PRECACHE = self.__TIREK_PRECACHE;
const SCOPE = self.registration.scope;
// Several copies of the site may share an origin (mirrors under different paths), and so the
// Cache API: every name carries the scope, and a worker only ever touches its own.
const CACHE_PREFIX = SCOPE + ' precache ';
const CACHE_NAME = CACHE_PREFIX + PRECACHE.version;
const SETTINGS_CACHE = SCOPE + ' settings';
// Cache keys that are not pages: the list a cache holds, and the reader's language (the only
// setting kept; never which pages were read).
const LIST_KEY = new URL('__precache-list', SCOPE).href;
const LANGUAGE_KEY = new URL('__language', SCOPE).href;
const LANGUAGES = PRECACHE.languages;
const ENTRIES = PRECACHE.entries.map(function (entry) {
  return { url: new URL(entry.url, SCOPE).href, revision: entry.revision };
});
const PRECACHED = new Set(ENTRIES.map(function (entry) { return entry.url; }));

self.addEventListener('install', function (event) {
  event.waitUntil(install());
});

self.addEventListener('activate', function (event) {
  event.waitUntil(activate());
});

self.addEventListener('message', function (event) {
  const data = event.data || {};
  if (data.type === 'SKIP_WAITING') {
    self.skipWaiting();
  } else if (data.type === 'LANGUAGE') {
    event.waitUntil(rememberLanguage(data.lang));
  }
});

self.addEventListener('fetch', function (event) {
  const response = respond(event.request);
  if (response) {
    event.respondWith(response);
  }
});

async function install() {
  const previous = await savedVersions();
  const cache = await caches.open(CACHE_NAME);
  try {
    await Promise.all(ENTRIES.map(async function (entry) {
      await cache.put(entry.url, await download(entry, previous));
    }));
    // Written last: a cache with its list is complete, and only such a cache is reused.
    await cache.put(LIST_KEY, new Response(JSON.stringify(ENTRIES)));
  } catch (error) {
    await caches.delete(CACHE_NAME);
    throw error;
  }
}

/* Where each URL and version already sits, in this site's complete caches: "url revision" -> cache. */
async function savedVersions() {
  const found = new Map();
  for (const name of await caches.keys()) {
    if (!name.startsWith(CACHE_PREFIX)) {
      continue;
    }
    const cache = await caches.open(name);
    const list = await cache.match(LIST_KEY);
    if (!list) {
      continue;
    }
    for (const entry of await list.json()) {
      found.set(entry.url + ' ' + entry.revision, cache);
    }
  }
  return found;
}

async function download(entry, previous) {
  const cache = previous.get(entry.url + ' ' + entry.revision);
  const saved = cache && await cache.match(entry.url);
  if (saved) {
    return saved;
  }
  // Pages are fetched past the HTTP cache; hashed static files never change under their name.
  const response = await fetch(entry.url, { cache: entry.revision ? 'reload' : 'default' });
  if (!response.ok) {
    throw new Error('cannot save ' + entry.url + ': ' + response.status);
  }
  // A redirected response cannot answer a navigation; keep only its body and headers.
  if (!response.redirected) {
    return response;
  }
  return new Response(await response.blob(), {
    status: response.status, statusText: response.statusText, headers: response.headers,
  });
}

async function activate() {
  const names = await caches.keys();
  await Promise.all(names.filter(function (name) {
    return name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME;
  }).map(function (name) {
    return caches.delete(name);
  }));
  await self.clients.claim();
}

/* A promise of the response, or null to let the browser fetch as if there were no worker. */
function respond(request) {
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) {
    return null;
  }
  const url = new URL(request.url);
  const key = cacheKey(url);
  const page = request.mode === 'navigate';
  if (page && key === SCOPE) {
    return openLanguageHome(request);
  }
  if (PRECACHED.has(key)) {
    // A query (a search) may change the answer: ask the network first, the saved page without it.
    return url.search ? networkFirst(request, key, page) : cacheFirst(request, key, page);
  }
  return page ? fromNetwork(request, key) : null;
}

/* A static copy links to folder/index.html, the server to folder/: both are the same entry. */
function cacheKey(url) {
  const key = new URL(url.href);
  key.hash = '';
  key.search = '';
  if (key.pathname.endsWith('/index.html')) {
    key.pathname = key.pathname.slice(0, -'index.html'.length);
  }
  return key.href;
}

async function cacheFirst(request, key, page) {
  const saved = await caches.match(key, { cacheName: CACHE_NAME });
  return saved || (page ? fromNetwork(request, key) : fetch(request));
}

async function networkFirst(request, key, page) {
  try {
    return await fetch(request);
  } catch (error) {
    const saved = await caches.match(key, { cacheName: CACHE_NAME });
    if (saved) {
      return saved;
    }
    if (page) {
      return offlinePage(key);
    }
    throw error;
  }
}

async function fromNetwork(request, key) {
  try {
    return await fetch(request);
  } catch (error) {
    return offlinePage(key);
  }
}

/* The offline page in the language of the URL, or else the reader's. */
async function offlinePage(key) {
  const path = key.slice(SCOPE.length).split('/');
  const lang = LANGUAGES.includes(path[0]) ? path[0] : await readerLanguage();
  const offline = new URL(lang + '/offline/', SCOPE).href;
  const saved = key !== offline && await caches.match(offline, { cacheName: CACHE_NAME });
  if (!saved) {
    return Response.error();
  }
  // At the same depth as lang/offline/ the page's relative links still work, and reloading once
  // back online opens what the reader asked for; anywhere else, go to the offline page itself.
  const sameDepth = path.length === 3 && path[1] !== '' && path[2] === '';
  return sameDepth ? saved : Response.redirect(offline, 302);
}

/* The root: the home page in the language the reader last used, or their browser's language. */
async function openLanguageHome(request) {
  const remembered = await storedLanguage();
  if (remembered) {
    return Response.redirect(new URL(remembered + '/', SCOPE).href, 302);
  }
  try {
    return await fetch(request);
  } catch (error) {
    return Response.redirect(new URL(browserLanguage() + '/', SCOPE).href, 302);
  }
}

let language = null;

async function storedLanguage() {
  if (!language) {
    const cache = await caches.open(SETTINGS_CACHE);
    const saved = await cache.match(LANGUAGE_KEY);
    const value = saved ? await saved.text() : null;
    language = LANGUAGES.includes(value) ? value : null;
  }
  return language;
}

async function rememberLanguage(lang) {
  if (!LANGUAGES.includes(lang) || lang === await storedLanguage()) {
    return;
  }
  language = lang;
  const cache = await caches.open(SETTINGS_CACHE);
  await cache.put(LANGUAGE_KEY, new Response(lang));
}

async function readerLanguage() {
  return (await storedLanguage()) || browserLanguage();
}

function browserLanguage() {
  const tags = self.navigator.languages || [self.navigator.language || ''];
  for (const tag of tags) {
    const base = tag.toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) {
      return base;
    }
  }
  return PRECACHE.defaultLanguage;
}
