/**
 * One inspector thread: the edXML check (libxml2 parse, XSD, rules), the XMLDSig verification of a package and the
 * signatures inside its PDFs, off the gateway's event loop. The certificate chain and revocation verdict is asked of the event loop (one cache, one
 * CRL/OCSP client per process): a cached verdict costs a message, a new one the same network look-up as before.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEdxmlInspector } from '../exchange/inspection/edxml-package-inspector.js';
import type { CertificateValidationReport, CertificateValidator, ValidationPolicy } from '../pki/types.js';
import { verifyDocumentSignatures } from '../signature/documents/index.js';
import { cachingValidator, verifyPackage } from '../signature/xmldsig/index.js';
import { flatten, revive, type FromThread, type InspectorThreadData, type ToThread } from './inspector-protocol.js';

const port = parentPort;
if (!port) throw new Error('inspector-thread.ts runs as a worker thread of the gateway (inspector-pool.ts), not on its own.');
const data = workerData as InspectorThreadData;

const send = (message: FromThread): void => port.postMessage(message);
const waiting = new Map<number, { resolve: (report: CertificateValidationReport) => void; reject: (error: Error) => void }>();
let nextValidation = 0;

const remoteValidator: CertificateValidator = {
  validate(signer: Uint8Array, intermediates: Uint8Array[], policy?: ValidationPolicy): Promise<CertificateValidationReport> {
    const id = ++nextValidation;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      send({ type: 'validate', id, signer, intermediates, policy });
    });
  },
};

// A burst from one agency asks once per few seconds, not once per package; the event loop's own cache (minutes) and
// its CRL refreshes stay the authority, this one only adds VERDICT_REUSE_MS to how old a verdict can be.
const VERDICT_REUSE_MS = 5_000;
const reuse = (): CertificateValidator => cachingValidator(remoteValidator, { ttlMs: VERDICT_REUSE_MS, maxEntries: 200 });
let reused = reuse();
const validator: CertificateValidator = { validate: (signer, intermediates, policy) => reused.validate(signer, intermediates, policy) };

const inspector = createEdxmlInspector({
  verifySignature: (bytes) => verifyPackage(bytes, { validator, policy: data.policy }),
  ...(data.checkDocuments ? { verifyDocuments: (files: Parameters<typeof verifyDocumentSignatures>[0]) => verifyDocumentSignatures(files, { validator, policy: data.policy }) } : {}),
  limits: data.limits,
  ...(data.profile ? { profile: data.profile } : {}),
});

port.on('message', (message: ToThread) => {
  switch (message.type) {
    case 'inspect':
      inspector.inspect(message.bytes).then(
        (result) => send({ type: 'inspected', id: message.id, result }),
        (error: unknown) => send({ type: 'failed', id: message.id, error: flatten(error) }),
      );
      return;
    case 'forget-verdicts':
      reused = reuse();
      break;
    case 'validated':
    case 'validate-failed': {
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.type === 'validated') pending?.resolve(message.report);
      else pending?.reject(revive(message.error));
    }
  }
});

send({ type: 'ready' });
