/**
 * The lookup the session layer calls for a `status-lookup` effect. It only ever asks for the
 * session's verified subject (never anything from the chat text) and answers within a bound:
 * a slow or failing panel gives `unavailable`, so the conversation goes on.
 */
import type { LifeEventId } from '../nlu/types.js';
import type { PersonStatus, StatusLookup } from '../core/status.js';
import type { StatusLookupFn } from '../session/chat-service.js';
import type { Logger } from '../logger.js';
import type { StatusPanel } from './status-panel.js';

export interface StatusLookupOptions {
  panel: StatusPanel;
  logger: Logger;
  /** The most a turn waits for the panel. */
  timeoutMs?: number;
  onOutcome?: (outcome: StatusLookup['type']) => void;
}

export function createStatusLookup(options: StatusLookupOptions): StatusLookupFn {
  const timeoutMs = options.timeoutMs ?? 2000;
  return async (identity, lifeEvent) => {
    const done = (lookup: StatusLookup) => {
      options.onOutcome?.(lookup.type);
      return lookup;
    };
    if (!identity) return done({ type: 'signed-out' });
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`no status within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      const status = await Promise.race([
        options.panel.getStatus(identity.subject, { signal: controller.signal }),
        timeout,
      ]);
      return done({ type: 'found', status: lifeEvent ? forLifeEvent(status, lifeEvent) : status });
    } catch (err) {
      options.logger.warn(
        {
          code: (err as { code?: unknown }).code,
          detail: err instanceof Error ? err.message : String(err),
        },
        'status unavailable',
      );
      return done({ type: 'unavailable' });
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Only the one life event and its offers. */
export function forLifeEvent(status: PersonStatus, lifeEvent: LifeEventId): PersonStatus {
  return {
    lifeEvents: status.lifeEvents.filter((le) => le.lifeEvent === lifeEvent),
    offers: status.offers.filter((o) => o.lifeEvent === lifeEvent),
  };
}
