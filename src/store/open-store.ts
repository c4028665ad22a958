/**
 * The one place that chooses the store adapter: MongoDB when a URL is configured, the embedded store under the data
 * directory otherwise. The MongoDB adapter is loaded only when asked for, so the embedded default never loads mongoose.
 */
import type { Store } from '../exchange/ports/index.js';
import type { ReceiptSealer } from '../exchange/model/index.js';

export interface OpenStoreOptions {
  /** mongodb:// or mongodb+srv:// URL of a replica set (transactions need one). Unset: the embedded store. Upload spool files still go under dataDir. */
  mongodbUrl?: string;
  /** Where the embedded store keeps its database and blobs. */
  dataDir: string;
  /** Seals every receipt into the axis's chain, inside the store's transaction. */
  sealer: ReceiptSealer;
}

export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.mongodbUrl) {
    const { MongoStore } = await import('./mongo/mongo-store.js');
    const { GridFsBlobStore } = await import('./mongo/gridfs-blob-store.js');
    return MongoStore.open({ url: options.mongodbUrl, sealer: options.sealer, tempDir: GridFsBlobStore.tempDirUnder(options.dataDir) });
  }
  const { EmbeddedStore } = await import('./embedded/embedded-store.js');
  return EmbeddedStore.open({ dataDir: options.dataDir, sealer: options.sealer });
}
