/**
 * The canonical JSON a receipt hash is computed over: RFC 8785, the JSON Canonicalization Scheme (JCS). Object keys
 * sorted by UTF-16 code unit, no whitespace, strings and numbers serialised as ECMAScript's JSON.stringify does
 * (which is what JCS specifies), undefined members dropped. So an outside verifier reproduces a receipt's hash with
 * any JCS implementation (e.g. `canonicalize` in npm or PyPI): SHA-256 over the JCS form of the receipt without
 * `hash` and `signature`. Receipts hold only plain JSON values (strings, finite numbers, booleans, null, arrays,
 * objects).
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
