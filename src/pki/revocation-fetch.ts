/**
 * The one place the certificate layer touches the network: plain HTTP GET (CRL) and POST (OCSP) with a timeout and a
 * size limit, through a fetch the caller may replace. LDAP and other schemes are not fetched.
 */
export type FetchLike = (url: string, init: { method: string; headers?: Record<string, string>; body?: Uint8Array; signal: AbortSignal }) => Promise<Response>;

export interface FetchSettings {
  fetch: FetchLike;
  timeoutMs: number;
  maxBytes: number;
}

export class FetchFailure extends Error {}

export function isHttpUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

export async function fetchBytes(settings: FetchSettings, url: string, init: { method: string; headers?: Record<string, string>; body?: Uint8Array }): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await settings.fetch(url, { ...init, signal: AbortSignal.timeout(settings.timeoutMs) });
  } catch (error) {
    throw new FetchFailure(`${url} did not answer (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!response.ok) throw new FetchFailure(`${url} answered HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > settings.maxBytes) throw new FetchFailure(`${url} sent more than ${settings.maxBytes} bytes`);
  const body = new Uint8Array(await response.arrayBuffer());
  if (body.length > settings.maxBytes) throw new FetchFailure(`${url} sent more than ${settings.maxBytes} bytes`);
  return body;
}
