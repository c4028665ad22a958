/**
 * The storage port: the only way use-cases reach persistence. Adapters (src/store/embedded, src/store/mongo) implement
 * it and one contract suite (test/store/contract.ts) runs against each. They carry out what the model declares (the
 * delivery steps, the revocation, the one chain-append step of src/ledger) and hold no rule of their own. Every method that changes more than one record is
 * atomic: either all of it is kept or none of it.
 */
import type { Readable } from 'node:stream';
import type { LedgerStore } from '../../ledger/ledger-store.js';
import type {
  AgencyRecord,
  ConnectedSystemRecord,
  DeliveryRecord,
  DeliveryState,
  DeliveryStep,
  DocumentStatusRecord,
  EnvelopeKind,
  EnvelopeRecord,
  ReceiptDraft,
  ReceiptRecord,
  StatusCode,
} from '../model/index.js';
import type { ArchiveQueries } from './archive-queries.js';

export interface StoredBlob {
  /** Content address: SHA-256 (hex) of the bytes. */
  key: string;
  size: number;
}

/** Raw packages, kept byte-exact and content-addressed. */
export interface BlobStore {
  /** Moves a fully written temporary file into the store under its SHA-256 (computed by the caller while writing). */
  putFile(tempPath: string, sha256: string, size: number): Promise<StoredBlob>;
  putBytes(bytes: Uint8Array): Promise<StoredBlob>;
  has(key: string): Promise<boolean>;
  read(key: string): Promise<Buffer>;
  openRead(key: string): Promise<Readable>;
  /** Retention: removes the raw bytes (receipts and envelope metadata stay). */
  delete(key: string): Promise<void>;
  /** A directory where callers may write temporary files that putFile can later move in cheaply. */
  readonly tempDir: string;
}

/** Everything one accepted package changes, applied in one transaction. */
export interface AcceptBundle {
  envelope: EnvelopeRecord;
  deliveries: Omit<DeliveryRecord, 'seq'>[];
  receipt: ReceiptDraft;
  /** A status package moves the status of (document, sender, recipient) from `expected` (undefined: none yet). */
  statusTransition?: {
    documentId: string;
    senderOrganId: string;
    recipientOrganId: string;
    expected: StatusCode | undefined;
    next: StatusCode;
  };
  /** A revocation marks the original and withholds its deliveries not yet received (model/revocation.ts). */
  revokes?: { envelopeId: string; revocationReceipt: ReceiptDraft };
  /**
   * The raw package, unless the caller moved it in with blobs.putFile: kept under envelope.sha256 (which the caller
   * computed from these bytes) together with the records, and only if they are created (not for a duplicate or a
   * status conflict).
   */
  packageBytes?: Uint8Array;
}

export type AcceptOutcome =
  | { outcome: 'created'; envelope: EnvelopeRecord; deliveries: DeliveryRecord[]; receipt: ReceiptRecord }
  /** The same dedupe key was already accepted: the original envelope and its accepted receipt. */
  | { outcome: 'duplicate'; envelope: EnvelopeRecord; receipt: ReceiptRecord }
  /** The status moved under our feet (concurrent status package): nothing was written. */
  | { outcome: 'status-conflict'; current: StatusCode | undefined }
  /**
   * The exchange's rules held when it checked, but another send committed in between (checked again in the
   * transaction; nothing was written): `document-id-used`, the sender's DocumentId now names other bytes (`envelope`);
   * `original-revoked`, the original this revocation names was revoked by another (`envelope`, the original).
   */
  | { outcome: 'document-conflict'; reason: 'document-id-used' | 'original-revoked'; envelope: EnvelopeRecord };

export interface DeliveryQuery {
  recipientOrganId?: string;
  states?: DeliveryState[];
  /** Return deliveries with seq > after. */
  after?: number;
  limit: number;
}

export interface SentEnvelopeQuery {
  /** Envelopes sent by any of these agencies. */
  fromOrganIds: readonly string[];
  kind?: EnvelopeKind;
  limit: number;
}

export interface ReceiptQuery {
  /** Receipts where this agency is a party. */
  organId?: string;
  documentId?: string;
  envelopeId?: string;
  /** seq > after */
  after?: number;
  limit: number;
}

