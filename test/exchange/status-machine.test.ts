import { describe, expect, it } from 'vitest';
import { decideStatus, INITIAL_STATUS_STATE, replayStatus, type StatusState } from '../../src/exchange/model/status-machine.js';
import type { StatusCode } from '../../src/exchange/model/index.js';

const after = (...codes: StatusCode[]): StatusState => replayStatus(codes.map((code) => ({ type: 'status' as const, code })));
const allowed = (state: StatusState, code: StatusCode, actor: 'sender' | 'recipient' = code === '13' ? 'sender' : 'recipient') => decideStatus(state, code, actor).allowed;

describe('the business status of a document at one recipient', () => {
  it('01 (arrived) comes first and only once', () => {
    expect(allowed(INITIAL_STATUS_STATE, '01')).toBe(true);
    for (const code of ['02', '03', '04', '05', '06'] as const) expect(allowed(INITIAL_STATUS_STATE, code)).toBe(false);
    expect(allowed(after('01'), '01')).toBe(false);
  });

  it('02 or 03 follow 01; 04, 05 and 06 follow 03', () => {
    expect(allowed(after('01'), '02')).toBe(true);
    expect(allowed(after('01'), '03')).toBe(true);
    expect(allowed(after('01'), '04')).toBe(false);
    for (const code of ['04', '05', '06'] as const) expect(allowed(after('01', '03'), code)).toBe(true);
    expect(allowed(after('01', '03', '04', '05'), '06')).toBe(true);
  });

  it('02 (rejected) and 06 (done) end the progress', () => {
    for (const code of ['03', '04', '05', '06'] as const) expect(allowed(after('01', '02'), code)).toBe(false);
    expect(allowed(after('01', '03', '06'), '05')).toBe(false);
    expect(allowed(after('01', '03', '06'), '13')).toBe(false);
  });

  it('13 (take-back request) only from the original sender', () => {
    expect(allowed(after('01'), '13', 'recipient')).toBe(false);
    expect(allowed(after('01'), '13', 'sender')).toBe(true);
    expect(allowed(after('01'), '03', 'sender')).toBe(false);
  });

  it('15/16 answer only a pending take-back or change, once', () => {
    expect(allowed(after('01', '03'), '15')).toBe(false);
    expect(allowed(after('01', '03'), '16')).toBe(false);
    const asked = replayStatus([{ type: 'status', code: '01' }, { type: 'status', code: '13', actor: 'sender' }]);
    expect(allowed(asked, '16')).toBe(true);
    const refused = replayStatus([{ type: 'status', code: '01' }, { type: 'status', code: '13', actor: 'sender' }, { type: 'status', code: '16' }]);
    expect(allowed(refused, '16')).toBe(false);
    const updated = replayStatus([{ type: 'status', code: '01' }, { type: 'change', change: 'update' }]);
    expect(allowed(updated, '15')).toBe(true);
  });

  it('accepting a take-back or a revocation (15) ends the document; accepting an update does not', () => {
    const revoked = replayStatus([{ type: 'status', code: '01' }, { type: 'change', change: 'revoke' }, { type: 'status', code: '15' }]);
    expect(allowed(revoked, '03')).toBe(false);
    const updated = replayStatus([{ type: 'status', code: '01' }, { type: 'change', change: 'update' }, { type: 'status', code: '15' }]);
    expect(allowed(updated, '03')).toBe(true);
  });

  it('a refusal names what was expected', () => {
    const decision = decideStatus(INITIAL_STATUS_STATE, '03', 'recipient');
    expect(decision).toMatchObject({ allowed: false });
    expect(decision.allowed ? '' : decision.reason).toMatch(/03 \(accepted\) follows 01 \(arrived\)/);
  });
});
