/**
 * The agency registry: who may use the axis, how they receive (push endpoint or pull), and their credentials.
 * Credentials are returned once at creation/rotation; afterwards only the encrypted secret is kept.
 */
import { randomBytes } from 'node:crypto';
import { AxisError } from '../../errors/axis-error.js';
import { DEFAULT_SIGNATURE_POLICY, SIGNATURE_POLICIES, type AgencyRecord, type SignaturePolicyName } from '../model/index.js';
import type { Clock, Store } from '../ports/index.js';
import { isOrganId, organIdRuleText } from '../../edxml/organ-id.js';
import { createPushEndpointPolicy, type PushEndpointPolicy } from './push-endpoint-policy.js';
import { createSecretBox } from './secret-box.js';

/**
 * The registry takes the standard's codes and the SDK world's system identifiers such as `vxp.saas.03` (the
 * 'identifier' reading of src/edxml/organ-id.ts, the one OrganId rule), compared exactly as written.
 */
function assertOrganId(value: string, field = 'OrganId'): string {
  if (!isOrganId(value, 'identifier')) {
    throw new AxisError('AGENCY_ORGAN_ID_INVALID', `${field} "${value.slice(0, 40)}" is not a valid agency code: use ${organIdRuleText('identifier')}.`, { field });
  }
  return value;
}

export interface AgencyCredentials {
  organId: string;
  keyId: string;
  /** The HMAC secret (base64url). Shown once: the axis keeps only its encrypted form. */
  secret: string;
}

/** An agency without its credential ciphertexts: what the API and CLI show. */
export interface AgencyView {
  organId: string;
  name: string;
  parentOrganId?: string;
  state: AgencyRecord['state'];
  deliveryMode: AgencyRecord['deliveryMode'];
  endpointUrl?: string;
  signaturePolicy: SignaturePolicyName;
  keys: { keyId: string; createdAt: string; expiresAt?: string }[];
  certificateFingerprints: string[];
  createdAt: string;
  updatedAt: string;
}

export interface AddAgencyInput {
  organId: string;
  name: string;
  parent?: string;
  endpointUrl?: string;
  signaturePolicy?: string;
}

export interface AgencyRegistry {
  addAgency(input: AddAgencyInput): Promise<{ agency: AgencyView; credentials: AgencyCredentials }>;
  listAgencies(): Promise<AgencyView[]>;
  getAgency(organId: string): Promise<AgencyView>;
  suspend(organId: string): Promise<AgencyView>;
  resume(organId: string): Promise<AgencyView>;
  /** New key now; every older key stays valid for the grace period, then is refused. */
  rotateKey(organId: string): Promise<{ agency: AgencyView; credentials: AgencyCredentials }>;
  /**
   * Removes one key at once (a compromised secret): the next request signed with it is refused. The agency's other
   * keys stay; with none left it signs nothing until `rotateKey` issues a new one.
   */
  revokeKey(keyId: string): Promise<AgencyView>;
  registerCertificate(organId: string, sha256Fingerprint: string): Promise<AgencyView>;
  setSignaturePolicy(organId: string, policy: string): Promise<AgencyView>;
  /** For request authentication: the agency and clear secret behind a key id, if the key exists and is not expired. */
  resolveKey(keyId: string): Promise<{ agency: AgencyRecord; secret: Buffer } | undefined>;
}

export interface AgencyRegistryOptions {
  store: Pick<Store, 'createAgency' | 'getAgency' | 'listAgencies' | 'updateAgency'>;
  secretKey: Buffer;
  graceSeconds?: number;
  now?: Clock;
  /** Where push endpoints may point (PUSH_ALLOW_HTTP, PUSH_ALLOWED_HOSTS); default: https to public addresses only. */
  endpoints?: PushEndpointPolicy;
}

