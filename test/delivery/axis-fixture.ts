/** The axis identity the delivery tests sign pushes with: the ledger's dev identity, made once per test file. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadAxisIdentity, type AxisIdentity } from '../../src/ledger/index.js';

let cached: Promise<AxisIdentity> | undefined;

export function testAxisIdentity(): Promise<AxisIdentity> {
  cached ??= loadAxisIdentity({ dataDir: mkdtempSync(path.join(tmpdir(), 'edx-axis-')) });
  return cached;
}
