/**
 * The one place that reads the environment. Everything else receives a typed, validated `AxisConfig`; an invalid
 * value stops start-up with one line that names the variable (see `ConfigError`).
 */
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { AxisError } from '../errors/axis-error.js';

const sha256Hex = /^[0-9a-f]{64}$/;

/** Token digests: comma-separated SHA-256 hex of each token (never the tokens themselves). */
const tokenDigests = z
  .string()
  .default('')
  .transform((raw) => raw.split(',').map((t) => t.trim().toLowerCase().replace(/^sha256:/, '')).filter((t) => t.length > 0))
  .refine((list) => list.every((t) => sha256Hex.test(t)), 'must be comma-separated SHA-256 hex digests of the tokens (printf %s TOKEN | sha256sum)');

const milliseconds = z.coerce.number().int().positive();

const flag = z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1');

/** PUSH_ALLOWED_HOSTS: comma-separated host names, IP addresses or CIDR ranges. */
const isHostRule = (entry: string): boolean => {
  const [net = '', bits, extra] = entry.split('/');
  if (extra !== undefined) return false;
  if (isIP(net) !== 0) return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(net) === 6 ? 128 : 32));
  return bits === undefined && /^[a-z0-9]([a-z0-9-]{0,62}\.?)*$/i.test(net);
};
const hostRules = z
  .string()
  .default('')
  .transform((raw) => raw.split(',').map((t) => t.trim()).filter((t) => t.length > 0))
  .refine((list) => list.every(isHostRule), 'must be comma-separated host names, IP addresses or CIDR ranges (e.g. dms.internal,10.20.0.0/16)');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ROLE: z.enum(['all', 'gateway', 'workers']).default('all'),
  MAX_PACKAGE_BYTES: z.coerce.number().int().positive().default(250 * 1024 * 1024),
  // Which edXML packages the gateway accepts (src/edxml/profile.ts, docs/edxml.md).
  EDXML_PROFILE: z.enum(['field', 'strict']).default('field'),
  AXIS_P12: z.string().min(1).optional(),
  AXIS_P12_PASSWORD: z.string().optional(),
  SECRET_KEY: z
    .string()
    .regex(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'must be 32 bytes as 64 hex characters or 44 base64 characters')
    .optional(),
  OPERATOR_TOKENS: tokenDigests,
  ARCHIVIST_TOKENS: tokenDigests,
  TOKEN_FILE: z.string().min(1).optional(),
  TRUST_ANCHORS_DIR: z.string().min(1).optional(),
  // CRLs an operator places (networks that cannot reach a CA's distribution points): they count as fetched ones.
  CRL_DIR: z.string().min(1).optional(),
  // Fail-closed by default: a signer whose revocation cannot be established is not trusted.
  REVOCATION_POLICY: z.enum(['require', 'prefer', 'off']).default('require'),
  AUTH_WINDOW_SECONDS: z.coerce.number().int().min(5).max(3600).default(300),
  KEY_ROTATION_GRACE_SECONDS: z.coerce.number().int().min(0).default(7 * 24 * 3600),
  METRICS_PUBLIC: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  GATEWAY_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  INSPECT_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  // Where the government SDK's protocol is served: the path an agency's `service.endpoint` ends with.
  VDXP_PATH: z.string().regex(/^\/[A-Za-z0-9._~/-]*[A-Za-z0-9._~-]$/, 'must be a path such as /vdxp (not / itself, no trailing /)')
    .refine((p) => !/^\/(v1|admin|ui|docs|healthz|readyz|metrics|openapi\.json)(\/|$)/.test(p), 'must not overlap the axis\'s own paths (/v1, /admin, /ui, /docs, ...)')
    .default('/vdxp'),
  // The delivery and maintenance workers. Unset = the defaults of src/exchange/delivery/delivery-policy.ts and src/main/start-workers.ts.
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, "_", "." or "-"').optional(),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).optional(),
  DELIVERY_BASE_DELAY_MS: milliseconds.optional(),
  DELIVERY_MAX_DELAY_MS: milliseconds.optional(),
  DELIVERY_MIN_DELAY_MS: z.coerce.number().int().min(0).optional(),
  DELIVERY_CONNECT_TIMEOUT_MS: milliseconds.optional(),
  DELIVERY_RESPONSE_TIMEOUT_MS: milliseconds.optional(),
  DELIVERY_RECIPIENT_CONCURRENCY: z.coerce.number().int().min(1).optional(),
  DELIVERY_RECIPIENT_RATE: z.coerce.number().int().min(0).optional(),
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(1000).optional(),
  DELIVERY_SUSPENDED_RECHECK_MS: milliseconds.optional(),
  DELIVERY_ERROR_BACKOFF_BASE_MS: milliseconds.optional(),
  DELIVERY_ERROR_BACKOFF_MAX_MS: milliseconds.optional(),
  WORKER_LOCK_MS: milliseconds.optional(),
  WORKER_STALLED_INTERVAL_MS: milliseconds.optional(),
  SWEEP_EVERY_MS: milliseconds.optional(),
  RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
  DEAD_LETTER_WEBHOOK_URL: z.string().regex(/^https?:\/\/\S+$/, 'must be an http:// or https:// URL').optional(),
  // Where pushes may go, what one agency may ask, how long an upload may stall.
  PUSH_ALLOW_HTTP: flag,
  PUSH_ALLOWED_HOSTS: hostRules,
  AGENCY_REQUESTS_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  AGENCY_DAILY_BYTES: z.coerce.number().int().min(0).default(20 * 1024 * 1024 * 1024),
  UPLOAD_IDLE_TIMEOUT_MS: milliseconds.default(30_000),
  // The receipt log's checkpoints and their RFC 3161 time-stamps (docs/evidence.md). Unset TSA_URL: the
  // development TSA runs in-process (only with the development axis identity, i.e. without AXIS_P12).
  LEDGER_ORIGIN: z.string().regex(/^[^\s+]{1,200}$/, 'must be a log name without spaces or "+", e.g. truc.gov.vn/edx-axis/receipts').default('edx-axis.local/receipts'),
  CHECKPOINT_EVERY_MS: milliseconds.default(60_000),
  CHECKPOINT_EVERY_RECEIPTS: z.coerce.number().int().min(1).optional(),
  TSA_URL: z.string().regex(/^https?:\/\/\S+$/, 'must be an http:// or https:// URL').optional(),
  TSA_TRUST_ANCHORS_DIR: z.string().min(1).optional(),
  TSA_TIMEOUT_MS: milliseconds.default(10_000),
  EVIDENCE_MAX_UNTIMESTAMPED_MS: milliseconds.optional(),
  EVIDENCE_FAIL_CLOSED: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  // The Decree 30/2020 time limits (docs/deadlines.md) and the web UI (docs/ui.md).
  HOLIDAYS_FILE: z.string().min(1).optional(),
  DEADLINE_NORMAL_WORKING_DAYS: z.coerce.number().int().min(0).max(30).default(1),
  DEADLINE_URGENT_WORKING_MINUTES: z.coerce.number().int().min(1).max(30 * 540).default(120),
  DEADLINE_ESCALATION_WORKING_MINUTES: z.coerce.number().int().min(0).max(30 * 540).default(540),
  DEADLINE_WATCH_DAYS: z.coerce.number().int().min(1).max(366).default(30),
  DEADLINE_CHECK_EVERY_MS: milliseconds.default(60_000),
  UI_SESSION_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(480),
  UI_SECURE_COOKIE: z.enum(['auto', 'always']).default('auto'),
  // An uploaded bundle is held in memory while it is checked: 1 MiB to 1 GiB (the verifier's own ceiling).
  UI_EVIDENCE_UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024 ** 2).max(1024 ** 3).default(128 * 1024 ** 2),
});

