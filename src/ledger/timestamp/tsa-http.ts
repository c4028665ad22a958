/**
 * One POST to a time-stamping authority over node:http(s), bounded: an overall deadline (a TSA that drips bytes
 * cannot hold the checkpointer) and a response size limit checked before and while reading.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AxisError } from '../../errors/axis-error.js';

export interface TsaHttpLimits {
  timeoutMs: number;
  maxResponseBytes: number;
}

export function parseTsaUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AxisError('LEDGER_TSA_URL_INVALID', `"${url}" is not a URL of a time-stamping authority.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new AxisError('LEDGER_TSA_URL_INVALID', `The time-stamping authority must be reached over http or https, not ${parsed.protocol}.`);
  return parsed;
}

export function postTimestampQuery(url: string, body: Uint8Array, limits: TsaHttpLimits): Promise<Buffer> {
  const target = parseTsaUrl(url);
  const where = { url: target.origin };
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const finish = (error: AxisError | undefined, bytes?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(bytes!);
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply', 'content-length': body.length },
    }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return finish(new AxisError('LEDGER_TSA_HTTP_STATUS', `The time-stamping authority answered HTTP ${res.statusCode}.`, { ...where, status: res.statusCode }));
      }
      const tooLarge = () => new AxisError('LEDGER_TSA_RESPONSE_TOO_LARGE', `The time-stamping authority sent more than ${limits.maxResponseBytes} bytes.`, where);
      if (Number(res.headers['content-length'] ?? 0) > limits.maxResponseBytes) return finish(tooLarge());
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxResponseBytes) return finish(tooLarge());
        chunks.push(chunk);
        return undefined;
      });
      res.on('end', () => finish(undefined, Buffer.concat(chunks)));
      res.on('error', (error) => finish(new AxisError('LEDGER_TSA_UNREACHABLE', `The answer of the time-stamping authority was cut off (${error.message}).`, where, { cause: error })));
      return undefined;
    });
    const deadline = setTimeout(() => finish(new AxisError('LEDGER_TSA_UNREACHABLE', `The time-stamping authority did not answer within ${limits.timeoutMs} ms.`, where)), limits.timeoutMs);
    req.on('error', (error) => finish(new AxisError('LEDGER_TSA_UNREACHABLE', `The time-stamping authority cannot be reached (${error.message}).`, where, { cause: error })));
    req.end(body);
  });
}
