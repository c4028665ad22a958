/**
 * A `sendEdoc` request as the government SDK makes it (docs/vdxp.md): the file + CRLF, the unpadded hex hash-file,
 * the headers signed with HMAC-SHA256 over their compact JSON. For the benchmark, which sends many files on one
 * frozen service object, as the SDK does.
 */
import { createHmac } from 'node:crypto';

export function sdkSendEdoc(file: Buffer, sha256Hex: string, system: { systemId: string; secret: string }, from: string): { headers: Record<string, string>; body: Buffer } {
  const hashFile = [...Buffer.from(sha256Hex, 'hex')].map((b) => b.toString(16)).join('');
  // The order of a Java HashMap holding these keys (PROTOCOL.md §2.2).
  const signed: [string, string][] = [
    ['systemid', system.systemId], ['servicetype', 'eDoc'], ['messagetype', 'edoc'], ['hash-file', hashFile], ['from', from],
    ['timestamp', '01012025T093000+0123'], ['Content-Type', 'application/octet-stream'],
  ];
  const signHeader = `{${signed.map(([k, v]) => `"XroadVnpt-${k}":${JSON.stringify(v)}`).join(',')}}`;
  const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
  for (const [k, v] of signed) headers[`XroadVnpt-${k}`] = v;
  headers['XroadVnpt-sign-header-key'] = signed.map(([k]) => k).join(';');
  headers['XroadVnpt-sign-header'] = signHeader;
  headers['XroadVnpt-hash-header'] = createHmac('sha256', Buffer.from(system.secret, 'utf8')).update(signHeader, 'utf8').digest('hex');
  return { headers, body: Buffer.concat([file, Buffer.from('\r\n')]) };
}
