/**
 * Revocation by OCSP (RFC 6960): ask the responder named in the certificate's AIA, with a fresh nonce, and believe
 * the answer only when the issuer signed it or a responder the issuer delegated (id-kp-OCSPSigning) did. Answers are
 * cached until their nextUpdate or one hour, whichever comes first.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkiCrypto } from './crypto-engine.js';
import { EXTENSION, extensionOf, serialHex } from './certificate-summary.js';
import type { RevocationCache } from './revocation-cache.js';
import { fetchBytes, isHttpUrl, type FetchSettings } from './revocation-fetch.js';

export const OCSP_NONCE_OID = '1.3.6.1.5.5.7.48.1.2';
const OCSP_METHOD_OID = '1.3.6.1.5.5.7.48.1';
const OCSP_BASIC_OID = '1.3.6.1.5.5.7.48.1.1';
const OCSP_SIGNING_EKU = '1.3.6.1.5.5.7.3.9';
const MAX_CACHE_MS = 60 * 60 * 1000;
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export type OcspVerdict =
  | { status: 'good'; thisUpdate: Date; source: string }
  | { status: 'revoked'; revokedAt: Date; reason?: string; source: string }
  | { status: 'unknown'; detail: string; source: string }
  | { status: 'unavailable'; detail: string }
  | { status: 'none'; detail: string };

export interface OcspContext {
  settings: FetchSettings;
  cache: RevocationCache;
  offline: boolean;
  now: Date;
  /** Requests under way, shared by the validator's concurrent calls: one OCSP request answers them all. */
  inFlight?: Map<string, Promise<OcspVerdict>>;
}

export function ocspUrls(cert: pkijs.Certificate): string[] {
  const ext = extensionOf(cert, EXTENSION.authorityInfoAccess);
  const access = (ext?.parsedValue as pkijs.InfoAccess | undefined)?.accessDescriptions ?? [];
  return access.filter((a) => a.accessMethod === OCSP_METHOD_OID && a.accessLocation.type === 6).map((a) => a.accessLocation.value as string).filter(isHttpUrl);
}

function keyHash(cert: pkijs.Certificate): Buffer {
  return createHash('sha1').update(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
}

function nonceOf(extensions: pkijs.Extension[] | undefined): Buffer | undefined {
  const ext = extensions?.find((e) => e.extnID === OCSP_NONCE_OID);
  if (!ext) return undefined;
  const inner = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
  // RFC 8954: the nonce is an OCTET STRING inside extnValue; some responders put the raw bytes there.
  return inner.offset !== -1 && inner.result instanceof asn1js.OctetString
    ? Buffer.from(inner.result.valueBlock.valueHexView)
    : Buffer.from(ext.extnValue.valueBlock.valueHexView);
}

export async function buildOcspRequest(cert: pkijs.Certificate, issuer: pkijs.Certificate, nonce: Buffer): Promise<Uint8Array> {
  const request = new pkijs.OCSPRequest();
  await request.createForCertificate(cert, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer }, pkiCrypto());
  request.tbsRequest.requestExtensions = [
    new pkijs.Extension({ extnID: OCSP_NONCE_OID, extnValue: new asn1js.OctetString({ valueHex: nonce }).toBER(false) }),
  ];
  return new Uint8Array(request.toSchema(true).toBER(false));
}

function responderMatches(basic: pkijs.BasicOCSPResponse, candidate: pkijs.Certificate): boolean {
  const id: unknown = basic.tbsResponseData.responderID;
  if (id instanceof pkijs.RelativeDistinguishedNames) return id.isEqual(candidate.subject);
  if (id instanceof asn1js.OctetString) return keyHash(candidate).equals(Buffer.from(id.valueBlock.valueHexView));
  return false;
}

/** The certificate whose key must have signed the answer: the issuer itself or a responder it delegated. */
async function trustedResponder(basic: pkijs.BasicOCSPResponse, issuer: pkijs.Certificate, now: Date): Promise<pkijs.Certificate | undefined> {
  if (responderMatches(basic, issuer)) return issuer;
  for (const candidate of basic.certs ?? []) {
    if (!responderMatches(basic, candidate)) continue;
    if (!candidate.issuer.isEqual(issuer.subject)) continue;
    if (candidate.notBefore.value > now || candidate.notAfter.value < now) continue;
    const eku = extensionOf(candidate, EXTENSION.extKeyUsage)?.parsedValue as pkijs.ExtKeyUsage | undefined;
    if (!eku?.keyPurposes.includes(OCSP_SIGNING_EKU)) continue;
    if (await candidate.verify(issuer, pkiCrypto()).catch(() => false)) return candidate;
  }
  return undefined;
}

function parseBasic(bytes: Uint8Array): pkijs.BasicOCSPResponse {
  const asn1 = asn1js.fromBER(bytes);
  if (asn1.offset === -1) throw new Error('the OCSP answer is not DER');
  const response = new pkijs.OCSPResponse({ schema: asn1.result });
  const status = response.responseStatus.valueBlock.valueDec;
  if (status !== 0) throw new Error(`the OCSP responder refused the request (status ${status})`);
  if (response.responseBytes?.responseType !== OCSP_BASIC_OID) throw new Error('the OCSP answer is not a basic response');
  return pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView);
}

async function singleFor(basic: pkijs.BasicOCSPResponse, cert: pkijs.Certificate, issuer: pkijs.Certificate): Promise<pkijs.SingleResponse | undefined> {
  for (const single of basic.tbsResponseData.responses) {
    const algorithm = pkiCrypto().getAlgorithmByOID(single.certID.hashAlgorithm.algorithmId, false);
    if (!('name' in algorithm)) continue;
    const id = new pkijs.CertID();
    await id.createForCertificate(cert, { hashAlgorithm: algorithm.name, issuerCertificate: issuer }, pkiCrypto());
    if (single.certID.isEqual(id)) return single;
  }
  return undefined;
}

