/** The receipt log's settings (AxisConfig.ledger): defaults, what each variable sets, and refusals that name the variable. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';

describe('ledger settings (AxisConfig.ledger)', () => {
  it('defaults: a checkpoint a minute, the development TSA, degraded after three periods, fail-open', () => {
    expect(loadConfig({}).ledger).toEqual({
      origin: 'edx-axis.local/receipts',
      checkpointEveryMs: 60_000,
      checkpointEveryReceipts: undefined,
      tsaUrl: undefined,
      tsaTrustAnchorsDir: undefined,
      tsaTimeoutMs: 10_000,
      maxUntimestampedMs: 180_000,
      failClosed: false,
    });
  });

  it('reads every variable', () => {
    const c = loadConfig({
      LEDGER_ORIGIN: 'truc.gov.vn/edx-axis/receipts', CHECKPOINT_EVERY_MS: '5000', CHECKPOINT_EVERY_RECEIPTS: '1000',
      TSA_URL: 'https://tsa.ca.gov.vn/tsa', TSA_TRUST_ANCHORS_DIR: 'tsa-roots', TSA_TIMEOUT_MS: '3000',
      EVIDENCE_FAIL_CLOSED: 'true',
    });
    expect(c.ledger).toEqual({
      origin: 'truc.gov.vn/edx-axis/receipts', checkpointEveryMs: 5000, checkpointEveryReceipts: 1000,
      tsaUrl: 'https://tsa.ca.gov.vn/tsa', tsaTrustAnchorsDir: path.resolve('tsa-roots'), tsaTimeoutMs: 3000,
      maxUntimestampedMs: 15_000, failClosed: true,
    });
    expect(loadConfig({ EVIDENCE_MAX_UNTIMESTAMPED_MS: '600000', EVIDENCE_FAIL_CLOSED: '0' }).ledger).toMatchObject({ maxUntimestampedMs: 600_000, failClosed: false });
  });

  it('refuses a TSA without trust anchors, an origin with a space, a period of zero, naming the variable', () => {
    expect(() => loadConfig({ TSA_URL: 'https://tsa.example/' })).toThrow(/^Configuration error: TSA_TRUST_ANCHORS_DIR must be set when TSA_URL is set/);
    expect(() => loadConfig({ LEDGER_ORIGIN: 'truc gov vn' })).toThrow(/^Configuration error: LEDGER_ORIGIN must be a log name/);
    expect(() => loadConfig({ CHECKPOINT_EVERY_MS: '0' })).toThrow(/^Configuration error: CHECKPOINT_EVERY_MS/);
    expect(() => loadConfig({ TSA_URL: 'ftp://tsa.example/', TSA_TRUST_ANCHORS_DIR: 'x' })).toThrow(/^Configuration error: TSA_URL must be an http/);
    expect(() => loadConfig({ EVIDENCE_FAIL_CLOSED: 'yes' })).toThrow(/^Configuration error: EVIDENCE_FAIL_CLOSED/);
  });
});