/** What a delivery change may set besides its state (which only a step moves). */
export type DeliveryPatch = Partial<Omit<DeliveryRecord, 'id' | 'envelopeId' | 'recipientOrganId' | 'seq' | 'createdAt' | 'revision' | 'state'>>;

export interface DeliveryChange {
  /** A step of the delivery state machine (model/delivery-steps.ts): taken only from its states, to its state. */
  step: DeliveryStep;
  /**
   * Applied only if the delivery is still at this revision (`revisionOf` the record the caller read), so an outcome
   * decided on a stale read (a stalled worker's, one from before an operator's replay) changes nothing.
   */
  ifRevision?: number;
  /** A member set to undefined clears the field (e.g. nextAttemptAt once delivered). */
  patch: DeliveryPatch;
  receipt?: ReceiptDraft;
}

export interface Store {
  readonly blobs: BlobStore;
  /** The transparency log over the receipt chain (src/ledger's own port): leaves, checkpoints, the subtree cache. */
  readonly ledger: LedgerStore;
  /** Reads for archivists, operators and reports (archive-queries.ts). */
  readonly archive: ArchiveQueries;

  createAgency(agency: AgencyRecord): Promise<void>;
  getAgency(organId: string): Promise<AgencyRecord | undefined>;
  listAgencies(): Promise<AgencyRecord[]>;
  /** Replaces the agency record; fails with STORE_NOT_FOUND when it does not exist. */
  updateAgency(agency: AgencyRecord): Promise<void>;

  /** Connected systems (the government SDK's clients); updateSystem fails with STORE_NOT_FOUND for an unknown one. */
  createSystem(system: ConnectedSystemRecord): Promise<void>;
  getSystem(systemId: string): Promise<ConnectedSystemRecord | undefined>;
  listSystems(): Promise<ConnectedSystemRecord[]>;
  updateSystem(system: ConnectedSystemRecord): Promise<void>;

  accept(bundle: AcceptBundle): Promise<AcceptOutcome>;
  getEnvelope(id: string): Promise<EnvelopeRecord | undefined>;
  findEnvelopeByDedupeKey(dedupeKey: string): Promise<EnvelopeRecord | undefined>;
  /** Every envelope about a document: the original and packages referring to it (refersToDocumentId). */
  listEnvelopesForDocument(documentId: string): Promise<EnvelopeRecord[]>;
  /** The latest envelopes sent by these agencies, newest first. */
  listSentEnvelopes(query: SentEnvelopeQuery): Promise<EnvelopeRecord[]>;
  /** Original documents (kind edoc) with this DocumentId sent by this agency, oldest first. */
  findDocuments(fromOrganId: string, documentId: string): Promise<EnvelopeRecord[]>;

  getDelivery(id: string): Promise<DeliveryRecord | undefined>;
  listDeliveries(query: DeliveryQuery): Promise<DeliveryRecord[]>;
  listDeliveriesForEnvelope(envelopeId: string): Promise<DeliveryRecord[]>;
  /**
   * Takes a step of the delivery state machine: compare-and-set on the step's states (and the revision, when asked),
   * with an optional receipt in the same transaction; bumps the revision. Undefined when the state or the revision did
   * not match: nothing changed and no receipt was written.
   */
  transitionDelivery(id: string, change: DeliveryChange): Promise<{ delivery: DeliveryRecord; receipt?: ReceiptRecord } | undefined>;
  countDeliveriesByState(): Promise<Record<DeliveryState, number>>;

  getDocumentStatus(documentId: string, senderOrganId: string, recipientOrganId: string): Promise<DocumentStatusRecord | undefined>;
  listDocumentStatuses(documentId: string): Promise<DocumentStatusRecord[]>;

  appendReceipt(draft: ReceiptDraft): Promise<ReceiptRecord>;
  getReceipt(id: string): Promise<ReceiptRecord | undefined>;
  listReceipts(query: ReceiptQuery): Promise<ReceiptRecord[]>;
  /** The last receipt of the chain, or undefined when there is none. */
  chainHead(): Promise<ReceiptRecord | undefined>;

  /** Reachability for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
