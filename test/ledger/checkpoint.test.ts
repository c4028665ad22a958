import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, KeyObject, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAxisIdentity, loadTrustAnchors, devTrustDir, type AxisIdentity } from '../../src/ledger/index.js';
import { createCheckpointSigner } from '../../src/ledger/checkpoint/checkpoint-signer.js';
import { verifyCheckpoint } from '../../src/ledger/checkpoint/checkpoint-verifier.js';
import { deriveNoteKey, noteKeyFromSeed, parseNoteVerifierKey } from '../../src/ledger/checkpoint/note-key.js';
import { formatSignedNote, parseSignedNote } from '../../src/ledger/checkpoint/signed-note.js';
import { generateTestPki, toPem, type TestPki } from '../../src/pki/test-pki/index.js';

const ORIGIN = 'truc.gov.vn/edx-axis/receipts';
const root = mkdtempSync(path.join(tmpdir(), 'edx-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let identity: AxisIdentity;
let anchors: X509Certificate[];
let stranger: AxisIdentity;
let pki: TestPki;
beforeAll(async () => {
  identity = await loadAxisIdentity({ dataDir: path.join(root, 'axis') });
  anchors = await loadTrustAnchors(devTrustDir(path.join(root, 'axis')));
  stranger = await loadAxisIdentity({ dataDir: path.join(root, 'stranger') });
  pki = await generateTestPki();
});

const rootHash = createHash('sha256').update('a root').digest();
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function write(name: string, bytes: string | Uint8Array): string {
  const file = path.join(root, name);
  writeFileSync(file, bytes);
  return file;
}

describe('the C2SP signed-note format', () => {
  // golang.org/x/mod/sumdb/note's documented example: the same seed must give the same note, byte for byte.
  const goSigner = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
  const goVerifier = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
  const goText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const goNote = `${goText}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

  it("signs exactly as Go's sumdb/note does, and reads its verifier keys", () => {
    const seed = Buffer.from(goSigner.split('+').slice(4).join('+'), 'base64').subarray(1);
    const key = noteKeyFromSeed('PeterNeumann', seed);
    expect(key.verifierKey).toBe(goVerifier);
    expect(formatSignedNote(goText, [{ keyName: key.keyName, keyId: key.keyId, signature: key.sign(goText) }])).toBe(goNote);
    const verifier = parseNoteVerifierKey(goVerifier);
    const { text, signatures } = parseSignedNote(goNote);
    expect(text).toBe(goText);
    expect(verifier.verify(text, signatures[0]!.signature)).toBe(true);
    expect(verifier.verify(text.replace('cryptography', 'cryptographY'), signatures[0]!.signature)).toBe(false);
    expect(() => parseNoteVerifierKey(goVerifier.replace('c74f20a3', 'c74f20a4'))).toThrow(expect.objectContaining({ code: 'LEDGER_NOTE_KEY_INVALID' }));
    // transparency-dev/formats' test key whose base64 holds a "+".
    expect(parseNoteVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6').keyName).toBe('TEST');
  });

  it('refuses notes that are not well formed, each with the same code', () => {
    const bad = [
      'no blank line\n— k AAAAAAA=\n',
      `${goText}\n`,
      `${goText}\n— PeterNeumann not*base64\n`,
      `${goText}\n— PeterNeumann AAAA\n`,
      `${goText}\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      goNote.slice(0, -1),
      `tab\there\n${goNote}`,
      Buffer.concat([Buffer.from('origin\n1\n'), Buffer.from([0xff, 0xfe]), Buffer.from(`\n\n— k AAAAAAA=\n`)]),
      `${'x'.repeat(70 * 1024)}\n\n— k AAAAAAA=\n`,
    ];
    for (const note of bad) expect(() => parseSignedNote(note), JSON.stringify(note.slice(0, 60))).toThrow(expect.objectContaining({ code: 'LEDGER_CHECKPOINT_MALFORMED' }));
  });
});

