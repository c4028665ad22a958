/**
 * HTTP status for the codes the gateway itself raises. The exchange's own table (src/exchange/error-status.ts) is
 * injected by src/main and consulted first; prefixes are the fallback so a new code never becomes a silent 500.
 */
export type StatusForCode = (code: string) => number | undefined;

const EXACT: Record<string, number> = {
  AUTH_MISSING: 401,
  AUTH_INVALID: 401,
  AUTH_EXPIRED: 401,
  AUTH_REPLAYED: 401,
  AUTH_BODY_DIGEST_MISMATCH: 401,
  AUTH_AGENCY_SUSPENDED: 403,
  AUTH_FORBIDDEN: 403,
  AGENCY_NOT_FOUND: 404,
  AGENCY_EXISTS: 409,
  AGENCY_SECRET_UNREADABLE: 500,
  EDXML_TOO_LARGE: 413,
  HTTP_BODY_TOO_LARGE: 413,
  HTTP_UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  PACKAGE_NOT_FOUND: 404,
  DELIVERY_NOT_FOUND: 404,
  STORE_NOT_FOUND: 404,
  PACKAGE_REVOKED: 410,
  DUPLICATE_CONFLICT: 409,
  CONFIG_INVALID: 500,
  SERVICE_UNAVAILABLE: 503,
  // The axis's store cannot answer now: nothing was recorded, the same request may be sent again.
  STORE_BUSY: 503,
  STORE_MONGO_UNREACHABLE: 503,
};

const PREFIXES: [string, number][] = [
  ['AUTH_', 401],
  ['AGENCY_', 400],
  ['EDXML_', 422],
  ['SIG_', 422],
  ['PKI_', 422],
  ['HTTP_', 400],
  ['STATUS_', 409],
  ['STORE_', 500],
];

export function gatewayStatusForCode(code: string): number {
  const exact = EXACT[code];
  if (exact !== undefined) return exact;
  if (code.endsWith('_NOT_FOUND')) return 404;
  if (code.endsWith('_CONFLICT')) return 409;
  for (const [prefix, status] of PREFIXES) if (code.startsWith(prefix)) return status;
  return 500;
}
