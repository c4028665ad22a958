/**
 * The iteration order of a java.util.HashMap<String,String>, which decides the order of the SDK's headers, its
 * signed JSON and its sign-header-key (PROTOCOL.md §2.2): buckets in ascending order of (h ^ h>>>16) & (cap-1), where
 * h is String.hashCode(); keys in one bucket in insertion order; cap 16 up to 12 keys, doubling past 0.75 load.
 */
function javaStringHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i += 1) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h;
}

export class JavaHashMap {
  private readonly entries = new Map<string, string>();

  put(key: string, value: string): void {
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }

  /** [key, value] in the order a Java HashMap holding the same insertions would iterate. */
  ordered(): [string, string][] {
    let capacity = 16;
    while (this.entries.size > capacity * 0.75) capacity *= 2;
    const keys = [...this.entries.keys()];
    const bucketOf = (key: string): number => {
      const h = javaStringHash(key);
      return (h ^ (h >>> 16)) & (capacity - 1);
    };
    return keys
      .map((key, insertion) => ({ key, insertion, bucket: bucketOf(key) }))
      .sort((a, b) => a.bucket - b.bucket || a.insertion - b.insertion)
      .map(({ key }) => [key, this.entries.get(key)!]);
  }
}
