/**
 * Migrations in code (Kysely Migrator with an in-code provider), run at start. Full-text
 * search is the one place where the two databases differ: SQLite gets an FTS5 table kept in
 * step by triggers, PostgreSQL a GIN index over to_tsvector('simple', text).
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { DialectName } from './database.js';

export function createMigrationProvider(dialect: DialectName): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001_transcripts': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('conversations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('ended_at', 'bigint')
          .addColumn('last_activity_at', 'bigint', (c) => c.notNull())
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('subject', 'text')
          .addColumn('outcome', 'text')
          .addColumn('rating', 'integer')
          .addColumn('comment', 'text')
          .addColumn('handed_over', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('classified_messages', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('fallback_messages', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        // Keyset paging is by (started_at, id); each filter has an index led by itself.
        const idx = (name: string, cols: string[]) =>
          db.schema.createIndex(name).on('conversations').columns(cols).execute();
        await idx('conversations_started', ['started_at', 'id']);
        await idx('conversations_lang', ['lang', 'started_at']);
        await idx('conversations_outcome', ['outcome', 'started_at']);
        await idx('conversations_handed_over', ['handed_over', 'started_at']);
        await idx('conversations_rating', ['rating', 'started_at']);
        await idx('conversations_subject', ['subject']);
        await idx('conversations_activity', ['last_activity_at']);

        await db.schema
          .createTable('conversation_life_events')
          .addColumn('conversation_id', 'text', (c) => c.notNull())
          .addColumn('life_event', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('conversation_life_events_pk', ['life_event', 'conversation_id'])
          .execute();
        await db.schema
          .createIndex('conversation_life_events_conversation')
          .on('conversation_life_events')
          .column('conversation_id')
          .execute();

        await db.schema
          .createTable('messages')
          .addColumn('conversation_id', 'text', (c) => c.notNull())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('intent', 'text')
          .addColumn('confidence', 'double precision')
          .addColumn('node', 'text')
          .addColumn('life_event', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('corrected_intent', 'text')
          .addColumn('corrected_by', 'text')
          .addColumn('corrected_at', 'bigint')
          .addPrimaryKeyConstraint('messages_pk', ['conversation_id', 'seq'])
          .execute();
        await db.schema
          .createIndex('messages_corrected')
          .on('messages')
          .column('corrected_at')
          .execute();
        await db.schema
          .createIndex('messages_role_intent')
          .on('messages')
          .columns(['role', 'intent'])
          .execute();

        if (dialect === 'sqlite') {
          await sql`create virtual table messages_fts using fts5(text, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0')`.execute(
            db,
          );
          await sql`create trigger messages_fts_ai after insert on messages begin
            insert into messages_fts(rowid, text) values (new.rowid, new.text); end`.execute(db);
          await sql`create trigger messages_fts_ad after delete on messages begin
            insert into messages_fts(messages_fts, rowid, text) values ('delete', old.rowid, old.text); end`.execute(
            db,
          );
          await sql`create trigger messages_fts_au after update of text on messages begin
            insert into messages_fts(messages_fts, rowid, text) values ('delete', old.rowid, old.text);
            insert into messages_fts(rowid, text) values (new.rowid, new.text); end`.execute(db);
        } else {
          await sql`create index messages_text_fts on messages using gin (to_tsvector('simple', text))`.execute(
            db,
          );
        }
      },
    },
    '0002_staff': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('staff_accounts')
          .addColumn('username', 'text', (c) => c.primaryKey())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('staff_sessions')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('username', 'text', (c) => c.notNull())
          .addColumn('csrf_token', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('staff_sessions_username')
          .on('staff_sessions')
          .column('username')
          .execute();
        await db.schema
          .createTable('audit_log')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target', 'text')
          .addColumn('detail', 'text')
          .execute();
        await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
        await db.schema
          .createTable('contact_requests')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('conversation_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('handled_at', 'bigint')
          .addColumn('handled_by', 'text')
          .execute();
        await db.schema
          .createIndex('contact_requests_created')
          .on('contact_requests')
          .column('created_at')
          .execute();
      },
    },
    // When a conversation asked for a person: for "unanswered handover requests" and "time to
    // first human reply" in analytics (src/staff/handover-requests.ts writes it).
    '0003_handover_requests': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('handover_requests')
          .addColumn('conversation_id', 'text', (c) => c.primaryKey())
          .addColumn('requested_at', 'bigint', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('handover_requests_at')
          .on('handover_requests')
          .column('requested_at')
          .execute();
      },
    },
    '0004_answer_feedback': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('answer_feedback')
          .addColumn('conversation_id', 'text', (c) => c.notNull())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('intent', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('answer_feedback_pk', ['conversation_id', 'seq'])
          .execute();
      },
    },
    // Agents' canned replies, edited by admins in the back office. The files
    // (locales/<lang>/staff.json "canned") seed it: a file entry is added once, never over an
    // admin's edit; a deleted reply keeps a tombstone (deleted_at) so it does not come back.
    '0005_canned_replies': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('canned_replies')
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('label', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_by', 'text')
          .addColumn('deleted_at', 'bigint')
          .addPrimaryKeyConstraint('canned_replies_pk', ['lang', 'id'])
          .execute();
      },
    },
  };
  return { getMigrations: () => Promise.resolve(migrations) };
}

export class MigrationError extends Error {
  override name = 'MigrationError';
  readonly code = 'MIGRATION_FAILED';
}

/** Brings the schema to the latest version; throws MigrationError naming the failed step. */
export async function migrateToLatest<T>(db: Kysely<T>, dialect: DialectName): Promise<void> {
  const migrator = new Migrator({ db, provider: createMigrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '(unknown)';
    throw new MigrationError(
      `Migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      { cause: error },
    );
  }
}
