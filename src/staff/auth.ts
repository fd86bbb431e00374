/**
 * Staff sign-in: server-side sessions behind an HttpOnly, SameSite=Strict cookie scoped to
 * /staff, a synchronizer CSRF token (header X-CSRF-Token) plus an Origin check on every
 * state-changing request, and a login limiter that locks a user+address pair out after
 * repeated failures (and an address after many, against password spraying). Attempts are
 * counted before the password is hashed (src/staff/login-limiter.ts), and only a few hashes
 * run at once.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { StaffRole, StaffStore } from '../store/staff-store.js';
import { createHashGate, createMemoryLoginLimiter, type LoginLimiter } from './login-limiter.js';
import { hashPassword, verifyPassword } from './password.js';

export const SESSION_COOKIE = 'staff_sid';

export interface StaffPrincipal {
  username: string;
  role: StaffRole;
  csrfToken: string;
  idHash: string;
}

export interface StaffAuthOptions {
  store: StaffStore;
  sessionTtlMs: number;
  maxFailures: number;
  lockoutMs: number;
  secureCookie: boolean;
  /** Shared attempt counters (Redis with several instances); in memory by default. */
  limiter?: LoginLimiter;
  /** Password hashes running at once, and how many more may wait (default 2 and 16). */
  maxConcurrentHashes?: number;
  maxQueuedHashes?: number;
  now?: () => number;
}

export type LoginResult =
  | { type: 'ok'; principal: StaffPrincipal; cookie: string }
  | { type: 'invalid' }
  | { type: 'locked'; retryAfterMs: number }
  | { type: 'busy' };

export type StaffAuth = ReturnType<typeof createStaffAuth>;

/** Failures per address across all user names before the address is locked out too. */
const ADDRESS_FAILURE_FACTOR = 4;

export function createStaffAuth(options: StaffAuthOptions) {
  const { store } = options;
  const now = options.now ?? Date.now;
  const limiter = options.limiter ?? createMemoryLoginLimiter(now);
  const gate = createHashGate(options.maxConcurrentHashes ?? 2, options.maxQueuedHashes ?? 16);
  const endedListeners = new Set<(ended: { idHash?: string; username?: string }) => void>();
  // Verifying against a real hash for unknown users keeps their timing the same as known ones.
  const dummyHash = hashPassword(randomUUID());

  const sha = (v: string) => createHash('sha256').update(v).digest('hex');

  function cookie(value: string, maxAgeS: number): string {
    return [
      `${SESSION_COOKIE}=${value}`,
      'HttpOnly',
      'SameSite=Strict',
      'Path=/staff',
      `Max-Age=${maxAgeS}`,
      ...(options.secureCookie ? ['Secure'] : []),
    ].join('; ');
  }

  return {
    async login(username: string, password: string, address: string): Promise<LoginResult> {
      const userKey = `u:${username.toLowerCase()}|${address}`;
      const addressKey = `a:${address}`;
      // Counted before hashing: parallel attempts cannot all pass a check made before any failed.
      const counted = await limiter.attempt(
        [
          { key: userKey, limit: options.maxFailures },
          { key: addressKey, limit: options.maxFailures * ADDRESS_FAILURE_FACTOR },
        ],
        options.lockoutMs,
      );
      if (counted.type === 'locked') return counted;
      const checked = await gate.run(async () => {
        const account = await store.getAccount(username);
        const ok = await verifyPassword(password, account?.passwordHash ?? (await dummyHash));
        return { account: ok ? account : undefined };
      });
      // Too many hashes waiting: refused without counting it as this user's failure.
      if (!checked) {
        await limiter.succeeded([], [userKey, addressKey]);
        return { type: 'busy' };
      }
      const { account } = checked;
      if (!account) return { type: 'invalid' };
      await limiter.succeeded([userKey], [addressKey]);
      const id = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(32).toString('base64url');
      const t = now();
      const idHash = sha(id);
      await store.createSession({
        idHash,
        username: account.username,
        csrfToken,
        at: t,
        expiresAt: t + options.sessionTtlMs,
      });
      return {
        type: 'ok',
        principal: { username: account.username, role: account.role, csrfToken, idHash },
        cookie: cookie(id, Math.floor(options.sessionTtlMs / 1000)),
      };
    },

    /** The signed-in staff member of a request (HTTP or WebSocket upgrade), if any. */
    async principal(req: IncomingMessage): Promise<StaffPrincipal | undefined> {
      const id = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (!id) return undefined;
      const idHash = sha(id);
      const s = await store.getSession(idHash, now());
      if (!s) return undefined;
      // Sliding expiry, written at most once a minute per session.
      const expiresAt = now() + options.sessionTtlMs;
      if (expiresAt - s.expiresAt > 60_000) await store.touchSession(idHash, expiresAt);
      return { username: s.username, role: s.role, csrfToken: s.csrfToken, idHash };
    },

    /** The session behind an open agent socket, re-read (undefined once it has ended). */
    async check(idHash: string): Promise<StaffPrincipal | undefined> {
      const s = await store.getSession(idHash, now());
      return s && { username: s.username, role: s.role, csrfToken: s.csrfToken, idHash };
    },

    async logout(principal: StaffPrincipal): Promise<string> {
      await store.deleteSession(principal.idHash);
      this.ended({ idHash: principal.idHash });
      return cookie('', 0);
    },

    /** Tells listeners (the agent socket) that a session, or all of a user's, ended. */
    ended(which: { idHash?: string; username?: string }): void {
      for (const l of endedListeners) l(which);
    },

    onEnded(listener: (which: { idHash?: string; username?: string }) => void): () => void {
      endedListeners.add(listener);
      return () => endedListeners.delete(listener);
    },

    /** Hashes running now and the most that ran at once. */
    hashing: () => ({ running: gate.running, peak: gate.peak }),
  };
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * True when the request's Origin (if the browser sent one) is this server. Browsers send
 * Origin on cross-site POSTs and WebSocket upgrades; a missing one is left to the CSRF token.
 */
export function sameOrigin(req: IncomingMessage, requireOrigin = false): boolean {
  const origin = req.headers.origin;
  if (!origin) return !requireOrigin;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
