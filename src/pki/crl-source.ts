/**
 * Revocation by CRL: the CRLs the caller handed in first, then each HTTP CRL distribution point of the certificate
 * (fetched, cached until nextUpdate). A CRL counts only when its issuer signed it; a stale CRL can still prove a
 * revocation (revocation is permanent) but cannot prove "good".
 */
import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkiCrypto } from './crypto-engine.js';
import { EXTENSION, extensionOf, keyUsageOf } from './certificate-summary.js';
import type { RevocationCache } from './revocation-cache.js';
import { fetchBytes, isHttpUrl, type FetchSettings } from './revocation-fetch.js';

const PEM_CRL = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/;
const DEFAULT_CRL_LIFETIME_MS = 60 * 60 * 1000;

const REASONS = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', 'unused', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise'];

export type CrlVerdict =
  | { status: 'good'; thisUpdate: Date; source: string }
  | { status: 'revoked'; revokedAt: Date; reason?: string; source: string }
  | { status: 'expired'; nextUpdate: Date; source: string }
  | { status: 'none'; detail: string };

export interface CrlContext {
  handed: pkijs.CertificateRevocationList[];
  /** CRLs an operator placed in CRL_DIR (crl-directory.ts), named by their file. */
  placed?: Array<{ file: string; crl: pkijs.CertificateRevocationList }>;
  settings: FetchSettings;
  cache: RevocationCache;
  offline: boolean;
  now: Date;
  /** Distribution points used so far, for refreshCrls(). */
  seen?: Set<string>;
  /** Downloads under way, shared by the validator's concurrent calls. */
  downloads?: Map<string, Promise<pkijs.CertificateRevocationList>>;
}

// The same CRL arrives again and again (handed in per call, or from the download cache): parse and verify it once.
const MEMO_LIMIT = 256;
const parsedCrls = new Map<string, pkijs.CertificateRevocationList>();
const verifiedBy = new WeakMap<pkijs.CertificateRevocationList, Map<string, boolean>>();

/** Parses a CRL (DER or PEM); undefined when it is not one. Parsed CRLs are memoised by the hash of their bytes. */
export function parseCrl(bytes: Uint8Array): pkijs.CertificateRevocationList | undefined {
  const key = createHash('sha256').update(bytes).digest('hex');
  const known = parsedCrls.get(key);
  if (known) return known;
  const crl = parseCrlBytes(bytes);
  if (crl) {
    if (parsedCrls.size >= MEMO_LIMIT) parsedCrls.delete(parsedCrls.keys().next().value as string);
    parsedCrls.set(key, crl);
  }
  return crl;
}

function parseCrlBytes(bytes: Uint8Array): pkijs.CertificateRevocationList | undefined {
  let der = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (der[0] !== 0x30) {
    const pem = PEM_CRL.exec(der.toString('latin1'));
    if (!pem) return undefined;
    der = Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64');
  }
  const asn1 = asn1js.fromBER(new Uint8Array(der));
  if (asn1.offset === -1) return undefined;
  try {
    return new pkijs.CertificateRevocationList({ schema: asn1.result });
  } catch {
    return undefined;
  }
}

export function crlDistributionPoints(cert: pkijs.Certificate): string[] {
  const ext = extensionOf(cert, EXTENSION.crlDistributionPoints);
  const points = (ext?.parsedValue as pkijs.CRLDistributionPoints | undefined)?.distributionPoints ?? [];
  return points.flatMap((p) => (Array.isArray(p.distributionPoint) ? p.distributionPoint : []))
    .filter((name) => name.type === 6 && typeof name.value === 'string')
    .map((name) => name.value as string);
}

function entryFor(crl: pkijs.CertificateRevocationList, cert: pkijs.Certificate): pkijs.RevokedCertificate | undefined {
  return crl.revokedCertificates?.find((entry) => entry.userCertificate.isEqual(cert.serialNumber));
}

function reasonOf(entry: pkijs.RevokedCertificate): string | undefined {
  const ext = entry.crlEntryExtensions?.extensions.find((e) => e.extnID === '2.5.29.21');
  const code = (ext?.parsedValue as asn1js.Enumerated | undefined)?.valueBlock.valueDec;
  return code === undefined ? undefined : (REASONS[code] ?? `reason ${code}`);
}

