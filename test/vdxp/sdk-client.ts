/**
 * A client that behaves exactly like the government's Java SDK (SDKVXP-2.0.1, PROTOCOL.md): one service object with
 * a timestamp frozen at construction and a header map that only grows (Java HashMap order), HMAC-SHA256 over the
 * compact JSON of the headers, `sendEdoc` as raw file bytes + CRLF with an unpadded hex `hash-file`, `Expect:
 * 100-continue` on non-empty HttpClient POSTs, the body `{}` where the SDK sends it. It speaks raw HTTP/1.1 so the
 * headers go out exactly in the SDK's order.
 */
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { JavaHashMap } from './java-hash-map.js';

/** The SDK's `ddMMyyyy'T'HHmmss+SSSS` in the JVM's zone (here: Asia/Ho_Chi_Minh, as on an agency's server). */
export function sdkTimestamp(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(local.getUTCDate())}${two(local.getUTCMonth() + 1)}${local.getUTCFullYear()}T${two(local.getUTCHours())}${two(local.getUTCMinutes())}${two(local.getUTCSeconds())}+${String(local.getUTCMilliseconds()).padStart(4, '0')}`;
}

/** Gson 2.2's JsonObject.toString(): compact, `"` and `\` escaped, control characters escaped, no HTML escaping. */
export function gsonJson(members: [string, string][]): string {
  const escape = (text: string): string => text.replace(/["\\\u0000-\u001f\u2028\u2029]/g, (c) => {
    switch (c) {
      case '"': return '\\"';
      case '\\': return '\\\\';
      case '\t': return '\\t';
      case '\b': return '\\b';
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\f': return '\\f';
      default: return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
  return `{${members.map(([k, v]) => `"${escape(k)}":"${escape(v)}"`).join(',')}}`;
}

/** `Integer.toHexString(b & 0xff)` per byte: hex without zero padding. */
export function unpaddedHex(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16)).join('');
}

export interface SignedHeaders {
  /** The request headers in wire order, without Host/Content-Length. */
  headers: [string, string][];
  signHeader: string;
  signHeaderKey: string;
  hashHeader: string;
}

/** What `VnptService.addXroadVnptHashHeader()` sends for a header map (PROTOCOL.md §2.2). */
export function signedHeadersOf(map: JavaHashMap, secret: string): SignedHeaders {
  const headers: [string, string][] = [];
  const signed: [string, string][] = [];
  const keys: string[] = [];
  for (const [key, value] of map.ordered()) {
    if (key === 'Content-Type') headers.push(['Content-Type', value]);
    headers.push([`XroadVnpt-${key}`, value]);
    signed.push([`XroadVnpt-${key}`, value]);
    keys.push(key);
  }
  const signHeader = gsonJson(signed);
  const signHeaderKey = keys.join(';');
  const hashHeader = createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(signHeader, 'utf8')).digest('hex');
  headers.push(['XroadVnpt-sign-header-key', signHeaderKey], ['XroadVnpt-sign-header', signHeader], ['XroadVnpt-hash-header', hashHeader]);
  headers.push(['User-Agent', 'JAVASDKAgent/1.0.0 XRoad/VPCP'], ['XroadVnpt-version', '3.0.201608']);
  return { headers, signHeader, signHeaderKey, hashHeader };
}

export interface SdkReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON, when it is. */
  json?: Record<string, unknown>;
}

export interface SdkClientOptions {
  /** `service.endpoint`, e.g. http://127.0.0.1:8080/vdxp */
  endpoint: string;
  systemId: string;
  secret: string;
  /** The construction time of the service object (frozen for its life). */
  constructedAt?: Date;
}

/** One SDK service object (KnobstickServiceImp and AgencyServiceImp behave alike on the wire). */
export class SdkClient {
  readonly map = new JavaHashMap();
  /** For tests of what a network may do to a request: changes the next request's headers and body on the wire. */
  onWire: ((headers: [string, string][], body: Buffer | undefined) => { headers: [string, string][]; body: Buffer | undefined }) | undefined;

