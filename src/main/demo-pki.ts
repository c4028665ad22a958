/**
 * A throw-away test PKI for the demo, the gateway benchmark and the end-to-end tests: src/pki's generated government-
 * shaped hierarchy, its root and subordinate written as the axis's trust anchors, and its dev CRL/OCSP server on
 * 127.0.0.1, which every certificate points at. With that server running the default REVOCATION_POLICY (require,
 * fail-closed) really checks each signer's revocation status, as production does against the CA's responders.
 * Never for production: keys live in memory.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateTestPki, startTestPkiServer, testSigner, toPem, type TestIdentity, type TestPki, type TestPkiServer } from '../pki/test-pki/index.js';
import type { Signer } from '../signature/signer.js';

export interface DemoPki {
  pki: TestPki;
  /** Holds the test root and subordinate CA certificates: point TRUST_ANCHORS_DIR here. */
  trustDir: string;
  /** The dev CRL/OCSP server the certificates name (undefined with `revocation: 'unreachable'`). */
  revocationServer: TestPkiServer | undefined;
  signerOf(identity: TestIdentity): Signer;
  /** Stops the dev CRL/OCSP server. */
  close(): Promise<void>;
}

export interface DemoPkiOptions {
  /**
   * serve (default): start the dev CRL/OCSP server. unreachable: the certificates name an address where nothing
   * listens, to play "responder down".
   */
  revocation?: 'serve' | 'unreachable';
}

/** Port 1 on the loopback: connections are refused at once, so "unreachable" costs no timeout. */
const NOWHERE = 'http://127.0.0.1:1';

export async function createDemoPki(trustDir: string, options: DemoPkiOptions = {}): Promise<DemoPki> {
  const server = options.revocation === 'unreachable' ? undefined : await startTestPkiServer();
  try {
    const pki = await generateTestPki({ baseUrl: server?.url ?? NOWHERE });
    server?.serve(pki);
    await mkdir(trustDir, { recursive: true });
    // As an axis holds the government root and its subordinate CAs: packages usually carry only the signer's own certificate.
    await writeFile(path.join(trustDir, 'test-root.pem'), toPem(pki.root.certificate));
    await writeFile(path.join(trustDir, 'test-subordinate.pem'), toPem(pki.subordinate.certificate));
    return { pki, trustDir, revocationServer: server, signerOf: testSigner, close: async () => server?.close() };
  } catch (error) {
    await server?.close();
    throw error;
  }
}
