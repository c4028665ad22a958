/**
 * The OpenAPI document and the gateway describe the same API, checked over HTTP as a client sees it: every documented
 * operation is served (answered by its route, whatever the status: not the gateway's "no such endpoint"), and on
 * every documented path, and every path above one, a method the document does not list is not served. A route added
 * under a documented path without documentation, or documentation left behind by a removed route, fails here.
 */
import request from 'supertest';
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../src/http/openapi-document.js';
import { buildHarness, fakeExchange, OPERATOR_TOKEN, type Harness } from './harness.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Method = (typeof METHODS)[number];
/** Served but not API operations: Swagger UI (/docs) and the queue board UI (/admin). */
const UI_MOUNTS = ['/docs', '/admin'];

/** The documented operations, path by path (OpenAPI spelling: `/v1/packages/{id}`). */
function documentedOperations(): Map<string, Set<Method>> {
  const paths = loadOpenApiDocument()['paths'] as Record<string, Record<string, unknown>>;
  if (!paths) throw new Error('the OpenAPI document has no paths');
  return new Map(Object.entries(paths).map(([p, item]) => [p, new Set(METHODS.filter((m) => m in item))]));
}

/** A concrete path for a documented one: each `{parameter}` filled with a value no record has. */
function concrete(openApiPath: string): string {
  return openApiPath.replace(/\{[A-Za-z0-9_]+\}/g, 'edxt-none');
}

describe('the OpenAPI document matches the routes the gateway serves', () => {
  let h: Harness;
  let documented: Map<string, Set<Method>>;
  beforeAll(async () => {
    documented = documentedOperations();
    // Every optional part switched on (admin UI included), so every route the gateway can serve is mounted.
    h = await buildHarness({ exchange: fakeExchange([]), adminUi: Router().get('/queues', (_req, res) => { res.end(); }) });
  });
  afterAll(async () => h.close());

  /** Whether a route answers `method path`: anything but the gateway's own 404 for an unknown endpoint. */
  async function served(method: Method, path: string): Promise<boolean> {
    // An operator's token: the admin routes check it before their route is looked up, the agency routes refuse it.
    const res = await request(h.app)[method](path).set('Authorization', `Bearer ${OPERATOR_TOKEN}`).set('Content-Type', 'application/json').send('{}');
    return !(res.status === 404 && (res.body as { code?: unknown }).code === 'NOT_FOUND');
  }

  it('tells a served route from an unknown one (a check of the probe itself)', async () => {
    expect(await served('get', '/healthz')).toBe(true);
    expect(await served('get', '/v1/packages/edxt-none')).toBe(true);
    expect(await served('get', '/v1/no-such-thing')).toBe(false);
    expect(await served('delete', '/healthz')).toBe(false);
  });

  it('every documented operation is served', async () => {
    const missing: string[] = [];
    for (const [path, methods] of documented) {
      for (const method of methods) if (!(await served(method, concrete(path)))) missing.push(`${method.toUpperCase()} ${path}`);
    }
    expect(missing).toEqual([]);
  });

  it('no undocumented method is served on a documented path, nor on any path above one', async () => {
    const above = new Set([...documented.keys()].flatMap((p) => p.split('/').slice(1, -1).map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`)));
    const probes = new Map<string, Set<Method>>([...[...above].map((p): [string, Set<Method>] => [p, new Set()]), ...documented]);
    const undocumented: string[] = [];
    for (const [path, methods] of probes) {
      if (UI_MOUNTS.some((ui) => path === ui || path.startsWith(`${ui}/`))) continue;
      for (const method of METHODS) {
        if (!methods.has(method) && (await served(method, concrete(path)))) undocumented.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(undocumented).toEqual([]);
  });
});
