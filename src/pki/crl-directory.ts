/**
 * CRLs an operator places in a directory (CRL_DIR): government networks often cannot reach a CA's distribution
 * points, so the CRLs are carried in by hand or by a sync job. Each file (.crl, .pem, .der; PEM or DER) counts like a
 * CRL fetched from its distribution point: it proves "good" only while current (past its nextUpdate it counts as
 * unknown, SIG_CRL_EXPIRED, which fails closed under REVOCATION_POLICY=require) and proves "revoked" at any age.
 * Files are read again when they change (size, mtime or inode differ), checked at most every `rescanMs`; a file
 * that is not a CRL is skipped and reported by describe(), never fatal. A missing directory is an empty one.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as pkijs from 'pkijs';
import { distinguishedName } from './certificate-summary.js';
import { parseCrl } from './crl-source.js';

const CRL_FILE = /\.(crl|pem|der)$/i;

export interface CrlDirectoryOptions {
  /** How often the directory is looked at again (default 2000 ms; 0 = at every validation). */
  rescanMs?: number;
  /** Larger files are skipped (default 64 MiB: a national CA's CRL runs to a few MiB). */
  maxFileBytes?: number;
  /** At most this many files are read (default 1000). */
  maxFiles?: number;
  now?: () => Date;
}

export interface PlacedCrl {
  file: string;
  crl: pkijs.CertificateRevocationList;
}

/** One file as the operator should see it (the CLI and the gateway's start-up log print these). */
export interface CrlDirectoryEntry {
  file: string;
  issuer?: string;
  thisUpdate?: string;
  nextUpdate?: string;
  /** current, expired (past nextUpdate: counts as unknown), or skipped with the reason. */
  state: 'current' | 'expired' | 'skipped';
  problem?: string;
}

export interface CrlDirectory {
  readonly dir: string;
  /** The CRLs in the directory now (read again if a file changed since the last look). */
  current(): Promise<PlacedCrl[]>;
  describe(): Promise<CrlDirectoryEntry[]>;
}

interface Known {
  key: string;
  crl?: pkijs.CertificateRevocationList;
  problem?: string;
}

export function openCrlDirectory(dir: string, options: CrlDirectoryOptions = {}): CrlDirectory {
  const rescanMs = options.rescanMs ?? 2000;
  const maxFileBytes = options.maxFileBytes ?? 64 * 1024 * 1024;
  const maxFiles = options.maxFiles ?? 1000;
  const now = options.now ?? (() => new Date());
  let files = new Map<string, Known>();
  let lastScan = -Infinity;
  let scanning: Promise<void> | undefined;

  async function scan(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => CRL_FILE.test(n)).sort().slice(0, maxFiles);
    } catch {
      files = new Map();
      return;
    }
    const next = new Map<string, Known>();
    for (const name of names) {
      const path = join(dir, name);
      try {
        const info = await stat(path);
        if (!info.isFile()) continue;
        // Size, mtime and inode: an operator's `cp` changes the first two, an atomic `mv` the inode.
        const key = `${info.size}:${info.mtimeMs}:${info.ino}`;
        const known = files.get(name);
        if (known?.key === key) {
          next.set(name, known);
          continue;
        }
        if (info.size > maxFileBytes) {
          next.set(name, { key, problem: `larger than ${maxFileBytes} bytes` });
          continue;
        }
        const crl = parseCrl(await readFile(path));
        next.set(name, crl ? { key, crl } : { key, problem: 'not a CRL (PEM or DER)' });
      } catch (error) {
        // A file removed or replaced between readdir and read: the next look sees the directory as it settled.
        next.set(name, { key: 'unreadable', problem: `unreadable (${(error as Error).message})` });
      }
    }
    files = next;
  }

  async function refresh(): Promise<void> {
    if (Date.now() - lastScan < rescanMs) return scanning;
    scanning ??= scan().finally(() => {
      lastScan = Date.now();
      scanning = undefined;
    });
    return scanning;
  }

  return {
    dir,
    async current() {
      await refresh();
      return [...files].flatMap(([file, known]) => (known.crl ? [{ file, crl: known.crl }] : []));
    },
    async describe() {
      await refresh();
      const at = now().getTime();
      return [...files].map(([file, known]): CrlDirectoryEntry => {
        if (!known.crl) return { file, state: 'skipped', problem: known.problem ?? 'unreadable' };
        const nextUpdate = known.crl.nextUpdate?.value;
        return {
          file,
          issuer: distinguishedName(known.crl.issuer).text,
          thisUpdate: known.crl.thisUpdate.value.toISOString(),
          ...(nextUpdate ? { nextUpdate: nextUpdate.toISOString() } : {}),
          state: nextUpdate && nextUpdate.getTime() < at ? 'expired' : 'current',
        };
      });
    },
  };
}
