/**
 * The checkpoint's note text (c2sp.org/tlog-checkpoint): origin, tree size in decimal, base64 root hash, one per line.
 * This text, the "body", is what both signature lines sign and what the RFC 3161 time-stamp authority hashes.
 */
import { AxisError } from '../../errors/axis-error.js';
import { HASH_SIZE } from '../log/merkle-hash.js';

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;

function malformed(message: string): never {
  throw new AxisError('LEDGER_CHECKPOINT_MALFORMED', `The checkpoint cannot be read: ${message}.`);
}

export function formatCheckpointBody(checkpoint: Checkpoint): string {
  if (!checkpoint.origin || /[\s+]/u.test(checkpoint.origin)) malformed('the origin must be non-empty, without spaces or "+"');
  if (!Number.isSafeInteger(checkpoint.treeSize) || checkpoint.treeSize < 0) malformed('the tree size must be a whole number');
  if (checkpoint.rootHash.length !== HASH_SIZE) malformed('the root hash must be 32 bytes');
  return `${checkpoint.origin}\n${checkpoint.treeSize}\n${checkpoint.rootHash.toString('base64')}\n`;
}

/** Extension lines are accepted (and ignored) as the spec allows; the axis writes none. */
export function parseCheckpointBody(text: string): Checkpoint & { extensions: string[] } {
  if (!text.endsWith('\n')) malformed('the body does not end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) malformed('the body needs an origin, a tree size and a root hash, one per line');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) malformed('the origin line is empty');
  if (!DECIMAL.test(size) || !Number.isSafeInteger(Number(size))) malformed(`"${size.slice(0, 40)}" is not a tree size`);
  if (!BASE64_HASH.test(root)) malformed('the root hash is not 32 bytes in base64');
  if (extensions.some((line) => line.length === 0)) malformed('an extension line is empty');
  return { origin, treeSize: Number(size), rootHash: Buffer.from(root, 'base64'), extensions };
}