async function signedByIssuer(crl: pkijs.CertificateRevocationList, issuer: pkijs.Certificate): Promise<boolean> {
  if (!crl.issuer.isEqual(issuer.subject)) return false;
  const usage = keyUsageOf(issuer);
  if (usage && !usage.includes('cRLSign')) return false;
  const issuerKey = Buffer.from(issuer.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).toString('base64');
  const seen = verifiedBy.get(crl) ?? new Map<string, boolean>();
  verifiedBy.set(crl, seen);
  const known = seen.get(issuerKey);
  if (known !== undefined) return known;
  let verified: boolean;
  try {
    verified = await crl.verify({ issuerCertificate: issuer }, pkiCrypto());
  } catch {
    verified = false;
  }
  seen.set(issuerKey, verified);
  return verified;
}

function verdictOf(crl: pkijs.CertificateRevocationList, cert: pkijs.Certificate, now: Date, source: string): CrlVerdict {
  const entry = entryFor(crl, cert);
  if (entry) {
    const reason = reasonOf(entry);
    return { status: 'revoked', revokedAt: entry.revocationDate.value, ...(reason ? { reason } : {}), source };
  }
  const nextUpdate = crl.nextUpdate?.value;
  if (nextUpdate && nextUpdate.getTime() < now.getTime()) return { status: 'expired', nextUpdate, source };
  return { status: 'good', thisUpdate: crl.thisUpdate.value, source };
}

async function downloaded(url: string, ctx: CrlContext): Promise<pkijs.CertificateRevocationList> {
  ctx.seen?.add(url);
  const cached = ctx.cache.get(`crl:${url}`);
  if (cached) {
    const crl = parseCrl(cached);
    if (crl) return crl;
  }
  return fetchCrl(url, ctx);
}

/** Downloads a CRL and keeps it until its nextUpdate (one hour when it names none). */
export function fetchCrl(url: string, ctx: Pick<CrlContext, 'settings' | 'cache' | 'now' | 'downloads'>): Promise<pkijs.CertificateRevocationList> {
  // Concurrent validations needing the same CRL share one download.
  const pending = ctx.downloads?.get(url);
  if (pending) return pending;
  const download = downloadCrl(url, ctx).finally(() => ctx.downloads?.delete(url));
  ctx.downloads?.set(url, download);
  return download;
}

async function downloadCrl(url: string, ctx: Pick<CrlContext, 'settings' | 'cache' | 'now'>): Promise<pkijs.CertificateRevocationList> {
  const bytes = await fetchBytes(ctx.settings, url, { method: 'GET' });
  const crl = parseCrl(bytes);
  if (!crl) throw new Error(`${url} did not return a CRL`);
  const until = crl.nextUpdate?.value ?? new Date(ctx.now.getTime() + DEFAULT_CRL_LIFETIME_MS);
  ctx.cache.set(`crl:${url}`, bytes, until);
  return crl;
}

/** The best CRL answer for `cert`: revoked beats good beats expired; "none" says why nothing usable was found. */
export async function checkByCrl(cert: pkijs.Certificate, issuer: pkijs.Certificate, ctx: CrlContext): Promise<CrlVerdict> {
  const verdicts: CrlVerdict[] = [];
  const problems: string[] = [];
  for (const crl of ctx.handed) {
    if (await signedByIssuer(crl, issuer)) verdicts.push(verdictOf(crl, cert, ctx.now, 'supplied CRL'));
  }
  for (const { file, crl } of ctx.placed ?? []) {
    if (await signedByIssuer(crl, issuer)) verdicts.push(verdictOf(crl, cert, ctx.now, `CRL_DIR ${file}`));
  }
  const urls = crlDistributionPoints(cert).filter(isHttpUrl);
  if (!verdicts.some((v) => v.status !== 'expired') && !ctx.offline) {
    for (const url of urls) {
      try {
        const crl = await downloaded(url, ctx);
        if (!(await signedByIssuer(crl, issuer))) {
          problems.push(`the CRL at ${url} is not signed by the certificate's issuer`);
          continue;
        }
        verdicts.push(verdictOf(crl, cert, ctx.now, url));
        if (verdicts.at(-1)?.status !== 'expired') break;
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
  }
  const revoked = verdicts.find((v) => v.status === 'revoked');
  if (revoked) return revoked;
  const good = verdicts.find((v) => v.status === 'good');
  if (good) return good;
  const expired = verdicts.find((v) => v.status === 'expired');
  if (expired) return expired;
  if (urls.length === 0 && ctx.handed.length === 0 && (ctx.placed ?? []).length === 0) problems.push('no CRL was supplied and the certificate names no HTTP CRL distribution point');
  else if (ctx.offline && urls.length > 0) problems.push('offline: the CRL distribution point was not fetched');
  else if (problems.length === 0) problems.push('no supplied CRL was issued by the certificate\'s issuer');
  return { status: 'none', detail: problems.join('; ') };
}
