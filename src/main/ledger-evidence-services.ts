/**
 * The receipt log's read side, composed for the gateway and the CLI (`edx evidence export`): the exchange's
 * LedgerEvidence over the store, with the log's origin, the checkpoints' note verifier key (derived from the axis key,
 * docs/evidence.md) and the certificates the package signatures were checked with: the chain each package carries in
 * its KeyInfo, and the trust anchor (TRUST_ANCHORS_DIR) its verification report says it led to. A bundle brought back
 * (the web UI's upload) is checked against the same roots `edx ledger verify` uses by default.
 */
import { createHash } from 'node:crypto';
import type { AxisConfig } from '../config/config.js';
import { createLedgerEvidence, type LedgerEvidence } from '../exchange/evidence/ledger-evidence.js';
import type { SignerCertificates } from '../exchange/evidence/document-evidence.js';
import { devTrustDir, deriveNoteKey, type EvidenceTrust } from '../ledger/index.js';
import { loadTrustAnchors } from '../pki/index.js';
import { packageCertificates } from '../signature/xmldsig/index.js';
import type { AxisServices } from './axis-services.js';
import { tsaTrustAnchorsDir } from './timestamp-authority.js';

/** The roots the axis's own certificate leads to: TRUST_ANCHORS_DIR for AXIS_P12, else the development root's directory. */
export function axisTrustAnchorsDir(config: Pick<AxisConfig, 'axisP12' | 'trustAnchorsDir' | 'dataDir'>): string {
  return config.axisP12 ? config.trustAnchorsDir : devTrustDir(config.dataDir);
}

/** The fingerprints (SHA-256 hex) of the chain a verification report records, leaf first. */
function chainFingerprints(report: unknown): string[] {
  const path = (report as { signature?: { chain?: { path?: unknown } } } | undefined)?.signature?.chain?.path;
  if (!Array.isArray(path)) return [];
  return path.flatMap((c) => {
    const fp = (c as { sha256Fingerprint?: unknown } | undefined)?.sha256Fingerprint;
    return typeof fp === 'string' ? [fp.replace(/:/g, '').toLowerCase()] : [];
  });
}

export async function signerCertificatesUnder(trustAnchorsDir: string): Promise<SignerCertificates> {
  const anchors = await loadTrustAnchors(trustAnchorsDir).catch(() => [] as Buffer[]);
  const byFingerprint = new Map(anchors.map((der) => [createHash('sha256').update(der).digest('hex'), der]));
  return ({ bytes, report }) => {
    const carried = packageCertificates(bytes);
    const known = new Set(carried.map((der) => createHash('sha256').update(der).digest('hex')));
    const anchorsUsed = chainFingerprints(report).filter((fp) => !known.has(fp)).flatMap((fp) => byFingerprint.get(fp) ?? []);
    return [...carried, ...anchorsUsed];
  };
}

export async function openLedgerEvidence(config: Pick<AxisConfig, 'ledger' | 'trustAnchorsDir' | 'axisP12' | 'dataDir'>, services: Pick<AxisServices, 'store' | 'identity' | 'exportReceipt'>): Promise<LedgerEvidence> {
  const noteVerifierKey = deriveNoteKey(config.ledger.origin, services.identity.privateKey).verifierKey;
  // Read for each check, so a root added to the directories counts without a restart.
  const bundleTrust = async (): Promise<EvidenceTrust> => {
    const [trustAnchors, tsaTrustAnchors] = await Promise.all([loadTrustAnchors(axisTrustAnchorsDir(config)), loadTrustAnchors(tsaTrustAnchorsDir(config))]);
    return { trustAnchors, tsaTrustAnchors, noteVerifierKeys: [noteVerifierKey], origin: config.ledger.origin };
  };
  return createLedgerEvidence({
    store: services.store,
    exportReceipt: services.exportReceipt,
    origin: config.ledger.origin,
    noteVerifierKey,
    signerCertificates: await signerCertificatesUnder(config.trustAnchorsDir),
    bundleTrust,
  });
}
