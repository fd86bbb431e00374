import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';

const dir = mkdtempSync(join(tmpdir(), 'store-tx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite store transactions', () => {
  it('hold the write lock from their start, so another connection cannot commit between a read and a write', async () => {
    const file = join(dir, 'tx.sqlite');
    const store = await openDatabase({ sqliteFile: file });
    await sql`create table t (k integer primary key, v text not null)`.execute(store.db);
    await sql`insert into t (k, v) values (1, 'a')`.execute(store.db);
    // The transcript worker's connection, here without waiting, so a held lock shows at once.
    const other = new SQLite(file);
    other.pragma('busy_timeout = 0');
    let otherWrite: unknown;
    try {
      await store.db.transaction().execute(async (trx) => {
        await sql`select v from t where k = 1`.execute(trx);
        try {
          other.prepare("insert into t (k, v) values (2, 'b')").run();
        } catch (err) {
          otherWrite = err;
        }
        // Deferred, this write would fail with SQLITE_BUSY_SNAPSHOT after the other commit.
        await sql`update t set v = 'c' where k = 1`.execute(trx);
      });
      expect((otherWrite as { code?: string } | undefined)?.code).toBe('SQLITE_BUSY');
      expect(other.prepare('select v from t where k = 1').get()).toEqual({ v: 'c' });
    } finally {
      other.close();
      await store.close();
    }
  });
});
