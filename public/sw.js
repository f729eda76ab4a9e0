// Offline use. Every same-origin GET goes to the network first and a copy is kept; when the network
// fails, the kept copy answers. Network first, so a rebuilt app, bundle or model is never served stale
// while online (bundle files are not content-named). Pages are kept under one key, whatever their query,
// so any lab URL opens offline.
const CACHE = 'qcal-lab-v1';
const SHELL = new URL('./', self.location.href).href;

// The page must stay cross-origin isolated (SharedArrayBuffer, tfjs's threaded wasm) when this worker
// answers: every response it hands back carries the headers vite.config.ts sets, kept copies and its own
// 503 included (a copy kept by an older build may lack them).
function isolated(res) {
  if (res.type === 'opaque' || res.type === 'opaqueredirect' || res.status === 0) return res;
  const headers = new Headers(res.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  const key = req.mode === 'navigate' ? SHELL : req;
  event.respondWith(
    (async () => {
      try {
        const res = await fetch(req);
        if (res.ok) {
          const copy = res.clone();
          event.waitUntil(caches.open(CACHE).then((c) => c.put(key, copy)));
        }
        return isolated(res);
      } catch {
        const hit = await caches.match(key);
        return isolated(
          hit ??
            new Response(`offline, and ${new URL(req.url).pathname} was not loaded before`, {
              status: 503,
              statusText: 'Offline',
            }),
        );
      }
    })(),
  );
});
