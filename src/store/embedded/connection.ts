/**
 * How the embedded store sets up its SQLite connection. Measured with strace through the gateway
 * (docs/performance.md): these settings took the write system calls per package from about 91 to about 19.
 */
import type Database from 'better-sqlite3';

export function configureConnection(db: Database.Database, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${Math.floor(busyTimeoutMs)}`);
  // A new database only (an existing one keeps the page size it was made with): a 20 KiB package fills 2 pages
  // instead of 6, and each page costs two writes to the log and one at the checkpoint, whatever its size.
  db.pragma('page_size = 16384');
  db.pragma('journal_mode = WAL');
  // The automatic checkpoint runs on the event loop and ends with an fsync of the database file: keep it at SQLite's
  // default size in bytes (1000 pages of 4 KiB), not 1000 pages of 16 KiB, so one checkpoint does not stall the
  // gateway four times as long.
  db.pragma(`wal_autocheckpoint = ${Math.ceil((4 * 1024 * 1024) / (db.pragma('page_size', { simple: true }) as number))}`);
  // NORMAL: SQLite does not fsync at COMMIT; group-commit.ts fsyncs the log off the event loop and tells no one
  // (writer or reader) about a commit before that fsync: "accepted" still means "on disk".
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Each write of a group commit runs in its own SAVEPOINT, whose journal SQLite moves to a temporary file once it
  // passes 64 KiB: two more writes for every page a write touches (about 48 per package). In memory it is bounded by
  // one group (MAX_GROUP writes).
  db.pragma('temp_store = MEMORY');
}
