/**
 * README.txt of an evidence bundle: what each file is and how to check it with public tools, Vietnamese first, then
 * English. The commands assume a POSIX shell with openssl 3, xxd and (for the canonical JSON of a receipt) jq 1.6+.
 */
import type { EvidenceManifest } from './bundle-manifest.js';
import { vietnamTime } from './vietnam-time.js';

function vietnamese(m: EvidenceManifest): string {
  return `BỘ CHỨNG CỨ ĐIỆN TỬ (${m.format})
==============================================
Văn bản (DocumentId): ${m.documentId}
Lập lúc: ${vietnamTime(m.createdAt)}
Sổ biên nhận (origin): ${m.origin}
Gồm: ${m.packages.length} gói tin, ${m.receipts.length} biên nhận, ${m.checkpoints.length} điểm chốt (checkpoint).

Bộ này tự chứng minh được mà không cần tin hệ thống trục: mọi thứ kiểm tra được bằng công cụ công khai (openssl).
Cách nhanh nhất: edx evidence verify <tệp.zip> --trust <thư mục chứng thư gốc>.

CÁC TỆP
- manifest.json: mục lục; SHA-256 của từng tệp (chỉ để phát hiện hỏng tệp, tự nó không được ký).
- packages/<mã>.edxml: gói tin edXML nguyên bản, đúng từng byte như trục đã nhận.
- reports/<mã>.json: kết quả kiểm tra chữ ký của gói tin do trục ghi lúc nhận (thông tin tham khảo, không được ký).
- receipts/<số thứ tự>-<mã>.json: biên nhận đã ký (edx-receipt/1): biên nhận và chuỗi chứng thư của trục.
- proofs/<số thứ tự>-<mã>.json: bằng chứng biên nhận nằm trong sổ (RFC 9162): leafIndex, treeSize, auditPath.
- checkpoints/<cỡ cây>.txt: điểm chốt của sổ (C2SP signed note): origin, số biên nhận, gốc cây Merkle (base64),
  một dòng trống, rồi các chữ ký: dòng "<origin>" (Ed25519) và dòng "<origin>/x509" (khóa X.509 của trục).
- checkpoints/<cỡ cây>.tst: dấu thời gian RFC 3161 do tổ chức cấp dấu thời gian (TSA) ký trên phần thân điểm chốt.
- checkpoints/consistency-<m>-<n>.json: bằng chứng sổ chỉ được ghi thêm giữa hai điểm chốt.
- certificates/axis, certificates/tsa, certificates/signers: chứng thư của trục, của TSA, của người/cơ quan ký.
- revocation/*.crl, *.ocsp: danh sách thu hồi và trả lời OCSP đã dùng khi kiểm tra chữ ký.
- keys/checkpoint-note-key.txt: khóa kiểm tra Ed25519 của điểm chốt (định dạng Go sumdb/note).

CÁCH KIỂM TRA TỪNG PHẦN
1. Gói tin: openssl dgst -sha256 packages/<mã>.edxml phải bằng "subjectSha256" của các biên nhận về gói đó.
2. Mã băm biên nhận: SHA-256 của JSON chuẩn hóa RFC 8785 (JCS: khóa xếp theo mã UTF-16, không khoảng trắng) của
   biên nhận, bỏ "hash", "signature" và các trường ngoài cùng có giá trị null. openssl không tự chuẩn hóa JSON; với jq:
     jq -cjS '.receipt | del(.hash, .signature) | with_entries(select(.value != null))' receipts/X.json \\
       | openssl dgst -sha256
   kết quả phải bằng "hash".
3. Chữ ký biên nhận: chữ ký SHA-256 (RSA PKCS#1 v1.5 hoặc ECDSA) trên 32 byte của "hash":
     openssl x509 -in certificates/axis/1.pem -pubkey -noout > axis.pub
     jq -r .receipt.hash receipts/X.json | xxd -r -p > hash.bin
     jq -r .receipt.signature receipts/X.json | openssl base64 -d -A > sig.bin
     openssl dgst -sha256 -verify axis.pub -signature sig.bin hash.bin
   Chứng thư trục dẫn về gốc tin cậy: openssl verify -CAfile GOC.pem -untrusted certificates/axis/2.pem certificates/axis/1.pem
4. Biên nhận nằm trong sổ (RFC 9162 mục 2.1.3.2): lá r = SHA-256(0x00 || 32 byte hash):
     (printf '\\000'; printf %s "$HASH" | xxd -r -p) | openssl dgst -sha256 -binary > r.bin
   Với fn = leafIndex, sn = treeSize - 1, lần lượt từng p trong auditPath (base64):
     nếu fn lẻ hoặc fn = sn: r = SHA-256(0x01 || p || r), rồi (nếu fn chẵn) chia đôi fn, sn đến khi fn lẻ hoặc fn = 0;
     ngược lại: r = SHA-256(0x01 || r || p); sau đó chia đôi fn và sn (lấy phần nguyên).
   Cuối cùng sn phải bằng 0 và base64 của r phải bằng dòng thứ ba của checkpoints/<treeSize>.txt.
5. Chữ ký điểm chốt:
     head -n 3 checkpoints/N.txt > body.txt
     grep '/x509 ' checkpoints/N.txt | cut -d' ' -f3 | openssl base64 -d -A | tail -c +5 > cp.sig
     openssl dgst -sha256 -verify axis.pub -signature cp.sig body.txt
   (4 byte đầu của chữ ký là mã khóa theo C2SP signed-note, được bỏ đi bằng tail -c +5.)
6. Dấu thời gian của điểm chốt (TSA chứng nhận phần thân đã có từ thời điểm ghi trong dấu):
     openssl ts -verify -data body.txt -in checkpoints/N.tst -token_in -CAfile GOC-TSA.pem -untrusted certificates/tsa/1.pem
   Xem thời điểm: openssl ts -reply -in checkpoints/N.tst -token_in -text
7. Nhiều điểm chốt: consistency-<m>-<n>.json chứng minh cây cỡ n chỉ ghi thêm vào cây cỡ m (RFC 9162 mục 2.1.4.2).
`;
}

