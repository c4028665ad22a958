/**
 * Opens the store the server and the CLI share (embedded under DATA_DIR, or MongoDB when MONGODB_URL is set), with
 * the axis's receipt sealer, and the agency registry over it.
 */
import type { AxisConfig } from '../config/config.js';
import { resolveSecretKey } from '../config/secret-key.js';
import { createAgencyRegistry, type AgencyRegistry } from '../exchange/agencies/agency-registry.js';
import type { Store } from '../store/ports.js';
import { requireLateModule, type LedgerModule, type StoreModule } from './late-modules.js';

export interface AxisStore {
  store: Store;
  agencies: AgencyRegistry;
  /** The axis identity as the ledger loaded it (for workers and the exchange). */
  identity: unknown;
}

export async function openAxisStore(config: AxisConfig): Promise<AxisStore> {
  const ledger = await requireLateModule<LedgerModule>('../ledger/index.js', 'The receipt ledger').catch(async () =>
    requireLateModule<LedgerModule>('../ledger/axis-identity.js', 'The receipt ledger'));
  const identity = await ledger.loadAxisIdentity({
    dataDir: config.dataDir,
    ...(config.axisP12 ? { p12Path: config.axisP12.path, p12Password: config.axisP12.password } : {}),
  });
  const sealer = ledger.createReceiptSealer(identity);
  const { openStore } = await requireLateModule<StoreModule>('../store/open-store.js', 'The store');
  const store = await openStore({ ...(config.mongodbUrl ? { mongodbUrl: config.mongodbUrl } : {}), dataDir: config.dataDir, sealer });
  const agencies = createAgencyRegistry({ store, secretKey: resolveSecretKey(config), graceSeconds: config.keyRotationGraceSeconds });
  return { store, agencies, identity };
}
