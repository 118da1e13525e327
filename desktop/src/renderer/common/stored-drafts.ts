// What a person typed in a form, kept in this tab's sessionStorage under one
// key per kind of form, so closing a dialog, leaving the page or reloading
// loses nothing. Reads come from memory; each change is written through.
export interface StoredDrafts<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
  delete(key: string): void;
}

export function storedDrafts<T>(storageKey: string): StoredDrafts<T> {
  const drafts = new Map<string, T>(read<T>(storageKey));
  const store = () => {
    try {
      sessionStorage.setItem(storageKey, JSON.stringify(Object.fromEntries(drafts)));
    } catch {
      // Storage full or unavailable: the draft still lives in memory for this tab.
    }
  };
  return {
    get: (key) => drafts.get(key),
    set(key, value) {
      drafts.set(key, value);
      store();
    },
    delete(key) {
      drafts.delete(key);
      store();
    },
  };
}

function read<T>(storageKey: string): [string, T][] {
  try {
    const raw = sessionStorage.getItem(storageKey);
    return raw ? Object.entries(JSON.parse(raw) as Record<string, T>) : [];
  } catch {
    return [];
  }
}
