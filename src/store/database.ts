/**
 * Opens the store: embedded SQLite (better-sqlite3, WAL) in DATA_DIR by default, PostgreSQL
 * (pg Pool) when DATABASE_URL is set. Both behind one Kysely<Database>, migrated at open.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface StoreDb {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Brings the schema to the latest version (idempotent). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://… ; absent: SQLite. */
  databaseUrl?: string | undefined;
  /** Folder of the SQLite file `assistant.sqlite` (created when missing). */
  dataDir?: string;
  /** SQLite file path, overriding dataDir (':memory:' for a throwaway database). */
  sqliteFile?: string;
  poolSize?: number;
}

// int8 (count(*), bigint columns) and numeric (avg) come back as strings from pg by default.
const PG_INT8 = 20;
const PG_NUMERIC = 1700;

/** Opens and migrates (for tools and tests). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<StoreDb> {
  const store = createDatabase(options);
  try {
    await store.migrate();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/** Opens without touching the schema; call migrate() before the first query. */
export function createDatabase(options: OpenDatabaseOptions): StoreDb {
  let db: Kysely<Database>;
  let dialect: DialectName;
  if (options.databaseUrl) {
    dialect = 'postgres';
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === PG_INT8 || oid === PG_NUMERIC
            ? (v: string) => Number(v)
            : (pg.types.getTypeParser(oid, format) as (
                v: string,
              ) => unknown)) as typeof pg.types.getTypeParser,
      },
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    dialect = 'sqlite';
    let file = options.sqliteFile;
    if (!file) {
      const dir = options.dataDir ?? './data';
      mkdirSync(dir, { recursive: true });
      file = join(dir, 'assistant.sqlite');
    }
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  return { db, dialect, migrate: () => migrateToLatest(db, dialect), close: () => db.destroy() };
}