describe('checkpoints signed by the axis', () => {
  it('have the tlog-checkpoint body and two signature lines, and verify with either trusted key', () => {
    const signer = createCheckpointSigner({ origin: ORIGIN, identity });
    const checkpoint = signer.sign(42, rootHash);
    expect(checkpoint.body).toBe(`${ORIGIN}\n42\n${rootHash.toString('base64')}\n`);
    const lines = checkpoint.note.split('\n');
    expect(lines.slice(3, 4)).toEqual(['']);
    expect(lines[4]).toMatch(new RegExp(`^— ${ORIGIN} [A-Za-z0-9+/]+=*$`));
    expect(lines[5]).toMatch(new RegExp(`^— ${ORIGIN}/x509 [A-Za-z0-9+/]+=*$`));
    // The Ed25519 key ID as the spec defines it, computed here from the public key alone.
    const expectedId = createHash('sha256').update(`${ORIGIN}\n`).update(Buffer.from([0x01])).update(signer.noteKey.publicKey).digest().subarray(0, 4);
    expect(Buffer.from(lines[4]!.split(' ')[2]!, 'base64').subarray(0, 4).equals(expectedId)).toBe(true);

    const byCertificate = verifyCheckpoint(checkpoint.note, { origin: ORIGIN, certificates: identity.chainDer, trustAnchors: anchors });
    expect(byCertificate).toMatchObject({ origin: ORIGIN, treeSize: 42, body: checkpoint.body, ignoredSignatures: 1 });
    expect(byCertificate.rootHash.equals(rootHash)).toBe(true);
    expect(byCertificate.signedBy).toEqual([expect.objectContaining({ kind: 'x509', fingerprint: identity.fingerprint })]);
    const byNoteKey = verifyCheckpoint(checkpoint.note, { noteVerifierKeys: [signer.noteKey.verifierKey] });
    expect(byNoteKey.signedBy).toEqual([{ kind: 'ed25519', keyName: ORIGIN }]);
  });

  it('are checked with openssl alone: the X.509 line with dgst, the Ed25519 line with pkeyutl', () => {
    const signer = createCheckpointSigner({ origin: ORIGIN, identity });
    const { note, body } = signer.sign(7, rootHash);
    const [, ed25519Line, x509Line] = note.split('\n\n')[1]!.split('\n').reduce<string[]>((acc, l) => (l ? [...acc, l] : acc), ['']);
    const signatureOf = (line: string) => Buffer.from(line.split(' ')[2]!, 'base64').subarray(4);
    const bodyFile = write('body.txt', body);
    const axisKey = write('axis-public.pem', new X509Certificate(identity.certificateDer).publicKey.export({ format: 'pem', type: 'spki' }));
    expect(openssl('dgst', '-sha256', '-verify', axisKey, '-signature', write('x509.sig', signatureOf(x509Line!)), bodyFile)).toContain('Verified OK');
    const noteKey = write('note-key.pem', createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: signer.noteKey.publicKey.toString('base64url') }, format: 'jwk' }).export({ format: 'pem', type: 'spki' }));
    expect(openssl('pkeyutl', '-verify', '-pubin', '-inkey', noteKey, '-rawin', '-in', bodyFile, '-sigfile', write('ed.sig', signatureOf(ed25519Line!)))).toContain('Signature Verified Successfully');
    expect(() => openssl('dgst', '-sha256', '-verify', axisKey, '-signature', write('x509.sig', signatureOf(x509Line!)), write('other.txt', body.replace('\n7\n', '\n8\n')))).toThrow();
  });

  it('also work with an RSA axis key from a PKCS#12-like identity', () => {
    const agency = pki.identities['agency-rsa'];
    const signer = createCheckpointSigner({ origin: ORIGIN, identity: { privateKey: KeyObject.from(agency.privateKey), certificateDer: agency.certificate } });
    const { note, body } = signer.sign(3, rootHash);
    expect(verifyCheckpoint(note, { certificates: agency.chain, trustAnchors: [pki.root.certificate], origin: ORIGIN }).signedBy[0]).toMatchObject({ kind: 'x509' });
    const x509Line = note.trimEnd().split('\n').at(-1)!;
    const key = write('rsa-public.pem', toPem(new X509Certificate(agency.certificate).publicKey.export({ format: 'der', type: 'spki' }), 'PUBLIC KEY'));
    expect(openssl('dgst', '-sha256', '-verify', key, '-signature', write('rsa.sig', Buffer.from(x509Line.split(' ')[2]!, 'base64').subarray(4)), write('rsa-body.txt', body))).toContain('Verified OK');
  });

  it('keep one note key per axis key and origin, whatever the key encoding', () => {
    const reimported = createPrivateKey({ key: identity.privateKey.export({ format: 'der', type: 'sec1' }), format: 'der', type: 'sec1' });
    const again = deriveNoteKey(ORIGIN, reimported);
    expect(again.verifierKey).toBe(createCheckpointSigner({ origin: ORIGIN, identity }).noteKey.verifierKey);
    expect(deriveNoteKey('other.example/log', identity.privateKey).publicKey.equals(again.publicKey)).toBe(false);
    expect(deriveNoteKey(ORIGIN, stranger.privateKey).publicKey.equals(again.publicKey)).toBe(false);
    expect(JSON.stringify({ key: again })).not.toMatch(/seed|PRIVATE/);
  });
});

