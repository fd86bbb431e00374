/**
 * Staff sign-in: server-side sessions behind an HttpOnly, SameSite=Strict cookie scoped to
 * /staff, a synchronizer CSRF token (header X-CSRF-Token) plus an Origin check on every
 * state-changing request, and a login limiter that locks a user+address pair out after
 * repeated failures (and an address after many, against password spraying).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { StaffRole, StaffStore } from '../store/staff-store.js';
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
  now?: () => number;
}

export type LoginResult =
  | { type: 'ok'; principal: StaffPrincipal; cookie: string }
  | { type: 'invalid' }
  | { type: 'locked'; retryAfterMs: number };

export type StaffAuth = ReturnType<typeof createStaffAuth>;

/** Failures per address across all user names before the address is locked out too. */
const ADDRESS_FAILURE_FACTOR = 4;

export function createStaffAuth(options: StaffAuthOptions) {
  const { store } = options;
  const now = options.now ?? Date.now;
  const failures = new Map<string, { count: number; until: number }>();
  // Verifying against a real hash for unknown users keeps their timing the same as known ones.
  const dummyHash = hashPassword(randomUUID());

  const sha = (v: string) => createHash('sha256').update(v).digest('hex');

  function lockedFor(key: string, limit: number): number {
    const f = failures.get(key);
    if (!f) return 0;
    const t = now();
    if (f.until <= t) {
      if (f.count >= limit) failures.delete(key);
      return 0;
    }
    return f.count >= limit ? f.until - t : 0;
  }

  function fail(key: string): void {
    const t = now();
    const f = failures.get(key);
    if (!f || f.until <= t) failures.set(key, { count: 1, until: t + options.lockoutMs });
    else {
      f.count += 1;
      f.until = t + options.lockoutMs;
    }
    if (failures.size > 50_000) {
      for (const [k, v] of failures) if (v.until <= t) failures.delete(k);
    }
  }

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
      const wait = Math.max(
        lockedFor(userKey, options.maxFailures),
        lockedFor(addressKey, options.maxFailures * ADDRESS_FAILURE_FACTOR),
      );
      if (wait > 0) return { type: 'locked', retryAfterMs: wait };
      const account = await store.getAccount(username);
      const ok = await verifyPassword(password, account?.passwordHash ?? (await dummyHash));
      if (!account || !ok) {
        fail(userKey);
        fail(addressKey);
        return { type: 'invalid' };
      }
      failures.delete(userKey);
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

    async logout(principal: StaffPrincipal): Promise<string> {
      await store.deleteSession(principal.idHash);
      return cookie('', 0);
    },
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