export type Role = 'all' | 'gateway' | 'workers';

/**
 * The delivery and maintenance workers' settings (src/main/start-workers.ts reads them from `config.workers`).
 * Only what the environment sets is present: the defaults live with the code they tune (delivery-policy.ts,
 * src/main/start-workers.ts), so an unset variable here never overrides them.
 */
export interface WorkerSettings {
  /** BullMQ key prefix (QUEUE_PREFIX); default 'edx'. */
  prefix?: string;
  delivery: {
    maxAttempts?: number;
    baseDelayMs?: number;
    maxDelayMs?: number;
    minDelayMs?: number;
    connectTimeoutMs?: number;
    responseTimeoutMs?: number;
    /** How often a delivery held for a suspended recipient looks again (DELIVERY_SUSPENDED_RECHECK_MS). */
    suspendedRecheckMs?: number;
    recipient?: { concurrency?: number; ratePerSecond?: number };
  };
  /** Backoff for the axis's own failures while delivering (DELIVERY_ERROR_BACKOFF_BASE_MS / _MAX_MS). */
  errorBackoff?: { baseMs?: number; maxMs?: number };
  concurrency?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  schedule?: { sweepEveryMs?: number };
  retention?: { keepRawPackagesDays: number };
  alertWebhookUrl?: string;
}

