// Where the kit keeps what must outlive a page (tokens, unsent messages): anything shaped like the
// Web Storage API, sync or async. localStorage in browsers, memory elsewhere, by default.

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

/** localStorage where there is one (browsers), else a new memory storage. */
export function defaultStorage(): KeyValueStorage {
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
