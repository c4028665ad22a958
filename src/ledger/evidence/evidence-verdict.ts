/**
 * What `edx evidence verify` answers: a verdict per part and one result for the whole bundle. valid: every part
 * holds. altered: some part was changed after the axis made it, and the verdict names it. could-not-check: nothing
 * was found altered, but something could not be established (a trust anchor missing, a receipt not yet in a
 * checkpoint, a bundle that could not be opened). Explanations are Vietnamese first, then English.
 */
export type PartStatus = 'valid' | 'altered' | 'could-not-check' | 'informational';
export type EvidenceResult = 'valid' | 'altered' | 'could-not-check';

export type PartKind =
  | 'bundle' | 'file' | 'checkpoint' | 'timestamp' | 'consistency' | 'receipt' | 'inclusion' | 'package' | 'report' | 'certificate' | 'revocation';

export interface PartVerdict {
  /** The file (or, for the bundle itself, "bundle"). */
  part: string;
  kind: PartKind;
  status: PartStatus;
  code: string;
  vi: string;
  en: string;
}

export interface EvidenceVerdict {
  result: EvidenceResult;
  /** One sentence for a person: what holds, or the first part that does not. */
  summary: { vi: string; en: string };
  documentId?: string;
  parts: PartVerdict[];
}

/** Codes whose failure means a part was changed; every other failure code means "could not check". */
const ALTERED = new Set([
  'RECEIPT_MALFORMED', 'RECEIPT_HASH_MISMATCH', 'RECEIPT_SIGNATURE_INVALID', 'RECEIPT_SIGNER_MISMATCH', 'RECEIPT_CHAIN_BROKEN',
  'LEDGER_CHECKPOINT_MALFORMED', 'LEDGER_CHECKPOINT_SIGNATURE_INVALID', 'LEDGER_CHECKPOINT_ORIGIN_MISMATCH',
  'LEDGER_TSA_IMPRINT_MISMATCH', 'LEDGER_TSA_SIGNATURE_INVALID', 'LEDGER_TSA_SIGNER_MISMATCH', 'LEDGER_TSA_TOKEN_MALFORMED',
  'LEDGER_PROOF_MALFORMED', 'LEDGER_LEAF_INVALID',
  'EVIDENCE_INCLUSION_FAILED', 'EVIDENCE_PROOF_MISPLACED', 'EVIDENCE_CONSISTENCY_FAILED', 'EVIDENCE_PACKAGE_DIGEST_MISMATCH',
  'EVIDENCE_FILE_CHANGED', 'EVIDENCE_FILE_MISSING', 'EVIDENCE_FILE_UNLISTED',
]);

export function statusOf(code: string): PartStatus {
  return ALTERED.has(code) ? 'altered' : 'could-not-check';
}

