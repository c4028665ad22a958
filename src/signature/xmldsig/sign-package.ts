/**
 * Signs an edXML package with an enveloped XMLDSig Signature where QCVN 102 puts it (inside edXMLHeader, after
 * TraceHeaderList; at the end of the header when there is none), Reference URI="" with the enveloped-signature
 * transform and exclusive (default) or inclusive C14N, and the signer certificate (and chain, by option) in
 * KeyInfo/X509Data. The Signature is spliced into the original bytes: nothing else of the package changes.
 */
import { createHash } from 'node:crypto';
import { AxisError } from '../../errors/axis-error.js';
import type { SignOptions } from '../signature-report.js';
import type { Signer, SignatureAlgorithmName } from '../signer.js';
import { ALG, SIGN_ALGORITHMS } from './algorithms.js';
import { BufferedSink, canonicalBytes, canonicalize } from './canonicalizer.js';
import { readPackageStructure } from './package-structure.js';
import { XmlScanError } from './xml-scanner.js';

const SIGNATURE_VALUE_SLOT = '\u0000SIGNATURE-VALUE\u0000';

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function structureOf(buf: Buffer): ReturnType<typeof readPackageStructure> {
  try {
    return readPackageStructure(buf);
  } catch (err) {
    if (err instanceof XmlScanError) throw new AxisError(err.code === 'XML_ENCODING_UNSUPPORTED' ? 'SIG_XML_MALFORMED' : err.code, `The package cannot be signed: ${err.message}.`);
    throw err;
  }
}

export async function signPackage(bytes: Uint8Array, signer: Signer, options: SignOptions = {}): Promise<Buffer> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const structure = structureOf(buf);
  if (structure.signatures.length > 0) throw new AxisError('SIG_DUPLICATE', 'The package is already signed; a package carries exactly one signature.');
  const insertion = structure.insertion;
  if (!insertion) throw new AxisError('SIG_MISPLACED', 'The package has no edXMLHeader to hold a signature.');
  const algorithm: SignatureAlgorithmName = options.algorithm ?? (signer.keyAlgorithm === 'EC' ? 'ecdsa-sha256' : 'rsa-sha256');
  if ((algorithm === 'ecdsa-sha256') !== (signer.keyAlgorithm === 'EC')) {
    throw new AxisError('SIG_ALGORITHM_UNSUPPORTED', `A ${signer.keyAlgorithm} key cannot make a ${algorithm} signature.`);
  }
  const leaf = signer.certificateChain[0];
  if (!leaf) throw new AxisError('SIG_CERT_MISSING', 'The signer has no certificate.');
  const uris = SIGN_ALGORITHMS[algorithm];
  const c14nUri = options.c14n === 'inclusive' ? ALG.c14n : ALG.excC14n;
  const mode = options.c14n === 'inclusive' ? 'inclusive' : 'exclusive';

  const hash = createHash(uris.digest === ALG.sha1 ? 'sha1' : 'sha256');
  const sink = new BufferedSink(hash);
  canonicalize(buf, sink, { mode, tolerateUndeclaredPrefixes: true, utf8Checked: true });
  sink.flush();
  const digest = hash.digest('base64');

  const certs = (options.includeChain ? signer.certificateChain : [leaf]).map((der) => `<X509Certificate>${Buffer.from(der).toString('base64')}</X509Certificate>`).join('');
  const signingTime = options.signingTime
    ? `<Object><SignatureProperties><SignatureProperty Target=""><SigningTime>${escapeXml(options.signingTime.toISOString())}</SigningTime></SignatureProperty></SignatureProperties></Object>`
    : '';
  const signature = `<Signature xmlns="${'http://www.w3.org/2000/09/xmldsig#'}"><SignedInfo>`
    + `<CanonicalizationMethod Algorithm="${c14nUri}"/><SignatureMethod Algorithm="${uris.signature}"/>`
    + `<Reference URI=""><Transforms><Transform Algorithm="${ALG.enveloped}"/><Transform Algorithm="${c14nUri}"/></Transforms>`
    + `<DigestMethod Algorithm="${uris.digest}"/><DigestValue>${digest}</DigestValue></Reference></SignedInfo>`
    + `<SignatureValue>${SIGNATURE_VALUE_SLOT}</SignatureValue><KeyInfo><X509Data>${certs}</X509Data></KeyInfo>${signingTime}</Signature>`;

  const draft = Buffer.from(signature, 'utf8');
  const signedInfo = canonicalBytes(draft, {
    mode,
    apexAt: draft.indexOf('<SignedInfo>'),
    fragment: { start: 0, end: draft.length, inScope: insertion.inScope, xmlAttributes: insertion.xmlAttributes },
  });
  const value = await signer.sign(signedInfo, algorithm);
  const final = Buffer.from(signature.replace(SIGNATURE_VALUE_SLOT, Buffer.from(value).toString('base64')), 'utf8');
  return Buffer.concat([buf.subarray(0, insertion.offset), final, buf.subarray(insertion.offset)]);
}