export function createAgencyRegistry(options: AgencyRegistryOptions): AgencyRegistry {
  const { store } = options;
  const box = createSecretBox(options.secretKey);
  const now = options.now ?? (() => new Date());
  const graceMs = (options.graceSeconds ?? 7 * 24 * 3600) * 1000;
  const endpoints = options.endpoints ?? createPushEndpointPolicy();

  function newCredential(organId: string, at: string): { record: AgencyRecord['credentials'][number]; credentials: AgencyCredentials } {
    const keyId = `${organId}:${randomBytes(8).toString('hex')}`;
    const secret = randomBytes(32).toString('base64url');
    return { record: { keyId, secretCiphertext: box.seal(secret, organId), createdAt: at }, credentials: { organId, keyId, secret } };
  }

  async function load(organId: string): Promise<AgencyRecord> {
    const agency = await store.getAgency(assertOrganId(organId));
    if (!agency) throw new AxisError('AGENCY_NOT_FOUND', `No agency with code ${organId} is registered.`, { organId });
    return agency;
  }

  async function save(agency: AgencyRecord): Promise<AgencyView> {
    agency.updatedAt = now().toISOString();
    await store.updateAgency(agency);
    return toView(agency);
  }

  return {
    async addAgency(input) {
      const organId = assertOrganId(input.organId);
      const name = input.name.trim();
      if (name.length === 0 || name.length > 500) throw new AxisError('AGENCY_NAME_INVALID', 'The agency name must be 1 to 500 characters.');
      if (input.parent !== undefined) await load(input.parent);
      const endpointUrl = input.endpointUrl === undefined ? undefined : endpoints.checkUrl(input.endpointUrl);
      const signaturePolicy = input.signaturePolicy === undefined ? DEFAULT_SIGNATURE_POLICY : assertSignaturePolicyName(input.signaturePolicy);
      if (await store.getAgency(organId)) throw new AxisError('AGENCY_EXISTS', `An agency with code ${organId} is already registered.`, { organId });
      const at = now().toISOString();
      const { record, credentials } = newCredential(organId, at);
      const agency: AgencyRecord = {
        organId,
        name,
        ...(input.parent !== undefined ? { parentOrganId: input.parent } : {}),
        state: 'active',
        deliveryMode: endpointUrl ? 'push' : 'pull',
        ...(endpointUrl ? { endpointUrl } : {}),
        credentials: [record],
        certificateFingerprints: [],
        signaturePolicy,
        createdAt: at,
        updatedAt: at,
      };
      await store.createAgency(agency);
      return { agency: toView(agency), credentials };
    },
    async listAgencies() {
      return (await store.listAgencies()).map(toView);
    },
    async getAgency(organId) {
      return toView(await load(organId));
    },
    async suspend(organId) {
      const agency = await load(organId);
      agency.state = 'suspended';
      return save(agency);
    },
    async resume(organId) {
      const agency = await load(organId);
      agency.state = 'active';
      return save(agency);
    },
    async rotateKey(organId) {
      const agency = await load(organId);
      const at = now();
      const graceEnd = new Date(at.getTime() + graceMs).toISOString();
      agency.credentials = agency.credentials
        .filter((c) => !c.expiresAt || Date.parse(c.expiresAt) > at.getTime())
        .map((c) => (c.expiresAt && c.expiresAt < graceEnd ? c : { ...c, expiresAt: graceEnd }));
      const { record, credentials } = newCredential(agency.organId, at.toISOString());
      agency.credentials.push(record);
      return { agency: await save(agency), credentials };
    },
    async revokeKey(keyId) {
      const agency = await load(keyId.split(':')[0] ?? '');
      const kept = agency.credentials.filter((c) => c.keyId !== keyId);
      if (kept.length === agency.credentials.length) {
        throw new AxisError('AGENCY_KEY_NOT_FOUND', `Agency ${agency.organId} has no key ${keyId.slice(0, 100)}.`, { organId: agency.organId });
      }
      agency.credentials = kept;
      return save(agency);
    },
    async registerCertificate(organId, fingerprint) {
      const hex = fingerprint.replace(/:/g, '').toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(hex)) throw new AxisError('AGENCY_CERT_FINGERPRINT_INVALID', 'A certificate fingerprint must be a SHA-256 digest (64 hex characters).');
      const agency = await load(organId);
      if (!agency.certificateFingerprints.includes(hex)) agency.certificateFingerprints.push(hex);
      return save(agency);
    },
    async setSignaturePolicy(organId, policy) {
      const name = assertSignaturePolicyName(policy);
      const agency = await load(organId);
      agency.signaturePolicy = name;
      return save(agency);
    },
    async resolveKey(keyId) {
      const organId = keyId.split(':')[0] ?? '';
      if (!isOrganId(organId, 'identifier')) return undefined;
      const agency = await store.getAgency(organId);
      const credential = agency?.credentials.find((c) => c.keyId === keyId);
      if (!agency || !credential) return undefined;
      if (credential.expiresAt && Date.parse(credential.expiresAt) <= now().getTime()) return undefined;
      return { agency, secret: Buffer.from(box.open(credential.secretCiphertext, agency.organId), 'utf8') };
    },
  };
}

function assertSignaturePolicyName(policy: string): SignaturePolicyName {
  if (!(SIGNATURE_POLICIES as readonly string[]).includes(policy)) {
    throw new AxisError('AGENCY_SIGNATURE_POLICY_INVALID', `The signature policy "${policy.slice(0, 40)}" is not known: use one of ${SIGNATURE_POLICIES.join(', ')}.`);
  }
  return policy as SignaturePolicyName;
}

export function toView(agency: AgencyRecord): AgencyView {
  return {
    organId: agency.organId,
    name: agency.name,
    ...(agency.parentOrganId !== undefined ? { parentOrganId: agency.parentOrganId } : {}),
    state: agency.state,
    deliveryMode: agency.deliveryMode,
    ...(agency.endpointUrl !== undefined ? { endpointUrl: agency.endpointUrl } : {}),
    signaturePolicy: agency.signaturePolicy ?? DEFAULT_SIGNATURE_POLICY,
    keys: agency.credentials.map((c) => ({ keyId: c.keyId, createdAt: c.createdAt, ...(c.expiresAt ? { expiresAt: c.expiresAt } : {}) })),
    certificateFingerprints: [...agency.certificateFingerprints],
    createdAt: agency.createdAt,
    updatedAt: agency.updatedAt,
  };
}
