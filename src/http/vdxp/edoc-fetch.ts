/**
 * A package for the system's agencies, by the signed `docId` (the DocId sendEdoc and the lists give):
 * - `getEdoc`: base64 of the byte-exact package inside the JSON reply, streamed (a 250 MB package never sits in
 *   memory as one string);
 * - `downloadEdoc` (GET): the raw package as the body; any failure is an empty body, which is how the SDK tells one;
 * - `updateStatus`: the transport acknowledgement. `done` acknowledges (the `acknowledged` receipt; the package leaves
 *   the received list); `processing` and `fail` change nothing (the package stays listed, to be fetched again) and
 *   are answered OK once the package is one the system may see. Repeating any of them is harmless.
 * A recipient's first complete download records its `fetched` receipt, as through `/v1`.
 */
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { Exchange } from '../../exchange/create-exchange.js';
import type { VdxpCaller } from './vdxp-auth.js';
import { VdxpError } from './vdxp-error.js';
import { asciiJson, replyOk } from './vdxp-reply.js';

function docIdOf(caller: VdxpCaller): string {
  const docId = caller.signed.get('docid');
  if (!docId) throw new VdxpError('VDXP_DOC_ID_MISSING', 'Say which package (the signed docId): the DocId that sendEdoc or getReceivedEdocList gave.');
  return docId;
}

async function open(exchange: Exchange, caller: VdxpCaller): Promise<Awaited<ReturnType<Exchange['fetchPackage']>>> {
  const envelopeId = docIdOf(caller);
  const party = await exchange.findParty({ envelopeId, organIds: caller.system.agencies });
  return exchange.fetchPackage({ organId: party.organId, envelopeId });
}

/** Base64 of a byte stream, in pieces that are whole multiples of 3 bytes until the last. */
function base64Encoder(): Transform {
  let rest = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const bytes = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      const whole = bytes.length - (bytes.length % 3);
      rest = Buffer.from(bytes.subarray(whole));
      done(null, bytes.subarray(0, whole).toString('base64'));
    },
    flush(done) {
      done(null, rest.length > 0 ? rest.toString('base64') : undefined);
    },
  });
}

/** Pipes the bytes into the reply; a failed read (or record) cuts it short, so the SDK never sees a false whole package. */
async function streamInto(res: Response, ...stages: [Readable, ...Transform[]]): Promise<boolean> {
  try {
    await pipeline([...stages, res], { end: false });
    return true;
  } catch {
    res.destroy();
    return false;
  }
}

export async function getEdoc(exchange: Exchange, caller: VdxpCaller, res: Response): Promise<void> {
  const fetched = await open(exchange, caller);
  res.status(200).set({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  // The reply is the envelope with `data` last: its value is streamed between the opening and the closing quote.
  const envelope = asciiJson({ status: 'OK', ErrorCode: '0', ErrorDesc: 'Success', data: '' });
  res.write(envelope.slice(0, -2));
  if (await streamInto(res, fetched.stream, base64Encoder())) res.end('"}');
}

export async function downloadEdoc(exchange: Exchange, caller: VdxpCaller, res: Response): Promise<void> {
  const fetched = await open(exchange, caller);
  res.status(200).set({ 'Content-Type': 'application/xml', 'Content-Length': String(fetched.size), 'Cache-Control': 'no-store' });
  if (await streamInto(res, fetched.stream)) res.end();
}

export const TRANSPORT_STATUSES = ['done', 'processing', 'fail'] as const;

export async function updateStatus(exchange: Exchange, caller: VdxpCaller, res: Response): Promise<void> {
  const envelopeId = docIdOf(caller);
  const status = caller.signed.get('status')?.toLowerCase();
  if (!status || !(TRANSPORT_STATUSES as readonly string[]).includes(status)) {
    throw new VdxpError('VDXP_STATUS_UNKNOWN', `The signed status must be one of ${TRANSPORT_STATUSES.join(', ')} (the transport acknowledgement); business statuses travel as status packages (sendEdoc with messagetype status).`);
  }
  const party = await exchange.findParty({ envelopeId, organIds: caller.system.agencies });
  if (status === 'done') {
    await exchange.acknowledge({ organId: party.organId, envelopeId });
  } else {
    // Checked as a download is (a party, not withheld, still kept), so the answer means the package is there.
    await exchange.describePackage({ organId: party.organId, envelopeId });
  }
  replyOk(res);
}
