/**
 * Verifies the XMLDSig signature of an edXML package the way a careful verifier must: one Signature, where QCVN 102
 * puts it, covering the whole package; only known algorithms and transforms; the key that verifies is the signer
 * certificate from KeyInfo, and that same certificate goes to chain and revocation validation. The digest streams
 * from the raw bytes through our canonicalizer (engine 'fast', default) or is recomputed by xmldsigjs ('reference').
 */
import { createHash, verify as verifySignature, type X509Certificate } from 'node:crypto';
import type { CertificateValidator } from '../../pki/types.js';
import type { SignaturePolicy, SignatureReport } from '../signature-report.js';
import { BufferedSink, canonicalBytes, canonicalize } from './canonicalizer.js';
import { decodeBase64, KeyInfoError, readKeyInfoCertificates } from './key-info-certificates.js';
import { isExpectedPlace, readPackageStructure, type PackageStructure, type SignatureLocation } from './package-structure.js';
import { descendants, readElement, readSignatureParts } from './signature-element.js';
import { checkSignedInfo, SignatureRuleError, type CheckedSignedInfo } from './signed-info-rules.js';
import { XmlScanError } from './xml-scanner.js';

export interface VerifyOptions {
  validator: CertificateValidator;
  policy?: SignaturePolicy;
  /** 'fast' (default): streaming canonicalizer. 'reference': xmldsigjs recomputes digest and signature value. */
  engine?: 'fast' | 'reference';
}

type ReportFacts = Omit<SignatureReport, 'valid' | 'code' | 'message' | 'warnings'>;

function report(code: string, message: string, facts: ReportFacts = {}, warnings: string[] = []): SignatureReport {
  return { valid: code === 'SIG_OK', code, message, ...facts, warnings };
}

