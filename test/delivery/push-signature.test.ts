import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AxisIdentity } from '../../src/ledger/index.js';
import {
  PUSH_HEADERS, parseSignatureHeader, signPush, verifyPushSignature, type PushSignedFields,
} from '../../src/exchange/delivery/push-signature.js';
import { testAxisIdentity } from './axis-fixture.js';

const fields: PushSignedFields = {
  method: 'POST',
  target: '/edoc/inbox?x=1',
  recipientOrganId: '000.00.00.H41',
  packageId: 'env_123',
  idempotencyKey: 'dlv_456',
  contentSha256: 'ab'.repeat(32),
  timestamp: '2026-12-01T01:00:00.000Z',
};
const now = new Date('2026-12-01T01:01:00.000Z');

function headersOf(f: PushSignedFields, signature: string): Record<string, string> {
  return {
    [PUSH_HEADERS.recipient]: f.recipientOrganId,
    [PUSH_HEADERS.packageId]: f.packageId,
    [PUSH_HEADERS.idempotencyKey]: f.idempotencyKey,
    [PUSH_HEADERS.contentSha256]: f.contentSha256,
    [PUSH_HEADERS.timestamp]: f.timestamp,
    [PUSH_HEADERS.signature]: signature,
  };
}

describe('the axis signature on a push', () => {
  let axis: AxisIdentity;
  beforeAll(async () => { axis = await testAxisIdentity(); });

  it('verifies with the axis certificate the signature header names', () => {
    const signature = signPush(fields, axis);
    const parts = parseSignatureHeader(signature);
    expect(parts['v']).toBe('edx-push-v1');
    expect(parts['keyid']).toBe(axis.fingerprint);
    expect(verifyPushSignature({ method: 'POST', target: fields.target, headers: headersOf(fields, signature) }, axis.certificateDer, { now })).toEqual({ valid: true });
  });

  it.each([
    ['packageId', { packageId: 'env_999' }],
    ['idempotencyKey', { idempotencyKey: 'dlv_other' }],
    ['contentSha256', { contentSha256: 'cd'.repeat(32) }],
    ['recipientOrganId', { recipientOrganId: '000.00.00.G22' }],
    ['target', { target: '/elsewhere' }],
  ] as const)('fails when %s is changed after signing', (_, change) => {
    const signature = signPush(fields, axis);
    const tampered = { ...fields, ...change };
    const check = verifyPushSignature({ method: 'POST', target: tampered.target, headers: headersOf(tampered, signature) }, axis.certificateDer, { now });
    expect(check).toEqual({ valid: false, reason: 'signature does not verify with the axis certificate' });
  });

  it('tells an impostor apart: a signature by another key does not verify with the axis certificate', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = signPush(fields, { privateKey, fingerprint: axis.fingerprint });
    const check = verifyPushSignature({ method: 'POST', target: fields.target, headers: headersOf(fields, forged) }, new X509Certificate(axis.certificateDer), { now });
    expect(check.valid).toBe(false);
  });

  it('refuses a replayed request outside the time window, and a request with a missing header', () => {
    const signature = signPush(fields, axis);
    const late = verifyPushSignature({ method: 'POST', target: fields.target, headers: headersOf(fields, signature) }, axis.certificateDer, { now: new Date('2026-12-01T02:00:00Z') });
    expect(late).toEqual({ valid: false, reason: 'timestamp outside the allowed window' });
    const headers = headersOf(fields, signature);
    delete headers[PUSH_HEADERS.idempotencyKey];
    expect(verifyPushSignature({ method: 'POST', target: fields.target, headers }, axis.certificateDer, { now })).toEqual({ valid: false, reason: 'missing idempotencyKey' });
    expect(verifyPushSignature({ method: 'POST', target: fields.target, headers: {} }, axis.certificateDer, { now }).valid).toBe(false);
  });
});
