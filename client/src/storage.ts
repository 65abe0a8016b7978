// Where the kit keeps what must outlive a page (tokens, unsent messages): anything shaped like the
// Web Storage API, sync or async. IndexedDB in browsers, memory elsewhere, by default: tabs read
// the tokens another tab just stored under the refresh lock, and Chromium hands localStorage
// writes to other tabs' processes asynchronously, so a tab could read the spent refresh token and
// spend it again (which revokes the session). An IndexedDB write is committed before the lock is
// released, and any transaction started after it sees it.

export interface KeyValueStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** A Map behind the storage interface: gone with the process. */
export function memoryStorage(): KeyValueStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

const STORE = "items";

/** A key-value store in IndexedDB (database `databaseName`, one object store). */
export function indexedDbStorage(databaseName: string): KeyValueStorage {
  let database: Promise<IDBDatabase> | undefined;
  const open = () =>
    (database ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(databaseName, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    }));
  /** Settles when the transaction has committed (a write is then visible to every tab). */
  const run = async <T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const transaction = (await open()).transaction(STORE, mode);
    const request = action(transaction.objectStore(STORE));
    return new Promise((resolve, reject) => {
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  };
  return {
    getItem: async (key) => ((await run("readonly", (store) => store.get(key))) as string | undefined) ?? null,
    setItem: async (key, value) => void (await run("readwrite", (store) => store.put(value, key))),
    removeItem: async (key) => void (await run("readwrite", (store) => store.delete(key))),
  };
}

/** IndexedDB where there is one (browsers), else localStorage, else a new memory storage. */
export function defaultStorage(databaseName = "mundo-tango"): KeyValueStorage {
  if (typeof indexedDB !== "undefined") return indexedDbStorage(databaseName);
  try {
    const local = (globalThis as { localStorage?: KeyValueStorage }).localStorage;
    if (local) return local;
  } catch {
    // localStorage throws when storage is disabled (e.g. some private modes).
  }
  return memoryStorage();
}

export async function readJson<T>(storage: KeyValueStorage, key: string): Promise<T | null> {
  const text = await storage.getItem(key);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

export async function writeJson(storage: KeyValueStorage, key: string, value: unknown): Promise<void> {
  if (value === null || value === undefined) await storage.removeItem(key);
  else await storage.setItem(key, JSON.stringify(value));
}
