/**
 * Flow 1 of ARCHITECTURE.md, the send: size -> parse, schema and rules (inspector) -> From is the caller ->
 * the same package again returns the original receipt -> signature policy -> document or status rules ->
 * blob + envelope + deliveries + receipt in one store transaction -> answer, while the push deliveries are enqueued.
 * A refused package stores nothing but one sealed `rejected` receipt naming the caller (package-refusal.ts; an
 * oversized package, refused before its bytes are all in hand, leaves none).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AxisError } from '../errors/axis-error.js';
import type { SignedReceipt } from '../ledger/signed-receipt.js';
import { EVIDENCE_UNAVAILABLE, type AcceptBundle, type AcceptOutcome } from './ports/index.js';
import type { EnvelopeRecord, ReceiptRecord } from './model/index.js';
import { documentIdConflict, originalRevoked, planDocument } from './document-rules.js';
import { acceptedReceiptOf, dedupeKeyOf, deliveriesOf, envelopeOf, revokedReceiptOf } from './envelope-records.js';
import type { ExchangeContext } from './exchange-deps.js';
import { ExchangeError } from './exchange-error.js';
import { recordRefusal } from './package-refusal.js';
import type { InspectedPackage } from './ports/package-inspector.js';
import { assertSignaturePolicy } from './signature-policy.js';
import { planStatus } from './status-routing.js';

export type PackageSource =
  /** A fully written file under the blob store's tempDir, hashed while it was written; moved into the store on accept. */
  | { tempPath: string; sha256: string; size: number }
  /** sha256: when the caller hashed the bytes already while receiving them (the gateway does), not hashed again. */
  | { bytes: Uint8Array; sha256?: string };

export interface SubmitInput {
  /** The authenticated agency that sent the package. */
  callerOrganId: string;
  source: PackageSource;
}

export interface SubmitResult {
  /** created: newly accepted. duplicate: the same package again, answered with the original receipt. */
  outcome: 'created' | 'duplicate';
  envelopeId: string;
  envelope: EnvelopeRecord;
  receipt: SignedReceipt;
  warnings: { code: string; message: string }[];
}

async function acceptedReceipt(ctx: ExchangeContext, envelope: EnvelopeRecord): Promise<ReceiptRecord> {
  const receipts = await ctx.store.listReceipts({ envelopeId: envelope.id, limit: 50 });
  const accepted = receipts.find((r) => r.type === 'accepted' && r.envelopeId === envelope.id);
  if (!accepted) throw new Error(`The accepted receipt of package ${envelope.id} is missing from the store.`);
  return accepted;
}

function result(ctx: ExchangeContext, outcome: 'created' | 'duplicate', envelope: EnvelopeRecord, receipt: ReceiptRecord, warnings: SubmitResult['warnings']): SubmitResult {
  return { outcome, envelopeId: envelope.id, envelope, receipt: ctx.exportReceipt(receipt), warnings };
}

export async function submitPackage(ctx: ExchangeContext, input: SubmitInput): Promise<SubmitResult> {
  const { source } = input;
  const caller = input.callerOrganId;
  // Before the package is inspected or anything recorded: a package refused for this leaves no trace, not even a
  // `rejected` receipt (recording one would need the very evidence that cannot be kept).
  const closed = await ctx.evidenceGate?.refusal();
  if (closed) throw new AxisError(EVIDENCE_UNAVAILABLE, closed.message, { retryAfterSeconds: closed.retryAfterSeconds });
  const size = 'bytes' in source ? source.bytes.byteLength : source.size;
  if (size > ctx.limits.maxPackageBytes) {
    throw new ExchangeError('EXCHANGE_TOO_LARGE', `The package is ${size} bytes; the axis accepts packages up to ${ctx.limits.maxPackageBytes} bytes.`, { size, limit: ctx.limits.maxPackageBytes });
  }
  const bytes = 'bytes' in source ? source.bytes : await readFile(source.tempPath);
  const sha256 = source.sha256 ?? createHash('sha256').update(bytes).digest('hex');
  try {
    return await judge(ctx, caller, source, bytes, sha256, size);
  } catch (error) {
    throw await recordRefusal(ctx, error, { callerOrganId: caller, sha256, size });
  }
}

