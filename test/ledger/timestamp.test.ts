import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTimestampToken } from '../../src/ledger/timestamp/timestamp-token.js';
import { createTsaClient, readTimestampResponse } from '../../src/ledger/timestamp/tsa-client.js';
import {
  answerTimeStampRequest, generateTestPki, issueTestTsa, startTestTsaServer, toPem, TSA_FAILURE,
  type TestIdentity, type TestPki, type TestTsaServer,
} from '../../src/pki/test-pki/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'edx-tsa-'));
const body = Buffer.from('truc.gov.vn/edx-axis/receipts\n42\nq83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=\n');

let pki: TestPki;
let otherPki: TestPki;
let tsa: TestIdentity;
let rsaTsa: TestIdentity;
let server: TestTsaServer;
beforeAll(async () => {
  [pki, otherPki, server] = await Promise.all([generateTestPki(), generateTestPki(), startTestTsaServer()]);
  [tsa, rsaTsa] = await Promise.all([issueTestTsa(pki), issueTestTsa(pki, { kind: 'RSA' })]);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, bytes: Uint8Array | string) => {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
const signer = (identity: TestIdentity) => ({ certificate: identity.certificate, privateKey: identity.privateKey, intermediates: identity.chain.slice(1, -1) });
const client = (overrides: Partial<Parameters<typeof createTsaClient>[0]> = {}) => createTsaClient({ url: server.url, trustAnchors: [pki.root.certificate], ...overrides });

function opensslVerify(token: Buffer, data: Uint8Array, identity: TestIdentity): string {
  return execFileSync('openssl', [
    'ts', '-verify', '-data', file('data.bin', data), '-in', file('token.der', token), '-token_in',
    '-CAfile', file('root.pem', toPem(pki.root.certificate)), '-untrusted', file('untrusted.pem', identity.chain.slice(0, -1).map((c) => toPem(c)).join('')),
  ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('time-stamping a checkpoint body at the built-in test TSA over HTTP', () => {
  for (const [label, identity] of [['ECDSA', () => tsa], ['RSA', () => rsaTsa]] as const) {
    it(`gives a verified token that openssl ts -verify accepts (${label} TSA)`, async () => {
      server.serve(signer(identity()));
      const { token, verified } = await client().timestamp(body);
      expect(verified).toMatchObject({ hashAlgorithm: 'sha256', policy: '1.2.3.4.1', tsa: { fingerprint: createHash('sha256').update(identity().certificate).digest('hex') } });
      expect(verified.genTime).toBeInstanceOf(Date);
      expect(opensslVerify(token, body, identity())).toContain('Verification: OK');
      // Years later, offline: the token and the body alone, against the TSA roots.
      expect((await verifyTimestampToken(token, { data: body, trustAnchors: [pki.root.certificate] })).serialNumber).toBe(verified.serialNumber);
    });
  }

  it('a token checked against other data fails with LEDGER_TSA_IMPRINT_MISMATCH, as openssl does', async () => {
    server.serve(signer(tsa));
    const { token } = await client().timestamp(body);
    const other = Buffer.from(body.toString().replace('\n42\n', '\n43\n'));
    await expect(verifyTimestampToken(token, { data: other, trustAnchors: [pki.root.certificate] })).rejects.toMatchObject({ code: 'LEDGER_TSA_IMPRINT_MISMATCH' });
    expect(() => opensslVerify(token, other, tsa)).toThrow(/message imprint mismatch/i);
  });
});

describe('a TSA answer that is not kept', () => {
  const cases: Array<[string, Parameters<TestTsaServer['serve']>[1], string]> = [
    ['a token over another digest', { otherImprint: true }, 'LEDGER_TSA_IMPRINT_MISMATCH'],
    ['a token with another nonce (a replay)', { nonce: 'other' }, 'LEDGER_TSA_NONCE_MISMATCH'],
    ['a token without the nonce', { nonce: 'omit' }, 'LEDGER_TSA_NONCE_MISMATCH'],
    ['a refusal', { refuse: { status: 2, text: 'Hết hạn mức', failInfo: TSA_FAILURE.timeNotAvailable } }, 'LEDGER_TSA_REJECTED'],
    ['an HTTP error', { httpStatus: 503 }, 'LEDGER_TSA_HTTP_STATUS'],
    ['bytes that are not a TimeStampResp', { garbage: true }, 'LEDGER_TSA_RESPONSE_MALFORMED'],
    ['an answer larger than the limit', { oversizeBytes: 100_000 }, 'LEDGER_TSA_RESPONSE_TOO_LARGE'],
    ['a token without the ESS signing-certificate attribute', { omitSigningCertificate: true }, 'LEDGER_TSA_TOKEN_MALFORMED'],
  ];
  for (const [label, options, code] of cases) {
    it(`${label}: ${code}`, async () => {
      server.serve(signer(tsa), options);
      await expect(client({ maxResponseBytes: 16 * 1024 }).timestamp(body)).rejects.toMatchObject({ code });
    });
  }

  it('a refusal says why, in the TSA words', async () => {
    server.serve(signer(tsa), { refuse: { status: 2, text: 'Hết hạn mức', failInfo: TSA_FAILURE.timeNotAvailable } });
    await expect(client().timestamp(body)).rejects.toMatchObject({ message: expect.stringMatching(/rejection \(timeNotAvailable\): Hết hạn mức/) });
  });

  it('a TSA that never answers, or is not there: LEDGER_TSA_UNREACHABLE; a URL that is not http(s): LEDGER_TSA_URL_INVALID', async () => {
    server.serve(signer(tsa), { hang: true });
    await expect(client({ timeoutMs: 300 }).timestamp(body)).rejects.toMatchObject({ code: 'LEDGER_TSA_UNREACHABLE' });
    const gone = await startTestTsaServer();
    const url = gone.url;
    await gone.close();
    await expect(client({ url }).timestamp(body)).rejects.toMatchObject({ code: 'LEDGER_TSA_UNREACHABLE' });
    expect(() => client({ url: 'ftp://tsa.example/' })).toThrow(expect.objectContaining({ code: 'LEDGER_TSA_URL_INVALID' }));
  });

  it('a TSA certificate without the critical id-kp-timeStamping usage: LEDGER_TSA_NOT_TIMESTAMPING (openssl agrees)', async () => {
    for (const variant of ['none', 'non-critical'] as const) {
      const notATsa = await issueTestTsa(pki, { timeStampingEku: variant });
      server.serve(signer(notATsa));
      await expect(client().timestamp(body)).rejects.toMatchObject({ code: 'LEDGER_TSA_NOT_TIMESTAMPING' });
      const response = await answerTimeStampRequest(execFileSync('openssl', ['ts', '-query', '-data', file('q.bin', body), '-sha256', '-cert']), { signer: signer(notATsa) });
      expect(() => opensslVerify(readTimestampResponse(response), body, notATsa)).toThrow();
    }
  });

  it('a TSA outside the trust anchors: LEDGER_TSA_UNTRUSTED; one whose certificate had expired: LEDGER_TSA_CERT_EXPIRED', async () => {
    server.serve(signer(tsa));
    await expect(client({ trustAnchors: [otherPki.root.certificate] }).timestamp(body)).rejects.toMatchObject({ code: 'LEDGER_TSA_UNTRUSTED' });
    const expired = await issueTestTsa(pki, { notBefore: new Date(Date.now() - 400 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    server.serve(signer(expired));
    await expect(client().timestamp(body)).rejects.toMatchObject({ code: 'LEDGER_TSA_CERT_EXPIRED' });
  });
});

describe('a stored token that was tampered with', () => {
  let token: Buffer;
  beforeAll(async () => {
    server.serve(signer(tsa));
    ({ token } = await client().timestamp(body));
  });
  const check = () => ({ data: body, trustAnchors: [pki.root.certificate] });

  it('a changed signature or a changed TSTInfo: LEDGER_TSA_SIGNATURE_INVALID', async () => {
    const badSignature = Buffer.from(token);
    badSignature[badSignature.length - 3]! ^= 0x01;
    await expect(verifyTimestampToken(badSignature, check())).rejects.toMatchObject({ code: 'LEDGER_TSA_SIGNATURE_INVALID' });
    const { serialNumber } = await verifyTimestampToken(token, check());
    const at = token.indexOf(Buffer.from(serialNumber, 'hex'));
    expect(at).toBeGreaterThan(0);
    const badSerial = Buffer.from(token);
    badSerial[at + 4]! ^= 0x01;
    await expect(verifyTimestampToken(badSerial, check())).rejects.toMatchObject({ code: 'LEDGER_TSA_SIGNATURE_INVALID' });
  });

  it('bytes that are not a token, or a token with bytes after it: LEDGER_TSA_TOKEN_MALFORMED', async () => {
    for (const bad of [Buffer.from('not a token'), Buffer.concat([token, Buffer.from([0])]), token.subarray(0, token.length - 10), Buffer.alloc(300_000, 0x30)]) {
      await expect(verifyTimestampToken(bad, check())).rejects.toMatchObject({ code: 'LEDGER_TSA_TOKEN_MALFORMED' });
    }
  });

  it('a token made without the TSA certificate verifies once the certificate is given', async () => {
    const query = execFileSync('openssl', ['ts', '-query', '-data', file('q2.bin', body), '-sha256']);
    const bare = readTimestampResponse(await answerTimeStampRequest(query, { signer: signer(tsa) }));
    await expect(verifyTimestampToken(bare, check())).rejects.toMatchObject({ code: 'LEDGER_TSA_SIGNER_UNKNOWN' });
    await expect(verifyTimestampToken(bare, { ...check(), certificates: [tsa.certificate, pki.subordinate.certificate] })).resolves.toMatchObject({ hashAlgorithm: 'sha256' });
    expect(readFileSync(file('bare.der', bare)).length).toBe(bare.length);
  });
});
