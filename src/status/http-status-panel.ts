/**
 * The status-panel adapter for a real panel over HTTP (docs/status-panel-api.md): every
 * answer validated with zod, a timeout per attempt, retries with exponential backoff and
 * jitter (the read is idempotent), a circuit breaker so a dead panel is not hammered, and a
 * short per-person cache so one conversation does not ask again every turn.
 */
import type { PersonStatus } from '../core/status.js';
import type { Logger } from '../logger.js';
import { createCircuitBreaker, type CircuitState } from './circuit-breaker.js';
import { StatusPanelError, type StatusPanel } from './status-panel.js';
import { WirePersonStatus, toPersonStatus } from './status-schema.js';
import { createTtlCache } from './ttl-cache.js';

export interface HttpStatusPanelOptions {
  /** Base URL, e.g. https://status.example.ee/api (the paths below it are /v1/...). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` when set. */
  apiKey?: string;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts in all, the first included. */
  attempts?: number;
  /** First backoff; doubled each retry, with up to 50% random jitter added. */
  backoffMs?: number;
  failureThreshold?: number;
  openMs?: number;
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
  logger?: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  onCircuitChange?: (state: CircuitState) => void;
}

export const HTTP_STATUS_PANEL_DEFAULTS = {
  timeoutMs: 1500,
  attempts: 3,
  backoffMs: 100,
  failureThreshold: 5,
  openMs: 30_000,
  cacheTtlMs: 30_000,
  cacheMaxEntries: 10_000,
} as const;

export function createHttpStatusPanel(options: HttpStatusPanelOptions): StatusPanel {
  const o = { ...HTTP_STATUS_PANEL_DEFAULTS, ...options };
  const doFetch = options.fetch ?? fetch;
  const random = options.random ?? Math.random;
  const base = o.baseUrl.replace(/\/+$/, '');
  const breaker = createCircuitBreaker({
    failureThreshold: o.failureThreshold,
    openMs: o.openMs,
    ...(options.now && { now: options.now }),
    onStateChange: (state) => {
      options.logger?.warn({ state }, 'status panel circuit changed');
      options.onCircuitChange?.(state);
    },
  });
  const cache = createTtlCache<PersonStatus>({
    ttlMs: o.cacheTtlMs,
    maxEntries: o.cacheMaxEntries,
    ...(options.now && { now: options.now }),
  });
  // Concurrent lookups for one person share one request.
  const inFlight = new Map<string, Promise<PersonStatus>>();

  async function attempt(code: string): Promise<PersonStatus> {
    const signal = AbortSignal.timeout(o.timeoutMs);
    let res: Response;
    try {
      res = await doFetch(`${base}/v1/persons/${encodeURIComponent(code)}/status`, {
        headers: {
          accept: 'application/json',
          'x-request-id': crypto.randomUUID(),
          ...(o.apiKey && { authorization: `Bearer ${o.apiKey}` }),
        },
        signal,
      });
    } catch (err) {
      if (signal.aborted)
        throw new StatusPanelError(
          'STATUS_PANEL_TIMEOUT',
          `no answer within ${o.timeoutMs} ms`,
          true,
        );
      throw new StatusPanelError(
        'STATUS_PANEL_UNAVAILABLE',
        `request failed: ${err instanceof Error ? err.message : String(err)}`,
        true,
      );
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      if (res.status === 404) return { lifeEvents: [], offers: [] };
      throw new StatusPanelError(
        res.status >= 500 ? 'STATUS_PANEL_UNAVAILABLE' : 'STATUS_PANEL_BAD_RESPONSE',
        `HTTP ${res.status} with a body that is not JSON`,
        res.status >= 500 || signal.aborted,
      );
    }
    if (res.status === 404) return { lifeEvents: [], offers: [] };
    if (res.status >= 500 || res.status === 429)
      throw new StatusPanelError('STATUS_PANEL_UNAVAILABLE', `HTTP ${res.status}`, true);
    if (res.status !== 200)
      throw new StatusPanelError('STATUS_PANEL_BAD_RESPONSE', `unexpected HTTP ${res.status}`);
    const parsed = WirePersonStatus.safeParse(body);
    if (!parsed.success) {
      throw new StatusPanelError(
        'STATUS_PANEL_BAD_RESPONSE',
        `answer does not match the contract: ${parsed.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ')}`,
      );
    }
    // Never hand one person another's status, whatever the panel answered.
    if (parsed.data.personalCode !== code)
      throw new StatusPanelError('STATUS_PANEL_BAD_RESPONSE', 'answer is for another person');
    return toPersonStatus(parsed.data);
  }

  async function fetchWithRetries(code: string): Promise<PersonStatus> {
    let last: StatusPanelError | undefined;
    for (let i = 0; i < o.attempts; i++) {
      if (!breaker.tryAcquire())
        throw (
          last ?? new StatusPanelError('STATUS_PANEL_CIRCUIT_OPEN', 'status panel circuit is open')
        );
      try {
        const status = await attempt(code);
        breaker.success();
        return status;
      } catch (err) {
        const e =
          err instanceof StatusPanelError
            ? err
            : new StatusPanelError('STATUS_PANEL_UNAVAILABLE', String(err), true);
        breaker.failure();
        last = e;
        options.logger?.warn(
          { code: e.code, detail: e.message, attempt: i + 1 },
          'status panel call failed',
        );
        if (!e.retryable || i === o.attempts - 1) throw e;
        const delay = o.backoffMs * 2 ** i * (1 + random() / 2);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    throw last ?? new StatusPanelError('STATUS_PANEL_UNAVAILABLE', 'no attempt made');
  }

  return {
    async getStatus(personalCode, opts) {
      const cached = cache.get(personalCode);
      if (cached) return structuredClone(cached);
      let pending = inFlight.get(personalCode);
      if (!pending) {
        // Not tied to one caller's signal: a caller that gives up does not fail the others,
        // and a late answer still warms the cache.
        pending = fetchWithRetries(personalCode)
          .then((status) => {
            cache.set(personalCode, status);
            return status;
          })
          .finally(() => inFlight.delete(personalCode));
        inFlight.set(personalCode, pending);
      }
      const status = await abortable(pending, opts?.signal);
      return structuredClone(status);
    },
    invalidate(personalCode) {
      cache.delete(personalCode);
    },
  };
}

/** Rejects when the signal aborts, without cancelling the shared work. */
function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted)
    return Promise.reject(new StatusPanelError('STATUS_PANEL_ABORTED', 'lookup aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new StatusPanelError('STATUS_PANEL_ABORTED', 'lookup aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
