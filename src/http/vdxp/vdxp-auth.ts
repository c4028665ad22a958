/**
 * The SDK's authentication (PROTOCOL.md §2.4): HMAC-SHA256 keyed with the UTF-8 bytes of the system's secret over
 * the `XroadVnpt-sign-header` value exactly as received, compared in constant time; every header the signed JSON
 * names must equal the header received; `XroadVnpt-sign-header-key` lists the same keys in the same order. Stale
 * timestamps and unrelated accumulated headers are accepted: the SDK freezes its timestamp and never clears its
 * header map. So there is no replay protection at this layer (docs/vdxp.md): TLS in front; `sendEdoc` is
 * deduplicated and `updateStatus` idempotent. Only signed values are handed on.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { ConnectedSystemRecord } from '../../exchange/model/index.js';
import type { SystemRegistry } from '../../exchange/systems/system-registry.js';
import { VdxpError } from './vdxp-error.js';

const PREFIX = 'xroadvnpt-';
const MAX_SIGN_HEADER_BYTES = 8192;
const HEX_64 = /^[0-9a-fA-F]{64}$/;
/** Compared against when the system is unknown, so the answer takes as long either way. */
const PLACEHOLDER_SECRET = createHash('sha256').update('edx-axis:unknown-system').digest();

export interface VdxpCaller {
  system: ConnectedSystemRecord;
  /** The signed header values, by lower-case name without the prefix (`docid`, `from`, `hash-file`, ...). */
  signed: ReadonlyMap<string, string>;
}

/** Every value of each header, by lower-case name, as raw bytes (Node keeps header bytes as latin1 strings). */
function rawHeaderValues(req: Request): Map<string, Buffer[]> {
  const values = new Map<string, Buffer[]>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const list = values.get(name) ?? [];
    list.push(Buffer.from(req.rawHeaders[i + 1]!, 'latin1'));
    values.set(name, list);
  }
  return values;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function single(values: Map<string, Buffer[]>, name: string): Buffer | undefined {
  const list = values.get(name);
  if (!list) return undefined;
  if (list.length !== 1) throw new VdxpError('VDXP_AUTH_MALFORMED', `The header ${name} was sent ${list.length} times: send it once.`);
  return list[0];
}

function decode(bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new VdxpError('VDXP_AUTH_MALFORMED', `The header ${what} is not UTF-8.`);
  }
}

/** The signed JSON: one flat object of strings whose names all carry the XroadVnpt- prefix. */
function signedMembers(text: string): [string, string][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new VdxpError('VDXP_AUTH_MALFORMED', 'XroadVnpt-sign-header is not JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new VdxpError('VDXP_AUTH_MALFORMED', 'XroadVnpt-sign-header is not a JSON object.');
  const members = Object.entries(parsed as Record<string, unknown>);
  for (const [name, value] of members) {
    if (typeof value !== 'string' || !name.toLowerCase().startsWith(PREFIX) || name.length === PREFIX.length) {
      throw new VdxpError('VDXP_AUTH_MALFORMED', 'XroadVnpt-sign-header must map XroadVnpt-NAME to string values only.');
    }
  }
  return members as [string, string][];
}

export async function authenticateVdxp(req: Request, systems: Pick<SystemRegistry, 'resolveSystem'>): Promise<VdxpCaller> {
  const headers = rawHeaderValues(req);
  const systemIdBytes = single(headers, `${PREFIX}systemid`);
  const signHeader = single(headers, `${PREFIX}sign-header`);
  const hashHeader = single(headers, `${PREFIX}hash-header`);
  const signKeys = single(headers, `${PREFIX}sign-header-key`);
  if (!systemIdBytes || !signHeader || !hashHeader || !signKeys) {
    throw new VdxpError('VDXP_AUTH_MISSING', 'The request is not signed: XroadVnpt-systemid, XroadVnpt-sign-header, XroadVnpt-sign-header-key and XroadVnpt-hash-header are needed (configure the SDK with systemid and secret).');
  }
  const given = hashHeader.toString('latin1').trim();
  if (signHeader.length > MAX_SIGN_HEADER_BYTES || !HEX_64.test(given)) throw new VdxpError('VDXP_AUTH_MALFORMED', 'XroadVnpt-hash-header must be 64 hexadecimal characters.');
  const systemId = decode(systemIdBytes, 'XroadVnpt-systemid');

  const resolved = await systems.resolveSystem(systemId);
  const expected = createHmac('sha256', resolved?.secret ?? PLACEHOLDER_SECRET).update(signHeader).digest();
  // Compared for unknown systems too, so the time taken does not tell which system ids exist.
  const matches = timingSafeEqual(expected, Buffer.from(given, 'hex'));
  if (!resolved || !matches) throw new VdxpError('VDXP_AUTH_INVALID', 'The request signature (XroadVnpt-hash-header) is not valid for this systemid: check the secret configured in the SDK.');

  const members = signedMembers(decode(signHeader, 'XroadVnpt-sign-header'));
  const names = members.map(([name]) => name.slice(PREFIX.length));
  if (decode(signKeys, 'XroadVnpt-sign-header-key') !== names.join(';')) {
    throw new VdxpError('VDXP_AUTH_MALFORMED', 'XroadVnpt-sign-header-key does not list the keys of XroadVnpt-sign-header in order.');
  }
  const signed = new Map<string, string>();
  for (const [name, value] of members) {
    const key = name.slice(PREFIX.length).toLowerCase();
    // Every signed value is one the request carries: a header changed on the way no longer matches its signed value.
    const received = (headers.get(PREFIX + key) ?? []).map((bytes) => decode(bytes, name));
    if (!received.includes(value)) throw new VdxpError('VDXP_AUTH_INVALID', `The header ${name} differs from its signed value.`);
    // Two signed keys that differ only in case (docId, docid) must agree, or neither can be trusted.
    if (signed.has(key) && signed.get(key) !== value) throw new VdxpError('VDXP_AUTH_MALFORMED', `The signed headers name ${key} twice with different values.`);
    signed.set(key, value);
  }
  if (signed.get('systemid') !== resolved.system.systemId) throw new VdxpError('VDXP_AUTH_INVALID', 'XroadVnpt-systemid is not among the signed headers.');
  if (resolved.system.state !== 'active') throw new VdxpError('VDXP_SYSTEM_SUSPENDED', `The connected system ${resolved.system.systemId} is suspended on the axis: contact the axis operator.`);
  return { system: resolved.system, signed };
}
