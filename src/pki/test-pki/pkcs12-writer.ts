/**
 * Password-protected PKCS#12 bundles for the test PKI, written with pkijs (forge writes RSA keys only; the test PKI
 * also has ECDSA P-256 officials): PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC for the key and the certificates,
 * an HMAC-SHA256 integrity MAC, as OpenSSL 3 writes them by default.
 */
import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { pkiCrypto } from '../crypto-engine.js';

const KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const X509_CERTIFICATE = '1.2.840.113549.1.9.22.1';
const LOCAL_KEY_ID = '1.2.840.113549.1.9.21';
const FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const ITERATIONS = 2048;

function passwordBytes(password: string): ArrayBuffer {
  return new Uint8Array(Buffer.from(password, 'utf8')).buffer;
}

/** `chain` is leaf first; the leaf and the key share a localKeyId, as every PKCS#12 reader expects. */
export async function writePkcs12(privateKey: webcrypto.CryptoKey, chain: Uint8Array[], password: string, friendlyName?: string): Promise<Buffer> {
  const crypto = pkiCrypto();
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', privateKey));
  const localKeyId = createHash('sha1').update(chain[0]!).digest();
  const attributes = [
    new pkijs.Attribute({ type: LOCAL_KEY_ID, values: [new asn1js.OctetString({ valueHex: localKeyId })] }),
    ...(friendlyName ? [new pkijs.Attribute({ type: FRIENDLY_NAME, values: [new asn1js.BmpString({ value: friendlyName })] })] : []),
  ];
  const keyBag = new pkijs.PKCS8ShroudedKeyBag({ parsedValue: pkijs.PrivateKeyInfo.fromBER(pkcs8) });
  const encryption = { password: passwordBytes(password), contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 } as webcrypto.AesKeyAlgorithm, hmacHashAlgorithm: 'SHA-256', iterationCount: ITERATIONS };
  await keyBag.makeInternalValues(encryption, crypto);
  // pkijs chunks long ciphertext into a constructed OCTET STRING (valid BER); forge and strict DER readers want one.
  keyBag.encryptedData = new asn1js.OctetString({ valueHex: keyBag.encryptedData.getValue() });
  const certBags = chain.map((der, i) => new pkijs.SafeBag({
    bagId: CERT_BAG,
    bagValue: new pkijs.CertBag({ certId: X509_CERTIFICATE, parsedValue: pkijs.Certificate.fromBER(der) }),
    ...(i === 0 ? { bagAttributes: attributes } : {}),
  }));
  const pfx = new pkijs.PFX({
    parsedValue: {
      integrityMode: 0,
      authenticatedSafe: new pkijs.AuthenticatedSafe({
        parsedValue: {
          safeContents: [
            { privacyMode: 0, value: new pkijs.SafeContents({ safeBags: [new pkijs.SafeBag({ bagId: KEY_BAG, bagValue: keyBag, bagAttributes: attributes })] }) },
            { privacyMode: 1, value: new pkijs.SafeContents({ safeBags: certBags }) },
          ],
        },
      }),
    },
  });
  await pfx.parsedValue!.authenticatedSafe!.makeInternalValues({ safeContents: [{}, encryption] }, crypto);
  await pfx.makeInternalValues({ password: passwordBytes(password), iterations: ITERATIONS, pbkdf2HashAlgorithm: 'SHA-256', hmacHashAlgorithm: 'SHA-256' }, crypto);
  return Buffer.from(pfx.toSchema().toBER(false));
}
