/**
 * Batched SQLite writes on a worker thread, so a transcript batch (a transaction of up to a
 * few hundred inserts, several WAL page writes) no longer stops the event loop that answers
 * turns. The worker owns its own better-sqlite3 connection to the same WAL file; each batch is
 * one `BEGIN IMMEDIATE` transaction of statements prepared once (by their SQL text) and run
 * with the rows given. The main thread's connection keeps reading and writing as before: SQLite
 * serialises the two writers, and `busy_timeout` makes either wait for the other's short
 * transaction instead of failing.
 *
 * Errors come back with their name, message and driver code, so the caller tells an outage
 * (retried) from a refused row (set aside) exactly as it does for the in-process path. A
 * worker that dies fails the batches in flight with `ERR_WORKER_EXITED` (an outage: the rows
 * are kept and retried, on a new worker). The thread is referenced only while a batch is in
 * flight: an idle writer never keeps the process alive, and a batch sent is always answered
 * before the process can exit. An in-memory database cannot be shared with a thread: it stays
 * on the main thread's connection (database.ts decides).
 *
 * The worker's program is a string evaluated by `new Worker(..., { eval: true })`: the same
 * text runs under tsx, vitest and the esbuild bundle, with no second build entry; the driver
 * is resolved here and passed in, so the worker finds it wherever the process was started.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export type SqlValue = string | number | null;

/** One prepared statement and the parameter rows it runs with, in order. */
export interface WriteStep {
  sql: string;
  rows: SqlValue[][];
}

export interface SqliteWriteWorker {
  /** Runs the steps in one transaction on the worker; rejects with the driver's error. */
  run(steps: WriteStep[]): Promise<void>;
  /** Waits for the batches in flight, closes the worker's connection and ends the thread. */
  close(): Promise<void>;
}

interface Reply {
  id: number;
  error?: { name: string; message: string; code?: string };
}

const WORKER_PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('synchronous = NORMAL');
const prepared = new Map();
const statement = (sql) => {
  let s = prepared.get(sql);
  if (!s) prepared.set(sql, (s = db.prepare(sql)));
  return s;
};
const write = db.transaction((steps) => {
  for (const step of steps) {
    const s = statement(step.sql);
    for (const row of step.rows) s.run(row);
  }
});
parentPort.on('message', (msg) => {
  if (msg.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    write.immediate(msg.steps);
    parentPort.postMessage({ id: msg.id });
  } catch (err) {
    parentPort.postMessage({
      id: msg.id,
      error: {
        name: (err && err.name) || 'Error',
        message: String((err && err.message) || err),
        code: err && typeof err.code === 'string' ? err.code : undefined,
      },
    });
  }
});
`;

/** The error a batch in flight fails with when the worker thread ends. */
export class WriteWorkerExited extends Error {
  override name = 'WriteWorkerExited';
  readonly code = 'ERR_WORKER_EXITED';
}

function driverError(e: NonNullable<Reply['error']>): Error {
  const err = new Error(e.message);
  err.name = e.name;
  if (e.code) Object.assign(err, { code: e.code });
  return err;
}

export function createSqliteWriteWorker(file: string, busyTimeoutMs = 5000): SqliteWriteWorker {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker | undefined;
  let nextId = 1;
  const waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  let closing: Promise<void> | undefined;

  function settle(reply: Reply): void {
    const w = waiting.get(reply.id);
    if (!w) return;
    waiting.delete(reply.id);
    if (waiting.size === 0) worker?.unref();
    if (reply.error) w.reject(driverError(reply.error));
    else w.resolve();
  }

  function start(): Worker {
    const w = new Worker(WORKER_PROGRAM, {
      eval: true,
      // Not the parent's flags: the program is plain CommonJS whatever loaders or
      // --input-type the process was started with.
      execArgv: [],
      workerData: { driver, file, busyTimeoutMs },
    });
    w.unref();
    w.on('message', settle);
    // 'error' precedes 'exit' when the program throws (a file that cannot be opened).
    let failure: Error | undefined;
    w.on('error', (err) => (failure = err));
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      for (const [id, pending] of waiting) {
        waiting.delete(id);
        const err = new WriteWorkerExited(
          `SQLite write worker ended${failure ? `: ${failure.message}` : ''}`,
          { cause: failure },
        );
        pending.reject(err);
      }
    });
    return w;
  }

  return {
    run(steps) {
      if (closing) return Promise.reject(new WriteWorkerExited('SQLite write worker closed'));
      worker ??= start();
      const id = nextId++;
      const w = worker;
      return new Promise<void>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        if (waiting.size === 1) w.ref();
        w.postMessage({ id, steps });
      });
    },
    close() {
      closing ??= (async () => {
        const w = worker;
        if (!w) return;
        const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
        // Messages are handled in order: the batches sent before this one are answered first.
        w.ref();
        w.postMessage({ close: true });
        await exited;
      })();
      return closing;
    },
  };
}
