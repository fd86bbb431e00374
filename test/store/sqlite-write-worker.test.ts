import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteWriteWorker } from '../../src/store/sqlite-write-worker.js';
import { isOutage } from '../../src/store/transcript-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'write-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A WAL database file with one table, as the app's store opens it. */
function database(): { file: string; db: SQLite.Database } {
  const file = join(dir, `db${files++}.sqlite`);
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec('create table t (k integer primary key, v text not null)');
  return { file, db };
}

const INSERT = 'insert into t (k, v) values (?, ?)';
const count = (db: SQLite.Database) =>
  (db.prepare('select count(*) as n from t').get() as { n: number }).n;

describe('SQLite write worker', () => {
  it('writes off the main thread: the rows land while the event loop is blocked', () => {
    const { file, db } = database();
    const worker = createSqliteWriteWorker(file);
    void worker.run([{ sql: INSERT, rows: [[1, 'a']] }]);
    expect(count(db)).toBe(0);
    // Nothing on this thread runs until the loop below ends, so only another thread can
    // have written the row it waits for.
    const deadline = Date.now() + 10_000;
    while (count(db) === 0 && Date.now() < deadline);
    expect(count(db)).toBe(1);
    db.close();
    return worker.close();
  });

  it('runs each batch as one transaction, in order, and close() waits for every batch sent', async () => {
    const { file, db } = database();
    const worker = createSqliteWriteWorker(file);
    const results: Promise<void>[] = [];
    for (let b = 0; b < 20; b++)
      results.push(
        worker.run([
          {
            sql: INSERT,
            rows: Array.from({ length: 50 }, (_, i) => [b * 50 + i, `row ${b * 50 + i}`]),
          },
          { sql: 'update t set v = ? where k = ?', rows: [[`updated ${b}`, b * 50]] },
        ]),
      );
    await worker.close();
    await Promise.all(results);
    expect(count(db)).toBe(1000);
    expect(db.prepare('select v from t where k = 950').get()).toEqual({ v: 'updated 19' });
    await expect(worker.run([{ sql: INSERT, rows: [[5000, 'late']] }])).rejects.toMatchObject({
      code: 'ERR_WORKER_EXITED',
    });
    db.close();
  });

  it('surfaces a refused row with the driver code, rolls the batch back and keeps working', async () => {
    const { file, db } = database();
    const worker = createSqliteWriteWorker(file);
    const refused = worker.run([
      {
        sql: INSERT,
        rows: [
          [1, 'fine'],
          [2, null],
        ],
      },
    ]);
    await expect(refused).rejects.toMatchObject({
      name: 'SqliteError',
      code: 'SQLITE_CONSTRAINT_NOTNULL',
    });
    const err = await refused.catch((e: unknown) => e);
    expect(isOutage(err)).toBe(false);
    expect(count(db)).toBe(0);
    await worker.run([{ sql: INSERT, rows: [[3, 'next']] }]);
    expect(count(db)).toBe(1);
    await worker.close();
    db.close();
  });

  it('fails the batch as an outage when the worker cannot open the file, and retries on a new worker', async () => {
    const missing = join(dir, 'no-such-folder', 'db.sqlite');
    const worker = createSqliteWriteWorker(missing);
    const err = await worker.run([{ sql: INSERT, rows: [[1, 'a']] }]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_WORKER_EXITED' });
    expect(String((err as Error).message)).toMatch(/unable to open|directory does not exist/i);
    expect(isOutage(err)).toBe(true);
    // A second attempt starts a fresh worker (and fails the same way here).
    await expect(worker.run([{ sql: INSERT, rows: [[1, 'a']] }])).rejects.toMatchObject({
      code: 'ERR_WORKER_EXITED',
    });
    await worker.close();
  });

  it('never keeps an idle process alive, and answers a batch sent before the process ends', () => {
    const { file, db } = database();
    const module = fileURLToPath(
      new URL('../../src/store/sqlite-write-worker.ts', import.meta.url),
    );
    // The child sends one batch and neither awaits it nor closes the worker: it must still
    // exit on its own (the idle worker is unreferenced) and only after the batch is written.
    const program = `
      const { createSqliteWriteWorker } = await import(${JSON.stringify(module)});
      const w = createSqliteWriteWorker(${JSON.stringify(file)});
      void w.run([{ sql: ${JSON.stringify(INSERT)}, rows: [[1, 'from child']] }]).then(() =>
        console.log('written'));
    `;
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', program],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(out.trim()).toBe('written');
    expect(count(db)).toBe(1);
    db.close();
  });
});
