/**
 * Whether a name inside a zip is safe to hand on: a relative path that stays where it is put. The axis writes
 * nothing to disk, but the names travel into reports and into `edx extract` and the agencies' systems, which may.
 */
export interface EntryNameLimits {
  maxEntryNameBytes: number;
  maxEntrySegmentBytes: number;
}

/** Why `name` is unsafe, or undefined when it is a plain relative path. Directory entries end with "/". */
export function unsafeEntryName(name: string, limits: EntryNameLimits): string | undefined {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes === 0) return 'it is empty';
  if (bytes > limits.maxEntryNameBytes) return `it is ${bytes} bytes long (${limits.maxEntryNameBytes} at most)`;
  if (/[\x00-\x1f\x7f]/.test(name)) return 'it contains a control character (NUL, newline...)';
  if (name.includes('\\')) return 'it contains a backslash, which Windows reads as a folder separator';
  if (name.startsWith('/')) return 'it is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'it starts with a drive letter';
  const segments = name.replace(/\/$/, '').split('/');
  for (const segment of segments) {
    if (segment === '..') return 'it climbs out of the folder with ".."';
    if (segment === '' || segment === '.') return 'it has an empty or "." path segment';
    if (Buffer.byteLength(segment, 'utf8') > limits.maxEntrySegmentBytes) return `a path segment is longer than ${limits.maxEntrySegmentBytes} bytes`;
  }
  return undefined;
}
