/**
 * Issue 23, finding 3: everything under DATA_DIR that holds documents, keys or secrets is private to the axis's user,
 * whatever the umask: directories 0700, files 0600 (the SQLite database and its -wal/-shm, blobs, temp uploads, the
 * dev secret key and axis identity keys). Start-up names the looser files it finds. Run with umask 000, the worst.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { looseDataFiles } from '../../src/config/data-dir.js';
import { openAxisServices } from '../../src/main/axis-services.js';
import { runAxis } from '../../src/main/run-axis.js';
import { bundle } from '../store/records.js';
import { pino } from 'pino';

const root = mkdtempSync(path.join(tmpdir(), 'edx-private-'));
let umask: number;
beforeAll(() => { umask = process.umask(0o000); });
afterAll(() => {
  process.umask(umask);
  rmSync(root, { recursive: true, force: true });
});

const modeOf = (file: string): string => (statSync(file).mode & 0o777).toString(8);

/** Every file and directory under dir, with its mode. */
function modesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      out[path.relative(dir, full)] = modeOf(full);
      if (statSync(full).isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}

describe('DATA_DIR is private whatever the umask', () => {
  it('the store, its blobs, temp uploads, the secret key and the axis identity are created 0600 in 0700 directories', async () => {
    const dataDir = path.join(root, 'fresh', 'data');
    const services = await openAxisServices(loadConfig({ DATA_DIR: dataDir }));
    try {
      const large = bundle({ bytes: randomBytes(300 * 1024) });
      const small = bundle({ bytes: randomBytes(100) });
      await services.store.accept(large);
      await services.store.accept(small);
      // A temporary upload as the gateway writes one, moved in by the store.
      const temp = path.join(services.store.blobs.tempDir, 'upload-test.tmp');
      const bytes = randomBytes(2000);
      writeFileSync(temp, bytes, { mode: 0o600 });
      await services.store.blobs.putFile(temp, (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'), bytes.length);
      expect(modeOf(dataDir)).toBe('700');
      const modes = modesUnder(dataDir);
      expect(Object.keys(modes)).toEqual(expect.arrayContaining(['axis.sqlite', 'axis.sqlite-wal', 'axis.sqlite-shm', 'secret.key', 'blobs', 'blobs/tmp']));
      // The axis identity's certificates are public; its directory is src/ledger's (see the report); its keys are checked.
      const secretsAndDocuments = Object.entries(modes).filter(([name]) => !/^axis$|^axis\/trust$|^axis\/trust\/[^/]*\.pem$|^axis\/[^/]*-cert\.pem$/.test(name));
      expect(secretsAndDocuments.map(([name]) => name)).toEqual(expect.arrayContaining(['axis/axis-key.pem', 'axis/dev-root-key.pem']));
      const loose = secretsAndDocuments.filter(([name, mode]) => (statSync(path.join(dataDir, name)).isDirectory() ? mode !== '700' : mode !== '600'));
      expect(loose).toEqual([]);
    } finally {
      await services.store.close();
    }
  });

  it('looseDataFiles names the files and directories others may read, and is empty for a private directory', async () => {
    const dataDir = path.join(root, 'loose');
    const services = await openAxisServices(loadConfig({ DATA_DIR: dataDir }));
    await services.store.close();
    expect(await looseDataFiles(dataDir)).toEqual([]);
    chmodSync(dataDir, 0o755);
    chmodSync(path.join(dataDir, 'axis.sqlite'), 0o644);
    chmodSync(path.join(dataDir, 'secret.key'), 0o640);
    expect((await looseDataFiles(dataDir)).map((f) => [path.relative(dataDir, f.path) || '.', f.mode.toString(8)]).sort()).toEqual([
      ['.', '755'], ['axis.sqlite', '644'], ['secret.key', '640'],
    ]);
  });

  it('start-up warns about a DATA_DIR made before with looser modes', async () => {
    const dataDir = path.join(root, 'older');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(path.join(dataDir, 'secret.key'), randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); } });
    const running = await runAxis(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ROLE: 'gateway' }), { logger, prefix: `test-private-${randomBytes(4).toString('hex')}` });
    await running.stop();
    const warning = lines.find((l) => typeof l['msg'] === 'string' && (l['msg'] as string).includes('DATA_DIR'));
    expect(warning).toMatchObject({ level: 40, files: [{ path: dataDir, mode: '755' }] });
  });
});
