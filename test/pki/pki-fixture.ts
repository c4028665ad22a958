/** One test PKI per test file, its CRL/OCSP server on 127.0.0.1 (port 0) already serving it. */
import { generateTestPki, startTestPkiServer, type TestPki, type TestPkiServer } from '../../src/pki/test-pki/index.js';

export interface ServedPki {
  pki: TestPki;
  server: TestPkiServer;
}

export async function servedTestPki(): Promise<ServedPki> {
  const server = await startTestPkiServer();
  const pki = await generateTestPki({ baseUrl: server.url });
  server.serve(pki);
  return { pki, server };
}

/** A PKI whose CRL and OCSP URLs point at a port nothing listens on any more: "responder down". */
export async function unreachableTestPki(): Promise<TestPki> {
  const server = await startTestPkiServer();
  const url = server.url;
  await server.close();
  return generateTestPki({ baseUrl: url });
}
