/**
 * The stable error and warning codes of the edXML library. Other tools (the gateway's HTTP mapping, the CLI's JSON
 * output, operators' dashboards) key on these strings: add new ones, never rename or reuse one.
 */
export const EDXML_ERROR_CODES = {
  EDXML_EMPTY: 'The package is empty.',
  EDXML_TOO_LARGE: 'The package is larger than the configured maximum size.',
  EDXML_ENCODING_UNSUPPORTED: 'The package is not encoded in UTF-8 (QCVN 102 packages are UTF-8).',
  EDXML_NOT_WELL_FORMED: 'The bytes are not well-formed XML (junk before the declaration, unclosed tag, bad character...).',
  EDXML_NAMESPACE_ERROR: 'A namespace prefix is used without being declared.',
  EDXML_DTD_FORBIDDEN: 'The package carries a DOCTYPE or entity declaration; DTDs and entities are never accepted.',
  EDXML_LIMIT_DEPTH: 'Elements are nested deeper than the configured limit.',
  EDXML_LIMIT_ELEMENTS: 'The package has more elements than the configured limit.',
  EDXML_LIMIT_NAME_LENGTH: 'An element or attribute name is longer than the configured limit.',
  EDXML_LIMIT_ATTRIBUTE_LENGTH: 'An attribute value is longer than the configured limit.',
  EDXML_LIMIT_TEXT_LENGTH: 'A text value (outside attachments) is longer than the configured limit.',
  EDXML_LIMIT_ATTACHMENTS: 'The package has more attachments than the configured limit.',
  EDXML_NOT_EDXML: 'The root element is not edXML.',
  EDXML_WRONG_NAMESPACE: 'The root element is not in the QCVN 102 namespace http://www.mic.gov.vn/TBT/QCVN_102_2016.',
  EDXML_SCHEMA_INVALID: 'The package does not follow the edXML schema (missing, unknown or malformed element).',
  EDXML_RULE_MISSING_ELEMENT: 'A mandatory element is missing or empty.',
  EDXML_RULE_DUPLICATE_ELEMENT: 'An element that may appear once appears several times.',
  EDXML_RULE_NO_RECIPIENT: 'A document package names no recipient (To).',
  EDXML_RULE_DUPLICATE_RECIPIENT: 'The same recipient OrganId appears in two To elements.',
  EDXML_RULE_ORGAN_ID_INVALID: 'An OrganId is not up to 35 characters of A-Z, 0-9 and "." (field profile: nor a system identifier, up to 64 letters, digits, ".", "-" and "_").',
  EDXML_RULE_TEXT_TOO_LONG: 'Subject or Content is longer than 500 characters.',
  EDXML_RULE_PRIORITY_RANGE: 'Priority is not between 0 and 4.',
  EDXML_RULE_DATE_FORMAT: 'A date is not a real date written yyyy/MM/dd.',
  EDXML_RULE_TIMESTAMP_FORMAT: 'A timestamp is not a real time written yyyy/MM/dd HH:mm:ss.',
  EDXML_RULE_BUSINESS_TYPE: 'BussinessDocType is not 0 (new), 1 (revoke), 2 (update) or 3 (replace).',
  EDXML_RULE_MISSING_ORIGINAL: 'A revoke, update or replace package does not say which original document it acts on.',
  EDXML_RULE_MISSING_RESPONSE_FOR: 'A status package has no ResponseFor naming the document it reports on.',
  EDXML_RULE_UNKNOWN_STATUS_CODE: 'StatusCode is not one of 01-06, 13, 15, 16.',
  EDXML_RULE_ATTACHMENT_MISMATCH: 'Manifest references and attachments do not match one to one by ContentId.',
  EDXML_ATTACHMENT_BAD_BASE64: 'An attachment\'s ContentTransferEncoded is not valid base64.',
  EDXML_FILE_UNREADABLE: 'The file could not be read (missing, a directory, or no permission).',
  EDXML_BUILD_INVALID: 'The package could not be built from the given fields.',
  EDXML_ATTACHMENT_TOO_LARGE: 'Once decoded and unzipped, the attachments are larger than the configured limit.',
  EDXML_ATTACHMENT_ZIP_TOO_MANY_ENTRIES: 'A zipped attachment holds more files than the configured limit.',
  EDXML_ATTACHMENT_ZIP_RATIO: 'A file in a zipped attachment inflates far more than documents do (a zip bomb).',
  EDXML_ATTACHMENT_ZIP_TOO_DEEP: 'Zip files are nested inside each other deeper than the configured limit.',
  EDXML_ATTACHMENT_ZIP_ENTRY_NAME: 'A file in a zipped attachment has an unsafe name (../, an absolute path, a backslash, a control character, a duplicate, or too long).',
  EDXML_ATTACHMENT_ZIP_MALFORMED: 'A zipped attachment is damaged or inconsistent (directory and headers disagree, overlapping files, wrong size or checksum).',
  EDXML_ATTACHMENT_ZIP_UNSUPPORTED: 'A zipped attachment uses what the axis does not open: encryption, ZIP64, a multi-part archive, a method other than stored or deflate.',
} as const satisfies Record<string, string>;

export type EdxmlErrorCode = keyof typeof EDXML_ERROR_CODES;

/**
 * Warnings never reject a package; they tell the operator what a stricter reading of the standard would flag. The
 * ones marked "Field profile" are each a deviation that the strict profile refuses (src/edxml/profile.ts).
 */
export const EDXML_WARNING_CODES = {
  EDXML_WARN_ORGAN_ID_NOT_CLASSIC: 'An OrganId is valid under SĐ1:2022 but not in the classic NNN.NN.NN.XNN form.',
  EDXML_WARN_EMPTY_RESPONSE_FOR: 'An empty ResponseFor (every child empty) was treated as absent.',
  EDXML_WARN_EMPTY_ATTACHMENT: 'An attachment has no content.',
  EDXML_WARN_ORGAN_ID_SYSTEM: 'Field profile: an OrganId is a system identifier (letters of either case, digits, ".", "-", "_", up to 64), not a QCVN 102 agency code.',
  EDXML_WARN_TRACE_HEADER_NO_ORGAN_ID: 'Field profile: a TraceHeader has a Timestamp but no OrganId.',
  EDXML_WARN_EDXML_PREFIX_UNDECLARED: 'Field profile: the edXML prefix is used with no xmlns:edXML declaration in scope; read as the QCVN 102 namespace.',
  EDXML_WARN_XLINK_PREFIX_UNDECLARED: 'Field profile: the xlink prefix is used with no xmlns:xlink declaration in scope; read as the XLink namespace.',
  EDXML_WARN_ATTACHMENT_NOT_BASE64: 'Field profile: an attachment\'s ContentTransferEncoded is not valid base64; accepted and forwarded as sent, but it cannot be decoded.',
} as const satisfies Record<string, string>;

export type EdxmlWarningCode = keyof typeof EDXML_WARNING_CODES;
