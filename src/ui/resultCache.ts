// Results in IndexedDB, keyed by core/experiment/cacheKey (weights hash + every setting that changes a
// number), so a revisited run shows at once, also after a reload. A browser without IndexedDB (or
// with it blocked) simply gets no cache.
import type { RunResult } from '../core/experiment/run';

const DB = 'qcal-lab';
const STORE = 'results';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let db: Promise<IDBDatabase> | undefined;

async function withStore<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  db ??= open();
  const store = (await db).transaction(STORE, mode).objectStore(STORE);
  return new Promise((resolve, reject) => {
    const req = f(store);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export async function cachedResult(key: string): Promise<RunResult | undefined> {
  try {
    return await withStore<RunResult | undefined>('readonly', (s) => s.get(key));
  } catch {
    return undefined;
  }
}

export async function storeResult(key: string, r: RunResult): Promise<void> {
  try {
    await withStore('readwrite', (s) => s.put(r, key));
  } catch {
    // no cache: the run itself is still shown
  }
}

/** Every cached result (for the scatter of all computed runs). */
export async function allResults(): Promise<RunResult[]> {
  try {
    return await withStore<RunResult[]>('readonly', (s) => s.getAll());
  } catch {
    return [];
  }
}

/** Every cached result's key (cheap: no result is read). */
export async function cachedKeys(): Promise<string[]> {
  try {
    return (await withStore<IDBValidKey[]>('readonly', (s) => s.getAllKeys())).map(String);
  } catch {
    return [];
  }
}
