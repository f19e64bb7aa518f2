// Where the session client keeps its tokens: any { get, set, remove }, sync or async.
// Memory by default; adapters for the browser's localStorage (shared by tabs, survives reloads)
// and sessionStorage (one tab).

export interface AuthStorage {
  get(key: string): string | null | undefined | Promise<string | null | undefined>;
  set(key: string, value: string): void | Promise<void>;
  remove(key: string): void | Promise<void>;
}

/** Keeps tokens in this JS context only: nothing survives a reload, nothing is shared between tabs. */
export function memoryStorage(): AuthStorage {
  const items = new Map<string, string>();
  return {
    get: (key) => items.get(key) ?? null,
    set: (key, value) => {
      items.set(key, value);
    },
    remove: (key) => {
      items.delete(key);
    },
  };
}

interface WebStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function webStorage(name: "localStorage" | "sessionStorage"): AuthStorage {
  const store = (globalThis as Record<string, unknown>)[name] as WebStorage | undefined;
  // A programmer error (wrong runtime), so it throws instead of answering { error }.
  if (!store || typeof store.getItem !== "function") throw new Error(`${name} is not available in this runtime; pass another storage`);
  return {
    get: (key) => store.getItem(key),
    set: (key, value) => store.setItem(key, value),
    remove: (key) => store.removeItem(key),
  };
}

/** The browser's localStorage: shared by every tab of the origin; the client follows other tabs through the storage event. */
export const localStorageAdapter = (): AuthStorage => webStorage("localStorage");

/** The browser's sessionStorage: one tab, kept across reloads of that tab. */
export const sessionStorageAdapter = (): AuthStorage => webStorage("sessionStorage");