describe('a checkpoint that does not hold', () => {
  const signed = () => createCheckpointSigner({ origin: ORIGIN, identity }).sign(42, rootHash);
  const trust = () => ({ origin: ORIGIN, certificates: identity.chainDer, trustAnchors: anchors });

  it('with another tree size or root under the same signatures: LEDGER_CHECKPOINT_SIGNATURE_INVALID', () => {
    const { note } = signed();
    const otherRoot = createHash('sha256').update('another root').digest().toString('base64');
    for (const forged of [note.replace('\n42\n', '\n43\n'), note.replace(rootHash.toString('base64'), otherRoot)]) {
      expect(() => verifyCheckpoint(forged, trust())).toThrow(expect.objectContaining({ code: 'LEDGER_CHECKPOINT_SIGNATURE_INVALID' }));
    }
  });

  it('with a signature byte changed: LEDGER_CHECKPOINT_SIGNATURE_INVALID, for the note key too', () => {
    const { note } = signed();
    const lines = note.split('\n');
    const tamper = (index: number) => {
      const [dash, name, b64] = lines[index]!.split(' ');
      const bytes = Buffer.from(b64!, 'base64');
      bytes[bytes.length - 2]! ^= 0x40;
      return lines.map((l, i) => (i === index ? `${dash} ${name} ${bytes.toString('base64')}` : l)).join('\n');
    };
    expect(() => verifyCheckpoint(tamper(5), trust())).toThrow(expect.objectContaining({ code: 'LEDGER_CHECKPOINT_SIGNATURE_INVALID' }));
    const verifierKey = createCheckpointSigner({ origin: ORIGIN, identity }).noteKey.verifierKey;
    expect(() => verifyCheckpoint(tamper(4), { noteVerifierKeys: [verifierKey] })).toThrow(expect.objectContaining({ code: 'LEDGER_CHECKPOINT_SIGNATURE_INVALID' }));
  });

  it('signed by another axis, or by a certificate outside the trust anchors: LEDGER_CHECKPOINT_UNTRUSTED', () => {
    const forged = createCheckpointSigner({ origin: ORIGIN, identity: stranger }).sign(42, rootHash).note;
    expect(() => verifyCheckpoint(forged, trust())).toThrow(expect.objectContaining({ code: 'LEDGER_CHECKPOINT_UNTRUSTED' }));
    expect(() => verifyCheckpoint(forged, { ...trust(), certificates: [...identity.chainDer, ...stranger.chainDer] })).toThrow(expect.objectContaining({ code: 'LEDGER_CHECKPOINT_UNTRUSTED', message: expect.stringContaining('trust anchors') }));
    expect(() => verifyCheckpoint(signed().note, { ...trust(), at: new Date('2001-01-01T00:00:00Z') })).toThrow(expect.objectContaining({ code: 'LEDGER_CHECKPOINT_UNTRUSTED', message: expect.stringContaining('not valid') }));
  });

  it('from another log: LEDGER_CHECKPOINT_ORIGIN_MISMATCH; and a witness cosignature line is ignored', () => {
    const { note } = signed();
    expect(() => verifyCheckpoint(note, { ...trust(), origin: 'other.example/log' })).toThrow(expect.objectContaining({ code: 'LEDGER_CHECKPOINT_ORIGIN_MISMATCH' }));
    const witnessed = `${note}— witness.example/w1 ${Buffer.alloc(72, 7).toString('base64')}\n`;
    expect(verifyCheckpoint(witnessed, trust()).ignoredSignatures).toBe(2);
  });
});
