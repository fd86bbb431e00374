/**
 * The agents' canned replies per language, in the database (admins edit them in the back
 * office, docs/staff.md). The files locales/<lang>/staff.json "canned" are the defaults: each
 * file entry is added once (`seed`), never over an admin's edit, and a reply an admin deleted
 * keeps a tombstone so the file does not bring it back at the next start. A default no one has
 * edited (`updated_by` null) follows the file: a server started on a newer file shows its text,
 * not the one seeded years ago. One query code for SQLite and PostgreSQL.
 */
import { LANGS, type Lang } from '../protocol/frames.js';
import type { StoreDb } from './database.js';

export interface CannedReply {
  id: string;
  label: string;
  text: string;
}

export interface StoredCannedReply extends CannedReply {
  updatedAt: number;
  updatedBy: string | null;
}

export type CannedStore = ReturnType<typeof createCannedStore>;

export function createCannedStore(store: StoreDb) {
  const { db } = store;

  async function get(lang: Lang, id: string): Promise<StoredCannedReply | undefined> {
    const r = await db
      .selectFrom('canned_replies')
      .select(['id', 'label', 'text', 'updated_at', 'updated_by'])
      .where('lang', '=', lang)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return r
      ? {
          id: r.id,
          label: r.label,
          text: r.text,
          updatedAt: Number(r.updated_at),
          updatedBy: r.updated_by,
        }
      : undefined;
  }

  async function nextPosition(lang: Lang): Promise<number> {
    const r = await db
      .selectFrom('canned_replies')
      .select((eb) => eb.fn.max('position').as('max'))
      .where('lang', '=', lang)
      .executeTakeFirst();
    return Number(r?.max ?? 0) + 1;
  }

  return {
    get,

    /** Every language's replies in their order (deleted ones left out). */
    async list(): Promise<Record<Lang, StoredCannedReply[]>> {
      const rows = await db
        .selectFrom('canned_replies')
        .select(['lang', 'id', 'label', 'text', 'updated_at', 'updated_by'])
        .where('deleted_at', 'is', null)
        .orderBy('lang')
        .orderBy('position')
        .orderBy('id')
        .execute();
      const out = Object.fromEntries(LANGS.map((l) => [l, []])) as unknown as Record<
        Lang,
        StoredCannedReply[]
      >;
      for (const r of rows) {
        if (!(LANGS as readonly string[]).includes(r.lang)) continue;
        out[r.lang as Lang].push({
          id: r.id,
          label: r.label,
          text: r.text,
          updatedAt: Number(r.updated_at),
          updatedBy: r.updated_by,
        });
      }
      return out;
    },

    /**
     * Adds the file defaults that were never stored and brings an unedited stored default to the
     * file's current text; edited and deleted ones stay as they are. Answers how many it added.
     */
    async seed(lang: Lang, replies: readonly CannedReply[], at: number): Promise<number> {
      let position = await nextPosition(lang);
      let added = 0;
      for (const c of replies) {
        const r = await db
          .insertInto('canned_replies')
          .values({
            lang,
            id: c.id,
            label: c.label,
            text: c.text,
            position: position,
            updated_at: at,
            updated_by: null,
            deleted_at: null,
          })
          .onConflict((oc) => oc.columns(['lang', 'id']).doNothing())
          .executeTakeFirst();
        if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0) {
          added += 1;
          position += 1;
          continue;
        }
        await db
          .updateTable('canned_replies')
          .set({ label: c.label, text: c.text, updated_at: at })
          .where('lang', '=', lang)
          .where('id', '=', c.id)
          .where('updated_by', 'is', null)
          .where('deleted_at', 'is', null)
          .where((eb) => eb.or([eb('label', '!=', c.label), eb('text', '!=', c.text)]))
          .execute();
      }
      return added;
    },

    /**
     * Creates or replaces one reply; answers what it was before (undefined: created). A reply
     * deleted earlier comes back at the end of the list.
     */
    async put(
      lang: Lang,
      reply: CannedReply,
      by: string,
      at: number,
    ): Promise<{ before: StoredCannedReply | undefined }> {
      return db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('canned_replies')
          .select(['label', 'text', 'updated_at', 'updated_by', 'deleted_at'])
          .where('lang', '=', lang)
          .where('id', '=', reply.id)
          .executeTakeFirst();
        if (existing && existing.deleted_at === null) {
          await trx
            .updateTable('canned_replies')
            .set({ label: reply.label, text: reply.text, updated_at: at, updated_by: by })
            .where('lang', '=', lang)
            .where('id', '=', reply.id)
            .execute();
          return {
            before: {
              id: reply.id,
              label: existing.label,
              text: existing.text,
              updatedAt: Number(existing.updated_at),
              updatedBy: existing.updated_by,
            },
          };
        }
        const max = await trx
          .selectFrom('canned_replies')
          .select((eb) => eb.fn.max('position').as('max'))
          .where('lang', '=', lang)
          .executeTakeFirst();
        const values = {
          label: reply.label,
          text: reply.text,
          position: Number(max?.max ?? 0) + 1,
          updated_at: at,
          updated_by: by,
          deleted_at: null,
        };
        await trx
          .insertInto('canned_replies')
          .values({ lang, id: reply.id, ...values })
          .onConflict((oc) => oc.columns(['lang', 'id']).doUpdateSet(values))
          .execute();
        return { before: undefined };
      });
    },

    /** Deletes one reply (a tombstone); answers it as it was, or undefined when there was none. */
    async remove(
      lang: Lang,
      id: string,
      by: string,
      at: number,
    ): Promise<StoredCannedReply | undefined> {
      const before = await get(lang, id);
      if (!before) return undefined;
      await db
        .updateTable('canned_replies')
        .set({ deleted_at: at, updated_at: at, updated_by: by })
        .where('lang', '=', lang)
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .execute();
      return before;
    },
  };
}
