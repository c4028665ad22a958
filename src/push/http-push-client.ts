/**
 * PushClient over node:http(s) with keep-alive sockets, a connect timeout and a response timeout (a receiver that
 * accepts the connection and never answers is cut off and retried later). Redirects are not followed. Every push is
 * held to the push endpoint policy at connect time: the URL (scheme, an address written in it) before the request,
 * and every address a host name resolves to in the agents' own DNS look-up, so a name that resolves to a private or
 * metadata address now (DNS rebinding) is refused like one registered so.
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { isAxisError } from '../errors/axis-error.js';
import { createPushEndpointPolicy, type PushEndpointPolicy } from '../exchange/agencies/push-endpoint-policy.js';
import type { NetworkFailure, PushClient, PushRequest, PushResult } from '../exchange/ports/index.js';

const EXCERPT_BYTES = 2048;

class PushTimeout extends Error {
  constructor(readonly failure: NetworkFailure, message: string) {
    super(message);
  }
}

function failureOf(error: Error & { code?: string }): NetworkFailure {
  if (error instanceof PushTimeout) return error.failure;
  switch (error.code) {
    case 'ECONNREFUSED': return 'refused';
    case 'ECONNRESET': case 'EPIPE': case 'ECONNABORTED': return 'reset';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'dns';
    case ADDRESS_FORBIDDEN: return 'forbidden';
    default: return 'other';
  }
}

const ADDRESS_FORBIDDEN = 'EDX_PUSH_ADDRESS_FORBIDDEN';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;
/** How host names are resolved: dns.lookup (the system's resolver, /etc/hosts included). */
export type ResolveAll = (hostname: string, options: dns.LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void) => void;
const systemResolver: ResolveAll = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/** dns.lookup, refusing a name any of whose addresses the policy forbids (all of them, whichever the socket would pick). */
function guardedLookup(policy: PushEndpointPolicy, resolve: ResolveAll) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const refused = addresses.find((a) => !policy.mayConnect(hostname, a.address));
      if (refused) {
        const forbidden: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${refused.address}, a loopback, private, link-local or metadata address the axis does not push to (PUSH_ALLOWED_HOSTS)`);
        forbidden.code = ADDRESS_FORBIDDEN;
        return callback(forbidden, '');
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
      callback(null, first.address, first.family);
    });
  };
}

export interface HttpPushClientOptions {
  maxSockets?: number;
  /** Where pushes may go (PUSH_ALLOW_HTTP, PUSH_ALLOWED_HOSTS); default: https to public addresses only. */
  endpoints?: PushEndpointPolicy;
  /** The resolver the look-up check asks (default dns.lookup); a test stands in a name that changes its address. */
  resolve?: ResolveAll;
}

export interface HttpPushClient extends PushClient {
  /**
   * Destroys every socket, in use or not. A push in flight then ends as `interrupted` (not as a network failure of
   * the recipient's, which would spend one of its attempts), and so does any push asked for afterwards.
   */
  close(): void;
}

export function createHttpPushClient(options: HttpPushClientOptions = {}): HttpPushClient {
  const policy = options.endpoints ?? createPushEndpointPolicy();
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256, scheduling: 'lifo' as const, lookup: guardedLookup(policy, options.resolve ?? systemResolver) };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  let closed = false;

  const push = (request: PushRequest): Promise<PushResult> => new Promise<PushResult>((resolve) => {
    if (closed) return resolve({ kind: 'interrupted' });
    try {
      // Node connects to an address written in the URL without a look-up: judged here, with the scheme.
      policy.checkUrl(request.url);
    } catch (error) {
      if (!isAxisError(error)) throw error;
      return resolve({ kind: 'network', failure: 'forbidden', message: error.message });
    }
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    const lib = secure ? https : http;
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    let responseTimer: NodeJS.Timeout | undefined;
    /** Set when the package's own stream fails: whatever error the request then reports, that is the cause. */
    let bodyFailure: (Error & { code?: string }) | undefined;
    const finish = (result: PushResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
      resolve(result);
    };
    const req = lib.request(url, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      headers: { 'content-type': 'application/xml', ...request.headers, 'content-length': String(request.contentLength) },
    });
    const startResponseTimer = (): void => {
      responseTimer = setTimeout(() => req.destroy(new PushTimeout('response-timeout', `no complete answer within ${request.responseTimeoutMs} ms`)), request.responseTimeoutMs);
    };
    req.on('socket', (socket: Socket) => {
      if (!socket.connecting) return startResponseTimer();
      connectTimer = setTimeout(() => req.destroy(new PushTimeout('connect-timeout', `no connection within ${request.connectTimeoutMs} ms`)), request.connectTimeoutMs);
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(connectTimer);
        startResponseTimer();
      });
    });
    const failed = (error: Error & { code?: string }): void => {
      if (closed) return finish({ kind: 'interrupted' });
      if (bodyFailure) return finish({ kind: 'body-failed', error: bodyFailure });
      finish({ kind: 'network', failure: failureOf(error), message: error.message });
    };
    req.on('error', failed);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept < EXCERPT_BYTES) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      res.on('error', failed);
      res.on('end', () => {
        const retryAfter = res.headers['retry-after'];
        finish({
          kind: 'response',
          status: res.statusCode ?? 0,
          ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
          bodyExcerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8'),
        });
      });
    });
    if (Buffer.isBuffer(request.body)) {
      req.end(request.body);
    } else {
      request.body().then((stream) => {
        stream.once('error', (error: Error) => { bodyFailure ??= error; });
        return pipeline(stream, req);
      }, (error: Error) => {
        bodyFailure = error;
        throw error;
      }).catch((error: Error) => {
        if (bodyFailure) finish({ kind: 'body-failed', error: bodyFailure });
        req.destroy(error);
      });
    }
  });

  return {
    push,
    close() {
      closed = true;
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