/** A package in another encoding than UTF-8 is read through TextDecoder: C14N output is UTF-8 either way. */
function asUtf8(buf: Buffer): Buffer {
  const bom = buf[0] === 0xff && buf[1] === 0xfe ? 'utf-16le' : buf[0] === 0xfe && buf[1] === 0xff ? 'utf-16be' : undefined;
  const head = buf.toString('latin1', 0, 200);
  const encoding = bom ?? /encoding\s*=\s*["']([^"']*)["']/.exec(head)?.[1] ?? 'utf-8';
  const text = new TextDecoder(encoding, { fatal: true }).decode(buf);
  return Buffer.from(text.replace(/^(<\?xml[^>]*encoding\s*=\s*["'])[^"']*/, '$1UTF-8'), 'utf8');
}

function readStructure(buf: Buffer, warnings: string[]): { buf: Buffer; structure: PackageStructure } {
  try {
    return { buf, structure: readPackageStructure(buf) };
  } catch (err) {
    if (!(err instanceof XmlScanError) || err.code !== 'XML_ENCODING_UNSUPPORTED') throw err;
    let utf8: Buffer;
    try {
      utf8 = asUtf8(buf);
    } catch {
      throw new XmlScanError('SIG_XML_MALFORMED', 'The package encoding cannot be read', 0);
    }
    warnings.push('The package is not UTF-8; it was canonicalized from its declared encoding.');
    return { buf: utf8, structure: readPackageStructure(utf8) };
  }
}

function locate(structure: PackageStructure): SignatureLocation {
  const sigs = structure.signatures;
  if (sigs.length === 0) throw new SignatureRuleError('SIG_MISSING', 'The package carries no XMLDSig Signature.');
  if (sigs.length > 1) {
    const nested = sigs.some((a) => sigs.some((b) => b !== a && b.start > a.start && b.end <= a.end));
    throw new SignatureRuleError(nested ? 'SIG_WRAPPING' : 'SIG_DUPLICATE', nested
      ? 'A Signature is hidden inside another Signature (a signature-wrapping attack).'
      : `The package carries ${sigs.length} Signature elements; exactly one is allowed.`);
  }
  const sig = sigs[0]!;
  if (!isExpectedPlace(sig)) {
    throw new SignatureRuleError('SIG_MISPLACED', 'The Signature is not where QCVN 102 puts it (inside edXMLHeader, after TraceHeaderList).');
  }
  return sig;
}

function digestOf(buf: Buffer, sig: SignatureLocation, rules: CheckedSignedInfo): string {
  const hash = createHash(rules.digestHash);
  const sink = new BufferedSink(hash);
  const c = rules.referenceC14n;
  canonicalize(buf, sink, { mode: c.mode, omitElementAt: sig.start, tolerateUndeclaredPrefixes: true, utf8Checked: true, ...(c.inclusivePrefixes ? { inclusivePrefixes: c.inclusivePrefixes } : {}) });
  sink.flush();
  return hash.digest('base64');
}

function signedInfoBytes(buf: Buffer, sig: SignatureLocation, signedInfoStart: number, rules: CheckedSignedInfo): Buffer {
  const c = rules.signedInfoC14n;
  return canonicalBytes(buf, {
    mode: c.mode,
    withComments: c.withComments,
    apexAt: signedInfoStart,
    tolerateUndeclaredPrefixes: true,
    fragment: { start: sig.start, end: sig.end, inScope: sig.parentInScope, xmlAttributes: sig.parentXmlAttributes },
    ...(c.inclusivePrefixes ? { inclusivePrefixes: c.inclusivePrefixes } : {}),
  });
}

function keyMatches(cert: X509Certificate, rules: CheckedSignedInfo): boolean {
  const type = cert.publicKey.asymmetricKeyType;
  return rules.method.key === 'RSA' ? type === 'rsa' : type === 'ec';
}

/** Real agency systems write a Signature without the XMLDSig namespace: say so, and what is wrong with its certificate. */
function foreignSignatureMessage(buf: Buffer, location: SignatureLocation): string {
  const element = readElement(buf, location);
  const texts = descendants(element).filter((e) => e.local === 'X509Certificate').map((e) => e.text);
  let certificate = '';
  try {
    if (texts.length > 0) readKeyInfoCertificates(texts);
  } catch (err) {
    if (err instanceof KeyInfoError) certificate = ` ${err.message}`;
  }
  return `The package carries no XMLDSig signature: its Signature element is not in the XMLDSig namespace (${element.uri || 'no namespace'}), so it cannot be checked.${certificate}`;
}

export async function verifyPackage(bytes: Uint8Array, options: VerifyOptions): Promise<SignatureReport> {
  const policy = options.policy ?? {};
  const warnings: string[] = [];
  let facts: ReportFacts = {};
  try {
    const read = readStructure(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), warnings);
    const { buf, structure } = read;
    if (structure.undeclaredPrefixes.length > 0) {
      warnings.push(`Namespace prefixes used but never declared: ${structure.undeclaredPrefixes.join(', ')} (canonicalized as libxml2 does).`);
    }
    if (structure.foreignSignatures.length > 0) {
      warnings.push('An element named Signature outside the XMLDSig namespace was ignored: it is package content, not a signature.');
      if (structure.signatures.length === 0) return report('SIG_MISSING', foreignSignatureMessage(buf, structure.foreignSignatures[0]!), facts, warnings);
    }
    const sig = locate(structure);
    const parts = readSignatureParts(readElement(buf, sig));
    const rules = checkSignedInfo(parts, policy);
    warnings.push(...rules.warnings);
    facts = { signatureAlgorithm: rules.signatureAlgorithm, digestAlgorithm: rules.digestAlgorithm, canonicalization: rules.signedInfoC14n.uri };
    if (parts.signingTime) {
      facts.signingTime = parts.signingTime;
      warnings.push('SigningTime sits inside the Signature and is not covered by it: it is the signer\'s claim only.');
    }
    if (parts.certificates.length === 0 && parts.otherKeyInfo.length > 0) {
      return report('SIG_KEY_ONLY', `KeyInfo holds only ${parts.otherKeyInfo.join(', ')}: a bare key is not an official's certificate.`, facts, warnings);
    }
    const certs = readKeyInfoCertificates(parts.certificates);
    if (certs.summary) facts.signer = certs.summary;
    if (!keyMatches(certs.signer, rules)) {
      return report('SIG_VALUE_INVALID', 'The signer certificate\'s key does not fit the signature algorithm.', facts, warnings);
    }
    const signatureValue = decodeBase64(parts.signatureValue);
    if (!signatureValue) return report('SIG_VALUE_INVALID', 'SignatureValue is not valid base64.', facts, warnings);
    if (!decodeBase64(rules.digestValue)) return report('SIG_DIGEST_MISMATCH', 'DigestValue is not valid base64.', facts, warnings);

    if (options.engine === 'reference') {
      // Loaded here only: the default path never loads xmldsigjs, @xmldom and xml-core.
      const { verifyWithXmldsigjs } = await import('./reference-verifier.js');
      const verdict = await verifyWithXmldsigjs(buf.toString('utf8'), certs.signer.publicKey, rules.method);
      if (verdict === 'digest-mismatch') return report('SIG_DIGEST_MISMATCH', 'The package content does not match the signed digest: it was changed after signing.', facts, warnings);
      if (verdict === 'value-invalid') return report('SIG_VALUE_INVALID', 'The signature value does not verify with the signer certificate.', facts, warnings);
    } else {
      const digest = digestOf(buf, sig, rules);
      if (digest !== rules.digestValue.replace(/\s+/g, '')) {
        return report('SIG_DIGEST_MISMATCH', 'The package content does not match the signed digest: it was changed after signing.', facts, warnings);
      }
      const signedInfo = signedInfoBytes(buf, sig, parts.signedInfo!.start, rules);
      const ok = verifySignature(rules.method.hash, signedInfo, { key: certs.signer.publicKey, dsaEncoding: 'ieee-p1363' }, signatureValue);
      if (!ok) return report('SIG_VALUE_INVALID', 'The signature value does not verify with the signer certificate.', facts, warnings);
    }

    // The certificate whose key just verified is the one validated: not another one from KeyInfo, not a bare key.
    const validation = await options.validator.validate(certs.signerDer, certs.others, policy);
    facts = { ...facts, ...(validation.signer ? { signer: validation.signer } : {}), chain: validation.chain, revocation: validation.revocation };
    warnings.push(...validation.warnings);
    if (validation.signer && validation.signer.sha256Fingerprint.replace(/:/g, '').toLowerCase() !== certs.fingerprint) {
      return report('SIG_CERT_UNTRUSTED', 'Chain validation judged another certificate than the one that signed.', facts, warnings);
    }
    if (!validation.valid) {
      return report(validation.code ?? 'SIG_CERT_UNTRUSTED', validation.message ?? 'The signer certificate did not pass validation.', facts, warnings);
    }
    return report('SIG_OK', 'The package signature is valid.', facts, warnings);
  } catch (err) {
    if (err instanceof XmlScanError) {
      const code = err.code === 'XML_ENCODING_UNSUPPORTED' ? 'SIG_XML_MALFORMED' : err.code;
      return report(code, code === 'SIG_DTD_FORBIDDEN' ? 'The package declares a DTD, which a signed package must not carry.' : `The package is not well-formed XML: ${err.message}.`, facts, warnings);
    }
    if (err instanceof SignatureRuleError || err instanceof KeyInfoError) return report(err.code, err.message, facts, warnings);
    throw err;
  }
}
