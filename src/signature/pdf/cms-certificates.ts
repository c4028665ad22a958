/**
 * Takes the certificates out of a CMS ContentInfo(SignedData) at the DER level, before asn1js or pkijs sees it:
 * parsing them costs milliseconds each (BER tree, then schema matching), the bulk of a PDF signature check, and
 * the same signer and CA certificates come with every document. The certificates are returned as their exact DER
 * (parsed through src/pki's memo by SHA-256) and the CMS without them as new DER. Definite lengths only: anything
 * else returns undefined and the caller reads the CMS whole.
 */
interface Tlv {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

function tlv(buf: Buffer, at: number, limit: number): Tlv | undefined {
  if (at + 2 > limit) return undefined;
  const tag = buf[at]!;
  if ((tag & 0x1f) === 0x1f) return undefined; // multi-byte tags do not occur in these structures
  let length = buf[at + 1]!;
  let contentStart = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || contentStart + count > limit) return undefined; // indefinite or absurd
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  return end <= limit ? { tag, start: at, contentStart, end } : undefined;
}

function children(buf: Buffer, parent: Tlv): Tlv[] | undefined {
  const out: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end;) {
    const child = tlv(buf, at, parent.end);
    if (!child) return undefined;
    out.push(child);
    at = child.end;
  }
  return out;
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function wrap(tag: number, parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

export interface SplitCms {
  /** The ContentInfo without the certificates field, as DER. */
  cms: Buffer;
  certificates: Buffer[];
  /** Where the original ContentInfo ended in the input (the placeholder's zero padding follows). */
  end: number;
}

export function splitCertificates(contents: Buffer): SplitCms | undefined {
  const top = tlv(contents, 0, contents.length);
  if (!top || top.tag !== 0x30) return undefined;
  const [oid, explicit] = children(contents, top) ?? [];
  if (!oid || !explicit || explicit.tag !== 0xa0) return undefined;
  const [signedData] = children(contents, explicit) ?? [];
  if (!signedData || signedData.tag !== 0x30) return undefined;
  const fields = children(contents, signedData);
  if (!fields) return undefined;
  const certificatesField = fields.find((f) => f.tag === 0xa0);
  if (!certificatesField) return { cms: contents.subarray(0, top.end), certificates: [], end: top.end };
  const certificates = (children(contents, certificatesField) ?? []).filter((c) => c.tag === 0x30).map((c) => contents.subarray(c.start, c.end));
  const kept = fields.filter((f) => f !== certificatesField).map((f) => contents.subarray(f.start, f.end));
  const cms = wrap(0x30, [contents.subarray(oid.start, oid.end), wrap(0xa0, [wrap(0x30, kept)])]);
  return { cms, certificates, end: top.end };
}
