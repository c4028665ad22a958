/**
 * The business status of one document at one recipient (QCVN 102 StatusCode), as a pure state machine:
 *   01 arrived comes first, once; 02 rejected or 03 accepted follow 01; 04 assigned, 05 processing, 06 done follow 03;
 *   02 and 06 end the document's progress. 13 (take-back request) is sent only by the original sender; 15/16
 *   (change accepted/refused) only by a recipient, and only to answer a pending take-back (13) or change package
 *   (revoke, update or replace). Accepting a take-back or a revocation (15) ends the document too.
 * The state is derived by replaying what was accepted, in order; see docs/api.md.
 */
import type { StatusCode } from './document-status.js';

export type StatusActor = 'sender' | 'recipient';
export type ChangeKind = 'take-back' | 'revoke' | 'update' | 'replace';
type Progress = '01' | '02' | '03' | '04' | '05' | '06';

export interface StatusState {
  /** The last business step the recipient reported (01-06), undefined before any. */
  progress?: Progress;
  /** A take-back or change the recipient has not answered with 15/16 yet. */
  pendingChange?: ChangeKind;
  /** No further progress can be reported (02, 06, or 15 accepting a take-back or revocation). */
  ended: boolean;
  last?: StatusCode;
}

export type StatusEvent = { type: 'status'; code: StatusCode } | { type: 'change'; change: Exclude<ChangeKind, 'take-back'> };

export type StatusDecision = { allowed: true; next: StatusState } | { allowed: false; reason: string };

export const INITIAL_STATUS_STATE: StatusState = Object.freeze({ ended: false });

export const STATUS_NAMES: Readonly<Record<StatusCode, string>> = {
  '01': 'arrived', '02': 'rejected', '03': 'accepted', '04': 'assigned', '05': 'processing', '06': 'done',
  '13': 'take-back request', '15': 'change accepted', '16': 'change refused',
};

const label = (code: StatusCode) => `${code} (${STATUS_NAMES[code]})`;
const where = (state: StatusState) => (state.last ? `after ${label(state.last)}` : 'before any status');

export function decideStatus(state: StatusState, code: StatusCode, actor: StatusActor): StatusDecision {
  const forbid = (reason: string): StatusDecision => ({ allowed: false, reason });
  if (code === '13') {
    if (actor !== 'sender') return forbid('Only the agency that sent the document may ask to take it back (13).');
    if (state.ended) return forbid(`The document can no longer be taken back: its processing has ended (${where(state)}).`);
    return { allowed: true, next: { ...state, pendingChange: 'take-back', last: code } };
  }
  if (actor !== 'recipient') return forbid(`Status ${label(code)} is reported by a recipient of the document, not by its sender.`);
  if (code === '15' || code === '16') {
    if (!state.pendingChange) return forbid(`Status ${label(code)} answers a take-back (13) or a revoke/update/replace package, and none is pending.`);
    const ends = code === '15' && (state.pendingChange === 'take-back' || state.pendingChange === 'revoke');
    const { pendingChange: _answered, ...rest } = state;
    return { allowed: true, next: { ...rest, ended: state.ended || ends, last: code } };
  }
  if (state.ended) return forbid(`Status ${label(code)} is not allowed ${where(state)}: the document's processing has ended.`);
  const p = state.progress;
  const ok = code === '01' ? p === undefined
    : code === '02' || code === '03' ? p === '01'
      : p === '03' || p === '04' || p === '05';
  if (!ok) {
    const needs = code === '01' ? '01 (arrived) is reported once, first' : code === '02' || code === '03' ? `${label(code)} follows 01 (arrived)` : `${label(code)} follows 03 (accepted)`;
    return forbid(`Status ${label(code)} is not allowed ${where(state)}: ${needs}.`);
  }
  return { allowed: true, next: { ...state, progress: code as Progress, ended: code === '02' || code === '06', last: code } };
}

/** A revoke, update or replace package addressed to the recipient opens a change it must answer with 15/16. */
export function applyChange(state: StatusState, change: Exclude<ChangeKind, 'take-back'>): StatusState {
  return { ...state, pendingChange: change };
}

/** The state after what was accepted, in order. Events that were refused never reach the store, so none is skipped. */
export function replayStatus(events: readonly (StatusEvent & { actor?: StatusActor })[]): StatusState {
  let state: StatusState = INITIAL_STATUS_STATE;
  for (const event of events) {
    if (event.type === 'change') {
      state = applyChange(state, event.change);
      continue;
    }
    const actor = event.actor ?? (event.code === '13' ? 'sender' : 'recipient');
    const decision = decideStatus(state, event.code, actor);
    // History accepted under older rules is taken as it stands rather than reinterpreted.
    state = decision.allowed ? decision.next : { ...state, last: event.code };
  }
  return state;
}
