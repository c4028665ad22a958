/**
 * What every process of the axis shares and opens first (the server, the worker processes, the CLI beside them): the
 * axis identity (dev PKI under DATA_DIR, or AXIS_P12), the store (embedded under DATA_DIR, or MongoDB when
 * MONGODB_URL is set) sealing receipts with that identity, the agency and connected-system registries over the
 * store, and the exporter that hands receipts out with the identity's certificate chain.
 */
import type { AxisConfig } from '../config/config.js';
import { makePrivateDir } from '../config/data-dir.js';
import { resolveSecretKey } from '../config/secret-key.js';
import { createAgencyRegistry, type AgencyRegistry } from '../exchange/agencies/agency-registry.js';
import { createPushEndpointPolicy } from '../exchange/agencies/push-endpoint-policy.js';
import type { Store } from '../exchange/ports/index.js';
import { createSystemRegistry, type SystemRegistry } from '../exchange/systems/system-registry.js';
import {
  createReceiptExporter, createReceiptSealer, describeAxisCertificates, identityHistoryDir, loadAxisIdentity, readAxisIdentityHistory,
  recordAxisIdentity, type AxisCertificates, type AxisIdentity, type ReceiptExporter,
} from '../ledger/index.js';
import { openStore } from '../store/open-store.js';

export interface AxisServices {
  store: Store;
  agencies: AgencyRegistry;
  /** The connected systems that speak the government SDK's protocol. */
  systems: SystemRegistry;
  /** The key that seals receipts and signs pushes; never logged (its toJSON shows the fingerprint only). */
  identity: AxisIdentity;
  /** Turns a stored receipt into the self-contained signed receipt handed to callers (earlier identities' too). */
  exportReceipt: ReceiptExporter;
  /** The certificates that sign receipts and pushes now and did before (`GET /v1/axis/certificates`). */
  axisCertificates: AxisCertificates;
}

export async function openAxisServices(config: AxisConfig): Promise<AxisServices> {
  // First, so that what the identity, the store and the secret key create beneath it is private from the start.
  makePrivateDir(config.dataDir);
  const identity = await loadAxisIdentity({
    dataDir: config.dataDir,
    ...(config.axisP12 ? { p12Path: config.axisP12.path, p12Password: config.axisP12.password } : {}),
  });
  // The identities signed with before (public chains in DATA_DIR/axis/identities) keep their receipts exportable.
  const historyDir = identityHistoryDir(config.dataDir);
  await recordAxisIdentity(historyDir, identity);
  const earlier = (await readAxisIdentityHistory(historyDir)).filter((e) => e.fingerprint !== identity.fingerprint);
  const store = await openStore({ ...(config.mongodbUrl ? { mongodbUrl: config.mongodbUrl } : {}), dataDir: config.dataDir, sealer: createReceiptSealer(identity) });
  const secretKey = resolveSecretKey(config);
  const agencies = createAgencyRegistry({ store, secretKey, graceSeconds: config.keyRotationGraceSeconds, endpoints: createPushEndpointPolicy(config.pushEndpoints) });
  const systems = createSystemRegistry({ store, secretKey });
  return {
    store, agencies, systems, identity,
    exportReceipt: createReceiptExporter([identity, ...earlier]),
    axisCertificates: describeAxisCertificates(identity, earlier),
  };
}
