/**
 * Hashes of perfect, aligned subtrees of the log: (level, index) names leaves [index * 2^level, (index + 1) * 2^level).
 * Leaves are append-only, so such a hash never changes once computed and may be kept anywhere (memory, a store table)
 * without invalidation. With the subtrees above the prover's chunk size kept, a proof costs O(log n) look-ups instead
 * of rehashing the whole log.
 */
export interface SubtreeCache {
  get(level: number, index: number): Promise<Buffer | undefined>;
  put(level: number, index: number, hash: Buffer): Promise<void>;
}

/**
 * In memory, bounded: past `maxEntries` the oldest entries go first (a forgotten subtree is only recomputed). The
 * default holds every cached subtree of a 500-million-leaf log at the prover's default chunk size (2^8).
 */
export function createMemorySubtreeCache(maxEntries = 4_000_000): SubtreeCache & { readonly size: number } {
  const entries = new Map<string, Buffer>();
  return {
    get size() {
      return entries.size;
    },
    get: async (level, index) => entries.get(`${level}:${index}`),
    async put(level, index, hash) {
      const key = `${level}:${index}`;
      if (entries.has(key)) return;
      entries.set(key, hash);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
  };
}
