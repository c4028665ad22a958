/**
 * Which signatures a document package must carry, per the sending agency's policy (Decree 30/2020 and the SDK's
 * protocol), as one pure function of the two verdicts the inspector produces: the envelope's XMLDSig report and the
 * document (PDF) signatures report. No store, no HTTP: the exchange asks, and maps a refusal to its 422.
 *
 * - envelope (default): the package's XMLDSig must be present and valid, as before; the PDFs' signatures are
 *   reported, and an invalid one is a warning.
 * - document: at least one PDF carries a valid official's signature AND a valid agency seal, and every signature
 *   present (the envelope's and every PDF's) is valid; the envelope may be unsigned.
 * - either: envelope, or else document.
 * - none: an unsigned package is accepted with a warning; any signature present is still verified and must be valid.
 *
 * Binding the envelope's signer to the sending agency (EXCHANGE_SIGNER_NOT_SENDER) stays the exchange's rule.
 */
import type { SignatureReport } from '../signature-report.js';
import type { DocumentFileSignatures, DocumentSignature, DocumentSignaturesReport } from './document-signature-report.js';

export const SIGNATURE_POLICIES = ['envelope', 'document', 'either', 'none'] as const;
export type SignaturePolicyName = (typeof SIGNATURE_POLICIES)[number];

/** Stable codes of a policy refusal or warning (besides the signatures' own codes, passed through). */
export const SIGNATURE_POLICY_CODES = {
  SIG_MISSING: 'The package carries no signature the policy accepts (neither the envelope nor a document is signed).',
  SIG_DOCUMENT_NO_PDF: 'The policy needs a signed PDF document, and the package carries no PDF.',
  SIG_DOCUMENT_UNSIGNED: 'The policy needs a signed PDF document, and no PDF of the package is signed.',
  SIG_DOCUMENT_NO_OFFICIAL: 'No PDF of the package carries a valid signature of the competent official.',
  SIG_DOCUMENT_NO_SEAL: 'A PDF carries the official\'s signature but no valid signature of the issuing agency (its seal).',
  SIG_UNSIGNED_ACCEPTED: '(warning) The package is not signed; accepted because the agency\'s policy is none.',
  SIG_DOCUMENT_SIGNATURE_INVALID: '(warning) A PDF signature is not valid; the policy does not decide on PDF signatures.',
  SIG_DOCUMENT_UNREADABLE: '(warning) A PDF could not be read, so its signatures, if any, were not checked.',
  SIG_DOCUMENT_SEAL_OTHER_AGENCY: '(warning) The agency seal on the document names another agency than the sender.',
} as const;

/** Where a refusal or warning points: the attachment file and the signature in it. */
export interface PolicyPlace {
  contentId?: string;
  attachmentName?: string;
  file?: string;
  signature?: { index: number; fieldName?: string; who?: string; role: DocumentSignature['role'] };
}

export interface PolicyWarning extends PolicyPlace {
  code: string;
  message: string;
}

export type PolicyDecision =
  | { accepted: true; policy: SignaturePolicyName; satisfiedBy: 'envelope' | 'document' | 'nothing'; warnings: PolicyWarning[] }
  | ({ accepted: false; policy: SignaturePolicyName; code: string; message: string; warnings: PolicyWarning[] } & PolicyPlace);

export interface PolicyInput {
  policy: SignaturePolicyName;
  /** The XMLDSig report of the package (code SIG_MISSING when unsigned); undefined = no envelope signature. */
  envelope?: SignatureReport;
  /** The PDF signatures of the package's attachments; undefined = not checked (counts as no PDF). */
  documents?: DocumentSignaturesReport;
  /** The sending agency, to warn when the seal names another one. */
  senderOrganId?: string;
}

type Refusal = Extract<PolicyDecision, { accepted: false }>;
type Outcome = { ok: true } | { ok: false; refusal: Omit<Refusal, 'policy' | 'warnings' | 'accepted'> };

function placeOf(file: DocumentFileSignatures, sig?: DocumentSignature): PolicyPlace {
  return {
    ...(file.contentId !== undefined ? { contentId: file.contentId } : {}),
    ...(file.attachmentName !== undefined ? { attachmentName: file.attachmentName } : {}),
    file: file.name,
    ...(sig ? { signature: { index: sig.index, role: sig.role, ...(sig.fieldName !== undefined ? { fieldName: sig.fieldName } : {}), ...(sig.who !== undefined ? { who: sig.who } : {}) } } : {}),
  };
}

function describe(file: DocumentFileSignatures, sig: DocumentSignature): string {
  return `signature ${sig.index}${sig.who ? ` (${sig.who})` : ''} of "${file.name}"`;
}

const signed = (envelope: SignatureReport | undefined): envelope is SignatureReport => envelope !== undefined && envelope.code !== 'SIG_MISSING';

function envelopeRule(envelope: SignatureReport | undefined): Outcome {
  if (!signed(envelope)) return { ok: false, refusal: { code: 'SIG_MISSING', message: 'The document package is not signed: a document sent through the axis must carry the digital signature of the sending agency.' } };
  if (!envelope.valid) return { ok: false, refusal: { code: envelope.code, message: `The package signature is not valid: ${envelope.message}` } };
  return { ok: true };
}

/** Every signature present is valid: the envelope's when it has one, and every PDF signature. */
function everyPresentValid(input: PolicyInput): Outcome {
  if (signed(input.envelope) && !input.envelope.valid) return envelopeRule(input.envelope);
  for (const file of input.documents?.files ?? []) {
    const bad = file.signatures.find((s) => s.verdict !== 'valid');
    if (bad) return { ok: false, refusal: { code: bad.code, message: `The ${describe(file, bad)} is not valid: ${bad.message}`, ...placeOf(file, bad) } };
  }
  return { ok: true };
}