/** Every check after the bytes are in hand; a coded error thrown here is a refusal the chain records. */
async function judge(ctx: ExchangeContext, caller: string, source: PackageSource, bytes: Uint8Array, sha256: string, size: number): Promise<SubmitResult> {
  // A package that arrived as a file is read again from there if needed: the inspector may keep these bytes.
  const pkg = await ctx.inspector.inspect(bytes, { disposable: 'tempPath' in source });
  if (pkg.fromOrganId !== caller) {
    throw new ExchangeError('EXCHANGE_FROM_NOT_CALLER', `The package says it is from ${pkg.fromOrganId}, but it was sent by agency ${caller}: an agency sends only its own packages.`, { from: pkg.fromOrganId });
  }

  // The same bytes from the same sender were accepted before: answer with the original receipt, check nothing again.
  const namedDocumentId = pkg.kind === 'edoc' ? pkg.documentId : pkg.responseFor?.documentId;
  if (namedDocumentId) {
    const earlier = await ctx.store.findEnvelopeByDedupeKey(dedupeKeyOf(pkg, namedDocumentId, sha256));
    if (earlier) return result(ctx, 'duplicate', earlier, await acceptedReceipt(ctx, earlier), pkg.warnings);
  }

  const sender = await ctx.store.getAgency(caller);
  if (!sender) throw new ExchangeError('EXCHANGE_UNKNOWN_SENDER', `Agency ${caller} is not registered on the axis.`);
  const signing = assertSignaturePolicy(pkg, sender, ctx.policy);
  const warnings = [...pkg.warnings, ...signing.warnings];

  const at = ctx.now().toISOString();
  let bundle: AcceptBundle;
  if (pkg.kind === 'edoc') {
    const plan = await planDocument(ctx.store, pkg, sha256);
    const envelope = envelopeOf({ pkg, warnings, signing, documentId: plan.documentId, ...(plan.refersToDocumentId ? { refersToDocumentId: plan.refersToDocumentId } : {}), toOrganIds: plan.recipients.map((r) => r.organId), sha256, size, at });
    bundle = { envelope, deliveries: deliveriesOf(envelope, plan.recipients, at), receipt: acceptedReceiptOf(envelope, { warnings, signing, ...(pkg.documents ? { documents: pkg.documents } : {}) }) };
    if (plan.revokes) bundle.revokes = { envelopeId: plan.revokes.id, revocationReceipt: revokedReceiptOf(plan.revokes, envelope) };
  } else {
    const plan = await planStatus(ctx.store, pkg);
    const envelope = envelopeOf({ pkg, warnings, signing, documentId: plan.documentId, refersToDocumentId: plan.originalDocumentId, toOrganIds: plan.recipients.map((r) => r.organId), sha256, size, at });
    bundle = { envelope, deliveries: deliveriesOf(envelope, plan.recipients, at), receipt: acceptedReceiptOf(envelope, { warnings }), statusTransition: plan.transition };
  }

  // A large package arrived as a file and moves in as one; a small one travels with the records (the embedded store
  // writes it in the same transaction).
  if ('tempPath' in source) await ctx.store.blobs.putFile(source.tempPath, sha256, size);
  else bundle.packageBytes = bytes;

  const outcome = await acceptOrRelease(ctx, bundle);
  if (outcome.outcome === 'duplicate') return result(ctx, 'duplicate', outcome.envelope, outcome.receipt, warnings);
  if (outcome.outcome === 'status-conflict') {
    throw new ExchangeError('EXCHANGE_STATUS_CONFLICT', 'Another status for this document was accepted at the same moment: check the document timeline and send again if still needed.', { current: outcome.current ?? null });
  }
  // Another send committed between the rules above and the transaction: the same refusals, decided by the store.
  if (outcome.outcome === 'document-conflict') {
    throw outcome.reason === 'document-id-used'
      ? documentIdConflict(bundle.envelope.documentId, outcome.envelope)
      : originalRevoked(outcome.envelope.documentId, outcome.envelope.revokedAt ?? at);
  }
  // The package and its deliveries are on disk: the answer does not wait for Redis. A crash before the enqueue
  // lands leaves the deliveries to the sweeper, as a failed enqueue does; the queue settles it before it closes.
  // Through the gateway the answer waited about 8 ms of a 35-45 ms accept for this (docs/performance.md).
  void enqueue(ctx, outcome.envelope, outcome.deliveries.filter((d) => d.state === 'pending').map((d) => d.id));
  return result(ctx, 'created', outcome.envelope, outcome.receipt, warnings);
}

/**
 * The store's accept. When it writes nothing (a conflict, a failure), the bytes it was given can be left in the blob
 * store with nothing referring to them (a large package moved in as a file above; MongoDB's GridFS, written before its
 * transaction), where retention, which walks deliveries, would never find them. They are removed, unless an envelope
 * with this dedupe key refers to them: the same bytes from the same sender, accepted meanwhile (the key is made of
 * the package's content, so no other envelope can share the bytes).
 */
async function acceptOrRelease(ctx: ExchangeContext, bundle: AcceptBundle): Promise<AcceptOutcome> {
  let outcome: AcceptOutcome;
  try {
    outcome = await ctx.store.accept(bundle);
  } catch (error) {
    await releaseBytes(ctx, bundle.envelope);
    throw error;
  }
  if (outcome.outcome === 'status-conflict' || outcome.outcome === 'document-conflict') await releaseBytes(ctx, bundle.envelope);
  return outcome;
}

async function releaseBytes(ctx: ExchangeContext, envelope: EnvelopeRecord): Promise<void> {
  try {
    if (await ctx.store.findEnvelopeByDedupeKey(envelope.dedupeKey)) return;
    if (await ctx.store.blobs.has(envelope.sha256)) await ctx.store.blobs.delete(envelope.sha256);
  } catch (error) {
    // The store may be the part that failed: the bytes stay, unreferenced (a sweep of such blobs is not built yet).
    ctx.logger.warn({ err: error, sha256: envelope.sha256 }, 'the bytes of a package that was not accepted could not be removed from the blob store');
  }
}

/** The package is safe in the store already: a queue failure is logged and repaired by the sweeper, never an error (never a rejection either: nobody awaits it). */
async function enqueue(ctx: ExchangeContext, envelope: EnvelopeRecord, deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  if (!ctx.queue) {
    ctx.logger.warn({ envelopeId: envelope.id, deliveryIds }, 'no delivery queue on this node: the sweeper will enqueue these deliveries');
    return;
  }
  try {
    await ctx.queue.enqueueDeliveries(deliveryIds);
  } catch (error) {
    ctx.logger.error({ envelopeId: envelope.id, deliveryIds, err: error }, 'deliveries accepted but not enqueued: the sweeper will enqueue them');
  }
}
