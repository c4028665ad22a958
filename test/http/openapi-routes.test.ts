/**
 * The OpenAPI document and the Express app describe the same API: every route the gateway serves is documented,
 * and every documented operation is served. A route added without documentation (or documentation left behind by
 * a removed route) fails here. The routes are read from the app itself (Express 5 router stack), not from a list.
 */
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOpenApiDocument } from '../../src/http/openapi-document.js';
import { buildHarness, fakeExchange, type Harness } from './harness.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
/** Served but not API operations: the document itself, Swagger UI (/docs) and the queue board UI (/admin). */
const NOT_OPERATIONS = new Set(['GET /openapi.json']);
const UI_MOUNTS = ['/docs', '/admin'];

interface RouterLayer {
  name?: string;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

/** `/v1/packages/:id` -> `/v1/packages/{id}`, the OpenAPI spelling. */
function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function collectRoutes(stack: readonly RouterLayer[], prefix: string, into: Set<string>): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        if (typeof p !== 'string') throw new Error(`route with a non-string path under ${prefix || '/'}: document it by hand`);
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && METHODS.includes(method)) into.add(`${method.toUpperCase()} ${openApiPath(prefix + p)}`);
        }
      }
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      if (UI_MOUNTS.includes(prefix + mount)) continue;
      collectRoutes(layer.handle.stack, prefix + mount, into);
    }
  }
}

function servedOperations(app: Harness['app']): string[] {
  const stack = (app as unknown as { router?: { stack?: RouterLayer[] } }).router?.stack;
  if (!stack) throw new Error('no router stack on the app: has the Express major version changed?');
  const found = new Set<string>();
  collectRoutes(stack, '', found);
  return [...found].filter((op) => !NOT_OPERATIONS.has(op)).sort();
}

function documentedOperations(): string[] {
  const paths = loadOpenApiDocument()['paths'] as Record<string, Record<string, unknown>>;
  if (!paths) throw new Error('the OpenAPI document has no paths');
  return Object.entries(paths)
    .flatMap(([p, item]) => Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
}

describe('the OpenAPI document matches the routes the gateway serves', () => {
  let h: Harness;
  let served: string[];
  let documented: string[];
  beforeAll(async () => {
    documented = documentedOperations();
    // Every optional part switched on (admin UI included), so every route the gateway can serve is mounted.
    h = await buildHarness({ exchange: fakeExchange([]), adminUi: Router().get('/queues', (_req, res) => { res.end(); }) });
    served = servedOperations(h.app);
  });
  afterAll(async () => h.close());

  it('finds the routes by walking the app (a sanity check of the walk itself)', () => {
    expect(served).toEqual(expect.arrayContaining(['GET /healthz', 'POST /v1/packages', 'GET /v1/packages/{id}', 'POST /v1/admin/deliveries/{id}/replay']));
    expect(served.some((op) => op.includes('/docs') || op.includes('/admin/queues'))).toBe(false);
  });

  it('every served route is documented', () => {
    expect(served.filter((op) => !documented.includes(op))).toEqual([]);
  });

  it('every documented operation is served', () => {
    expect(documented.filter((op) => !served.includes(op))).toEqual([]);
  });
});
