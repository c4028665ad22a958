/** A PDF starts with %PDF- within its first KiB (§7.5.2; readers tolerate leading junk) and ends with %%EOF. */
export function looksLikePdf(buf: Buffer): boolean {
  const head = buf.subarray(0, 1024).indexOf('%PDF-', 0, 'latin1');
  if (head < 0) return false;
  return buf.lastIndexOf('%%EOF', buf.length, 'latin1') > Math.max(head, buf.length - 4096);
}
