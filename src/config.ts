/**
 * Configuration from environment variables, validated once at start. A wrong value stops
 * start-up with a message naming the variable (see docs/operations.md for every variable).
 */
import { createPublicKey } from 'node:crypto';
import { CHANNEL_CONFIG, checkChannelConfig } from './channels/config.js';
import { parseOfficeHours } from './handover/office-hours.js';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const int = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((v) => URL.canParse(v) && protocols.includes(new URL(v).protocol), {
      message: `must start with ${protocols.join(' or ')}`,
    });

/** `a, b,,c` -> ['a', 'b', 'c'] */
const commaList = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export const ConfigSchema = z.object({
  PORT: int(3000, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  /** Prefix of Redis keys and channels, so deployments can share one Redis. */
  REDIS_PREFIX: z.string().min(1).max(64).default('lea:'),
  AUTH_MODE: z.enum(['demo', 'jwt', 'off']).default('off'),
  STATUS_PANEL_URL: url(['http:', 'https:']).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Comma-separated origins allowed to open the chat socket; empty allows any. */
  ALLOWED_ORIGINS: z.string().default('').transform(commaList),
  /**
   * Comma-separated origins of host pages on other sites that embed the widget: their browser
   * may ask for a conversation's plan address (CORS). Empty: same origin only.
   */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform(commaList)
    .pipe(
      z.array(
        z.string().refine(isOrigin, {
          message:
            'each must be an origin: http(s)://host[:port], without path, query or trailing slash (no *)',
        }),
      ),
    ),
  /** Largest client frame answered with an error frame; larger still closes the socket. */
  WS_MAX_FRAME_BYTES: int(8192, 256, 1_048_576),
  /** Messages a connection may send per RATE_WINDOW_MS before frames are refused. */
  WS_RATE_LIMIT: int(20, 1, 10_000),
  WS_RATE_WINDOW_MS: int(10_000, 100, 3_600_000),
  /** Unsent bytes queued for one chat socket before it is closed with 1013 (a client not reading). */
  WS_MAX_BUFFERED_BYTES: int(1_048_576, 16_384, 64 * 1_048_576),
  /** REST requests per client address per REST_RATE_WINDOW_MS (messages per conversation: WS_RATE_LIMIT). */
  REST_RATE_LIMIT: int(60, 1, 100_000),
  REST_RATE_WINDOW_MS: int(60_000, 100, 3_600_000),
  WS_HEARTBEAT_MS: int(30_000, 1000, 600_000),
  WS_IDLE_TIMEOUT_MS: int(30 * 60_000, 1000, 24 * 3_600_000),
  /** How long a session may sit unused before it is forgotten. */
  SESSION_TTL_MS: int(24 * 3_600_000, 60_000, 30 * 24 * 3_600_000),

  // Identity (AUTH_MODE=jwt): the state's sign-in tokens. Exactly one key source.
  AUTH_JWKS_URL: url(['https:', 'http:']).optional(),
  /** PEM (SPKI) public key; newlines may be written as \n. */
  AUTH_PUBLIC_KEY: z
    .string()
    .refine(validPem, { message: 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)' })
    .optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  AUTH_ALGORITHMS: z
    .string()
    .default('RS256,PS256,ES256,EdDSA')
    .transform(commaList)
    .refine((a) => a.length > 0 && !a.some((x) => x === 'none' || x.startsWith('HS')), {
      message: 'list asymmetric algorithms only (no none, no HS*)',
    }),
  AUTH_CLOCK_TOLERANCE_S: int(30, 0, 300),

  // Status panel (absent URL: the fixture with the demo persons).
  STATUS_PANEL_API_KEY: z.string().min(16).optional(),
  /** Per HTTP attempt. */
  STATUS_PANEL_TIMEOUT_MS: int(1500, 50, 30_000),
  /** The most a turn waits for a status, retries included; then "cannot see it now". */
  STATUS_LOOKUP_TIMEOUT_MS: int(2000, 100, 30_000),
  STATUS_PANEL_CACHE_MS: int(30_000, 0, 600_000),
  /** HMAC secret of the status-change webhook; absent: the webhook is off. */
  STATUS_WEBHOOK_SECRET: z.string().min(32).optional(),

  // --- Transcripts, privacy and the back office (docs/staff.md, docs/privacy.md) ---
  /** Key of the subject pseudonym (HMAC-SHA256); absent: a random key file in DATA_DIR. */
  PSEUDONYM_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Transcripts and contact requests older than this many days are purged. */
  RETENTION_DAYS: int(180, 1, 3650),
  /** Audit log entries are kept this many days. */
  AUDIT_RETENTION_DAYS: int(365, 1, 3650),
  /** A conversation with no outcome and no activity for this long counts as abandoned. */
  ABANDON_AFTER_MS: int(30 * 60_000, 60_000, 7 * 24 * 3_600_000),
  /** How often the purge and the abandoned-conversation job run. */
  MAINTENANCE_INTERVAL_MS: int(15 * 60_000, 1000, 24 * 3_600_000),
  /** When live agents answer, e.g. "Mon-Fri 09:00-17:00 Europe/Tallinn". */
  OFFICE_HOURS: z
    .string()
    .default('Mon-Fri 09:00-17:00 Europe/Tallinn')
    .superRefine((v, ctx) => {
      try {
        parseOfficeHours(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
      }
    }),
  /** Comma-separated dates (YYYY-MM-DD) without live agents. */
  HOLIDAYS: z
    .string()
    .default('')
    .transform(commaList)
    .pipe(z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates must be YYYY-MM-DD'))),
  /** Send the staff session cookie with `Secure` (set when served over TLS). */
  STAFF_COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Staff sessions expire after this long without use. */
  STAFF_SESSION_TTL_MS: int(8 * 3_600_000, 60_000, 7 * 24 * 3_600_000),
  /** Failed logins per user and address before a lockout of STAFF_LOCKOUT_MS. */
  STAFF_LOGIN_MAX_FAILURES: int(5, 1, 100),
  STAFF_LOCKOUT_MS: int(15 * 60_000, 1000, 24 * 3_600_000),

  // Channels beyond the widget, through Botkit (src/channels, README "Other channels").
  ...CHANNEL_CONFIG,
});

/** Rules across variables. */
const CheckedConfig = ConfigSchema.superRefine((c, ctx) => {
  checkChannelConfig(c, ctx);
  // Instances find each other's conversations by the subject's pseudonym: a key per instance
  // (the random key file) would silently lose status events between them.
  if (c.REDIS_URL && !c.PSEUDONYM_KEY)
    ctx.addIssue({
      code: 'custom',
      path: ['PSEUDONYM_KEY'],
      message:
        'required when REDIS_URL is set (every instance must use the same key, or status events miss conversations on other instances)',
    });
  if (c.AUTH_MODE !== 'jwt') return;
  for (const key of ['AUTH_ISSUER', 'AUTH_AUDIENCE'] as const) {
    if (!c[key])
      ctx.addIssue({ code: 'custom', path: [key], message: 'required when AUTH_MODE=jwt' });
  }
  if (!c.AUTH_JWKS_URL === !c.AUTH_PUBLIC_KEY) {
    ctx.addIssue({
      code: 'custom',
      path: ['AUTH_JWKS_URL'],
      message: 'AUTH_MODE=jwt needs exactly one of AUTH_JWKS_URL or AUTH_PUBLIC_KEY',
    });
  }
});

/** `https://example.ee` or `http://localhost:8080`: what a browser sends as `Origin`. */
function isOrigin(v: string): boolean {
  if (!URL.canParse(v)) return false;
  const u = new URL(v);
  return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === v;
}

function validPem(v: string): boolean {
  try {
    createPublicKey(v.replace(/\\n/g, '\n'));
    return true;
  } catch {
    return false;
  }
}

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
}

/** Parses the environment; throws ConfigError listing every wrong variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = CheckedConfig.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map(
      (i) => `${i.path.join('.')}: ${i.message} (got ${describeValue(String(i.path[0]), cleaned)})`,
    ),
  );
}

/**
 * Secrets are never echoed in the error: keys and secrets by their length only, URLs without
 * their user, password and query (which may hold credentials too).
 */
export function describeValue(key: string, env: Record<string, string | undefined>): string {
  const value = env[key];
  if (value === undefined) return 'nothing';
  if (/SECRET|KEY|PASSWORD|TOKEN/.test(key)) return `${value.length} characters`;
  if (key.endsWith('_URL')) return JSON.stringify(withoutCredentials(value));
  return JSON.stringify(value);
}

/** `postgres://user:pw@host/db?password=x` -> `postgres://***@host/db?***`. */
export function withoutCredentials(value: string): string {
  const at = value.lastIndexOf('@');
  const scheme = value.indexOf('://');
  let out = value;
  if (at !== -1)
    out =
      scheme !== -1 && scheme < at
        ? `${value.slice(0, scheme + 3)}***${value.slice(at)}`
        : `***${value.slice(at)}`;
  const query = out.search(/[?#]/);
  return query === -1 ? out : `${out.slice(0, query)}?***`;
}
