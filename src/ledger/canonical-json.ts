/**
 * The canonical JSON a receipt hash is computed over: object keys sorted by code unit, no whitespace, undefined
 * members dropped. Stable across stores and languages as long as the values are plain JSON (strings, finite
 * numbers, booleans, null, arrays, objects), which is all a receipt holds.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('A receipt cannot hold a non-finite number.');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, member]) => member !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`A receipt cannot hold a ${typeof value}.`);
  }
}
