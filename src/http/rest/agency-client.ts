/**
 * A small client for the exchange API v1 as an agency system speaks it: every request HMAC-signed (docs/auth.md)
 * with a fresh nonce. Used by `edx demo`, the gateway benchmark and anyone scripting against the axis.
 */
import { signRequest } from './request-signing.js';

export interface AgencyClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  keyId: string;
  secret: string;
}

export interface ApiReply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export class ApiRequestError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(`${status} ${code}: ${message}`);
  }
}

export interface AgencyClient {
  request<T = unknown>(method: 'GET' | 'POST', path: string, body?: Uint8Array, contentType?: string): Promise<ApiReply<T>>;
  /** Like request, but throws ApiRequestError (with the problem's code) on any status >= 400. */
  call<T = unknown>(method: 'GET' | 'POST', path: string, body?: Uint8Array, contentType?: string): Promise<ApiReply<T>>;
  sendPackage<T = unknown>(edxml: Uint8Array): Promise<ApiReply<T>>;
  /** The raw package bytes, exactly as stored. */
  fetchPackage(packageId: string): Promise<{ bytes: Buffer; etag: string | null }>;
}

export function createAgencyClient(options: AgencyClientOptions): AgencyClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  async function request<T>(method: 'GET' | 'POST', path: string, body?: Uint8Array, contentType?: string): Promise<ApiReply<T>> {
    const headers: Record<string, string> = { ...signRequest({ method, path, keyId: options.keyId, secret: options.secret, ...(body ? { body } : {}) }) };
    if (body && contentType) headers['Content-Type'] = contentType;
    const response = await fetch(base + path, { method, headers, ...(body ? { body } : {}) });
    const type = response.headers.get('content-type') ?? '';
    const parsed = type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer());
    return { status: response.status, headers: response.headers, body: parsed as T };
  }
  async function call<T>(method: 'GET' | 'POST', path: string, body?: Uint8Array, contentType?: string): Promise<ApiReply<T>> {
    const reply = await request<T>(method, path, body, contentType);
    if (reply.status >= 400) {
      const problem = reply.body as { code?: string; detail?: string };
      throw new ApiRequestError(reply.status, problem.code ?? 'HTTP_ERROR', problem.detail ?? 'request failed');
    }
    return reply;
  }
  return {
    request,
    call,
    sendPackage: (edxml) => call('POST', '/v1/packages', edxml, 'application/xml'),
    async fetchPackage(packageId) {
      const reply = await call<Buffer>('GET', `/v1/packages/${encodeURIComponent(packageId)}`);
      return { bytes: reply.body, etag: reply.headers.get('etag') };
    },
  };
}
