/**
 * Configuration from environment variables, validated once at start. A wrong value stops
 * start-up with a message naming the variable (see docs/operations.md for every variable).
 */
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const int = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((v) => protocols.includes(new URL(v).protocol), {
      message: `must start with ${protocols.join(' or ')}`,
    });

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
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /** Largest client frame answered with an error frame; larger still closes the socket. */
  WS_MAX_FRAME_BYTES: int(8192, 256, 1_048_576),
  /** Messages a connection may send per RATE_WINDOW_MS before frames are refused. */
  WS_RATE_LIMIT: int(20, 1, 10_000),
  WS_RATE_WINDOW_MS: int(10_000, 100, 3_600_000),
  WS_HEARTBEAT_MS: int(30_000, 1000, 600_000),
  WS_IDLE_TIMEOUT_MS: int(30 * 60_000, 1000, 24 * 3_600_000),
  /** How long a session may sit unused before it is forgotten. */
  SESSION_TTL_MS: int(24 * 3_600_000, 60_000, 30 * 24 * 3_600_000),
});

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
  const result = ConfigSchema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map(
      (i) =>
        `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(cleaned[String(i.path[0])])})`,
    ),
  );
}
