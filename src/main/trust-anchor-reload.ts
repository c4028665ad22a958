/**
 * Trust anchors change while the axis runs (a new subordinate CA, a root withdrawn): the operator drops the files
 * into TRUST_ANCHORS_DIR and the gateway reads them again, without a restart, when the directory changes (fs.watch)
 * or on SIGHUP (for file systems where watching does not work, and for scripts that want to be sure). A burst of
 * changes (a copy of several files) is read once, after it settles; a reload that fails keeps what was trusted.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';

export interface TrustAnchorReload {
  /** Reloads now (what SIGHUP does); resolves when done. */
  reload(trigger: string): Promise<void>;
  close(): void;
}

/** How long the directory must stay quiet before it is read again. */
const SETTLE_MS = 250;

export function watchTrustAnchors(input: { dir: string; reload: () => Promise<number>; logger: Logger; settleMs?: number }): TrustAnchorReload {
  const { dir, logger } = input;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const reload = (trigger: string): Promise<void> => {
    // One at a time, in order: a change seen while reading is read again after.
    running = running.then(async () => {
      if (closed) return;
      try {
        const anchors = await input.reload();
        logger.info({ dir, anchors, trigger }, 'trust anchors reloaded');
      } catch (error) {
        logger.error({ err: error, dir, trigger }, 'trust anchors could not be reloaded; the previous ones stay in force');
      }
    });
    return running;
  };
  const changed = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void reload('directory changed'), input.settleMs ?? SETTLE_MS);
  };
  const hangUp = (): void => void reload('SIGHUP');

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, changed);
    watcher.on('error', (error) => logger.warn({ err: error, dir }, 'TRUST_ANCHORS_DIR is no longer watched: reload the anchors with SIGHUP'));
  } catch (error) {
    logger.warn({ err: error, dir }, 'TRUST_ANCHORS_DIR cannot be watched (missing?): reload the anchors with SIGHUP once it is there');
  }
  process.on('SIGHUP', hangUp);

  return {
    reload,
    close() {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
      process.off('SIGHUP', hangUp);
    },
  };
}
