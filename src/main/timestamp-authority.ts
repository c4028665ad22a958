/**
 * Which time-stamping authority the checkpoints go to (docs/evidence.md): TSA_URL with its roots in
 * TSA_TRUST_ANCHORS_DIR; or, with the development axis identity and no TSA_URL, the development TSA started here on
 * 127.0.0.1 with a certificate from the development root (so its tokens verify with DATA_DIR/axis/trust, like the
 * receipts). A production identity without TSA_URL gets none: checkpoints are signed, not time-stamped, and evidence
 * health says so.
 */
import type { AxisConfig } from '../config/config.js';
import { createTsaClient, devTrustDir, loadOrCreateDevTsa, loadTrustAnchors, type TimestampAuthority } from '../ledger/index.js';
import { startTestTsaServer } from '../pki/test-pki/test-tsa-server.js';

export interface OpenedTimestampAuthority {
  authority: TimestampAuthority | undefined;
  /** Where its roots are: what `edx ledger verify` and evidence bundles check tokens against. */
  trustAnchorsDir: string;
  /** The development TSA's URL, when it is the one serving. */
  devUrl?: string;
  close(): Promise<void>;
}

/** The TSA roots of this configuration (TSA_TRUST_ANCHORS_DIR, else the development trust directory). */
export function tsaTrustAnchorsDir(config: Pick<AxisConfig, 'dataDir' | 'ledger'>): string {
  return config.ledger.tsaTrustAnchorsDir ?? devTrustDir(config.dataDir);
}

export async function openTimestampAuthority(config: Pick<AxisConfig, 'dataDir' | 'ledger' | 'axisP12'>, warn: (message: string) => void): Promise<OpenedTimestampAuthority> {
  const trustAnchorsDir = tsaTrustAnchorsDir(config);
  const timeoutMs = config.ledger.tsaTimeoutMs;
  if (config.ledger.tsaUrl) {
    const trustAnchors = await loadTrustAnchors(trustAnchorsDir);
    return { authority: createTsaClient({ url: config.ledger.tsaUrl, trustAnchors, timeoutMs }), trustAnchorsDir, close: async () => undefined };
  }
  if (config.axisP12) {
    warn('no TSA_URL: checkpoints of the receipt log are signed but not time-stamped, so evidence health degrades (and with EVIDENCE_FAIL_CLOSED=true new packages are refused); set TSA_URL and TSA_TRUST_ANCHORS_DIR');
    return { authority: undefined, trustAnchorsDir, close: async () => undefined };
  }
  const server = await startTestTsaServer();
  server.serve(await loadOrCreateDevTsa(config.dataDir));
  const trustAnchors = await loadTrustAnchors(trustAnchorsDir);
  return { authority: createTsaClient({ url: server.url, trustAnchors, timeoutMs }), trustAnchorsDir, devUrl: server.url, close: () => server.close() };
}
