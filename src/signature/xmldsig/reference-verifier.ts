/**
 * The reference path: xmldsigjs checks the Reference digest and the SignatureValue of a package that the fast path has
 * already vetted (structure, algorithms, transforms, certificate). It is slow and memory-hungry on large packages
 * (27 MiB: 4.5 s, 1.5 GiB) but independent of our canonicalizer, so tests and `engine: 'reference'` cross-check the
 * fast path with it. The key is always the one passed in (the certificate that goes to chain validation), never a
 * key xmldsigjs would pick from KeyInfo. Loaded only by `engine: 'reference'` (a dynamic import in verify-package.ts),
 * and it changes nothing in xmldsigjs for the rest of the process.
 */
import { webcrypto, type KeyObject } from 'node:crypto';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { setNodeDependencies } from 'xml-core';
import * as xmldsig from 'xmldsigjs';
import type { SignatureMethod } from './algorithms.js';

type EngineCrypto = Parameters<typeof xmldsig.Application.setEngine>[1];
type XmlDocument = ReturnType<typeof xmldsig.Parse>;
type VerifyKey = Parameters<xmldsig.SignedXml['Verify']>[0] & { type: string };

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
let engineSet = false;
function ensureEngine(): void {
  if (engineSet) return;
  xmldsig.Application.setEngine('NodeJS', webcrypto as unknown as EngineCrypto);
  setNodeDependencies({ DOMParser, XMLSerializer });
  engineSet = true;
}

class CheckedSignedXml extends xmldsig.SignedXml {
  async checkReferences(doc: XmlDocument): Promise<boolean> {
    try {
      return await this.ValidateReferences(doc);
    } catch {
      return false;
    }
  }
  async checkValue(key: VerifyKey): Promise<boolean> {
    return this.ValidateSignatureValue([key]);
  }
}

/**
 * XMLDSig §6.6.4: the enveloped-signature transform removes the Signature that holds it, wherever it sits. xmldsigjs
 * 2.8's transform only drops a Signature that is a direct child of the signed node, and QCVN 102 nests it in
 * edXMLHeader; so the Signature is taken out of the document before xmldsigjs digests it (its own transform then finds
 * nothing to remove). The fast path has already checked there is exactly one Signature.
 */
function removeSignatures(doc: XmlDocument): void {
  for (const sig of Array.from(doc.getElementsByTagNameNS(DSIG, 'Signature')) as { parentNode: { removeChild(n: unknown): unknown } | null }[]) {
    sig.parentNode?.removeChild(sig);
  }
}

export type ReferenceVerdict = 'ok' | 'digest-mismatch' | 'value-invalid';

export async function verifyWithXmldsigjs(text: string, publicKey: KeyObject, method: SignatureMethod): Promise<ReferenceVerdict> {
  ensureEngine();
  const doc = xmldsig.Parse(text);
  const node = doc.getElementsByTagNameNS(DSIG, 'Signature')[0];
  if (!node) return 'digest-mismatch';
  const signed = new CheckedSignedXml(doc);
  signed.LoadXml(node);
  const hash = { name: method.hash === 'sha1' ? 'SHA-1' : `SHA-${method.hash.slice(3)}` };
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const algorithm = method.key === 'RSA'
    ? { name: 'RSASSA-PKCS1-v1_5', hash }
    : { name: 'ECDSA', namedCurve: `P-${publicKey.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 384 : publicKey.asymmetricKeyDetails?.namedCurve === 'secp521r1' ? 521 : 256}` };
  const key = await webcrypto.subtle.importKey('spki', spki, algorithm, true, ['verify']);
  // SignedInfo is canonicalized while the Signature still sits in its document, then the references without it.
  const valueOk = await signed.checkValue(key as unknown as VerifyKey);
  removeSignatures(doc);
  if (!(await signed.checkReferences(doc))) return 'digest-mismatch';
  return valueOk ? 'ok' : 'value-invalid';
}
