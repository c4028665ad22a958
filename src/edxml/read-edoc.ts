/** Document package (edoc): MessageHeader, TraceHeaderList, manifest and the attachments' metadata. */
import { XmlXPath, type XmlDocument, type XmlElement } from 'libxml2-wasm';
import { EncodedAttachment, type Attachment } from './attachment.js';
import { EdxmlError } from './edxml-error.js';
import type { EdocPackage, ManifestReference, OtherInfo } from './model.js';
import type { EncodedSpan } from './raw-scan.js';
import { readBusiness, readOrganization, readResponseFor, readSignature, readTraceHeaders } from './read-common.js';
import { defined, type TreeReader } from './tree-reader.js';

export interface EdocParts {
  message: TreeReader;
  header: TreeReader;
  envelope: TreeReader;
  root: TreeReader;
}

export function readEdoc(parts: EdocParts, doc: XmlDocument, bytes: Uint8Array, spans: EncodedSpan[]): EdocPackage {
  const m = parts.message;
  const code = m.one('Code');
  const promulgation = m.one('PromulgationInfo');
  const documentType = m.one('DocumentType');
  const signer = m.one('SignerInfo');
  const manifest = parts.envelope.one('edXMLBody')?.one('edXMLManifest');
  const trace = parts.header.one('TraceHeaderList');
  return defined<EdocPackage>({
    kind: 'edoc',
    from: readOrganization(m.one('From') ?? missing('From', m)),
    to: m.all('To').map(readOrganization),
    documentId: m.text('DocumentId'),
    code: code ? defined({ codeNumber: code.text('CodeNumber') ?? '', codeNotation: code.text('CodeNotation') }) : undefined,
    promulgationInfo: promulgation ? defined({ place: promulgation.text('Place'), promulgationDate: promulgation.text('PromulgationDate') }) : undefined,
    documentType: documentType ? defined({ type: documentType.text('Type'), typeDetail: documentType.text('TypeDetail'), typeName: documentType.text('TypeName') }) : undefined,
    subject: m.text('Subject'),
    content: m.text('Content'),
    signerInfo: signer ? defined({ competence: signer.text('Competence'), position: signer.text('Position'), fullName: signer.text('FullName') }) : undefined,
    dueDate: m.text('DueDate'),
    toPlaces: m.one('ToPlaces')?.texts('Place') ?? [],
    otherInfo: readOtherInfo(m.one('OtherInfo')),
    steeringType: m.text('SteeringType'),
    responseFor: m.all('ResponseFor').flatMap((r) => readResponseFor(r) ?? []),
    traceHeaders: readTraceHeaders(trace),
    business: readBusiness(trace),
    manifest: defined({ version: manifest?.element.attr('version')?.value, references: (manifest?.all('Reference') ?? []).map(readReference) }),
    attachments: readAttachments(parts.root, doc, bytes, spans),
    signature: readSignature(parts.header.element),
  });
}

function missing(name: string, parent: TreeReader): never {
  throw new EdxmlError('EDXML_RULE_MISSING_ELEMENT', `${parent.element.name} has no ${name}`, { line: parent.line, element: name });
}

function readOtherInfo(node: TreeReader | undefined): OtherInfo | undefined {
  if (!node) return undefined;
  const priority = node.text('Priority');
  return defined<OtherInfo>({
    priority: priority !== undefined && /^\d{1,9}$/.test(priority) ? Number(priority) : undefined,
    sphereOfPromulgation: node.text('SphereOfPromulgation'),
    typerNotation: node.text('TyperNotation'),
    promulgationAmount: node.text('PromulgationAmount'),
    pageAmount: node.text('PageAmount'),
    direction: node.text('Direction'),
    appendixes: node.one('Appendixes')?.texts('Appendix') ?? [],
  });
}

function readReference(node: TreeReader): ManifestReference {
  return defined({
    contentId: node.text('ContentId') ?? '',
    contentType: node.text('ContentType'),
    attachmentName: node.text('AttachmentName'),
    description: node.text('Description'),
  });
}

/** Compiled once per process: compiling the expression took about as long as evaluating it on every upload. */
let contentTransferEncoded: XmlXPath | undefined;

function readAttachments(root: TreeReader, doc: XmlDocument, bytes: Uint8Array, spans: EncodedSpan[]): Attachment[] {
  const list = root.one('AttachmentEncoded');
  if (!list) return [];
  // The byte scan saw the same ContentTransferEncoded elements, in the same order, as the tree holds.
  contentTransferEncoded ??= XmlXPath.compile("//*[local-name()='ContentTransferEncoded']");
  const texts = doc.find(contentTransferEncoded) as XmlElement[];
  if (texts.length !== spans.length) {
    throw new EdxmlError('EDXML_NOT_WELL_FORMED', 'The attachments could not be located consistently in the package bytes');
  }
  return list.all('Attachment').map((a) => {
    const fields = defined({ contentId: a.text('ContentId') ?? '', name: a.text('AttachmentName'), contentType: a.text('ContentType'), description: a.text('Description'), line: a.line });
    const textElement = a.children().find((e) => e.name === 'ContentTransferEncoded');
    const index = textElement ? texts.findIndex((t) => t.isSameNode(textElement)) : -1;
    const span = spans[index];
    if (!textElement || !span) return new EncodedAttachment(fields, new Uint8Array(0));
    if (span.stats) return new EncodedAttachment(fields, bytes.subarray(span.start, span.end), span.stats);
    // Not pure base64 in the bytes (entity references, CDATA, or simply not base64): take the parser's reading.
    return new EncodedAttachment(fields, Buffer.from(textElement.content, 'utf8'));
  });
}
