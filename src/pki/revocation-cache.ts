/**
 * Where fetched CRLs and OCSP answers wait until they go stale: a CRL until its nextUpdate, an OCSP answer until its
 * nextUpdate or one hour, whichever comes first. The default lives in memory; a shared one (Redis...) can be plugged in.
 */
export interface RevocationCache {
  get(key: string): Uint8Array | undefined;
  set(key: string, value: Uint8Array, expiresAt: Date): void;
  /** What it holds now, unexpired (the operators' health page); a shared cache may not be able to list itself. */
  entries?(): CachedRevocationEntry[];
}

export interface CachedRevocationEntry {
  key: string;
  value: Uint8Array;
  storedAt: Date;
  expiresAt: Date;
}

export function createMemoryRevocationCache(now: () => number = Date.now, maxEntries = 10_000): RevocationCache {
  const entries = new Map<string, { value: Uint8Array; storedAt: number; expiresAt: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value, expiresAt) {
      if (expiresAt.getTime() <= now()) return;
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, storedAt: now(), expiresAt: expiresAt.getTime() });
    },
    entries() {
      const at = now();
      return [...entries].filter(([, e]) => e.expiresAt > at).map(([key, e]) => ({ key, value: e.value, storedAt: new Date(e.storedAt), expiresAt: new Date(e.expiresAt) }));
    },
  };
}
