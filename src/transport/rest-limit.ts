/**
 * Rate limits of the REST channel (docs/protocol.md, "REST"), like the socket's: requests per
 * client address, and messages per conversation, each in fixed windows. Over a limit: 429 with
 * Retry-After and code RATE_LIMITED. Counters live in memory per instance and are bounded.
 */
import type { NextFunction, Request, Response } from 'express';

export interface RestLimits {
  /** Requests per address per window (creating conversations and posting messages alike). */
  perAddress: number;
  windowMs: number;
  /** Messages per conversation per conversationWindowMs (as on the socket). */
  perConversation: number;
  conversationWindowMs: number;
  /** Most addresses and conversations tracked at once; beyond, the oldest windows go first. */
  maxKeys?: number;
}

interface Window {
  start: number;
  count: number;
}

/** Fixed-window counters with a size bound. */
export function createWindowCounter(limit: number, windowMs: number, maxKeys: number) {
  const windows = new Map<string, Window>();
  return {
    /** Counts one hit; returns the ms until the window resets when over the limit, else 0. */
    hit(key: string, now = Date.now()): number {
      let w = windows.get(key);
      if (!w || now - w.start >= windowMs) {
        windows.delete(key);
        if (windows.size >= maxKeys) {
          for (const [k, old] of windows) {
            if (now - old.start >= windowMs || windows.size >= maxKeys) windows.delete(k);
            if (windows.size < maxKeys * 0.9) break;
          }
        }
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      return w.count > limit ? w.start + windowMs - now : 0;
    },
    get size() {
      return windows.size;
    },
  };
}

const MESSAGES_PATH = /^\/([^/]+)\/messages\/?$/;

/** Middleware for /api/v1/conversations (mounted there). */
export function createRestLimit(limits: RestLimits) {
  const maxKeys = limits.maxKeys ?? 50_000;
  const byAddress = createWindowCounter(limits.perAddress, limits.windowMs, maxKeys);
  const byConversation = createWindowCounter(
    limits.perConversation,
    limits.conversationWindowMs,
    maxKeys,
  );

  return (req: Request, res: Response, next: NextFunction): void => {
    let wait = byAddress.hit(req.socket.remoteAddress ?? 'unknown');
    const conversation = MESSAGES_PATH.exec(req.path)?.[1];
    if (wait === 0 && conversation && req.method === 'POST')
      wait = byConversation.hit(conversation);
    if (wait === 0) {
      next();
      return;
    }
    res
      .status(429)
      .set('Retry-After', String(Math.max(1, Math.ceil(wait / 1000))))
      .json({
        error: {
          code: 'RATE_LIMITED',
          message: `Too many requests; try again in ${Math.max(1, Math.ceil(wait / 1000))} s.`,
        },
      });
  };
}