  constructor(private readonly options: SdkClientOptions) {
    this.map.put('timestamp', sdkTimestamp(options.constructedAt ?? new Date()));
    this.map.put('systemid', options.systemId);
  }

  /** Puts the caller JSON's members into the map as the SDK does (getAsString; `to` kept as JSON text for sendEdoc). */
  private putCallerJson(json: Record<string, string | string[]>, sendEdoc = false): void {
    for (const [key, value] of Object.entries(json)) this.map.put(key, sendEdoc && key === 'to' ? JSON.stringify(value) : String(value));
  }

  private send(method: 'GET' | 'POST', operation: string, body: Buffer | undefined, expectContinue: boolean): Promise<SdkReply> {
    const signed = signedHeadersOf(this.map, this.options.secret).headers;
    const altered = this.onWire?.(signed, body);
    this.onWire = undefined;
    const headers = altered?.headers ?? signed;
    if (altered) body = altered.body;
    const url = new URL(`${this.options.endpoint}/${operation}`);
    const wire: [string, string][] = [...headers];
    if (body !== undefined) wire.push(['Content-Length', String(body.length)]);
    if (expectContinue) wire.push(['Expect', '100-continue']);
    wire.push(['Connection', 'Keep-Alive']);
    return new Promise((resolve, reject) => {
      // Node sends a header given as an array value once per element: how a duplicated header is tested.
      const byName = new Map<string, string[]>();
      for (const [name, value] of wire) byName.set(name, [...(byName.get(name) ?? []), value]);
      const req = http.request({ host: url.hostname, port: url.port, method, path: url.pathname, headers: Object.fromEntries([...byName].map(([n, v]) => [n, v.length === 1 ? v[0]! : v])) });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const data = Buffer.concat(chunks);
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, ...(json ? { json } : {}) });
        });
        res.on('error', reject);
      });
      if (expectContinue && body !== undefined) req.on('continue', () => req.end(body));
      else req.end(body);
    });
  }

  /** The HttpClient path: POST with an empty body, or the 2 bytes `{}` (with Expect: 100-continue). */
  post(operation: string, callerJson: Record<string, string | string[]>, body: 'empty' | 'braces'): Promise<SdkReply> {
    // Each call puts its Content-Type, then the caller's members (PROTOCOL.md §2.1 steps 3 and 4).
    this.map.put('Content-Type', 'application/json');
    this.putCallerJson(callerJson);
    const bytes = body === 'braces' ? Buffer.from('{}') : Buffer.alloc(0);
    return this.send('POST', operation, bytes, bytes.length > 0);
  }

  /** registerAgency: the caller's data string, UTF-8, as the body. */
  postData(operation: string, callerJson: Record<string, string>, data: string): Promise<SdkReply> {
    this.map.put('Content-Type', 'application/json');
    this.putCallerJson(callerJson);
    return this.send('POST', operation, Buffer.from(data, 'utf8'), true);
  }

  /** sendEdoc through HttpURLConnection: the file + CRLF, octet-stream, hash-file of the file, no Expect. */
  sendEdoc(callerJson: Record<string, string | string[]>, file: Buffer): Promise<SdkReply> {
    this.map.put('Content-Type', 'application/octet-stream');
    this.putCallerJson(callerJson, true);
    this.map.put('hash-file', unpaddedHex(createHash('sha256').update(file).digest()));
    return this.send('POST', 'sendEdoc', Buffer.concat([file, Buffer.from('\r\n')]), false);
  }

  /** downloadEdoc: a GET without a body. */
  get(operation: string, callerJson: Record<string, string>): Promise<SdkReply> {
    this.map.put('Content-Type', 'application/json');
    this.putCallerJson(callerJson);
    return this.send('GET', operation, undefined, false);
  }
}