type Judged = Exclude<OcspVerdict, { status: 'unavailable' } | { status: 'none' }>;

/** Checks signature, nonce and freshness of an answer; throws with the reason it cannot be believed. */
async function judge(bytes: Uint8Array, cert: pkijs.Certificate, issuer: pkijs.Certificate, nonce: Buffer | undefined, ctx: OcspContext, url: string): Promise<{ verdict: Judged; until: Date }> {
  const basic = parseBasic(bytes);
  const responder = await trustedResponder(basic, issuer, ctx.now);
  if (!responder) throw new Error('the OCSP answer is not signed by the issuer or a responder it authorised');
  const signed = await pkiCrypto().verifyWithPublicKey(basic.tbsResponseData.tbsView, basic.signature, responder.subjectPublicKeyInfo, basic.signatureAlgorithm);
  if (!signed) throw new Error('the OCSP answer\'s signature does not verify');
  const echoed = nonceOf(basic.tbsResponseData.responseExtensions);
  if (nonce && echoed && !echoed.equals(nonce)) throw new Error('the OCSP answer carries another request\'s nonce (replay?)');
  const fresh = nonce !== undefined && echoed !== undefined;
  const single = await singleFor(basic, cert, issuer);
  if (!single) throw new Error('the OCSP answer does not speak of this certificate');
  const now = ctx.now.getTime();
  if (single.thisUpdate.getTime() > now + CLOCK_SKEW_MS) throw new Error('the OCSP answer is dated in the future');
  if (single.nextUpdate && single.nextUpdate.getTime() < now - CLOCK_SKEW_MS) throw new Error('the OCSP answer is stale (nextUpdate has passed)');
  // A pre-produced answer (no nonce echoed) and no nextUpdate: only a recent one proves anything (else: replay).
  if (!fresh && !single.nextUpdate && single.thisUpdate.getTime() < now - MAX_CACHE_MS) throw new Error('the OCSP answer has no nonce, no nextUpdate and is more than an hour old');
  const until = new Date(Math.min(single.nextUpdate?.getTime() ?? Infinity, now + MAX_CACHE_MS));
  const status = single.certStatus as asn1js.BaseBlock & { valueBlock: { value?: asn1js.BaseBlock[] } };
  const tag = status.idBlock.tagNumber;
  if (tag === 0) return { verdict: { status: 'good', thisUpdate: single.thisUpdate, source: url }, until };
  if (tag === 1) {
    const time = status.valueBlock.value?.[0] as asn1js.GeneralizedTime | undefined;
    return { verdict: { status: 'revoked', revokedAt: time?.toDate() ?? single.thisUpdate, source: url }, until };
  }
  return { verdict: { status: 'unknown', detail: `the OCSP responder at ${url} does not know this certificate`, source: url }, until };
}

interface CachedVerdict {
  status: 'good' | 'revoked';
  at: string;
  source: string;
}

function fromCache(bytes: Uint8Array | undefined): OcspVerdict | undefined {
  if (!bytes) return undefined;
  try {
    const cached = JSON.parse(Buffer.from(bytes).toString('utf8')) as CachedVerdict;
    if (cached.status === 'good') return { status: 'good', thisUpdate: new Date(cached.at), source: cached.source };
    if (cached.status === 'revoked') return { status: 'revoked', revokedAt: new Date(cached.at), source: cached.source };
  } catch {
    // Not ours or damaged: ask again.
  }
  return undefined;
}

function toCache(verdict: Judged): Uint8Array | undefined {
  if (verdict.status === 'unknown') return undefined;
  const entry: CachedVerdict = { status: verdict.status, at: (verdict.status === 'good' ? verdict.thisUpdate : verdict.revokedAt).toISOString(), source: verdict.source };
  return Buffer.from(JSON.stringify(entry), 'utf8');
}

export async function checkByOcsp(cert: pkijs.Certificate, issuer: pkijs.Certificate, ctx: OcspContext): Promise<OcspVerdict> {
  const urls = ocspUrls(cert);
  if (urls.length === 0) return { status: 'none', detail: 'the certificate names no OCSP responder' };
  // The verdict of an answer already checked (signature, responder, nonce, freshness) is kept, not its bytes.
  const key = `ocsp:${keyHash(issuer).toString('hex')}:${serialHex(cert)}`;
  const cached = fromCache(ctx.cache.get(key));
  if (cached) return cached;
  if (ctx.offline) return { status: 'none', detail: 'offline: the OCSP responder was not asked' };
  const pending = ctx.inFlight?.get(key);
  if (pending) return pending;
  const asking = ask(cert, issuer, ctx, urls, key).finally(() => ctx.inFlight?.delete(key));
  ctx.inFlight?.set(key, asking);
  return asking;
}

async function ask(cert: pkijs.Certificate, issuer: pkijs.Certificate, ctx: OcspContext, urls: string[], key: string): Promise<OcspVerdict> {
  const problems: string[] = [];
  for (const url of urls) {
    const nonce = randomBytes(32);
    try {
      const body = await buildOcspRequest(cert, issuer, nonce);
      const answer = await fetchBytes(ctx.settings, url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body });
      const { verdict, until } = await judge(answer, cert, issuer, nonce, ctx, url);
      const entry = toCache(verdict);
      if (entry) ctx.cache.set(key, entry, until);
      return verdict;
    } catch (error) {
      problems.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { status: 'unavailable', detail: `no OCSP answer could be used (${problems.join('; ')})` };
}
