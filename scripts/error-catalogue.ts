/**
 * docs/errors.md, generated: every error code declared or raised across src, with the HTTP status the REST dialect
 * answers it with (src/http/rest/error-status.ts, the one table), whether the same request may succeed later, and the
 * Retry-After it is sent with. `npm run docs:errors` writes the file; test/http/error-catalogue.test.ts fails when
 * the file is not what this produces now, and when a route raises a code with another status or Retry-After than
 * the table's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EDXML_ERROR_CODES, EDXML_WARNING_CODES } from '../src/edxml/error-codes.js';
import { EXCHANGE_CODES } from '../src/exchange/exchange-error.js';
import { REST_ERROR_STATUS, restRetryForCode, restStatusForCode } from '../src/http/rest/error-status.js';
import { PKI_CODES } from '../src/pki/pki-codes.js';
import { PDF_SIGNATURE_CODES } from '../src/signature/pdf/pdf-report.js';
import { SIGNATURE_CODES } from '../src/signature/signature-report.js';

/** Where a code can be met: the REST API (`/v1`), the SDK dialect (`/vdxp`), or only the command line and reports. */
type Surface = 'rest' | 'vdxp' | 'offline';

interface Family {
  /** A code belongs to the first family it starts with. */
  prefixes: string[];
  title: string;
  where: string;
  surface: Surface;
}

const FAMILIES: Family[] = [
  { prefixes: ['AUTH_'], title: 'Authentication', where: 'HMAC-signed agency requests and people\'s bearer tokens (docs/auth.md).', surface: 'rest' },
  { prefixes: ['HTTP_', 'NOT_FOUND', 'UPLOAD_', 'SERVICE_', 'INTERNAL_', 'RATE_'], title: 'The gateway', where: 'Reading the request itself: query, body, content type, the upload to disk; an unknown endpoint; a node without the part asked for; the per-agency limits.', surface: 'rest' },
  { prefixes: ['EXCHANGE_'], title: 'The exchange', where: 'The rules of sending, receiving and statuses (docs/api.md), the same in both dialects.', surface: 'rest' },
  { prefixes: ['EDXML_'], title: 'edXML packages', where: 'The format (QCVN 102:2016): safe parse, XSD, rules (docs/edxml.md); also `edx validate`.', surface: 'rest' },
  { prefixes: ['SIG_', 'XML_'], title: 'Signatures and certificates', where: 'The XMLDSig signature of a package and its signer\'s certificate (docs/xmldsig.md, docs/pki.md); also `edx verify`.', surface: 'rest' },
  { prefixes: ['PKI_'], title: 'Trust anchors and test PKI', where: 'The axis\'s trust anchors (an operator problem when it reaches a request) and `edx pki`.', surface: 'rest' },
  { prefixes: ['INSPECTOR_'], title: 'Package inspection', where: 'The threads that check packages.', surface: 'rest' },
  { prefixes: ['STORE_'], title: 'The store', where: 'The embedded or MongoDB store (docs/storage.md).', surface: 'rest' },
  { prefixes: ['AGENCY_', 'SYSTEM_', 'DELIVERY_'], title: 'Operators', where: 'The operator API (`/v1/admin`) and `edx admin`: agencies, connected systems, dead-letter deliveries.', surface: 'rest' },
  { prefixes: ['ARCHIVE_', 'CALENDAR_', 'DEADLINE_', 'UI_'], title: 'Archive, statistics, time limits and the web UI', where: 'Archivists\' and operators\' reads (`/v1/documents`, `/v1/statistics`, `/v1/deadlines`, docs/deadlines.md) and the web UI (docs/ui.md).', surface: 'rest' },
  { prefixes: ['LEDGER_'], title: 'The ledger', where: 'The axis identity, receipts, checkpoints and time-stamps (docs/evidence.md).', surface: 'rest' },
  { prefixes: ['VDXP_'], title: 'The government SDK\'s protocol', where: 'Only `/vdxp` (docs/vdxp.md): always HTTP 200 with `status: FAIL` and this code in `ErrorCode`.', surface: 'vdxp' },
  { prefixes: ['RECEIPT_', 'EVIDENCE_'], title: 'Offline verification', where: 'Verdicts of `edx receipt verify` and of evidence bundles: reports, never an HTTP answer.', surface: 'offline' },
  { prefixes: ['PDF_'], title: 'PDF signatures', where: '`edx pdf sign|verify` (docs/pdf-signatures.md).', surface: 'offline' },
  { prefixes: ['CONFIG_', 'REDIS_', 'WORKERS_', 'PUSH_'], title: 'Start-up and configuration', where: 'A process starting (docs/operations.md): one line and exit code 2; met during a request, an operator problem.', surface: 'rest' },
  { prefixes: ['CLI_', 'CLIENT_'], title: 'Command line', where: 'The `edx` commands (docs/client.md for `edx client`): one line on stderr and an exit code.', surface: 'offline' },
];

const CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
// ConfigError's first argument names the variable; its code is always CONFIG_INVALID.
const RAISE = /new\s+(?!ConfigError\b)(\w*Error)\(\s*(?:(\d{3}),\s*)?'([A-Z][A-Z0-9_]+)'/g;
const PROBLEM = /sendProblem\([^,()]+,[^,()]+,\s*(\d{3}),\s*'([A-Z][A-Z0-9_]+)'/g;
const CALL_WITH_MESSAGE = /\b\w+\(\s*'([A-Z][A-Z0-9]*_[A-Z0-9_]+)'\s*(?=,\s*['`"])/g;
const VERDICT = /code:\s*'([A-Z][A-Z0-9_]+)'\s*,\s*message:/g;
const CODE_TYPE = /export\s+type\s+\w*Code\s*=([^;]+);/g;
const QUOTED = /'([A-Z][A-Z0-9_]+)'/g;

/** A place in src that answers a code with an HTTP status of its own (an HttpError, a direct problem). */
export interface RaiseSite {
  code: string;
  file: string;
  status: number;
  retryAfterSeconds?: number;
}

export interface CollectedCodes {
  errors: Set<string>;
  warnings: Set<string>;
  sites: RaiseSite[];
  /** The distinct messages the places that raise each code give (by file path), `${...}` shown as `…`. */
  messages: Map<string, string[]>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The string literal (quoted or template) right after `from`, past a comma: the message a raise site gives. */
function messageAfter(text: string, from: number): string | undefined {
  const rest = /^\s*,?\s*(?:message:\s*)?(['`"])/.exec(text.slice(from, from + 400));
  if (!rest) return undefined;
  const quote = rest[1]!;
  let i = from + rest[0].length;
  let out = '';
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\') { out += text[i + 1] ?? ''; i++; continue; }
    if (quote === '`' && c === '$' && text[i + 1] === '{' && depth === 0) { depth = 1; out += '…'; i++; continue; }
    if (depth > 0) { if (c === '{') depth++; else if (c === '}') depth--; continue; }
    if (c === quote) return out.replace(/\s+/g, ' ').trim();
    out += c;
  }
  return undefined;
}

/** The Retry-After a raise site passes (a number, or a constant of the same file). */
function retryAfterAt(text: string, from: number): number | undefined {
  const call = text.slice(from, text.indexOf(');', from) + 1 || undefined);
  const given = /retryAfterSeconds:\s*([A-Z0-9_]+)/.exec(call)?.[1];
  if (given === undefined) return undefined;
  if (/^\d+$/.test(given)) return Number(given);
  const constant = new RegExp(`const\\s+${given}\\s*=\\s*(\\d+)`).exec(text)?.[1];
  return constant === undefined ? undefined : Number(constant);
}

export function collectCodes(root: string): CollectedCodes {
  const errors = new Set<string>([
    ...EXCHANGE_CODES, ...Object.keys(EDXML_ERROR_CODES), ...PKI_CODES, ...SIGNATURE_CODES, ...PDF_SIGNATURE_CODES, ...Object.keys(REST_ERROR_STATUS),
  ]);
  const warnings = new Set<string>(Object.keys(EDXML_WARNING_CODES));
  const sites: RaiseSite[] = [];
  const messages = new Map<string, string[]>();
  const remember = (code: string, message: string | undefined) => {
    if (!message) return;
    const known = messages.get(code) ?? [];
    if (!known.includes(message)) messages.set(code, [...known, message]);
  };
  for (const file of sourceFiles(path.join(root, 'src')).sort()) {
    const text = readFileSync(file, 'utf8');
    const relative = path.relative(root, file).split(path.sep).join('/');
    for (const m of text.matchAll(RAISE)) {
      errors.add(m[3]!);
      remember(m[3]!, messageAfter(text, m.index + m[0].length));
      if (m[1] === 'HttpError' && m[2]) {
        const after = retryAfterAt(text, m.index);
        sites.push({ code: m[3]!, file: relative, status: Number(m[2]), ...(after !== undefined ? { retryAfterSeconds: after } : {}) });
      }
    }
    for (const m of text.matchAll(PROBLEM)) {
      errors.add(m[2]!);
      remember(m[2]!, messageAfter(text, m.index + m[0].length));
      sites.push({ code: m[2]!, file: relative, status: Number(m[1]) });
    }
    for (const m of text.matchAll(CALL_WITH_MESSAGE)) remember(m[1]!, messageAfter(text, m.index + m[0].length));
    for (const m of text.matchAll(VERDICT)) remember(m[1]!, messageAfter(text, m.index + m[0].length));
    for (const m of text.matchAll(CODE_TYPE)) for (const q of m[1]!.matchAll(QUOTED)) errors.add(q[1]!);
    for (const q of text.matchAll(QUOTED)) if (q[1]!.includes('_WARN_')) warnings.add(q[1]!);
  }
  for (const code of [...errors]) {
    // Verdicts that say "valid" are not errors; warnings have their own table.
    if (!CODE.test(code) || code.endsWith('_OK') || code.includes('_WARN_')) errors.delete(code);
  }
  return { errors, warnings, sites, messages };
}

function familyOf(code: string): Family {
  const family = FAMILIES.find((f) => f.prefixes.some((p) => code.startsWith(p)));
  if (!family) throw new Error(`Error code ${code} belongs to no family of the catalogue: describe its family in scripts/error-catalogue.ts.`);
  return family;
}

function statusCell(code: string, surface: Surface): string {
  if (surface === 'vdxp') return '200 (`FAIL`)';
  if (surface === 'offline') return '—';
  return String(restStatusForCode(code));
}

function retryCells(code: string, surface: Surface): [string, string] {
  if (surface === 'offline') return ['—', '—'];
  const retry = restRetryForCode(code);
  return [retry.retryable ? 'yes' : 'no', retry.retryAfterSeconds !== undefined && surface === 'rest' ? `${retry.retryAfterSeconds} s` : '—'];
}

/** Meanings written here: the library's declared ones, and codes whose message is made where it is raised. */
const MEANINGS: Record<string, string> = {
  ...EDXML_ERROR_CODES,
  EXCHANGE_STATUS_TRANSITION_FORBIDDEN: 'The status machine does not allow this status now; `detail` says why. See the status cookbook in docs/api.md.',
  SIG_CERT_EXPIRED: 'The signer\'s certificate, or one in its chain, was past its validity period.',
  SIG_CERT_NOT_YET_VALID: 'The signer\'s certificate, or one in its chain, was not valid yet.',
  SIG_CERT_KEY_USAGE: 'The signer\'s certificate is not allowed to sign documents (its key usage).',
  SIG_REVOCATION_UNKNOWN: 'Whether the signer\'s certificate is revoked could not be established now (no OCSP answer, no usable CRL): no verdict on the package.',
  SIG_OCSP_UNAVAILABLE: 'The OCSP responder of the signer\'s CA did not answer: no verdict on the package.',
  SIG_CRL_EXPIRED: 'The CRL for the signer\'s certificate is past its nextUpdate and no fresh one could be had: no verdict on the package.',
  SIG_P12_INVALID: 'The PKCS#12 file cannot be read.',
  EVIDENCE_INPUT_INVALID: 'An evidence bundle was asked for with inputs that do not belong together.',
  PDF_BYTERANGE_INVALID: 'The signature\'s ByteRange does not describe the file.',
  PDF_MODIFIED_AFTER_SIGNING: 'The document was changed after this signature by more than signatures or document metadata.',
  REDIS_UNREACHABLE: 'Redis cannot be reached at REDIS_URL.',
};

/** A table cell: pipes escaped, long messages cut at a word. */
function cell(text: string): string {
  const escaped = text.replace(/\|/g, '\\|');
  if (escaped.length <= 200) return escaped;
  return `${escaped.slice(0, 200).replace(/\s+\S*$/, '')} …`;
}

export function renderErrorCatalogue(collected: CollectedCodes): string {
  const lines: string[] = [
    '# Error catalogue',
    '',
    '<!-- Generated by `npm run docs:errors` (scripts/error-catalogue.ts) from src/http/rest/error-status.ts and the codes',
    '     declared and raised across src. Do not edit by hand: test/http/error-catalogue.test.ts fails when this file is',
    '     not what the generator writes now. -->',
    '',
    'Every refusal carries a stable `code`: the REST API (`/v1`) in its RFC 9457 problem+json (`code`, and `detail` for',
    'a person), the government SDK\'s protocol (`/vdxp`) in `ErrorCode` (with `ErrorDesc`). **The SDK dialect\'s',
    '`ErrorCode` values are the same codes**: a package refused through either dialect for the same reason carries the',
    'same code, so one integration branches on one vocabulary. Only the wire differs: `/vdxp` answers HTTP 200 with',
    '`status: FAIL` (the SDK reads the body, not the status) and sends no `Retry-After`; `/v1` answers the status below.',
    '',
    '- **HTTP status**: what `/v1` answers (`src/http/rest/error-status.ts`, one table; a code raised with a status of',
    '  its own is checked against it). `—`: never an HTTP answer (command line, offline reports).',
    '- **Retryable**: the same request, signed afresh (new timestamp and nonce), may succeed later without any change:',
    '  the axis could not answer now (503), or the request lost a race. Everything else is a verdict on the request:',
    '  sending it again unchanged gets the same answer; change it first.',
    '- **Retry-After**: the wait `/v1` asks for in the `Retry-After` header (seconds). Wait at least that long; back off',
    '  further if the refusal repeats.',
    '',
    'Warnings (last table) never refuse anything: they are listed in the package report and in the accepted receipt.',
    '',
  ];
  const byFamily = new Map<Family, string[]>();
  for (const code of [...collected.errors].sort()) {
    const family = familyOf(code);
    byFamily.set(family, [...(byFamily.get(family) ?? []), code]);
  }
  for (const family of FAMILIES) {
    const codes = byFamily.get(family);
    if (!codes) continue;
    lines.push(`## ${family.title}`, '', family.where, '', '| code | HTTP status | retryable | Retry-After | meaning |', '| --- | --- | --- | --- | --- |');
    for (const code of codes) {
      const [retryable, after] = retryCells(code, family.surface);
      const meaning = MEANINGS[code] ?? collected.messages.get(code)?.join(' / ') ?? '';
      lines.push(`| \`${code}\` | ${statusCell(code, family.surface)} | ${retryable} | ${after} | ${cell(meaning)} |`);
    }
    lines.push('');
  }
  const warningText: Record<string, string> = { ...EDXML_WARNING_CODES };
  lines.push('## Warnings', '', 'Accepted with a warning: named in the report (`GET /v1/packages/:id/report`) and the accepted receipt\'s `detail.warnings`.', '', '| code | meaning |', '| --- | --- |');
  for (const code of [...collected.warnings].sort()) lines.push(`| \`${code}\` | ${cell(warningText[code] ?? collected.messages.get(code)?.join(' / ') ?? '')} |`);
  lines.push('');
  return lines.join('\n');
}

export function generateErrorCatalogue(root: string): string {
  return renderErrorCatalogue(collectCodes(root));
}
