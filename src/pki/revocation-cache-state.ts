/**
 * How fresh the revocation data is that the signature checks hold (the operators' health page): each CRL the
 * validator has used, with when it was fetched and its thisUpdate/nextUpdate (or that none is held now: it went stale
 * and has not been fetched again), and a count of the OCSP answers held, by status, with the oldest and the next to go.
 */
import { parseCrl } from './crl-source.js';
import type { RevocationCache } from './revocation-cache.js';

export interface CachedCrlState {
  url: string;
  /** held: a current copy is cached; missing: used before, none held now (stale, or its last fetch failed). */
  state: 'held' | 'missing';
  fetchedAt?: string;
  thisUpdate?: string;
  nextUpdate?: string;
}

export interface RevocationCacheState {
  /** false: the cache cannot list what it holds (a shared cache): nothing below is known. */
  listed: boolean;
  crls: CachedCrlState[];
  ocsp: { answers: number; good: number; revoked: number; oldestFetchedAt?: string; nextExpiresAt?: string };
}

const earliest = (dates: Date[]): string | undefined => (dates.length === 0 ? undefined : new Date(Math.min(...dates.map((d) => d.getTime()))).toISOString());

export function describeRevocationCache(cache: RevocationCache, usedCrlUrls: Iterable<string>): RevocationCacheState {
  const entries = cache.entries?.();
  if (!entries) return { listed: false, crls: [], ocsp: { answers: 0, good: 0, revoked: 0 } };
  const held = new Map(entries.filter((e) => e.key.startsWith('crl:')).map((e) => [e.key.slice(4), e]));
  const urls = [...new Set([...usedCrlUrls, ...held.keys()])].sort();
  const crls = urls.map((url): CachedCrlState => {
    const entry = held.get(url);
    if (!entry) return { url, state: 'missing' };
    const crl = parseCrl(entry.value);
    const nextUpdate = crl?.nextUpdate?.value.toISOString();
    return { url, state: 'held', fetchedAt: entry.storedAt.toISOString(), ...(crl ? { thisUpdate: crl.thisUpdate.value.toISOString() } : {}), ...(nextUpdate ? { nextUpdate } : {}) };
  });
  const answers = entries.filter((e) => e.key.startsWith('ocsp:'));
  const statusOf = (value: Uint8Array): string | undefined => {
    try {
      return (JSON.parse(Buffer.from(value).toString('utf8')) as { status?: string }).status;
    } catch {
      return undefined;
    }
  };
  const statuses = answers.map((e) => statusOf(e.value));
  const oldestFetchedAt = earliest(answers.map((e) => e.storedAt));
  const nextExpiresAt = earliest(answers.map((e) => e.expiresAt));
  return {
    listed: true,
    crls,
    ocsp: {
      answers: answers.length,
      good: statuses.filter((s) => s === 'good').length,
      revoked: statuses.filter((s) => s === 'revoked').length,
      ...(oldestFetchedAt ? { oldestFetchedAt } : {}),
      ...(nextExpiresAt ? { nextExpiresAt } : {}),
    },
  };
}
