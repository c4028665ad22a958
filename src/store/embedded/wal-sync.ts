/**
 * Makes every commit so far durable: fdatasync of the write-ahead log, on the libuv thread pool.
 *
 * The log's descriptor is opened once and kept. SQLite deletes or recreates the log only when the last connection to
 * the database closes, and this store holds its connection open until close(), so the file under the descriptor is
 * the log SQLite writes for as long as syncs are asked for. Opening and closing the file for each sync cost three
 * thread-pool round trips instead of one, and their promise machinery on the event loop (measured: about 1.5% of the
 * event loop through the gateway, docs/performance.md).
 *
 * The directory is synced once, before the first log sync, so the log's own name survives a power loss too.
 */
import { close, fdatasync, open } from 'node:fs';
import path from 'node:path';

function openForSync(file: string): Promise<number> {
  return new Promise((resolve, reject) => open(file, 'r', (error, fd) => (error ? reject(error) : resolve(fd))));
}

function syncDescriptor(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}

async function syncFile(file: string): Promise<void> {
  const fd = await openForSync(file);
  try {
    await syncDescriptor(fd);
  } finally {
    close(fd, () => undefined);
  }
}

export class WalSync {
  private readonly database: string;
  private directorySynced = false;
  private wal: number | undefined;
  private closed = false;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly dataDir: string) {
    this.database = path.join(dataDir, 'axis.sqlite');
  }

  /** Everything committed before this call is on disk when it resolves. One sync at a time (group-commit.ts). */
  sync(): Promise<void> {
    const running = this.syncOnce();
    this.inFlight = running.catch(() => undefined);
    return running;
  }

  private async syncOnce(): Promise<void> {
    if (!this.directorySynced) {
      await syncFile(this.dataDir);
      this.directorySynced = true;
    }
    if (this.wal === undefined) {
      try {
        const fd = await openForSync(`${this.database}-wal`);
        if (this.closed) close(fd, () => undefined);
        else this.wal = fd;
      } catch (error) {
        // No log: everything was checkpointed into the database file, whose sync SQLite does itself.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        await syncFile(this.database);
        return;
      }
    }
    if (this.wal !== undefined) await syncDescriptor(this.wal);
  }

  /** After the database is closed: SQLite may delete the log from then on. A sync still running ends first. */
  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight;
    if (this.wal !== undefined) close(this.wal, () => undefined);
    this.wal = undefined;
  }
}
