/**
 * The key that encrypts agency HMAC secrets at rest. Production sets SECRET_KEY; in development one is generated
 * once, written to DATA_DIR/secret.key with 0600 permissions, and reused so the server and the CLI agree.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AxisConfig } from './config.js';
import { ConfigError } from './config.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from './data-dir.js';

export const DEV_SECRET_KEY_FILE = 'secret.key';

export function resolveSecretKey(config: Pick<AxisConfig, 'secretKey' | 'dataDir'>): Buffer {
  if (config.secretKey) return config.secretKey;
  const file = path.join(config.dataDir, DEV_SECRET_KEY_FILE);
  makePrivateDir(config.dataDir);
  try {
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new ConfigError('SECRET_KEY', `file ${file} is readable by others (mode ${mode.toString(8)}): chmod 600 it`);
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new ConfigError('SECRET_KEY', `file ${file} does not hold 64 hex characters`);
  return Buffer.from(text, 'hex');
}
