/**
 * docs/errors.md is generated from the code (scripts/error-catalogue.ts over src/http/rest/error-status.ts and the
 * codes declared and raised across src) and must be what the generator writes now; the table itself must agree with
 * every place that answers a code with a status of its own, hold no code that nothing raises, and reach the wire:
 * each code it asks to wait on is answered with that status and that Retry-After by the real REST dialect.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCodes, generateErrorCatalogue } from '../../scripts/error-catalogue.js';
import { AxisError } from '../../src/errors/axis-error.js';
import type { Exchange } from '../../src/exchange/create-exchange.js';
import { REST_ERROR_STATUS, REST_RETRY_AFTER_SECONDS, restRetryForCode, restStatusForCode } from '../../src/http/rest/error-status.js';
import { signRequest } from '../../src/http/rest/request-signing.js';
import type { AgencyCredentials } from '../../src/exchange/agencies/agency-registry.js';
import { buildHarness, fakeExchange, type Harness } from './harness.js';

const root = path.resolve(import.meta.dirname, '..', '..');

function sourceText(dir: string, skip: string): string {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => path.resolve(file) !== path.resolve(skip))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}

describe('the error catalogue', () => {
  it('docs/errors.md is what `npm run docs:errors` writes from the code now', () => {
    const written = readFileSync(path.join(root, 'docs', 'errors.md'), 'utf8');
    // On a failure: run `npm run docs:errors` and commit docs/errors.md.
    expect(written).toBe(generateErrorCatalogue(root));
  });

  it('lists every code of the REST table and every exchange code, each once', () => {
    const doc = readFileSync(path.join(root, 'docs', 'errors.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(new Set(rows).size).toBe(rows.length);
    for (const code of Object.keys(REST_ERROR_STATUS)) expect(rows).toContain(code);
    expect(doc).toMatch(/^\| `EXCHANGE_STATUS_CONFLICT` \| 409 \| yes \| — \|/m);
    expect(doc).toMatch(/^\| `AUTH_REPLAY_CACHE_UNAVAILABLE` \| 503 \| yes \| 5 s \|/m);
    expect(doc).toMatch(/^\| `EXCHANGE_UNKNOWN_ORIGINAL` \| 404 \| no \| — \|/m);
    expect(doc).toContain('The SDK dialect\'s\n`ErrorCode` values are the same codes');
  });

  it('every place that answers a code with its own status (and Retry-After) agrees with the table', () => {
    const { sites } = collectCodes(root);
    expect(sites.length).toBeGreaterThan(10);
    // A place that names no Retry-After gets the table's from the dialect; one that names its own must say the same.
    const disagree = sites.filter((s) => s.status !== restStatusForCode(s.code)
      || (s.retryAfterSeconds !== undefined && s.retryAfterSeconds !== restRetryForCode(s.code).retryAfterSeconds));
    expect(disagree).toEqual([]);
  });

  it('the table holds no code that nothing in src raises', () => {
    const elsewhere = sourceText(path.join(root, 'src'), path.join(root, 'src/http/rest/error-status.ts'));
    const dead = Object.keys(REST_ERROR_STATUS).filter((code) => !elsewhere.includes(`'${code}'`));
    expect(dead).toEqual([]);
  });
});

describe('the table reaches the wire: every code it asks to wait on, through the real REST dialect', () => {
  let h: Harness;
  let creds: AgencyCredentials;
  let failWith = 'STORE_BUSY';
  beforeAll(async () => {
    const base = fakeExchange([]);
    const exchange = { ...base, listInbox: async () => { throw new AxisError(failWith, `the axis cannot answer now (${failWith})`); } } as Exchange;
    h = await buildHarness({ exchange });
    creds = await h.add('000.00.00.H40');
  });
  afterAll(async () => h?.close());

  it.each(Object.entries(REST_RETRY_AFTER_SECONDS))('%s: its status and Retry-After %s', async (code, seconds) => {
    failWith = code;
    const res = await request(h.app).get('/v1/inbox').set({ ...signRequest({ method: 'GET', path: '/v1/inbox', keyId: creds.keyId, secret: creds.secret }) });
    expect({ status: res.status, code: res.body.code, retryAfter: res.headers['retry-after'] }).toEqual({ status: restStatusForCode(code), code, retryAfter: String(seconds) });
  });

  it('a refusal that is a verdict carries no Retry-After', async () => {
    // A code whose status GET /v1/inbox documents (every answer of these tests is checked against the OpenAPI document).
    failWith = 'HTTP_QUERY_INVALID';
    const res = await request(h.app).get('/v1/inbox').set({ ...signRequest({ method: 'GET', path: '/v1/inbox', keyId: creds.keyId, secret: creds.secret }) });
    expect(res.status).toBe(400);
    expect(res.headers['retry-after']).toBeUndefined();
  });
});
