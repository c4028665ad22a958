/** Shared by the ledger tests: a sealed chain built the way a store builds it (position from the chain head). */
import type { ReceiptDraft, ReceiptRecord, ReceiptSealer } from '../../src/exchange/model/index.js';
import { GENESIS_PREV_HASH } from '../../src/ledger/index.js';

export function draft(overrides: Partial<ReceiptDraft> = {}): ReceiptDraft {
  return {
    type: 'accepted',
    envelopeId: 'env-1',
    documentId: '000.00.00.G22,2026/11/22,1/VPCP-TTĐT',
    subjectSha256: 'ab'.repeat(32),
    parties: ['000.00.00.G22', '000.00.00.H41'],
    at: new Date().toISOString(),
    detail: { kind: 'edoc', note: 'Văn bản điện tử', nested: { z: 1, a: [1, 'x', null] } },
    ...overrides,
  };
}

export function sealChain(sealer: ReceiptSealer, drafts: ReceiptDraft[]): ReceiptRecord[] {
  const chain: ReceiptRecord[] = [];
  for (const d of drafts) {
    const prev = chain.at(-1);
    chain.push(sealer(d, { seq: chain.length + 1, prevHash: prev?.hash ?? GENESIS_PREV_HASH, id: `r-${chain.length + 1}` }));
  }
  return chain;
}