function documentRule(input: PolicyInput): Outcome {
  const present = everyPresentValid(input);
  if (!present.ok) return present;
  const pdfs = (input.documents?.files ?? []).filter((f) => f.kind === 'pdf');
  if (pdfs.length === 0) return { ok: false, refusal: { code: 'SIG_DOCUMENT_NO_PDF', message: SIGNATURE_POLICY_CODES.SIG_DOCUMENT_NO_PDF } };
  const signedPdfs = pdfs.filter((f) => f.signatures.length > 0);
  if (signedPdfs.length === 0) return { ok: false, refusal: { code: 'SIG_DOCUMENT_UNSIGNED', message: `None of the ${pdfs.length} PDF file(s) is signed: under Decree 30/2020 the document must carry the official's signature and the agency's seal.`, ...placeOf(pdfs[0]!) } };
  const has = (f: DocumentFileSignatures, role: DocumentSignature['role']) => f.signatures.some((s) => s.verdict === 'valid' && s.role === role);
  if (signedPdfs.some((f) => has(f, 'official') && has(f, 'agency-seal'))) return { ok: true };
  const withOfficial = signedPdfs.find((f) => has(f, 'official'));
  if (withOfficial) {
    const official = withOfficial.signatures.find((s) => s.role === 'official')!;
    return { ok: false, refusal: { code: 'SIG_DOCUMENT_NO_SEAL', message: `"${withOfficial.name}" carries the signature of ${official.who ?? 'an official'} but no valid signature of the issuing agency (its seal) on the same document.`, ...placeOf(withOfficial, official) } };
  }
  const first = signedPdfs[0]!;
  return { ok: false, refusal: { code: 'SIG_DOCUMENT_NO_OFFICIAL', message: `"${first.name}" carries no valid signature of the competent official (only ${first.signatures.map((s) => s.role === 'agency-seal' ? `the seal of ${s.who ?? 'an agency'}` : `a signature of unknown role`).join(', ')}).`, ...placeOf(first) } };
}

function warningsOf(input: PolicyInput, decidesOnPdfs: boolean): PolicyWarning[] {
  const warnings: PolicyWarning[] = [];
  for (const file of input.documents?.files ?? []) {
    if (file.status === 'unreadable') warnings.push({ code: 'SIG_DOCUMENT_UNREADABLE', message: `"${file.name}" could not be read as a PDF (${file.code}): its signatures, if any, were not checked.`, ...placeOf(file) });
    for (const sig of file.signatures) {
      if (!decidesOnPdfs && sig.verdict !== 'valid') warnings.push({ code: 'SIG_DOCUMENT_SIGNATURE_INVALID', message: `The ${describe(file, sig)} is not valid (${sig.code}): ${sig.message}`, ...placeOf(file, sig) });
      const organId = sig.agencyOrganId ?? sig.certificate?.organId;
      if (sig.verdict === 'valid' && sig.role === 'agency-seal' && input.senderOrganId && organId && organId !== input.senderOrganId) {
        warnings.push({ code: 'SIG_DOCUMENT_SEAL_OTHER_AGENCY', message: `The ${describe(file, sig)} is the seal of agency ${organId}, not of the sender ${input.senderOrganId}.`, ...placeOf(file, sig) });
      }
    }
  }
  return warnings;
}

export function evaluateSignaturePolicy(input: PolicyInput): PolicyDecision {
  const { policy } = input;
  const refuse = (outcome: Extract<Outcome, { ok: false }>, warnings: PolicyWarning[]): PolicyDecision => ({ accepted: false, policy, ...outcome.refusal, warnings });
  switch (policy) {
    case 'envelope': {
      const warnings = warningsOf(input, false);
      const outcome = envelopeRule(input.envelope);
      return outcome.ok ? { accepted: true, policy, satisfiedBy: 'envelope', warnings } : refuse(outcome, warnings);
    }
    case 'document': {
      const warnings = warningsOf(input, true);
      const outcome = documentRule(input);
      return outcome.ok ? { accepted: true, policy, satisfiedBy: 'document', warnings } : refuse(outcome, warnings);
    }
    case 'either': {
      if (envelopeRule(input.envelope).ok) return { accepted: true, policy, satisfiedBy: 'envelope', warnings: warningsOf(input, false) };
      const warnings = warningsOf(input, true);
      const outcome = documentRule(input);
      if (outcome.ok) return { accepted: true, policy, satisfiedBy: 'document', warnings };
      const nothingSigned = !signed(input.envelope) && !(input.documents?.files ?? []).some((f) => f.signatures.length > 0);
      if (nothingSigned) return refuse({ ok: false, refusal: { code: 'SIG_MISSING', message: 'The package is not signed: the agency\'s policy needs either the package\'s signature or a PDF signed by the official and sealed by the agency.' } }, warnings);
      return refuse(outcome, warnings);
    }
    case 'none': {
      const warnings = warningsOf(input, true);
      const outcome = everyPresentValid(input);
      if (!outcome.ok) return refuse(outcome, warnings);
      const anything = signed(input.envelope) || (input.documents?.files ?? []).some((f) => f.signatures.length > 0);
      if (!anything) warnings.unshift({ code: 'SIG_UNSIGNED_ACCEPTED', message: 'The package is not signed; it is accepted because the sending agency\'s signature policy is none.' });
      return { accepted: true, policy, satisfiedBy: anything ? (signed(input.envelope) ? 'envelope' : 'document') : 'nothing', warnings };
    }
  }
}
