/**
 * What a package's SignedInfo may say, decided before any cryptography: one Reference covering the whole document
 * (URI=""), the enveloped-signature transform and a canonicalization and nothing else (no XPath, XSLT, base64,
 * external or same-document fragment references), a certificate signature algorithm (never HMAC), SHA-1 only as
 * legacy when policy allows it.
 */
import type { SignaturePolicy } from '../signature-report.js';
import { ALG, CANONICALIZATIONS, DIGEST_METHODS, isHmac, SIGNATURE_METHODS, type SignatureMethod } from './algorithms.js';
import type { C14nMode } from './canonicalizer.js';
import type { SignatureParts, TransformSpec } from './signature-element.js';

export class SignatureRuleError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface C14nChoice {
  uri: string;
  mode: C14nMode;
  withComments: boolean;
  inclusivePrefixes?: string[];
}

export interface CheckedSignedInfo {
  method: SignatureMethod;
  signatureAlgorithm: string;
  digestAlgorithm: string;
  digestHash: SignatureMethod['hash'];
  digestValue: string;
  /** How SignedInfo itself is canonicalized. */
  signedInfoC14n: C14nChoice;
  /** How the document (minus the Signature) is canonicalized for the Reference. */
  referenceC14n: C14nChoice;
  warnings: string[];
}

/** Transforms that run code or select part of the document: the tools of wrapping and denial-of-service attacks. */
const DANGEROUS = /xpath|xslt|xmldsig-filter2|#base64|xmlenc|decrypt/i;

function transformError(algorithm: string): SignatureRuleError {
  return DANGEROUS.test(algorithm)
    ? new SignatureRuleError('SIG_TRANSFORM_FORBIDDEN', `Transform ${algorithm} (XPath, XSLT or the like) is not allowed on a package signature.`)
    : new SignatureRuleError('SIG_ALGORITHM_UNSUPPORTED', `Transform ${algorithm || '(none)'} is not supported.`);
}

function c14nOf(spec: TransformSpec, what: string): C14nChoice {
  const known = CANONICALIZATIONS.get(spec.algorithm);
  if (!known) throw new SignatureRuleError('SIG_ALGORITHM_UNSUPPORTED', `${what} uses an unsupported canonicalization (${spec.algorithm || 'none'}).`);
  if (spec.hasBody) throw new SignatureRuleError('SIG_TRANSFORM_FORBIDDEN', `${what} carries parameters that are not allowed.`);
  return { uri: spec.algorithm, ...known, ...(spec.inclusivePrefixes && known.mode === 'exclusive' ? { inclusivePrefixes: spec.inclusivePrefixes } : {}) };
}

export function checkSignedInfo(parts: SignatureParts, policy: SignaturePolicy): CheckedSignedInfo {
  const warnings: string[] = [];
  if (!parts.signedInfo) throw new SignatureRuleError('SIG_XML_MALFORMED', 'The Signature has no SignedInfo.');
  if (parts.repeatedParts.length > 0) {
    throw new SignatureRuleError('SIG_WRAPPING', `The Signature carries more than one ${parts.repeatedParts.join(', ')}: only the first would be checked.`);
  }
  const alg = parts.signatureAlgorithm ?? '';
  if (isHmac(alg) || parts.hmacOutputLength) {
    throw new SignatureRuleError('SIG_HMAC_FORBIDDEN', 'The package is authenticated with an HMAC (a shared secret), not signed with a certificate.');
  }
  const method = SIGNATURE_METHODS.get(alg);
  if (!method) throw new SignatureRuleError('SIG_ALGORITHM_UNSUPPORTED', `Signature algorithm ${alg || '(none)'} is not supported.`);
  const sha1Allowed = policy.allowSha1 !== false;
  if (method.legacy) {
    if (!sha1Allowed) throw new SignatureRuleError('SIG_ALGORITHM_FORBIDDEN', `Signature algorithm ${alg} (SHA-1) is refused by policy.`);
    warnings.push(`Legacy signature algorithm ${alg} (SHA-1) accepted; ask the sender to move to RSA-SHA256.`);
  }
  if (!parts.canonicalization) throw new SignatureRuleError('SIG_ALGORITHM_UNSUPPORTED', 'SignedInfo has no CanonicalizationMethod.');
  const signedInfoC14n = c14nOf(parts.canonicalization, 'SignedInfo');

  for (const ref of parts.references) {
    if (ref.uri === undefined || (ref.uri !== '' && !ref.uri.startsWith('#'))) {
      throw new SignatureRuleError('SIG_EXTERNAL_REFERENCE', `A Reference points outside the package (URI ${ref.uri === undefined ? 'absent' : `"${ref.uri}"`}).`);
    }
  }
  if (parts.references.length !== 1 || parts.references[0]!.uri !== '') {
    throw new SignatureRuleError('SIG_WRAPPING', `The signature must have exactly one Reference with URI="" covering the whole package (found ${parts.references.length}${parts.references.some((r) => r.uri?.startsWith('#')) ? ', with a fragment reference' : ''}).`);
  }
  const ref = parts.references[0]!;
  const [first, second, ...rest] = ref.transforms;
  if (!first || first.algorithm !== ALG.enveloped || first.hasBody || rest.length > 0) {
    const bad = ref.transforms.find((t) => t.algorithm !== ALG.enveloped && !CANONICALIZATIONS.has(t.algorithm));
    if (bad) throw transformError(bad.algorithm);
    throw new SignatureRuleError('SIG_TRANSFORM_FORBIDDEN', 'The Reference must use the enveloped-signature transform followed by at most one canonicalization.');
  }
  if (second && !CANONICALIZATIONS.has(second.algorithm)) throw transformError(second.algorithm);
  // No canonicalization transform: the node-set becomes octets by inclusive C14N 1.0 (XMLDSig §4.3.3.2).
  const referenceC14n = second ? c14nOf(second, 'The Reference') : { uri: ALG.c14n, mode: 'inclusive' as const, withComments: false };
  const digestAlgorithm = ref.digestAlgorithm ?? '';
  const digest = DIGEST_METHODS.get(digestAlgorithm);
  if (!digest) throw new SignatureRuleError('SIG_ALGORITHM_UNSUPPORTED', `Digest algorithm ${digestAlgorithm || '(none)'} is not supported.`);
  if (digest.legacy) {
    if (!sha1Allowed) throw new SignatureRuleError('SIG_ALGORITHM_FORBIDDEN', 'Digest algorithm SHA-1 is refused by policy.');
    warnings.push('Legacy digest algorithm SHA-1 accepted.');
  }
  return {
    method,
    signatureAlgorithm: alg,
    digestAlgorithm,
    digestHash: digest.hash,
    digestValue: ref.digestValue,
    signedInfoC14n,
    referenceC14n,
    warnings,
  };
}
