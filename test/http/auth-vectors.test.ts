/**
 * The test vectors of docs/auth.md, read from the document itself and checked three ways: against the signing code
 * the gateway verifies with (src/http/rest/request-signing.ts), against openssl as an independent HMAC, and against
 * the Python client of docs/examples. A vector that drifts from the code, or a client that signs differently, fails.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeSignature, signRequest, stringToSign } from '../../src/http/rest/request-signing.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const doc = readFileSync(path.join(root, 'docs', 'auth.md'), 'utf8');
const section = doc.slice(doc.indexOf('## Test vectors'));

function fields(block: string): Record<string, string> {
  return Object.fromEntries(block.split('\n').filter((l) => l.trim() !== '').map((line) => {
    const m = /^(\S+(?: \S+)?)\s{2,}(.*)$/.exec(line);
    if (!m) throw new Error(`unreadable vector line "${line}"`);
    return [m[1]!, m[2]!];
  }));
}

function need(block: Record<string, string>, key: string): string {
  const value = block[key];
  if (value === undefined) throw new Error(`the vector has no "${key}" line`);
  return value;
}

interface Vector { method: string; path: string; nonce: string; body: string; bodySha256: string; signature: string; stringToSign: string }

const textBlocks = [...section.matchAll(/```text\n([\s\S]*?)```/g)].map((m) => fields(m[1]!));
const credential = textBlocks[0]!;
const keyId = need(credential, 'key id');
const secret = need(credential, 'secret');
const timestamp = need(credential, 'timestamp');
const canonicalBlocks = [...section.matchAll(/```string-to-sign\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
const vectors: Vector[] = textBlocks.slice(1).map((v, i) => ({
  method: need(v, 'method'),
  path: need(v, 'path'),
  nonce: need(v, 'nonce'),
  body: need(v, 'body') === '(empty)' ? '' : need(v, 'body'),
  bodySha256: need(v, 'body SHA-256'),
  signature: need(v, 'signature'),
  stringToSign: canonicalBlocks[i] ?? '',
}));
const named = vectors.map((v) => [`${v.method} ${v.path}`, v] as const);

describe('the signing test vectors of docs/auth.md', () => {
  it('give a credential and two vectors: a path with a query and a %2F-encoded DocumentId, and a body', () => {
    expect(keyId).toMatch(/^[0-9.A-Z]+:[0-9a-f]{16}$/);
    expect(timestamp).toMatch(/^\d+$/);
    expect(vectors).toHaveLength(2);
    expect(vectors[0]!.path).toMatch(/%2F.*\?from=/);
    expect(vectors[1]!.body.length).toBeGreaterThan(0);
  });

  it.each(named)('%s: body SHA-256, string to sign and signature are what the code computes', (_name, v) => {
    const bodySha256 = createHash('sha256').update(v.body, 'utf8').digest('hex');
    expect(bodySha256).toBe(v.bodySha256);
    const canonical = stringToSign(v.method, v.path, timestamp, bodySha256, v.nonce);
    expect(canonical).toBe(v.stringToSign);
    expect(computeSignature(secret, canonical).toString('base64')).toBe(v.signature);
    // The helper every TypeScript client uses gives the same headers.
    expect(signRequest({ method: v.method, path: v.path, keyId, secret, body: v.body, timestamp: Number(timestamp), nonce: v.nonce })).toEqual({
      'X-Edx-Key-Id': keyId, 'X-Edx-Timestamp': timestamp, 'X-Edx-Content-SHA256': v.bodySha256, 'X-Edx-Nonce': v.nonce, 'X-Edx-Signature': v.signature,
    });
  });

  it.each(named)('%s: openssl computes the same signature', (_name, v) => {
    const mac = execFileSync('openssl', ['dgst', '-sha256', '-hmac', secret, '-binary'], { input: Buffer.from(v.stringToSign, 'utf8') });
    expect(mac.toString('base64')).toBe(v.signature);
  });

  it.each(named)('%s: the Python client signs the same', (_name, v) => {
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(path.join(root, 'docs', 'examples'))})`,
      'import edx_client',
      'a = json.loads(sys.stdin.read())',
      "print(json.dumps(edx_client.signed_headers(a['keyId'], a['secret'], a['method'], a['path'], a['bodySha256'], a['timestamp'], a['nonce'])))",
    ].join('\n');
    const input = JSON.stringify({ keyId, secret, method: v.method, path: v.path, bodySha256: v.bodySha256, timestamp, nonce: v.nonce });
    const headers = JSON.parse(execFileSync('python3', ['-B', '-c', script], { input, encoding: 'utf8' })) as Record<string, string>;
    expect(headers['X-Edx-Signature']).toBe(v.signature);
    expect(headers['X-Edx-Content-SHA256']).toBe(v.bodySha256);
  });
});
