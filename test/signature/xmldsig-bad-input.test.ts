/** Every way a package signature can be bad gets its own stable code and a message, never a crash. */
import { beforeAll, describe, expect, it } from 'vitest';
import { signPackage, verifyPackage, type SignatureReport } from '../../src/signature/index.js';
import { openXmldsigTestPki, type XmldsigTestPki } from '../fixtures/xmldsig/xmldsig-test-pki.js';
import { documentPackage, fixture, ourSignature, replaceText, statusPackage } from './xmldsig-helpers.js';

let pki: XmldsigTestPki;
let signed: Buffer;
beforeAll(async () => {
  pki = await openXmldsigTestPki();
  signed = await signPackage(statusPackage(), pki.officialRsa.signer, { includeChain: true });
});

async function expectCode(bytes: Buffer, code: string): Promise<SignatureReport> {
  const report = await verifyPackage(bytes, { validator: pki.validator, policy: pki.policy });
  expect(report.valid).toBe(false);
  expect(report.code).toBe(code);
  expect(report.message.length).toBeGreaterThan(10);
  return report;
}

describe('a package signature that must be refused', () => {
  it('no signature at all: SIG_MISSING', async () => {
    await expectCode(statusPackage(), 'SIG_MISSING');
  });

  it('an unknown or unsupported signature algorithm: SIG_ALGORITHM_UNSUPPORTED', async () => {
    await expectCode(replaceText(signed, 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2000/09/xmldsig#dsa-sha1'), 'SIG_ALGORITHM_UNSUPPORTED');
    await expectCode(replaceText(signed, 'http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmldsig-more#md5'), 'SIG_ALGORITHM_UNSUPPORTED');
    await expectCode(replaceText(signed, /(<CanonicalizationMethod Algorithm=")[^"]+/, '$1http://www.w3.org/2006/12/xml-c14n11'), 'SIG_ALGORITHM_UNSUPPORTED');
  });

  it('SHA-1 when policy forbids it: SIG_ALGORITHM_FORBIDDEN', async () => {
    const sha1 = await signPackage(statusPackage(), pki.officialRsa.signer, { algorithm: 'rsa-sha1', includeChain: true });
    const report = await verifyPackage(sha1, { validator: pki.validator, policy: { ...pki.policy, allowSha1: false } });
    expect(report.code).toBe('SIG_ALGORITHM_FORBIDDEN');
  });

  it('an HMAC "signature" (shared secret, no certificate): SIG_HMAC_FORBIDDEN', async () => {
    await expectCode(replaceText(signed, 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>', 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"><HMACOutputLength>128</HMACOutputLength></SignatureMethod>'), 'SIG_HMAC_FORBIDDEN');
    await expectCode(replaceText(signed, 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', 'http://www.w3.org/2000/09/xmldsig#hmac-sha1'), 'SIG_HMAC_FORBIDDEN');
  });

  it('no certificate in KeyInfo: SIG_CERT_MISSING', async () => {
    await expectCode(replaceText(signed, /<KeyInfo>[\s\S]*<\/KeyInfo>/, ''), 'SIG_CERT_MISSING');
  });

  it('a bare public key instead of a certificate: SIG_KEY_ONLY', async () => {
    await expectCode(replaceText(signed, /<KeyInfo>[\s\S]*<\/KeyInfo>/, '<KeyInfo><KeyValue><RSAKeyValue><Modulus>AQAB</Modulus><Exponent>AQAB</Exponent></RSAKeyValue></KeyValue></KeyInfo>'), 'SIG_KEY_ONLY');
  });

  it('the samples\' truncated certificate (MIIFqTCCBJG): a clear message, not a crash', async () => {
    // As sent: the Signature is not in the XMLDSig namespace, so there is no XMLDSig signature; the message says why
    // and that its certificate is unreadable.
    const asSent = await expectCode(documentPackage(), 'SIG_MISSING');
    expect(asSent.message).toMatch(/not in the XMLDSig namespace.*MIIFqTCCBJG.*truncated/);
    // The same Signature put in the XMLDSig namespace (and its misspelt exc-c14n URI corrected): the certificate
    // itself is the verdict. With the URI as sent, the transform is the verdict.
    const inNamespace = replaceText(documentPackage(), /<Signature>/, '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">');
    await expectCode(inNamespace, 'SIG_ALGORITHM_UNSUPPORTED');
    const report = await expectCode(replaceText(inNamespace, 'http://www.w3.org/TR/xml-exc-c14n#', 'http://www.w3.org/2001/10/xml-exc-c14n#'), 'SIG_CERT_MALFORMED');
    expect(report.message).toMatch(/MIIFqTCCBJG.*truncated/);
    expect(report.signatureAlgorithm).toBe('http://www.w3.org/2000/09/xmldsig#rsa-sha1');
  });

  it('the edoc.edxml sample (rsa-sha1, real certificate, content changed since signing): SIG_DIGEST_MISMATCH', async () => {
    const report = await expectCode(fixture('xmldsig/edoc-rsa-sha1.edxml'), 'SIG_DIGEST_MISMATCH');
    expect(report.signer?.subject).toBeTruthy();
    expect(report.warnings.join(' ')).toMatch(/xlink/);
  });

  it('malformed base64 or ASN.1 in the certificate: SIG_CERT_MALFORMED', async () => {
    await expectCode(replaceText(signed, /<X509Certificate>[^<]+/, '<X509Certificate>@@not base64@@'), 'SIG_CERT_MALFORMED');
    await expectCode(replaceText(signed, /<X509Certificate>[^<]+/, `<X509Certificate>${Buffer.from('0\x82\x05\xa9 not DER at all').toString('base64')}`), 'SIG_CERT_MALFORMED');
  });

  it('malformed base64 in SignatureValue: SIG_VALUE_INVALID', async () => {
    await expectCode(replaceText(signed, /<SignatureValue>[^<]+/, '<SignatureValue>!!!'), 'SIG_VALUE_INVALID');
  });

  it('a signature algorithm that does not fit the certificate key: SIG_VALUE_INVALID', async () => {
    const ec = await signPackage(statusPackage(), pki.officialEc.signer, { includeChain: true });
    await expectCode(replaceText(ec, 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'), 'SIG_VALUE_INVALID');
  });

  it('a second Signature beside the first: SIG_DUPLICATE', async () => {
    const sig = ourSignature(signed) + '</Signature>';
    await expectCode(replaceText(signed, sig, sig + sig), 'SIG_DUPLICATE');
  });

  it('a Signature hidden inside the signature (wrapping): SIG_WRAPPING', async () => {
    const sig = ourSignature(signed) + '</Signature>';
    await expectCode(replaceText(signed, '</KeyInfo>', `</KeyInfo><Object>${sig}</Object>`), 'SIG_WRAPPING');
  });

  it('a second SignedInfo or SignatureValue inside the Signature: SIG_WRAPPING', async () => {
    const signedInfo = /<SignedInfo>[\s\S]*?<\/SignedInfo>/.exec(signed.toString('utf8'))![0];
    await expectCode(replaceText(signed, '</SignedInfo>', `</SignedInfo>${signedInfo.replace('URI=""', 'URI="#other"')}`), 'SIG_WRAPPING');
    await expectCode(replaceText(signed, '</SignatureValue>', '</SignatureValue><SignatureValue>AAAA</SignatureValue>'), 'SIG_WRAPPING');
  });

  it('a Reference to a fragment instead of the whole package (wrapping): SIG_WRAPPING', async () => {
    await expectCode(replaceText(signed, '<Reference URI="">', '<Reference URI="#body">'), 'SIG_WRAPPING');
    await expectCode(replaceText(signed, /<Reference URI="">[\s\S]*?<\/Reference>/, (m: string) => m + m), 'SIG_WRAPPING');
  });

  it('a Signature moved out of edXMLHeader (signed content re-wrapped elsewhere): SIG_MISPLACED', async () => {
    const sig = ourSignature(signed) + '</Signature>';
    const moved = replaceText(replaceText(signed, sig, ''), '</edXML:edXMLEnvelope>', `</edXML:edXMLEnvelope>${sig}`);
    await expectCode(moved, 'SIG_MISPLACED');
    const inBody = await signPackage(documentPackage(), pki.officialRsa.signer, { includeChain: true });
    const s2 = ourSignature(inBody) + '</Signature>';
    await expectCode(replaceText(replaceText(inBody, s2, ''), '<edXML:edXMLManifest', `${s2}<edXML:edXMLManifest`), 'SIG_MISPLACED');
  });

  it('a Reference to something outside the package: SIG_EXTERNAL_REFERENCE', async () => {
    await expectCode(replaceText(signed, '<Reference URI="">', '<Reference URI="http://attacker.example/doc.xml">'), 'SIG_EXTERNAL_REFERENCE');
    await expectCode(replaceText(signed, '<Reference URI="">', '<Reference>'), 'SIG_EXTERNAL_REFERENCE');
  });

  it('an XPath or XSLT transform: SIG_TRANSFORM_FORBIDDEN', async () => {
    const xpath = '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><XPath>not(ancestor-or-self::*)</XPath></Transform>';
    await expectCode(replaceText(signed, '<Transforms>', `<Transforms>${xpath}`), 'SIG_TRANSFORM_FORBIDDEN');
    await expectCode(replaceText(signed, '</Transforms>', '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"/></Transforms>'), 'SIG_TRANSFORM_FORBIDDEN');
    await expectCode(replaceText(signed, /<Transform Algorithm="http:\/\/www.w3.org\/2000\/09\/xmldsig#enveloped-signature"\/>/, ''), 'SIG_TRANSFORM_FORBIDDEN');
  });

  it('a DTD (entity expansion, external entities): SIG_DTD_FORBIDDEN', async () => {
    const dtd = '<!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n';
    await expectCode(replaceText(signed, '<edXML xmlns=', `${dtd}<edXML xmlns=`), 'SIG_DTD_FORBIDDEN');
  });

  it('bytes that are not well-formed XML: SIG_XML_MALFORMED', async () => {
    await expectCode(fixture('edxml/edoc_new.edxml'), 'SIG_XML_MALFORMED');
    await expectCode(replaceText(signed, '<edXML:StatusCode>', '<edXML:StatusCode>&undefined;'), 'SIG_XML_MALFORMED');
    await expectCode(signed.subarray(0, signed.length - 20), 'SIG_XML_MALFORMED');
    await expectCode(Buffer.from([0xff, 0xfe, 0x00]), 'SIG_XML_MALFORMED');
  });
});

describe('hostile bytes never crash the verifier', () => {
  it('500 random mutations of a signed package each give a report with a code', async () => {
    const specials = ['<', '>', '&', '"', "'", '/', '=', ':', ' ', 'x', ']]>', '<!--', '<![CDATA[', '<?', '&#0;', '&#x110000;', 'xmlns:a=""', '\r', '\u00e9', '\uffff'];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const codes = new Set<string>();
    for (let k = 0; k < 500; k++) {
      const text = signed.toString('latin1');
      const at = rand(text.length);
      const cut = rand(4);
      const mutated = Buffer.from(text.slice(0, at) + specials[rand(specials.length)] + text.slice(at + cut), 'latin1');
      const report = await verifyPackage(mutated, { validator: pki.validator, policy: pki.policy });
      expect(typeof report.code).toBe('string');
      codes.add(report.code);
      if (report.valid) expect(report.code).toBe('SIG_OK');
    }
    expect(codes.size).toBeGreaterThan(3);
  });
});

describe('inputs built to exhaust the verifier', () => {
  it('deep nesting, a flood of attributes or of namespace declarations: a verdict, quickly', async () => {
    const deep = replaceText(signed, '<edXML:StatusCode>', `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}<edXML:StatusCode>`);
    await expectCode(deep, 'SIG_XML_MALFORMED');
    const deepInSignature = replaceText(signed, '</KeyInfo>', `</KeyInfo><Object>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</Object>`);
    await expectCode(deepInSignature, 'SIG_XML_MALFORMED');
    const attributes = Array.from({ length: 50_000 }, (_, i) => `a${i}="v"`).join(' ');
    const flooded = replaceText(signed, '<edXML:StatusCode>', `<edXML:StatusCode ${attributes}>`);
    expect((await verifyPackage(flooded, { validator: pki.validator, policy: pki.policy })).code).toBe('SIG_DIGEST_MISMATCH');
    const declarations = Array.from({ length: 20_000 }, (_, i) => `xmlns:p${i}="urn:x:${i}"`).join(' ');
    const nsFlood = replaceText(signed, '<edXML:StatusCode>', `<edXML:StatusCode ${declarations}>`);
    // Exclusive C14N renders only the namespaces an element uses: unused declarations do not change what was signed.
    expect((await verifyPackage(nsFlood, { validator: pki.validator, policy: pki.policy, engine: 'fast' })).code).toBe('SIG_OK');
    // Inclusive C14N renders them; thousands of declarations over thousands of descendants stay linear.
    const inclusive = await signPackage(statusPackage(), pki.officialRsa.signer, { includeChain: true, c14n: 'inclusive' });
    const wide = replaceText(inclusive, '<edXML:StatusCode>', `<edXML:X ${declarations}>${'<edXML:Y/>'.repeat(20_000)}</edXML:X><edXML:StatusCode>`);
    // No timed assertion (speed is benchmarked in bench/): a quadratic path would take minutes here and hit the timeout.
    expect((await verifyPackage(wide, { validator: pki.validator, policy: pki.policy })).code).toBe('SIG_DIGEST_MISMATCH');
  });
});
