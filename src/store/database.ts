/**
 * Opens the store: embedded SQLite (better-sqlite3, WAL) in DATA_DIR by default, PostgreSQL
 * (pg Pool) when DATABASE_URL is set. Both behind one Kysely<Database>, migrated at open.
 *
 * A PostgreSQL connection that breaks (server restart, failover, idle timeout, an operator's
 * pg_terminate_backend) is logged and replaced by the pool on next use; it never crashes the
 * process (docs/operations.md, "Database faults").
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import { createSqliteWriteWorker, type SqliteWriteWorker } from './sqlite-write-worker.js';

export type DialectName = 'sqlite' | 'postgres';

/**
 * The driver under Kysely, for the hot write path's prepared statements (transcript-writer).
 * A SQLite file also offers a write worker (its own connection on a worker thread, started on
 * first use and closed with the store); an in-memory database has none.
 */
export type NativeDb =
  | { dialect: 'postgres'; pool: pg.Pool }
  | { dialect: 'sqlite'; sqlite: SQLite.Database; writeWorker?: () => SqliteWriteWorker };

export interface StoreDb {
  db: Kysely<Database>;
  dialect: DialectName;
  native: NativeDb;
  /** Answers a trivial query (readiness); rejects when the database cannot be reached. */
  ping(): Promise<void>;
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
  /** Told about a broken pooled connection (it is dropped and replaced on next use). */
  onConnectionError?: (err: Error) => void;
  /** Longest wait for a new PostgreSQL connection before a query fails (ms). */
  connectTimeoutMs?: number;
}

// int8 (count(*), bigint columns) and numeric (avg) come back as strings from pg by default.
const PG_INT8 = 20;
const PG_NUMERIC = 1700;
/** How long a SQLite connection waits for the other's write transaction before SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * A transaction on the main connection begins IMMEDIATE, taking the write lock at once. The
 * transcript worker writes the same file through its own connection; a DEFERRED transaction
 * that reads before it writes (a canned reply's `put`) would fail with SQLITE_BUSY_SNAPSHOT,
 * without waiting, if a worker batch committed between its read and its write. IMMEDIATE
 * waits for the worker's short batch (busy_timeout) instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

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
  let native: NativeDb;
  let worker: SqliteWriteWorker | undefined;
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      keepAlive: true,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === PG_INT8 || oid === PG_NUMERIC
            ? (v: string) => Number(v)
            : (pg.types.getTypeParser(oid, format) as (
                v: string,
              ) => unknown)) as typeof pg.types.getTypeParser,
      },
    });
    // Without these listeners a connection the server drops raises an unhandled 'error' event
    // and the process exits. The pool listens while a client is idle; the client listener
    // covers one that is checked out between queries. The query in flight fails on its own.
    const onError = (err: Error) => options.onConnectionError?.(err);
    pool.on('error', onError);
    pool.on('connect', (client) => client.on('error', onError));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    native = { dialect: 'postgres', pool };
  } else {
    let file = options.sqliteFile;
    if (!file) {
      const dir = options.dataDir ?? './data';
      mkdirSync(dir, { recursive: true });
      file = join(dir, 'assistant.sqlite');
    }
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
    const path = file;
    native = sqlite.memory
      ? { dialect: 'sqlite', sqlite }
      : {
          dialect: 'sqlite',
          sqlite,
          writeWorker: () => (worker ??= createSqliteWriteWorker(path, SQLITE_BUSY_TIMEOUT_MS)),
        };
  }
  const dialect = native.dialect;
  return {
    db,
    dialect,
    native,
    migrate: () => migrateToLatest(db, dialect),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await worker?.close();
      await db.destroy();
    },
  };
}
