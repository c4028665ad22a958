/**
 * DATA_DIR holds documents (the database, blobs, uploads), keys and secrets: only the axis's own user may read it.
 * What the axis creates there is private whatever the process umask (a mode given at creation can only be narrowed by
 * the umask); what it finds there made looser (by hand, by an older version) is named at start-up, not changed, since
 * an operator may have a reason (a backup user's group) the axis cannot see.
 */
import { mkdirSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the directory (and its missing parents) 0700; an existing one is left as it is. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

export interface LooseFile {
  path: string;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

/**
 * The entries others than the owner may reach: DATA_DIR itself, everything at its top (the database and its
 * -wal/-shm, secret.key, the blob and identity directories), the blob store's temp directory and the axis identity's
 * keys. Blob files themselves are not walked (there are millions); they are written 0600 in 0700 directories.
 */
export async function looseDataFiles(dataDir: string, extra: readonly string[] = []): Promise<LooseFile[]> {
  const candidates = [dataDir, ...extra];
  const top = await readdir(dataDir).catch(() => [] as string[]);
  candidates.push(...top.map((name) => path.join(dataDir, name)));
  candidates.push(path.join(dataDir, 'blobs', 'tmp'));
  const identity = await readdir(path.join(dataDir, 'axis')).catch(() => [] as string[]);
  candidates.push(...identity.filter((name) => name.endsWith('-key.pem') || name.endsWith('.key')).map((name) => path.join(dataDir, 'axis', name)));
  const loose: LooseFile[] = [];
  for (const file of new Set(candidates)) {
    const info = await stat(file).catch(() => undefined);
    if (!info) continue;
    const mode = info.mode & 0o777;
    // The identity's directory holds public certificates beside its keys; its keys are checked one by one above.
    if (info.isDirectory() && file === path.join(dataDir, 'axis')) continue;
    if ((mode & 0o077) !== 0) loose.push({ path: file, mode });
  }
  return loose;
}
