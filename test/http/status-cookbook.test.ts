/**
 * The status cookbook of docs/api.md, run as written: every `status-steps` block against the real gateway (the real
 * exchange, store, signatures and Redis), each line's answer and routing checked, so the doc cannot drift from the
 * axis. The "who sends what" table must have one row per StatusCode the status machine knows.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_NAMES } from '../../src/exchange/model/status-machine.js';
import type { StatusCode } from '../../src/exchange/model/index.js';
import { buildExchangeFixture, type ExchangeFixture, type TestAgency } from './exchange-fixture.js';

const apiDoc = readFileSync(path.resolve(import.meta.dirname, '..', '..', 'docs', 'api.md'), 'utf8');
const cookbook = apiDoc.slice(apiDoc.indexOf('## Status cookbook'));
const blocks = [...cookbook.matchAll(/```status-steps\n([\s\S]*?)```/g)].map((m) => m[1]!.split('\n').filter((l) => l.trim() !== ''));

type Expected = { status: number; code?: string; routedTo?: string };
type Step =
  | { kind: 'document'; from: string; name: string; to: string[]; expected: Expected }
  | { kind: 'change'; from: string; change: 1 | 2 | 3; name: string; original: string; to: string[]; expected: Expected }
  | { kind: 'status'; from: string; code: StatusCode; documentName: string; organ: string; expected: Expected };

const CHANGES = { revocation: 1, update: 2, replacement: 3 } as const;

function expectation(text: string): Expected {
  const ok = /^202(?:, routed to ([A-Z]))?$/.exec(text);
  if (ok) return { status: 202, ...(ok[1] ? { routedTo: ok[1] } : {}) };
  const refused = /^(\d{3}) ([A-Z_]+)$/.exec(text);
  if (!refused) throw new Error(`unreadable expectation "${text}"`);
  return { status: Number(refused[1]), code: refused[2]! };
}

function parse(line: string): Step {
  const [action, answer] = line.split('=>').map((part) => part.trim());
  const expected = expectation(answer ?? '');
  let m = /^([A-Z]): document (\w+) to ([A-Z](?:, [A-Z])*)$/.exec(action ?? '');
  if (m) return { kind: 'document', from: m[1]!, name: m[2]!, to: m[3]!.split(', '), expected };
  m = /^([A-Z]): (revocation|update|replacement) (\w+) of (\w+) to ([A-Z](?:, [A-Z])*)$/.exec(action ?? '');
  if (m) return { kind: 'change', from: m[1]!, change: CHANGES[m[2] as keyof typeof CHANGES], name: m[3]!, original: m[4]!, to: m[5]!.split(', '), expected };
  m = /^([A-Z]): status (\d{2}) ResponseFor\/DocumentId=(\w+) ResponseFor\/OrganId=([A-Z])$/.exec(action ?? '');
  if (m) return { kind: 'status', from: m[1]!, code: m[2] as StatusCode, documentName: m[3]!, organ: m[4]!, expected };
  throw new Error(`unreadable cookbook line "${line}"`);
}

let f: ExchangeFixture;
const parties: Record<string, TestAgency> = {};
let block = 0;
beforeAll(async () => {
  f = await buildExchangeFixture();
  parties['A'] = await f.agency('000.00.00.H40');
  parties['B'] = await f.agency('000.00.12.H40');
  parties['C'] = await f.agency('000.00.00.C03');
});
afterAll(async () => f?.close());

describe('the status cookbook in docs/api.md', () => {
  it('has a row for every StatusCode and worked examples of 13, 15 and 16 after a revocation, an update and a replacement', () => {
    for (const code of Object.keys(STATUS_NAMES)) expect(cookbook).toMatch(new RegExp(`^\\| ${code} \\| `, 'm'));
    const steps = blocks.flat().map(parse);
    const changes = new Set(steps.filter((s) => s.kind === 'change').map((s) => (s as { change: number }).change));
    expect([...changes].sort()).toEqual([1, 2, 3]);
    for (const code of ['13', '15', '16']) expect(steps.some((s) => s.kind === 'status' && s.code === code && s.expected.status === 202)).toBe(true);
  });

  it.each(blocks.map((lines, i) => [i + 1, lines] as const))('example %i runs as written', async (_n, lines) => {
    const prefix = `${++block}-${Date.now().toString(36)}`;
    const ids = new Map<string, string>();
    // Each name in a block stands for one DocumentId of the agency that sends it (its first sender).
    const idOf = (name: string, sender: TestAgency) => {
      if (!ids.has(name)) ids.set(name, `${sender.organId},2026/12/01,${prefix}-${name}/VP`);
      return ids.get(name)!;
    };
    const agency = (letter: string) => {
      const a = parties[letter];
      if (!a) throw new Error(`unknown party ${letter}`);
      return a;
    };
    for (const line of lines) {
      const step = parse(line);
      const from = agency(step.from);
      let bytes: Buffer;
      if (step.kind === 'document') {
        bytes = await f.documentFrom(from, { to: step.to.map((t) => agency(t).organId), documentId: idOf(step.name, from) });
      } else if (step.kind === 'change') {
        bytes = await f.documentFrom(from, { to: step.to.map((t) => agency(t).organId), documentId: idOf(step.name, from), business: { type: step.change, original: { organId: from.organId, documentId: idOf(step.original, from) } } });
      } else {
        // A new package each line (its own Description): the same bytes again would be a duplicate (200, the first receipt).
        bytes = await f.statusFrom(from, { sender: agency(step.organ).organId, documentId: idOf(step.documentName, agency('A')), code: step.code, description: `${prefix}: ${line}` });
      }
      const res = await f.send(from, bytes);
      const got = { line, status: res.status, code: res.body.code as string | undefined };
      expect(got).toEqual({ line, status: step.expected.status, code: step.expected.code });
      if (step.expected.routedTo) {
        const to = agency(step.expected.routedTo).organId;
        expect({ line, routedTo: res.body.receipt.receipt.detail.routedTo }).toEqual({ line, routedTo: [to] });
        const inbox = await f.get(agency(step.expected.routedTo), '/v1/inbox?limit=500');
        expect(inbox.body.items.some((i: { packageId: string }) => i.packageId === res.body.packageId)).toBe(true);
      }
    }
  });

  it('a recipient that names itself in ResponseFor/OrganId is told to name the sender', async () => {
    const [A, B] = [parties['A']!, parties['B']!];
    const documentId = `${A.organId},2026/12/01,self-${Date.now().toString(36)}/VP`;
    expect((await f.send(A, await f.documentFrom(A, { to: [B.organId], documentId }))).status).toBe(202);
    const res = await f.send(B, await f.statusFrom(B, { sender: B.organId, documentId, code: '01' }));
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'EXCHANGE_UNKNOWN_ORIGINAL' });
    expect(res.body.detail).toBe(`ResponseFor/OrganId names this agency itself (${B.organId}): a status from a recipient names the agency that sent document ${documentId}.`);
  });
});
