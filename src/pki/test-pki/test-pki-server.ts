/**
 * The test PKI's network side on 127.0.0.1: GET /crl/root.crl and /crl/subordinate.crl, POST /ocsp. It listens first
 * (port 0 unless told) so its URL can be written into the certificates, then serves a PKI handed to it. Each part
 * can be switched off to play "responder down" or "CRL server down".
 */
import type { webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerOcspRequest, ocspError, type OcspAnswer } from './ocsp-responder.js';
import type { TestPki } from './generate-test-pki.js';
import { boundedBody } from './request-body.js';

const MAX_REQUEST_BYTES = 64 * 1024;

export interface ServeOptions {
  ocsp?: boolean;
  crl?: boolean;
  /** Replace the CRLs served (e.g. the stale one). */
  crls?: { root?: Uint8Array; subordinate?: Uint8Array };
  /** Override the OCSP status of a serial; return undefined to keep the PKI's own answer. */
  statusOverride?: (serialHex: string) => OcspAnswer | undefined;
  /** Who signs OCSP answers (default: the delegated responder). Tests use the CA itself, or an unauthorised key. */
  ocspSigner?: { certificate: Uint8Array; privateKey: webcrypto.CryptoKey };
  /** Misbehave: answer every request with the first answer given (stale nonce), as a replaying attacker would. */
  replayFirstAnswer?: boolean;
}

export interface TestPkiServer {
  url: string;
  /** Requests seen, by path ("/ocsp", "/crl/subordinate.crl"...). */
  hits: Map<string, number>;
  serve(pki: TestPki, options?: ServeOptions): void;
  close(): Promise<void>;
}

function statusFor(pki: TestPki, serial: string): OcspAnswer {
  const revoked = pki.revoked.find((r) => r.serial === serial);
  if (revoked) return { revokedAt: revoked.revokedAt, reason: revoked.reason };
  const issued = [...Object.values(pki.identities), ...pki.extraIdentities].some((i) => i.serialNumber === serial);
  return issued ? 'good' : 'unknown';
}


export async function startTestPkiServer(options: { port?: number } = {}): Promise<TestPkiServer> {
  let pki: TestPki | undefined;
  let serving: ServeOptions = {};
  let firstAnswer: Buffer | undefined;
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const send = (status: number, type: string, payload: Uint8Array | string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(payload);
    };
    if (!pki) return send(503, 'text/plain', 'no PKI served yet');
    const current = pki;
    if (path.startsWith('/crl/') && req.method === 'GET' && serving.crl !== false) {
      const crl = path === '/crl/root.crl' ? (serving.crls?.root ?? current.crls.root) : path === '/crl/subordinate.crl' ? (serving.crls?.subordinate ?? current.crls.subordinate) : undefined;
      return crl ? send(200, 'application/pkix-crl', crl) : send(404, 'text/plain', 'no such CRL');
    }
    if (path === '/ocsp' && req.method === 'POST' && serving.ocsp !== false) {
      void boundedBody(req, MAX_REQUEST_BYTES).then(async (request) => {
        if (!request) return send(413, 'application/ocsp-response', ocspError(1));
        const responder = serving.ocspSigner ?? current.identities['ocsp-responder'];
        if (serving.replayFirstAnswer && firstAnswer) return send(200, 'application/ocsp-response', firstAnswer);
        const answer = await answerOcspRequest(request, {
          signer: { certificate: responder.certificate, privateKey: responder.privateKey },
          includeSignerCertificate: true,
          statusOf: (serial) => serving.statusOverride?.(serial) ?? statusFor(current, serial),
        });
        firstAnswer ??= answer;
        send(200, 'application/ocsp-response', answer);
      }).catch(() => send(500, 'application/ocsp-response', ocspError(2)));
      return undefined;
    }
    return send(503, 'text/plain', 'this part of the test PKI is switched off');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    serve(next, opts = {}) {
      pki = next;
      serving = opts;
      firstAnswer = undefined;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