function english(m: EvidenceManifest): string {
  return `EVIDENCE BUNDLE (${m.format})
==============================
Document (DocumentId): ${m.documentId}
Made at: ${m.createdAt} (UTC)
Receipt log (origin): ${m.origin}
Holds: ${m.packages.length} package(s), ${m.receipts.length} receipt(s), ${m.checkpoints.length} checkpoint(s).

This bundle proves itself without trusting the axis: every part can be checked with public tools (openssl).
Quickest: edx evidence verify <file.zip> --trust <directory of trusted roots>.

FILES
- manifest.json: the index; SHA-256 of every file (catches damage; it is not signed itself).
- packages/<id>.edxml: the edXML package byte for byte as the axis received it.
- reports/<id>.json: the signature check the axis recorded on receipt (for information; not signed).
- receipts/<seq>-<id>.json: signed receipts (edx-receipt/1): the receipt and the axis certificate chain.
- proofs/<seq>-<id>.json: proof that the receipt is in the log (RFC 9162): leafIndex, treeSize, auditPath.
- checkpoints/<size>.txt: the log's checkpoint (C2SP signed note): origin, tree size, base64 Merkle root, a blank
  line, then signatures: the "<origin>" line (Ed25519) and the "<origin>/x509" line (the axis X.509 key).
- checkpoints/<size>.tst: the RFC 3161 time-stamp token a time-stamping authority (TSA) made over the body.
- checkpoints/consistency-<m>-<n>.json: proof that the log was only appended to between two checkpoints.
- certificates/axis, certificates/tsa, certificates/signers: the certificates of the axis, the TSA, the signers.
- revocation/*.crl, *.ocsp: the CRLs and OCSP responses used when the signatures were checked.
- keys/checkpoint-note-key.txt: the checkpoint's Ed25519 verifier key (Go sumdb/note format).

HOW TO CHECK EACH PART
1. Package: openssl dgst -sha256 packages/<id>.edxml equals the "subjectSha256" of the receipts about it.
2. Receipt hash: SHA-256 of the RFC 8785 canonical JSON (JCS: keys sorted by UTF-16 code unit, no whitespace) of the
   receipt without "hash", "signature" and its top-level null members. openssl does not canonicalise JSON; with jq:
     jq -cjS '.receipt | del(.hash, .signature) | with_entries(select(.value != null))' receipts/X.json \\
       | openssl dgst -sha256
   must print "hash".
3. Receipt signature: SHA-256 signature (RSA PKCS#1 v1.5 or ECDSA) over the 32 bytes of "hash":
     openssl x509 -in certificates/axis/1.pem -pubkey -noout > axis.pub
     jq -r .receipt.hash receipts/X.json | xxd -r -p > hash.bin
     jq -r .receipt.signature receipts/X.json | openssl base64 -d -A > sig.bin
     openssl dgst -sha256 -verify axis.pub -signature sig.bin hash.bin
   The axis certificate leads to a trusted root: openssl verify -CAfile ROOT.pem -untrusted certificates/axis/2.pem certificates/axis/1.pem
4. Receipt in the log (RFC 9162 section 2.1.3.2): leaf r = SHA-256(0x00 || the 32 bytes of hash):
     (printf '\\000'; printf %s "$HASH" | xxd -r -p) | openssl dgst -sha256 -binary > r.bin
   With fn = leafIndex, sn = treeSize - 1, for each p of auditPath (base64) in order:
     if fn is odd or fn = sn: r = SHA-256(0x01 || p || r), then (if fn is even) halve fn and sn until fn is odd or 0;
     otherwise: r = SHA-256(0x01 || r || p); then halve fn and sn (integer division).
   At the end sn must be 0 and base64(r) must equal the third line of checkpoints/<treeSize>.txt.
5. Checkpoint signature:
     head -n 3 checkpoints/N.txt > body.txt
     grep '/x509 ' checkpoints/N.txt | cut -d' ' -f3 | openssl base64 -d -A | tail -c +5 > cp.sig
     openssl dgst -sha256 -verify axis.pub -signature cp.sig body.txt
   (the first 4 bytes of a signed-note signature are the key ID, dropped by tail -c +5.)
6. Checkpoint time-stamp (the TSA vouches that the body existed at the time in the token):
     openssl ts -verify -data body.txt -in checkpoints/N.tst -token_in -CAfile TSA-ROOT.pem -untrusted certificates/tsa/1.pem
   Its time: openssl ts -reply -in checkpoints/N.tst -token_in -text
7. Several checkpoints: consistency-<m>-<n>.json proves the tree of size n extends the tree of size m (RFC 9162 2.1.4.2).
`;
}

export function evidenceReadme(manifest: EvidenceManifest): string {
  return `${vietnamese(manifest)}\n----------------------------------------------------------------------\n\n${english(manifest)}`;
}