/** Plain Vietnamese for each failure code; the English detail comes from the check itself. */
const VIETNAMESE: Record<string, string> = {
  RECEIPT_MALFORMED: 'Tệp biên nhận không đúng định dạng biên nhận đã ký của trục.',
  RECEIPT_HASH_MISMATCH: 'Nội dung biên nhận không khớp mã băm của nó: biên nhận đã bị sửa sau khi trục ký.',
  RECEIPT_SIGNATURE_INVALID: 'Chữ ký của trục trên biên nhận không hợp lệ: biên nhận đã bị sửa hoặc giả mạo.',
  RECEIPT_SIGNER_MISMATCH: 'Chứng thư đi kèm không phải chứng thư mà biên nhận ghi là người ký.',
  RECEIPT_SIGNER_UNKNOWN: 'Không có chứng thư của trục để kiểm tra chữ ký biên nhận.',
  RECEIPT_CHAIN_UNTRUSTED: 'Chứng thư của trục không dẫn về chứng thư gốc tin cậy nào đã cung cấp (--trust).',
  RECEIPT_CERT_EXPIRED: 'Chứng thư của trục không còn hiệu lực vào thời điểm lập biên nhận.',
  LEDGER_CHECKPOINT_MALFORMED: 'Điểm chốt của sổ không đúng định dạng (C2SP signed note).',
  LEDGER_CHECKPOINT_SIGNATURE_INVALID: 'Chữ ký trên điểm chốt không hợp lệ: điểm chốt đã bị sửa hoặc giả mạo.',
  LEDGER_CHECKPOINT_ORIGIN_MISMATCH: 'Điểm chốt thuộc một sổ khác, không phải sổ của bộ chứng cứ này.',
  LEDGER_CHECKPOINT_UNTRUSTED: 'Điểm chốt không được ký bởi khóa hoặc chứng thư nào được tin cậy.',
  LEDGER_TSA_IMPRINT_MISMATCH: 'Dấu thời gian được cấp cho một dữ liệu khác, không phải điểm chốt đi kèm.',
  LEDGER_TSA_SIGNATURE_INVALID: 'Chữ ký của tổ chức cấp dấu thời gian không hợp lệ: dấu thời gian đã bị sửa.',
  LEDGER_TSA_SIGNER_MISMATCH: 'Dấu thời gian ghi một chứng thư khác với chứng thư đã ký nó.',
  LEDGER_TSA_TOKEN_MALFORMED: 'Tệp dấu thời gian không đọc được (không phải RFC 3161).',
  LEDGER_TSA_UNTRUSTED: 'Tổ chức cấp dấu thời gian không dẫn về chứng thư gốc tin cậy nào đã cung cấp.',
  LEDGER_TSA_CERT_EXPIRED: 'Chứng thư của tổ chức cấp dấu thời gian không còn hiệu lực vào thời điểm cấp dấu.',
  LEDGER_TSA_SIGNER_UNKNOWN: 'Dấu thời gian không kèm chứng thư của tổ chức cấp dấu.',
  LEDGER_TSA_NOT_TIMESTAMPING: 'Chứng thư đã ký dấu thời gian không phải chứng thư cấp dấu thời gian.',
  LEDGER_PROOF_MALFORMED: 'Tệp bằng chứng trong sổ không đọc được.',
  LEDGER_LEAF_INVALID: 'Mã băm của biên nhận không đúng định dạng.',
  EVIDENCE_INCLUSION_FAILED: 'Biên nhận không nằm trong sổ mà điểm chốt xác nhận: biên nhận hoặc bằng chứng đã bị sửa.',
  EVIDENCE_PROOF_MISPLACED: 'Bằng chứng trong sổ là của một vị trí khác, không phải của biên nhận này.',
  EVIDENCE_CONSISTENCY_FAILED: 'Hai điểm chốt không nhất quán: sổ đã bị viết lại giữa hai thời điểm.',
  EVIDENCE_PACKAGE_DIGEST_MISMATCH: 'Gói tin không khớp mã băm mà biên nhận đã ký ghi nhận: gói tin đã bị sửa.',
  EVIDENCE_PACKAGE_UNVOUCHED: 'Không có biên nhận hợp lệ nào ghi nhận gói tin này.',
  EVIDENCE_FILE_CHANGED: 'Tệp không khớp mã băm ghi trong manifest.json: tệp đã bị sửa hoặc hỏng.',
  EVIDENCE_FILE_MISSING: 'Tệp ghi trong manifest.json không có trong bộ chứng cứ: tệp đã bị xóa.',
  EVIDENCE_FILE_UNLISTED: 'Tệp không có trong manifest.json: tệp đã được thêm vào sau khi lập bộ chứng cứ.',
  EVIDENCE_NO_TIMESTAMP: 'Điểm chốt không có dấu thời gian: chưa chứng minh được thời điểm.',
  EVIDENCE_NO_PROOF: 'Biên nhận chưa có bằng chứng trong sổ (chưa có điểm chốt nào bao gồm nó).',
  EVIDENCE_CHECKPOINT_MISSING: 'Bằng chứng dẫn tới một điểm chốt không có trong bộ chứng cứ.',
  EVIDENCE_CHECKPOINT_UNVERIFIED: 'Điểm chốt mà bằng chứng dựa vào chưa được xác minh, nên bằng chứng chưa có giá trị.',
  EVIDENCE_ZIP_CORRUPT: 'Tệp không phải bộ chứng cứ đọc được (zip hỏng).',
  EVIDENCE_ZIP_TOO_LARGE: 'Không mở bộ chứng cứ: tệp sẽ bung ra quá lớn (có thể là "zip bomb").',
  EVIDENCE_ZIP_UNSAFE_NAME: 'Không mở bộ chứng cứ: có tệp mang tên trỏ ra ngoài bộ chứng cứ.',
  EVIDENCE_MANIFEST_INVALID: 'Không có hoặc không đọc được manifest.json của bộ chứng cứ.',
  EVIDENCE_CHECK_FAILED: 'Không kiểm tra được bộ chứng cứ do lỗi của chương trình kiểm tra.',
  EVIDENCE_FILE_UNREADABLE: 'Không đọc được tệp bộ chứng cứ.',
  EVIDENCE_TRUST_UNREADABLE: 'Không đọc được chứng thư gốc tin cậy để kiểm tra.',
};

export function part(kind: PartKind, path: string, code: string, en: string, status: PartStatus = statusOf(code)): PartVerdict {
  return { part: path, kind, status, code, vi: VIETNAMESE[code] ?? en, en };
}

export function validPart(kind: PartKind, path: string, code: string, vi: string, en: string): PartVerdict {
  return { part: path, kind, status: 'valid', code, vi, en };
}

export function infoPart(kind: PartKind, path: string, vi: string, en: string): PartVerdict {
  return { part: path, kind, status: 'informational', code: 'EVIDENCE_INFORMATIONAL', vi, en };
}

/** The verdict when the bundle itself could not be checked at all (unreadable, too large, no trust anchors). */
export function cannotCheck(path: string, code: string, en: string): EvidenceVerdict {
  return conclude([part('bundle', path, code, en, 'could-not-check')]);
}

export function conclude(parts: PartVerdict[], documentId?: string): EvidenceVerdict {
  const altered = parts.find((p) => p.status === 'altered');
  const unchecked = parts.find((p) => p.status === 'could-not-check');
  const checked = parts.filter((p) => p.status === 'valid').length;
  const base = documentId !== undefined ? { documentId } : {};
  if (altered) {
    return { ...base, result: 'altered', parts, summary: { vi: `ĐÃ BỊ SỬA: ${altered.part}. ${altered.vi}`, en: `ALTERED: ${altered.part}. ${altered.en}` } };
  }
  if (unchecked) {
    return { ...base, result: 'could-not-check', parts, summary: { vi: `CHƯA KIỂM TRA ĐƯỢC: ${unchecked.part}. ${unchecked.vi}`, en: `COULD NOT CHECK: ${unchecked.part}. ${unchecked.en}` } };
  }
  return { ...base, result: 'valid', parts, summary: { vi: `HỢP LỆ: cả ${checked} phần của bộ chứng cứ đều đúng như trục đã lập.`, en: `VALID: all ${checked} parts of the bundle hold as the axis made them.` } };
}
