/** The body of a request to a test server (CRL/OCSP, TSA), or undefined when it is larger than `max` bytes. */
import type { IncomingMessage } from 'node:http';

export async function boundedBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
