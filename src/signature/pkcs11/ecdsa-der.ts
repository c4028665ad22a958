/** An ECDSA signature from its raw r||s form (what PKCS#11 CKM_ECDSA returns) to the DER SEQUENCE CMS carries. */
function derInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const body = bytes.subarray(start);
  // A leading 1 bit would read as negative: prefix a zero byte.
  const value = body[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body;
  return Buffer.concat([Buffer.from([0x02, value.length]), value]);
}

export function ecdsaDer(raw: Uint8Array): Buffer {
  const half = raw.length / 2;
  const r = derInteger(Buffer.from(raw.subarray(0, half)));
  const s = derInteger(Buffer.from(raw.subarray(half)));
  const body = Buffer.concat([r, s]);
  // P-256 and P-384 fit in a one-byte length; P-521 (up to 139 bytes) needs the long form.
  const length = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([0x30]), length, body]);
}
