/**
 * People's bearer tokens, configured as SHA-256 digests (never the tokens): OPERATOR_TOKENS / ARCHIVIST_TOKENS, and
 * optionally a TOKEN_FILE of JSON `{ "operator": ["<sha256 hex>"], "archivist": ["<sha256 hex>"] }`.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AxisConfig } from './config.js';
import { ConfigError } from './config.js';

export type PersonRole = 'operator' | 'archivist';

export interface TokenDigest {
  role: PersonRole;
  /** SHA-256 of the token, 32 bytes. */
  digest: Buffer;
}

const fileSchema = z.object({
  operator: z.array(z.string().regex(/^[0-9a-fA-F]{64}$/)).default([]),
  archivist: z.array(z.string().regex(/^[0-9a-fA-F]{64}$/)).default([]),
});

export function loadTokenDigests(config: Pick<AxisConfig, 'operatorTokenDigests' | 'archivistTokenDigests' | 'tokenFile'>): TokenDigest[] {
  const operator = [...config.operatorTokenDigests];
  const archivist = [...config.archivistTokenDigests];
  if (config.tokenFile) {
    let parsed: z.infer<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(readFileSync(config.tokenFile, 'utf8')));
    } catch (error) {
      throw new ConfigError('TOKEN_FILE', `(${config.tokenFile}) is not valid: ${(error as Error).message.split('\n')[0]}`);
    }
    operator.push(...parsed.operator);
    archivist.push(...parsed.archivist);
  }
  return [
    ...operator.map((hex) => ({ role: 'operator' as const, digest: Buffer.from(hex.toLowerCase(), 'hex') })),
    ...archivist.map((hex) => ({ role: 'archivist' as const, digest: Buffer.from(hex.toLowerCase(), 'hex') })),
  ];
}
