/**
 * Where QCVN 102 puts the enveloped Signature: inside edXMLHeader, right after TraceHeaderList. Works on the raw
 * bytes (latin1 keeps byte offsets) because the received package is evidence and is never re-serialised.
 * Partial: assumes the header holds no comment or CDATA that mimics these tags; the full verifier parses first.
 */
const HEADER_OPEN = /<(?:[A-Za-z_][\w.-]*:)?edXMLHeader[\s>]/;
const TRACE_CLOSE = /<\/(?:[A-Za-z_][\w.-]*:)?TraceHeaderList\s*>/;
const HEADER_CLOSE = /<\/(?:[A-Za-z_][\w.-]*:)?edXMLHeader\s*>/;

/** Byte offset at which to insert the Signature, or undefined when the package has no such place. */
export function signatureInsertionOffset(bytes: Uint8Array): number | undefined {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const header = HEADER_OPEN.exec(text);
  if (!header) return undefined;
  const rest = text.slice(header.index);
  const headerEnd = HEADER_CLOSE.exec(rest);
  const trace = TRACE_CLOSE.exec(rest);
  if (!headerEnd || !trace || trace.index > headerEnd.index) return undefined;
  return header.index + trace.index + trace[0].length;
}

/** The package with `signature` spliced in at `offset`; every other byte is kept as received. */
export function insertAt(bytes: Uint8Array, offset: number, signature: Uint8Array): Buffer {
  return Buffer.concat([bytes.subarray(0, offset), signature, bytes.subarray(offset)]);
}
