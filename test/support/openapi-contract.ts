/**
 * Every answer the gateway gives in the HTTP tests is checked against schemas/openapi.yaml, so the document and the
 * code cannot drift apart (issue 23). The test fixtures (test/http/harness.ts, test/http/exchange-fixture.ts) put a
 * recorder in front of the dialects; each answer is matched to its documented operation and status, its media type
 * to the documented ones, and its JSON body validated with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1)
 * against the documented schema. A fixture's close() fails the test file with the list of answers that do not match.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router } from 'express';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { HttpDialect } from '../../src/http/dialect.js';
import { loadOpenApiDocument } from '../../src/http/openapi-document.js';

type Json = Record<string, unknown>;

export interface Answer {
  method: string;
  path: string;
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const escape = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');

interface Contract {
  document: Json;
  ajv: Ajv2020;
  /** Documented paths, most literal first, with the pattern each matches. */
  paths: { template: string; pattern: RegExp }[];
}

let contract: Contract | undefined;

function load(): Contract {
  if (contract) return contract;
  const document = loadOpenApiDocument();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('binary', true);
  ajv.addSchema(document, 'openapi');
  const paths = Object.keys(document['paths'] as Json)
    .map((template) => ({ template, pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`), params: (template.match(/\{/g) ?? []).length }))
    .sort((a, b) => a.params - b.params)
    .map(({ template, pattern }) => ({ template, pattern }));
  contract = { document, ajv, paths };
  return contract;
}

/** What is wrong with this answer against the document, or undefined when it matches. */
export function checkAgainstOpenApi(answer: Answer, options: { bodies?: (answer: Answer) => boolean } = {}): string | undefined {
  const { document, ajv, paths } = load();
  const what = `${answer.method} ${answer.path} -> ${answer.status}`;
  // The operator pages (Bull Board, Swagger UI) are not API operations; an unknown path is the app's 404. The
  // government SDK's protocol (/vdxp) is specified by its own PROTOCOL.md and checked by test/vdxp, not by this document.
  if (/^\/(admin|docs|vdxp)(\/|$)/.test(answer.path)) return undefined;
  const path = paths.find((p) => p.pattern.test(answer.path));
  if (!path) return answer.status === 404 ? undefined : `${what}: the path is not documented`;
  const method = answer.method.toLowerCase();
  const operation = ((document['paths'] as Json)[path.template] as Json)[method] as Json | undefined;
  // An undocumented method on a documented path answered 404 is the app's "no such endpoint", not an operation.
  if (!operation) return answer.status === 404 ? undefined : `${what}: ${answer.method} ${path.template} is not documented`;
  const responses = operation['responses'] as Json;
  const status = String(answer.status);
  const key = [status, `${status[0]}XX`, 'default'].find((k) => responses[k] !== undefined);
  if (!key) return `${what}: status ${status} is not documented for ${answer.method} ${path.template} (documented: ${Object.keys(responses).join(', ')})`;
  let pointer = `/paths/${escape(path.template)}/${method}/responses/${key}`;
  let response = responses[key] as Json;
  const ref = response['$ref'];
  if (typeof ref === 'string') {
    pointer = ref.slice(1);
    response = ref.slice(2).split('/').reduce<Json>((node, token) => node[token.replace(/~1/g, '/').replace(/~0/g, '~')] as Json, document);
  }
  const content = response['content'] as Json | undefined;
  const hasBody = answer.body.length > 0 && method !== 'head';
  if (!content) return hasBody ? `${what}: the answer has a body (${answer.contentType ?? 'no type'}) the document does not describe` : undefined;
  if (!hasBody) return undefined;
  const type = (answer.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (content[type] === undefined) return `${what}: answered as ${type || 'no type'}, documented as ${Object.keys(content).join(', ')}`;
  if (!/json$/.test(type) || (content[type] as Json)['schema'] === undefined) return undefined;
  if (type !== 'application/problem+json' && options.bodies && !options.bodies(answer)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return `${what}: the ${type} body is not JSON`;
  }
  const validate = ajv.getSchema(`openapi#${pointer}/content/${escape(type)}/schema`);
  if (!validate) return `${what}: no schema at ${pointer}`;
  if (validate(body)) return undefined;
  const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}${e.params && 'allowedValues' in e.params ? ` ${JSON.stringify(e.params['allowedValues'])}` : ''}`);
  return `${what}: the body does not match ${pointer}: ${errors.join('; ')}`;
}

export interface OpenApiRecorder {
  /** Mount first among the dialects: it records and passes every request on. */
  dialect: HttpDialect;
  /** Every answer that did not match the document so far. */
  problems(): string[];
  /** How many answers were checked. */
  checked(): number;
  /** Throws with the list of problems, if any (for a fixture's close()). */
  assertAllMatched(): void;
}

const KEPT_BODY_BYTES = 1024 * 1024;

/**
 * bodies: which successful JSON bodies to validate (default all; problems always): a fixture whose use-cases are
 * stand-ins (test/http/harness.ts's fake exchange) leaves theirs out, since they are not the real shapes.
 */
export function openApiRecorder(options: { bodies?: (answer: Answer) => boolean } = {}): OpenApiRecorder {
  const found: string[] = [];
  let checked = 0;
  const router = Router();
  router.use((req, res, next) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    const keep = (chunk: unknown, encoding?: unknown): void => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function' || kept > KEPT_BODY_BYTES) return;
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      kept += buffer.length;
      chunks.push(buffer);
    };
    // Listens to what the app writes, unchanged: the same arguments go on to the real methods.
    const out = res as unknown as { write: (...args: unknown[]) => boolean; end: (...args: unknown[]) => unknown };
    const write = out.write.bind(res);
    const end = out.end.bind(res);
    out.write = (...args: unknown[]) => { keep(args[0], args[1]); return write(...args); };
    out.end = (...args: unknown[]) => { keep(args[0], args[1]); return end(...args); };
    res.once('finish', () => {
      checked += 1;
      const problem = checkAgainstOpenApi(answerOf(req, res, Buffer.concat(chunks)), options);
      if (problem) found.push(problem);
    });
    next();
  });
  return {
    dialect: { name: 'openapi-recorder', mountPath: '/', router },
    problems: () => [...found],
    checked: () => checked,
    assertAllMatched() {
      if (found.length > 0) throw new Error(`${found.length} answer(s) do not match schemas/openapi.yaml:\n  ${found.join('\n  ')}`);
    },
  };
}

function answerOf(req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, body: Buffer): Answer {
  const type = res.getHeader('content-type');
  return {
    method: req.method ?? 'GET',
    path: (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '',
    status: res.statusCode,
    contentType: typeof type === 'string' ? type : undefined,
    body,
  };
}
