/**
 * Every identity the axis has signed with, kept as public certificate chains (never a key) in one directory, one
 * `<SHA-256 of the signing certificate>.pem` each: after the operator changes AXIS_P12 (or the development identity is
 * made anew), receipts sealed by an earlier identity are still handed out with the chain that verifies them, and
 * agencies still find the certificate an earlier push named in its keyid.
 */
import { X509Certificate, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AxisError } from '../errors/axis-error.js';
import { toPem } from '../pki/test-pki/generate-test-pki.js';
import { certificateFingerprint, type AxisIdentity } from './axis-identity.js';
import { axisDir } from './dev-axis-pki.js';

/** An identity as the world may see it: the signing certificate first, then its issuers (DER). */
export interface PublicAxisIdentity {
  readonly fingerprint: string;
  readonly chainDer: readonly Buffer[];
}

const FILE = /^([0-9a-f]{64})\.pem$/;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Where a DATA_DIR keeps the history: beside the development identity. */
export function identityHistoryDir(dataDir: string): string {
  return join(axisDir(dataDir), 'identities');
}

/** Adds the identity's public chain to the history (once; several processes starting together write the same file). */
export async function recordAxisIdentity(dir: string, identity: Pick<AxisIdentity, 'fingerprint' | 'chainDer'>): Promise<void> {
  const target = join(dir, `${identity.fingerprint}.pem`);
  try {
    // Private like everything under DATA_DIR, whatever the umask (the certificates are public, the directory is not).
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (await readFile(target).then(() => true, () => false)) return;
    const staging = join(dir, `.${identity.fingerprint}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(staging, identity.chainDer.map((der) => toPem(der)).join(''), { mode: 0o600 });
      await rename(staging, target);
    } finally {
      await rm(staging, { force: true });
    }
  } catch (error) {
    throw new AxisError('LEDGER_IDENTITY_HISTORY_UNWRITABLE', `The axis cannot record its signing certificate in ${dir}: receipts it seals now could not be handed out after a change of identity. Make the directory writable.`, { dir }, { cause: error });
  }
}

/** The identities recorded so far, oldest signing certificate first (by its notBefore). */
export async function readAxisIdentityHistory(dir: string): Promise<PublicAxisIdentity[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw new AxisError('LEDGER_IDENTITY_HISTORY_UNREADABLE', `The axis identity history ${dir} cannot be read.`, { dir }, { cause: error });
  });
  const found: { identity: PublicAxisIdentity; notBefore: number }[] = [];
  for (const name of names.sort()) {
    const match = FILE.exec(name);
    if (!match) continue;
    const file = join(dir, name);
    try {
      const chainDer = ((await readFile(file, 'utf8')).match(PEM_BLOCK) ?? []).map((pem) => Buffer.from(new X509Certificate(pem).raw));
      const leaf = chainDer[0];
      // A file whose name is not its certificate's fingerprint would hand receipts out with the wrong chain.
      if (!leaf || certificateFingerprint(leaf) !== match[1]) throw new Error('the file name is not the SHA-256 of its first certificate');
      found.push({ identity: { fingerprint: match[1]!, chainDer }, notBefore: Date.parse(new X509Certificate(leaf).validFrom) });
    } catch (error) {
      throw new AxisError('LEDGER_IDENTITY_HISTORY_UNREADABLE', `The axis identity history file ${file} is damaged: ${(error as Error).message}.`, { file }, { cause: error });
    }
  }
  return found.sort((a, b) => a.notBefore - b.notBefore).map((f) => f.identity);
}