export interface AxisConfig {
  port: number;
  host: string;
  dataDir: string;
  redisUrl: string;
  mongodbUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  role: Role;
  maxPackageBytes: number;
  /**
   * field (default): packages as real systems send them, each deviation the government SDK reads accepted with an
   * EDXML_WARN_* warning; strict: QCVN 102 as written (docs/edxml.md).
   */
  edxmlProfile: 'field' | 'strict';
  axisP12: { path: string; password: string } | undefined;
  /** 32-byte key for agency secrets at rest, or undefined: a dev key is generated under dataDir (see secret-key.ts). */
  secretKey: Buffer | undefined;
  operatorTokenDigests: string[];
  archivistTokenDigests: string[];
  tokenFile: string | undefined;
  trustAnchorsDir: string;
  /** CRLs (PEM or DER) placed by an operator; read again when they change; an expired one counts as unknown. */
  crlDir: string;
  /**
   * require (default, fail-closed): a signer whose revocation status cannot be established (OCSP responder down, CRL
   * unreachable or stale) is refused. prefer (fail-open): accepted with a warning in the report. off: no look-up.
   */
  revocationPolicy: 'require' | 'prefer' | 'off';
  authWindowSeconds: number;
  keyRotationGraceSeconds: number;
  metricsPublic: boolean;
  shutdownTimeoutMs: number;
  /** HTTP gateway processes sharing the port (node:cluster); 1 = the gateway runs in the main process. */
  gatewayProcesses: number;
  /**
   * Worker threads per gateway process that check and verify packages (INSPECT_THREADS); 0 = on the event loop.
   * Default: one per core, at most 4. The event loop mostly waits (HTTP, Redis, fsync), so a thread per core shortens
   * the queue a burst of packages forms in front of the checks (measured in docs/performance.md).
   */
  inspectThreads: number;
  /** Where the government SDK's protocol is served (VDXP_PATH, default /vdxp). */
  vdxpPath: string;
  workers: WorkerSettings;
  /** Where the axis may push (PUSH_ALLOW_HTTP, PUSH_ALLOWED_HOSTS): by default https to public addresses only. */
  pushEndpoints: { allowHttp: boolean; allowedHosts: string[] };
  /** Per agency, shared by every gateway process over Redis; 0 = no limit. */
  agencyLimits: { requestsPerMinute: number; dailyBytes: number };
  /** An authenticated upload that sends nothing for this long is cut off (408). */
  uploadIdleTimeoutMs: number;
  /** The receipt log's checkpoints, their time-stamps and what happens when evidence cannot be kept (docs/evidence.md). */
  ledger: LedgerSettings;
  deadlines: DeadlineSettings;
  ui: UiSettings;
}

/** The Decree 30/2020 time limits the axis watches (src/exchange/deadlines, docs/deadlines.md). */
export interface DeadlineSettings {
  /** HOLIDAYS_FILE: the operator's own holidays file; undefined: the one shipped (calendars/). */
  holidaysFile: string | undefined;
  rules: { normalWorkingDays: number; urgentWorkingMinutes: number; escalationWorkingMinutes: number };
  /** How many days back the watch and GET /v1/deadlines look for deliveries still without a status. */
  watchDays: number;
  /** How often the maintenance worker looks for passed limits (reminders, escalations). */
  checkEveryMs: number;
}

/** The web UI at /ui (docs/ui.md). */
export interface UiSettings {
  /** A session ends this long after login. */
  sessionMinutes: number;
  /** auto: the session cookie is Secure when the request came over TLS; always: whatever the request (behind a TLS proxy). */
  secureCookie: 'auto' | 'always';
  /** The largest evidence bundle an archivist may upload to have it checked (bigger: `edx evidence verify`). */
  evidenceUploadMaxBytes: number;
}

