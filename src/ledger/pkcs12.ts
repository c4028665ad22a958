/** Reads the axis's production identity from a PKCS#12 file: one private key and the certificates that go with it. */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { AxisError } from '../errors/axis-error.js';

function bagsOf(p12: forge.pkcs12.Pkcs12Pfx, type: string): forge.pkcs12.Bag[] {
  return p12.getBags({ bagType: type })[type] ?? [];
}

function keyOf(bag: forge.pkcs12.Bag): KeyObject {
  // forge decodes RSA keys only; other key types (EC) come back as the raw PrivateKeyInfo.
  const info = bag.key
    ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key as forge.pki.rsa.PrivateKey))
    : bag.asn1;
  if (!info) throw new AxisError('LEDGER_P12_INVALID', 'The axis PKCS#12 file holds a key of an unknown kind.');
  return createPrivateKey({ key: Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary'), format: 'der', type: 'pkcs8' });
}

function derOf(bag: forge.pkcs12.Bag): Buffer | undefined {
  const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
  return asn1 ? Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary') : undefined;
}

/** Orders the certificates leaf first: the one whose public key matches the private key, then each issuer. */
function orderChain(privateKey: KeyObject, ders: Buffer[]): Buffer[] {
  interface Cert { der: Buffer; x509: X509Certificate }
  const certs: Cert[] = ders.map((der) => ({ der, x509: new X509Certificate(der) }));
  const publicDer = (key: KeyObject) => key.export({ type: 'spki', format: 'der' }).toString('base64');
  const mine = publicDer(createPublicKey(privateKey));
  let current: Cert | undefined = certs.find((c) => publicDer(c.x509.publicKey) === mine);
  if (!current) throw new AxisError('LEDGER_P12_INVALID', 'The axis PKCS#12 file has no certificate for its private key.');
  const chain = [current.der];
  const used = new Set([current]);
  for (;;) {
    const holder: Cert = current;
    const issuer: Cert | undefined = certs.find((c) => !used.has(c) && holder.x509.checkIssued(c.x509));
    if (!issuer) return chain;
    chain.push(issuer.der);
    used.add(issuer);
    current = issuer;
  }
}

export function readPkcs12(bytes: Uint8Array, password: string): { privateKey: KeyObject; chainDer: Buffer[] } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(bytes).toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    throw new AxisError('LEDGER_P12_INVALID', 'The axis PKCS#12 file cannot be opened: wrong password or not a PKCS#12 file.', undefined, { cause: error });
  }
  const keyBags = [...bagsOf(p12, forge.pki.oids.pkcs8ShroudedKeyBag!), ...bagsOf(p12, forge.pki.oids.keyBag!)];
  if (keyBags.length !== 1) {
    throw new AxisError('LEDGER_P12_INVALID', `The axis PKCS#12 file must hold exactly one private key (it holds ${keyBags.length}).`);
  }
  const privateKey = keyOf(keyBags[0]!);
  const ders = bagsOf(p12, forge.pki.oids.certBag!).map(derOf).filter((der): der is Buffer => der !== undefined);
  return { privateKey, chainDer: orderChain(privateKey, ders) };
}
