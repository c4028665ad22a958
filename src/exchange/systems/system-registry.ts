/**
 * The connected systems: document-management systems that speak the government SDK's protocol with a `systemid`
 * and a shared secret, each on behalf of the agencies an operator assigned to it. The secret is shown once, at
 * creation or rotation; the axis keeps it encrypted (it must recompute the SDK's HMAC, so it cannot keep a hash).
 */
import { randomBytes } from 'node:crypto';
import { isOrganId } from '../../edxml/organ-id.js';
import { AxisError } from '../../errors/axis-error.js';
import { createSecretBox } from '../agencies/secret-box.js';
import type { ConnectedSystemRecord } from '../model/index.js';
import type { Clock, Store } from '../ports/index.js';

/** A system id as the SDK's `systemid` carries it (e.g. `vxp.saas.03`): the OrganId identifier rule. */
const SYSTEM_ID_RULE = 'identifier';

export interface SystemCredentials {
  systemId: string;
  /** The shared secret, as the SDK's `secret` setting takes it. Shown once. */
  secret: string;
}

/** A system without its secret: what the API and CLI show. */
export type SystemView = Omit<ConnectedSystemRecord, 'secretCiphertext'>;

export interface SystemRegistry {
  addSystem(input: { systemId: string; agencies: readonly string[] }): Promise<{ system: SystemView; credentials: SystemCredentials }>;
  listSystems(): Promise<SystemView[]>;
  getSystem(systemId: string): Promise<SystemView>;
  suspend(systemId: string): Promise<SystemView>;
  resume(systemId: string): Promise<SystemView>;
  /** A new secret now; the old one stops working at once (the SDK holds one secret, so no grace period helps it). */
  rotateSecret(systemId: string): Promise<{ system: SystemView; credentials: SystemCredentials }>;
  setAgencies(systemId: string, agencies: readonly string[]): Promise<SystemView>;
  /** For request authentication: the system and its secret's UTF-8 bytes, if the system exists. */
  resolveSystem(systemId: string): Promise<{ system: ConnectedSystemRecord; secret: Buffer } | undefined>;
}

export interface SystemRegistryOptions {
  store: Pick<Store, 'createSystem' | 'getSystem' | 'listSystems' | 'updateSystem' | 'getAgency'>;
  secretKey: Buffer;
  now?: Clock;
}

/** Associated data of a sealed system secret: never interchangeable with an agency's. */
const sealedFor = (systemId: string): string => `system:${systemId}`;

export function createSystemRegistry(options: SystemRegistryOptions): SystemRegistry {
  const { store } = options;
  const box = createSecretBox(options.secretKey);
  const now = options.now ?? (() => new Date());

  function assertSystemId(systemId: string): string {
    if (!isOrganId(systemId, SYSTEM_ID_RULE)) {
      throw new AxisError('SYSTEM_ID_INVALID', `"${systemId.slice(0, 70)}" is not a valid system id: use up to 64 letters, digits, ".", "-" and "_".`);
    }
    return systemId;
  }

  async function assertAgencies(agencies: readonly string[]): Promise<string[]> {
    const unique = [...new Set(agencies)];
    if (unique.length === 0) throw new AxisError('SYSTEM_AGENCIES_MISSING', 'A connected system acts for at least one agency: give their codes (--agencies CODE,CODE).');
    for (const organId of unique) {
      if (!(await store.getAgency(organId))) throw new AxisError('AGENCY_NOT_FOUND', `No agency with code ${organId} is registered: add it first (edx admin agency add).`, { organId });
    }
    return unique;
  }

  async function load(systemId: string): Promise<ConnectedSystemRecord> {
    const system = await store.getSystem(assertSystemId(systemId));
    if (!system) throw new AxisError('SYSTEM_NOT_FOUND', `No connected system ${systemId} is registered.`, { systemId });
    return system;
  }

  async function save(system: ConnectedSystemRecord): Promise<SystemView> {
    system.updatedAt = now().toISOString();
    await store.updateSystem(system);
    return viewOf(system);
  }

  // 33 random bytes: a 44-character base64 secret, the shape the Government Office's own secrets have.
  const newSecret = (): string => randomBytes(33).toString('base64');

  return {
    async addSystem(input) {
      const systemId = assertSystemId(input.systemId);
      const agencies = await assertAgencies(input.agencies);
      if (await store.getSystem(systemId)) throw new AxisError('SYSTEM_EXISTS', `A connected system ${systemId} is already registered.`, { systemId });
      const at = now().toISOString();
      const secret = newSecret();
      const system: ConnectedSystemRecord = { systemId, agencies, state: 'active', secretCiphertext: box.seal(secret, sealedFor(systemId)), createdAt: at, updatedAt: at };
      await store.createSystem(system);
      return { system: viewOf(system), credentials: { systemId, secret } };
    },
    async listSystems() {
      return (await store.listSystems()).map(viewOf);
    },
    async getSystem(systemId) {
      return viewOf(await load(systemId));
    },
    async suspend(systemId) {
      const system = await load(systemId);
      system.state = 'suspended';
      return save(system);
    },
    async resume(systemId) {
      const system = await load(systemId);
      system.state = 'active';
      return save(system);
    },
    async rotateSecret(systemId) {
      const system = await load(systemId);
      const secret = newSecret();
      system.secretCiphertext = box.seal(secret, sealedFor(system.systemId));
      return { system: await save(system), credentials: { systemId: system.systemId, secret } };
    },
    async setAgencies(systemId, agencies) {
      const system = await load(systemId);
      system.agencies = await assertAgencies(agencies);
      return save(system);
    },
    async resolveSystem(systemId) {
      if (!isOrganId(systemId, SYSTEM_ID_RULE)) return undefined;
      const system = await store.getSystem(systemId);
      if (!system) return undefined;
      return { system, secret: Buffer.from(box.open(system.secretCiphertext, sealedFor(system.systemId)), 'utf8') };
    },
  };
}

function viewOf(system: ConnectedSystemRecord): SystemView {
  return { systemId: system.systemId, agencies: [...system.agencies], state: system.state, createdAt: system.createdAt, updatedAt: system.updatedAt };
}