/** Exit code 2 and one line naming the variable: see `src/main/start.ts`. */
export class ConfigError extends AxisError {
  constructor(variable: string, problem: string) {
    super('CONFIG_INVALID', `Configuration error: ${variable} ${problem}`, { variable });
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AxisConfig {
  const raw: Record<string, string | undefined> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    raw[key] = value === '' && key !== 'OPERATOR_TOKENS' && key !== 'ARCHIVIST_TOKENS' ? undefined : value;
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const shown = raw[variable] === undefined ? '' : ` (got ${JSON.stringify(redact(variable, raw[variable] ?? ''))})`;
    throw new ConfigError(variable, `${issue?.message ?? 'is invalid'}${shown}`);
  }
  const e = parsed.data;
  if (e.AXIS_P12_PASSWORD !== undefined && e.AXIS_P12 === undefined) {
    throw new ConfigError('AXIS_P12', 'must be set when AXIS_P12_PASSWORD is set');
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    redisUrl: e.REDIS_URL,
    mongodbUrl: e.MONGODB_URL,
    logLevel: e.LOG_LEVEL,
    role: e.ROLE,
    maxPackageBytes: e.MAX_PACKAGE_BYTES,
    edxmlProfile: e.EDXML_PROFILE,
    axisP12: e.AXIS_P12 ? { path: path.resolve(e.AXIS_P12), password: e.AXIS_P12_PASSWORD ?? '' } : undefined,
    secretKey: e.SECRET_KEY ? decodeKey(e.SECRET_KEY) : undefined,
    operatorTokenDigests: e.OPERATOR_TOKENS,
    archivistTokenDigests: e.ARCHIVIST_TOKENS,
    tokenFile: e.TOKEN_FILE ? path.resolve(e.TOKEN_FILE) : undefined,
    trustAnchorsDir: path.resolve(e.TRUST_ANCHORS_DIR ?? path.join(dataDir, 'trust')),
    crlDir: path.resolve(e.CRL_DIR ?? path.join(dataDir, 'crls')),
    revocationPolicy: e.REVOCATION_POLICY,
    authWindowSeconds: e.AUTH_WINDOW_SECONDS,
    keyRotationGraceSeconds: e.KEY_ROTATION_GRACE_SECONDS,
    metricsPublic: e.METRICS_PUBLIC,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    gatewayProcesses: e.GATEWAY_PROCESSES,
    inspectThreads: e.INSPECT_THREADS ?? Math.max(1, Math.min(4, availableParallelism())),
    vdxpPath: e.VDXP_PATH,
    workers: workerSettings(e),
    pushEndpoints: { allowHttp: e.PUSH_ALLOW_HTTP, allowedHosts: e.PUSH_ALLOWED_HOSTS },
    agencyLimits: { requestsPerMinute: e.AGENCY_REQUESTS_PER_MINUTE, dailyBytes: e.AGENCY_DAILY_BYTES },
    uploadIdleTimeoutMs: e.UPLOAD_IDLE_TIMEOUT_MS,
    ledger: ledgerSettings(e),
    deadlines: {
      holidaysFile: e.HOLIDAYS_FILE ? path.resolve(e.HOLIDAYS_FILE) : undefined,
      rules: { normalWorkingDays: e.DEADLINE_NORMAL_WORKING_DAYS, urgentWorkingMinutes: e.DEADLINE_URGENT_WORKING_MINUTES, escalationWorkingMinutes: e.DEADLINE_ESCALATION_WORKING_MINUTES },
      watchDays: e.DEADLINE_WATCH_DAYS,
      checkEveryMs: e.DEADLINE_CHECK_EVERY_MS,
    },
    ui: { sessionMinutes: e.UI_SESSION_MINUTES, secureCookie: e.UI_SECURE_COOKIE, evidenceUploadMaxBytes: e.UI_EVIDENCE_UPLOAD_MAX_BYTES },
  };
}

type Env = z.infer<typeof envSchema>;

/** Keeps only the keys that were set, so the workers' own defaults apply to the rest. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function workerSettings(e: Env): WorkerSettings {
  const recipient = defined({ concurrency: e.DELIVERY_RECIPIENT_CONCURRENCY, ratePerSecond: e.DELIVERY_RECIPIENT_RATE });
  return {
    ...defined({ prefix: e.QUEUE_PREFIX }),
    delivery: {
      ...defined({
        maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
        baseDelayMs: e.DELIVERY_BASE_DELAY_MS,
        maxDelayMs: e.DELIVERY_MAX_DELAY_MS,
        minDelayMs: e.DELIVERY_MIN_DELAY_MS,
        connectTimeoutMs: e.DELIVERY_CONNECT_TIMEOUT_MS,
        responseTimeoutMs: e.DELIVERY_RESPONSE_TIMEOUT_MS,
        suspendedRecheckMs: e.DELIVERY_SUSPENDED_RECHECK_MS,
      }),
      ...(Object.keys(recipient).length > 0 ? { recipient } : {}),
    },
    ...defined({ concurrency: e.DELIVERY_CONCURRENCY, lockDurationMs: e.WORKER_LOCK_MS, stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS, alertWebhookUrl: e.DEAD_LETTER_WEBHOOK_URL }),
    ...(e.SWEEP_EVERY_MS !== undefined ? { schedule: { sweepEveryMs: e.SWEEP_EVERY_MS } } : {}),
    ...(e.DELIVERY_ERROR_BACKOFF_BASE_MS !== undefined || e.DELIVERY_ERROR_BACKOFF_MAX_MS !== undefined
      ? { errorBackoff: defined({ baseMs: e.DELIVERY_ERROR_BACKOFF_BASE_MS, maxMs: e.DELIVERY_ERROR_BACKOFF_MAX_MS }) }
      : {}),
    ...(e.RETENTION_DAYS !== undefined ? { retention: { keepRawPackagesDays: e.RETENTION_DAYS } } : {}),
  };
}

/** The receipt log: LEDGER_ORIGIN, CHECKPOINT_*, TSA_*, EVIDENCE_*. */
export interface LedgerSettings {
  /** The log's name, the first line of every checkpoint: set once, never changed (a new origin is a new log). */
  origin: string;
  checkpointEveryMs: number;
  /** Also checkpoint as soon as this many receipts wait for one. */
  checkpointEveryReceipts: number | undefined;
  /** An RFC 3161 time-stamping authority; undefined: the development TSA (development identity only). */
  tsaUrl: string | undefined;
  /** The TSA's roots; undefined: the development trust directory (DATA_DIR/axis/trust). */
  tsaTrustAnchorsDir: string | undefined;
  tsaTimeoutMs: number;
  /** How long a receipt may wait for a time-stamped checkpoint before evidence counts as degraded (default 3 periods). */
  maxUntimestampedMs: number;
  /** Refuse new packages (503 EVIDENCE_UNAVAILABLE) while evidence is degraded. */
  failClosed: boolean;
}

function ledgerSettings(e: Env): LedgerSettings {
  if (e.TSA_URL !== undefined && e.TSA_TRUST_ANCHORS_DIR === undefined) {
    throw new ConfigError('TSA_TRUST_ANCHORS_DIR', 'must be set when TSA_URL is set: the time-stamps are verified against it before they are kept');
  }
  return {
    origin: e.LEDGER_ORIGIN,
    checkpointEveryMs: e.CHECKPOINT_EVERY_MS,
    checkpointEveryReceipts: e.CHECKPOINT_EVERY_RECEIPTS,
    tsaUrl: e.TSA_URL,
    tsaTrustAnchorsDir: e.TSA_TRUST_ANCHORS_DIR === undefined ? undefined : path.resolve(e.TSA_TRUST_ANCHORS_DIR),
    tsaTimeoutMs: e.TSA_TIMEOUT_MS,
    maxUntimestampedMs: e.EVIDENCE_MAX_UNTIMESTAMPED_MS ?? 3 * e.CHECKPOINT_EVERY_MS,
    failClosed: e.EVIDENCE_FAIL_CLOSED,
  };
}

function decodeKey(text: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}

/** Secrets and passwords are never echoed back in an error line. */
function redact(variable: string, value: string): string {
  return /KEY|PASSWORD|TOKEN|URL/.test(variable) ? '<redacted>' : value;
}
