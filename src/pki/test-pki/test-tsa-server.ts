/**
 * The test TSA's network side on 127.0.0.1, started like the test PKI server: POST / with application/timestamp-query
 * answers application/timestamp-reply. It listens first (port 0 unless told) and serves a TSA identity handed to it;
 * options play a TSA that refuses, signs the wrong thing, sends garbage, answers too much or never answers.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerTimeStampRequest, timeStampRefusal, TSA_FAILURE, type TsaResponderOptions } from './tsa-responder.js';
import { boundedBody } from './request-body.js';

const MAX_REQUEST_BYTES = 16 * 1024;

export interface TsaServeOptions extends Omit<TsaResponderOptions, 'signer'> {
  /** Answer with this HTTP status and no token. */
  httpStatus?: number;
  /** Answer bytes that are not DER. */
  garbage?: boolean;
  /** Answer this many bytes (a response that is too large). */
  oversizeBytes?: number;
  /** Keep the connection open and never answer (a client timeout). */
  hang?: boolean;
}

export interface TestTsaServer {
  url: string;
  /** Requests received. */
  readonly requests: number;
  serve(signer: TsaResponderOptions['signer'], options?: TsaServeOptions): void;
  close(): Promise<void>;
}


export async function startTestTsaServer(options: { port?: number } = {}): Promise<TestTsaServer> {
  let signer: TsaResponderOptions['signer'] | undefined;
  let serving: TsaServeOptions = {};
  let requests = 0;
  const reply = (res: ServerResponse, status: number, payload: Uint8Array | string, type = 'application/timestamp-reply') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(payload);
  };
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST') return reply(res, 405, 'POST a TimeStampReq', 'text/plain');
    if (!signer) return reply(res, 503, 'no TSA served yet', 'text/plain');
    const current = { signer, ...serving };
    void boundedBody(req, MAX_REQUEST_BYTES).then(async (request) => {
      requests += 1;
      if (current.hang) return undefined;
      if (!request) return reply(res, 413, timeStampRefusal(2, 'Request too large.', TSA_FAILURE.badRequest));
      if (current.httpStatus) return reply(res, current.httpStatus, 'TSA unavailable', 'text/plain');
      if (current.garbage) return reply(res, 200, Buffer.from('this is not a TimeStampResp'));
      if (current.oversizeBytes) return reply(res, 200, Buffer.alloc(current.oversizeBytes, 0x30));
      if (req.headers['content-type'] !== 'application/timestamp-query') return reply(res, 415, timeStampRefusal(2, 'Send application/timestamp-query.', TSA_FAILURE.badRequest));
      return reply(res, 200, await answerTimeStampRequest(request, current));
    }).catch(() => reply(res, 500, timeStampRefusal(2, 'TSA failure.', TSA_FAILURE.systemFailure)));
    return undefined;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get requests() {
      return requests;
    },
    serve(next, opts = {}) {
      signer = next;
      serving = opts;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
