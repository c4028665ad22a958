/**
 * The agency directory as the SDK asks for it: `getAgenciesList`, `getAgenciesListQD20` (`level` 1 = top-level
 * bodies, 2 = their units, ...), `getSynchronizeUnit`, and the system's own requests `registerAgency` (recorded as a
 * suspended agency awaiting the operator: a system never grants itself an agency) and `deleteAgency` (the system
 * stops acting for that agency; the agency and its records stay).
 */
import type { Request } from 'express';
import type { AgencyRegistry, AgencyView } from '../../exchange/agencies/agency-registry.js';
import type { SystemRegistry } from '../../exchange/systems/system-registry.js';
import type { VdxpCaller } from './vdxp-auth.js';
import { VdxpError } from './vdxp-error.js';
import type { ReplyObject } from './vdxp-reply.js';
import { vietnamTime } from './vdxp-words.js';

const REGISTER_BODY_MAX = 16 * 1024;

function levelOf(agency: AgencyView, byCode: ReadonlyMap<string, AgencyView>): number {
  let level = 1;
  for (let parent = agency.parentOrganId; parent !== undefined && level < 16; parent = byCode.get(parent)?.parentOrganId) level += 1;
  return level;
}

export function agencyEntries(agencies: readonly AgencyView[]): ReplyObject[] {
  return agencies.map((a) => ({ id: a.organId, pid: a.parentOrganId, code: a.organId, name: a.name }));
}

export function qd20Entries(agencies: readonly AgencyView[], level: string | undefined): ReplyObject[] {
  const byCode = new Map(agencies.map((a) => [a.organId, a]));
  const wanted = level !== undefined && /^\d{1,2}$/.test(level) ? Number(level) : undefined;
  return agencies
    .filter((a) => wanted === undefined || levelOf(a, byCode) === wanted)
    .map((a) => ({ id: a.organId, code: a.organId, name: a.name, code102: a.organId }));
}

export function synchronizeEntries(agencies: readonly AgencyView[]): ReplyObject {
  const latest = agencies.reduce((max, a) => Math.max(max, Date.parse(a.updatedAt) || 0), 0);
  return {
    data: agencies.map((a) => ({ id: a.organId, pid: a.parentOrganId, code: a.organId, name: a.name, modifyDate: vietnamTime(a.updatedAt) })),
    // The directory's version: when it last changed, in seconds (an int, as the SDK reads it).
    version: Math.floor(latest / 1000),
    deleted: false,
    isAgency: true,
  };
}

async function readSmallBody(req: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > REGISTER_BODY_MAX) throw new VdxpError('VDXP_BODY_INVALID', `The agency data is larger than ${REGISTER_BODY_MAX} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function registerAgency(agencies: Pick<AgencyRegistry, 'addAgency' | 'suspend'>, caller: VdxpCaller, req: Request): Promise<string> {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse((await readSmallBody(req)).toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof VdxpError) throw error;
    throw new VdxpError('VDXP_BODY_INVALID', 'The agency data is not JSON: send {"code":"...","name":"...","pcode":"..."}.');
  }
  const code = typeof data['code'] === 'string' ? data['code'].trim() : '';
  const name = typeof data['name'] === 'string' ? data['name'].trim() : '';
  const parent = typeof data['pcode'] === 'string' && data['pcode'].trim() !== '' ? data['pcode'].trim() : undefined;
  if (!code || !name) throw new VdxpError('VDXP_BODY_INVALID', 'The agency data needs "code" and "name".');
  await agencies.addAgency({ organId: code, name, ...(parent ? { parent } : {}) });
  // Suspended until an operator approves it: the request proves nothing about who the agency is.
  await agencies.suspend(code);
  return `Agency ${code} is recorded, suspended until the axis operator approves it (requested by ${caller.system.systemId}).`;
}

export async function deleteAgency(systems: Pick<SystemRegistry, 'setAgencies'>, caller: VdxpCaller): Promise<void> {
  const code = caller.signed.get('agencycode');
  if (!code) throw new VdxpError('VDXP_BODY_INVALID', 'Say which agency (the signed AgencyCode).');
  if (!caller.system.agencies.includes(code)) throw new VdxpError('VDXP_FOREIGN_AGENCY', `Connected system ${caller.system.systemId} does not act for agency ${code}.`, { agencyCode: code });
  const remaining = caller.system.agencies.filter((organId) => organId !== code);
  if (remaining.length === 0) throw new VdxpError('VDXP_BODY_INVALID', `Agency ${code} is the last one this system acts for: ask the axis operator to suspend the system instead.`);
  await systems.setAgencies(caller.system.systemId, remaining);
}
