/**
 * Back-office tables: staff accounts, their server-side sessions, the audit log and the
 * contact requests left outside office hours. One query code for SQLite and PostgreSQL.
 */
import type { StoreDb } from './database.js';

export const STAFF_ROLES = ['agent', 'trainer', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffAccount {
  username: string;
  role: StaffRole;
  passwordHash: string;
  createdAt: number;
}

export interface StaffSessionRecord {
  username: string;
  role: StaffRole;
  csrfToken: string;
  expiresAt: number;
}

export interface AuditEntry {
  id: string;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
}

export interface ContactRequest {
  id: string;
  conversationId: string;
  createdAt: number;
  lang: string;
  text: string;
  handledAt: number | null;
  handledBy: string | null;
}

export type StaffStore = ReturnType<typeof createStaffStore>;

export function createStaffStore(store: StoreDb) {
  const { db } = store;
  const toRole = (r: string): StaffRole =>
    (STAFF_ROLES as readonly string[]).includes(r) ? (r as StaffRole) : 'agent';

  return {
    async addAccount(a: { username: string; role: StaffRole; passwordHash: string; at: number }) {
      await db
        .insertInto('staff_accounts')
        .values({
          username: a.username,
          role: a.role,
          password_hash: a.passwordHash,
          created_at: a.at,
          updated_at: a.at,
        })
        .execute();
    },

    async getAccount(username: string): Promise<StaffAccount | undefined> {
      const r = await db
        .selectFrom('staff_accounts')
        .selectAll()
        .where('username', '=', username)
        .executeTakeFirst();
      return r
        ? {
            username: r.username,
            role: toRole(r.role),
            passwordHash: r.password_hash,
            createdAt: Number(r.created_at),
          }
        : undefined;
    },

    async listAccounts(): Promise<{ username: string; role: StaffRole; createdAt: number }[]> {
      const rows = await db
        .selectFrom('staff_accounts')
        .select(['username', 'role', 'created_at'])
        .orderBy('username')
        .execute();
      return rows.map((r) => ({
        username: r.username,
        role: toRole(r.role),
        createdAt: Number(r.created_at),
      }));
    },

    async updateAccount(
      username: string,
      change: { passwordHash?: string; role?: StaffRole },
      at: number,
    ): Promise<boolean> {
      const r = await db
        .updateTable('staff_accounts')
        .set({
          ...(change.passwordHash !== undefined && { password_hash: change.passwordHash }),
          ...(change.role !== undefined && { role: change.role }),
          updated_at: at,
        })
        .where('username', '=', username)
        .executeTakeFirst();
      // A changed password or role ends the account's open sessions.
      await db.deleteFrom('staff_sessions').where('username', '=', username).execute();
      return Number(r.numUpdatedRows) > 0;
    },

    async removeAccount(username: string): Promise<boolean> {
      await db.deleteFrom('staff_sessions').where('username', '=', username).execute();
      const r = await db
        .deleteFrom('staff_accounts')
        .where('username', '=', username)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async createSession(s: {
      idHash: string;
      username: string;
      csrfToken: string;
      at: number;
      expiresAt: number;
    }) {
      await db
        .insertInto('staff_sessions')
        .values({
          id_hash: s.idHash,
          username: s.username,
          csrf_token: s.csrfToken,
          created_at: s.at,
          expires_at: s.expiresAt,
        })
        .execute();
    },

    /** The session and its account's current role; undefined when unknown or expired. */
    async getSession(idHash: string, now: number): Promise<StaffSessionRecord | undefined> {
      const r = await db
        .selectFrom('staff_sessions as s')
        .innerJoin('staff_accounts as a', 'a.username', 's.username')
        .select(['s.username', 'a.role', 's.csrf_token', 's.expires_at'])
        .where('s.id_hash', '=', idHash)
        .executeTakeFirst();
      if (!r || Number(r.expires_at) <= now) return undefined;
      return {
        username: r.username,
        role: toRole(r.role),
        csrfToken: r.csrf_token,
        expiresAt: Number(r.expires_at),
      };
    },

    async touchSession(idHash: string, expiresAt: number) {
      await db
        .updateTable('staff_sessions')
        .set({ expires_at: expiresAt })
        .where('id_hash', '=', idHash)
        .execute();
    },

    async deleteSession(idHash: string) {
      await db.deleteFrom('staff_sessions').where('id_hash', '=', idHash).execute();
    },

    async audit(e: AuditEntry) {
      await db.insertInto('audit_log').values(e).execute();
    },

    async auditLog(page: {
      limit: number;
      before?: number | undefined;
      actor?: string | undefined;
    }) {
      let q = db.selectFrom('audit_log').selectAll();
      if (page.before !== undefined) q = q.where('at', '<', page.before);
      if (page.actor) q = q.where('actor', '=', page.actor);
      const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
      return rows.map((r) => ({ ...r, at: Number(r.at) }));
    },

    async addContactRequest(c: {
      id: string;
      conversationId: string;
      at: number;
      lang: string;
      text: string;
    }) {
      await db
        .insertInto('contact_requests')
        .values({
          id: c.id,
          conversation_id: c.conversationId,
          created_at: c.at,
          lang: c.lang,
          text: c.text,
        })
        .execute();
    },

    async contactRequests(open: boolean): Promise<ContactRequest[]> {
      let q = db.selectFrom('contact_requests').selectAll();
      q = open ? q.where('handled_at', 'is', null) : q;
      const rows = await q.orderBy('created_at', 'desc').limit(500).execute();
      return rows.map((r) => ({
        id: r.id,
        conversationId: r.conversation_id,
        createdAt: Number(r.created_at),
        lang: r.lang,
        text: r.text,
        handledAt: r.handled_at === null ? null : Number(r.handled_at),
        handledBy: r.handled_by,
      }));
    },

    async markContactHandled(id: string, by: string, at: number): Promise<boolean> {
      const r = await db
        .updateTable('contact_requests')
        .set({ handled_at: at, handled_by: by })
        .where('id', '=', id)
        .where('handled_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** A conversation asked for a person (the first time counts). */
    async recordHandoverRequest(r: {
      conversationId: string;
      at: number;
      kind: 'queued' | 'contact';
    }) {
      await db
        .insertInto('handover_requests')
        .values({ conversation_id: r.conversationId, requested_at: r.at, kind: r.kind })
        .onConflict((oc) => oc.column('conversation_id').doNothing())
        .execute();
    },

    /** Expired sessions and audit entries older than `auditBefore`. */
    async purge(now: number, auditBefore: number) {
      const s = await db
        .deleteFrom('staff_sessions')
        .where('expires_at', '<=', now)
        .executeTakeFirst();
      const a = await db.deleteFrom('audit_log').where('at', '<', auditBefore).executeTakeFirst();
      return { sessions: Number(s.numDeletedRows), audit: Number(a.numDeletedRows) };
    },
  };
}
