/**
 * Per-socket flood and backpressure guard for the chat socket (docs/protocol.md, "Limits").
 *
 * Inbound: at most `rateLimit` frames per `rateWindowMs` are handled. The first frame refused
 * in a window is answered with RATE_LIMITED; later ones in the same window are dropped without
 * an answer (a flood must not turn into as many outgoing frames), and a socket that sends
 * `closeAfterRefused` refused frames within one window is closed with 1008 (policy violation).
 * Refusals are logged at most once per window per socket.
 *
 * Outbound: before each send, a socket whose unsent bytes (`bufferedAmount`) are over
 * `maxBufferedBytes` (a client that does not read) is closed with 1013 (try again later) and
 * cut a moment later if it does not finish the closing handshake.
 */
import type { Logger } from '../logger.js';

export const GUARD_CLOSE_CODES = { rateLimited: 1008, backpressure: 1013 } as const;

export interface SocketGuardLimits {
  rateLimit: number;
  rateWindowMs: number;
  /** Refused frames within one window before the socket is closed (default: rateLimit, min 10). */
  closeAfterRefused?: number;
  /** Unsent outgoing bytes before the socket is closed with 1013. */
  maxBufferedBytes: number;
}

/** What a guard needs of a socket (the `ws` WebSocket has all of it). */
export interface GuardedSocket {
  readonly bufferedAmount: number;
  close(code: number, reason: string): void;
  terminate(): void;
}

/** admit(): handle the frame, answer RATE_LIMITED once, drop silently, or the socket was closed. */
export type Admission = 'ok' | 'refuse' | 'drop' | 'closed';

export interface SocketGuard {
  admit(): Admission;
  /** False when the frame must not be sent (the socket is being closed for backpressure). */
  canSend(): boolean;
  readonly closed: boolean;
}

export interface SocketGuardOptions {
  limits: SocketGuardLimits;
  logger: Logger;
  now?: () => number;
  /** Called when the guard closes the socket (metrics). */
  onClose?: (reason: 'rate' | 'backpressure') => void;
  /** Cut a socket that has not finished closing after this long. */
  terminateAfterMs?: number;
}

export function createSocketGuard(ws: GuardedSocket, options: SocketGuardOptions): SocketGuard {
  const { limits, logger } = options;
  const now = options.now ?? Date.now;
  const closeAfter = limits.closeAfterRefused ?? Math.max(10, limits.rateLimit);
  const recent: number[] = [];
  let windowStart = 0;
  let refusedInWindow = 0;
  let closed = false;

  function close(code: number, reason: 'rate' | 'backpressure', text: string): void {
    if (closed) return;
    closed = true;
    options.onClose?.(reason);
    logger.warn({ reason, code }, 'chat socket closed by the guard');
    ws.close(code, text);
    setTimeout(() => ws.terminate(), options.terminateAfterMs ?? 1000).unref();
  }

  return {
    get closed() {
      return closed;
    },
    admit() {
      if (closed) return 'closed';
      const t = now();
      while (recent.length > 0 && (recent[0] ?? 0) <= t - limits.rateWindowMs) recent.shift();
      if (recent.length < limits.rateLimit) {
        recent.push(t);
        return 'ok';
      }
      if (t - windowStart >= limits.rateWindowMs) {
        windowStart = t;
        refusedInWindow = 0;
      }
      refusedInWindow += 1;
      if (refusedInWindow >= closeAfter) {
        close(GUARD_CLOSE_CODES.rateLimited, 'rate', 'rate limit exceeded');
        return 'closed';
      }
      if (refusedInWindow === 1) {
        logger.warn({ rateLimit: limits.rateLimit }, 'chat socket over its rate limit');
        return 'refuse';
      }
      return 'drop';
    },
    canSend() {
      if (closed) return false;
      if (ws.bufferedAmount > limits.maxBufferedBytes) {
        close(GUARD_CLOSE_CODES.backpressure, 'backpressure', 'not reading; try again later');
        return false;
      }
      return true;
    },
  };
}
