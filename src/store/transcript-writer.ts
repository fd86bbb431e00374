/**
 * The transcript write path: one transaction per batch, with statements prepared once and
 * reused (no query-builder compile per row). PostgreSQL gets one named statement that takes
 * whole columns as arrays (`unnest`) and writes conversations, life events and messages in
 * one round trip, whatever the batch size; SQLite runs better-sqlite3 prepared statements
 * inside one transaction, on the write worker's own connection for a database file (off the
 * event loop, sqlite-write-worker.ts) and on the main connection for an in-memory one.
 *
 * Text is made storable first (storable.ts). A batch the database refuses for a reason that
 * is not an outage is split per conversation and then per row, so one bad row is set aside
 * (returned in `rejected`) and every other row is written. An outage (connection lost or
 * refused) throws: nothing is set aside and the caller keeps the rows to retry.
 */
import type { NativeDb } from './database.js';
import type { WriteStep } from './sqlite-write-worker.js';
import type { NewMessage } from './schema.js';
import { storableOrNull, storableText } from './storable.js';
import type { ConversationDelta, IntentUpdate, TranscriptBatch } from './transcript-store.js';

export interface RejectedRow {
  kind: 'conversation' | 'message' | 'intent';
  conversationId: string;
  seq?: number;
  /** SQLSTATE or driver code, or the error's name. */
  code: string;
}

export interface WriteResult {
  rejected: RejectedRow[];
}

/** An outage stopped the write part-way; `remaining` holds the rows not yet written. */
export class TranscriptWriteInterrupted extends Error {
  override name = 'TranscriptWriteInterrupted';
  constructor(
    override readonly cause: unknown,
    readonly remaining: TranscriptBatch,
    readonly rejected: RejectedRow[],
  ) {
    super(
      `transcript write interrupted: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

const PG_TRANSIENT_CLASSES = ['08', '40', '53', '57', '58'];
const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // The SQLite write worker ended (sqlite-write-worker.ts): the next write starts a new one.
  'ERR_WORKER_EXITED',
]);
const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL)/;

/** True when the error means "the database is not reachable now", not "this row is wrong". */
export function isOutage(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  if (code) {
    if (/^[0-9A-Z]{5}$/.test(code)) return PG_TRANSIENT_CLASSES.includes(code.slice(0, 2));
    if (NET_CODES.has(code)) return true;
    if (code.startsWith('SQLITE_')) return SQLITE_TRANSIENT.test(code);
  }
  const message = err instanceof Error ? err.message : '';
  return /connection|terminated|timeout exceeded|not queryable|ECONN/i.test(message);
}

function codeOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string')
    return err.code;
  return err instanceof Error ? err.name : 'UNKNOWN';
}

const CONVERSATION_COLUMNS =
  'id, started_at, last_activity_at, ended_at, lang, channel, subject, outcome, rating, comment, handed_over, message_count, classified_messages, fallback_messages';
const CONVERSATION_UPSERT = `on conflict (id) do update set
  last_activity_at = excluded.last_activity_at,
  lang = excluded.lang,
  subject = coalesce(conversations.subject, excluded.subject),
  outcome = coalesce(excluded.outcome, conversations.outcome),
  ended_at = coalesce(excluded.ended_at, conversations.ended_at),
  rating = coalesce(excluded.rating, conversations.rating),
  comment = coalesce(excluded.comment, conversations.comment),
  handed_over = case when excluded.handed_over = 1 then 1 else conversations.handed_over end,
  message_count = conversations.message_count + excluded.message_count,
  classified_messages = conversations.classified_messages + excluded.classified_messages,
  fallback_messages = conversations.fallback_messages + excluded.fallback_messages`;
const MESSAGE_COLUMNS =
  'conversation_id, seq, role, text, intent, confidence, node, life_event, created_at';

const PG = {
  /**
   * Conversations, life events and messages in one statement (data-modifying CTEs: atomic,
   * one round trip). Under load the event loop is busy with turns, so every round trip of a
   * write waits behind them; one instead of five keeps the unwritten window short.
   */
  batch: `with
    c as (insert into conversations (${CONVERSATION_COLUMNS})
      select * from unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[],
        $6::text[], $7::text[], $8::text[], $9::integer[], $10::text[], $11::integer[],
        $12::integer[], $13::integer[], $14::integer[])
      ${CONVERSATION_UPSERT}
      returning 1),
    l as (insert into conversation_life_events (conversation_id, life_event)
      select * from unnest($15::text[], $16::text[]) on conflict do nothing returning 1),
    m as (insert into messages (${MESSAGE_COLUMNS})
      select * from unnest($17::text[], $18::integer[], $19::text[], $20::text[], $21::text[],
        $22::double precision[], $23::text[], $24::text[], $25::bigint[])
      on conflict (conversation_id, seq) do nothing returning 1)
    select (select count(*) from c) as c, (select count(*) from l) as l, (select count(*) from m) as m`,
  intents: `update messages m set intent = u.intent, confidence = u.confidence
    from unnest($1::text[], $2::integer[], $3::text[], $4::double precision[])
      as u(conversation_id, seq, intent, confidence)
    where m.conversation_id = u.conversation_id and m.seq = u.seq`,
};

const SQLITE = {
  conversations: `insert into conversations (${CONVERSATION_COLUMNS})
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${CONVERSATION_UPSERT}`,
  lifeEvents: `insert into conversation_life_events (conversation_id, life_event) values (?, ?)
    on conflict do nothing`,
  messages: `insert into messages (${MESSAGE_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?)
    on conflict (conversation_id, seq) do nothing`,
  intents: `update messages set intent = ?, confidence = ? where conversation_id = ? and seq = ?`,
};

type Row = WriteStep['rows'][number];

function conversationRow(c: ConversationDelta): Row {
  return [
    c.id,
    c.startedAt,
    c.lastActivityAt,
    c.endedAt ?? null,
    c.lang,
    c.channel,
    c.subject ?? null,
    c.outcome ?? null,
    c.rating ?? null,
    c.comment ?? null,
    c.handedOver ? 1 : 0,
    c.messages,
    c.classified,
    c.fallbacks,
  ];
}

function messageRow(m: NewMessage): Row {
  return [
    m.conversation_id,
    m.seq,
    m.role,
    m.text,
    m.intent ?? null,
    m.confidence ?? null,
    m.node ?? null,
    m.life_event ?? null,
    m.created_at,
  ];
}

/** Rows to columns, for `unnest`. */
function columns(rows: Row[], width: number): Row[] {
  const cols: Row[] = Array.from({ length: width }, () => []);
  for (const r of rows) for (let i = 0; i < width; i++) cols[i]?.push(r[i] ?? null);
  return cols;
}

/** Every text field made storable (NUL and lone surrogates replaced). */
export function storableBatch(batch: TranscriptBatch): TranscriptBatch {
  return {
    conversations: batch.conversations.map((c) => ({
      ...c,
      id: storableText(c.id),
      lang: storableText(c.lang),
      channel: storableText(c.channel),
      subject: storableOrNull(c.subject) ?? undefined,
      comment: storableOrNull(c.comment) ?? undefined,
      lifeEvents: c.lifeEvents.map(storableText),
    })),
    messages: batch.messages.map((m) => ({
      ...m,
      conversation_id: storableText(m.conversation_id),
      role: storableText(m.role),
      text: storableText(m.text),
      intent: storableOrNull(m.intent),
      node: storableOrNull(m.node),
      life_event: storableOrNull(m.life_event),
    })),
    intents: batch.intents.map((u) => ({
      ...u,
      conversationId: storableText(u.conversationId),
      intent: storableText(u.intent),
    })),
  };
}

function emptyBatch(): TranscriptBatch {
  return { conversations: [], messages: [], intents: [] };
}

function mergeBatches(batches: TranscriptBatch[]): TranscriptBatch {
  const out = emptyBatch();
  for (const b of batches) {
    out.conversations.push(...b.conversations);
    out.messages.push(...b.messages);
    out.intents.push(...b.intents);
  }
  return out;
}

/** One batch per conversation, each with its own messages and intent updates. */
function perConversation(batch: TranscriptBatch): TranscriptBatch[] {
  const units = new Map<string, TranscriptBatch>();
  const unit = (id: string) => {
    let u = units.get(id);
    if (!u) units.set(id, (u = emptyBatch()));
    return u;
  };
  for (const c of batch.conversations) unit(c.id).conversations.push(c);
  for (const m of batch.messages) unit(m.conversation_id).messages.push(m);
  for (const i of batch.intents) unit(i.conversationId).intents.push(i);
  return [...units.values()];
}

/** One batch per row, each tagged with what to report if the database refuses it. */
function perRow(batch: TranscriptBatch): { batch: TranscriptBatch; row: RejectedRow }[] {
  const rows: { batch: TranscriptBatch; row: RejectedRow }[] = [];
  for (const c of batch.conversations)
    rows.push({
      batch: { ...emptyBatch(), conversations: [c] },
      row: { kind: 'conversation', conversationId: c.id, code: '' },
    });
  for (const m of batch.messages)
    rows.push({
      batch: { ...emptyBatch(), messages: [m] },
      row: { kind: 'message', conversationId: m.conversation_id, seq: m.seq, code: '' },
    });
  for (const i of batch.intents)
    rows.push({
      batch: { ...emptyBatch(), intents: [i] },
      row: { kind: 'intent', conversationId: i.conversationId, seq: i.seq, code: '' },
    });
  return rows;
}

export interface TranscriptWriter {
  write(batch: TranscriptBatch): Promise<WriteResult>;
}

/**
 * @param exclusive runs a synchronous SQLite transaction while holding Kysely's connection, so
 * it never interleaves with a Kysely transaction on the same database.
 */
export function createTranscriptWriter(
  native: NativeDb,
  exclusive: (work: () => void) => Promise<void>,
): TranscriptWriter {
  const writeAll =
    native.dialect === 'postgres' ? pgWriter(native.pool) : sqliteWriter(native, exclusive);

  async function isolate(batch: TranscriptBatch): Promise<WriteResult> {
    const rejected: RejectedRow[] = [];
    const units = perConversation(batch);
    for (let u = 0; u < units.length; u++) {
      const unit = units[u] ?? emptyBatch();
      try {
        await writeAll(unit);
        continue;
      } catch (err) {
        if (isOutage(err))
          throw new TranscriptWriteInterrupted(err, mergeBatches(units.slice(u)), rejected);
      }
      const rows = perRow(unit);
      for (let r = 0; r < rows.length; r++) {
        const one = rows[r];
        if (!one) continue;
        try {
          await writeAll(one.batch);
        } catch (err) {
          if (isOutage(err)) {
            const rest = mergeBatches([
              ...rows.slice(r).map((x) => x.batch),
              ...units.slice(u + 1),
            ]);
            throw new TranscriptWriteInterrupted(err, rest, rejected);
          }
          rejected.push({ ...one.row, code: codeOf(err) });
        }
      }
    }
    return { rejected };
  }

  return {
    async write(raw) {
      if (raw.conversations.length + raw.messages.length + raw.intents.length === 0)
        return { rejected: [] };
      const batch = storableBatch(raw);
      try {
        await writeAll(batch);
        return { rejected: [] };
      } catch (err) {
        if (isOutage(err)) throw err;
        return isolate(batch);
      }
    },
  };
}

function pgWriter(pool: Extract<NativeDb, { dialect: 'postgres' }>['pool']) {
  const batchValues = (batch: TranscriptBatch) => [
    ...columns(batch.conversations.map(conversationRow), 14),
    ...columns(
      batch.conversations.flatMap((c) => c.lifeEvents.map((le) => [c.id, le])),
      2,
    ),
    ...columns(batch.messages.map(messageRow), 9),
  ];
  const intentValues = (batch: TranscriptBatch) =>
    columns(
      batch.intents.map((u: IntentUpdate) => [u.conversationId, u.seq, u.intent, u.confidence]),
      4,
    );

  return async (batch: TranscriptBatch): Promise<void> => {
    // The usual case: one atomic statement, no transaction round trips.
    if (batch.intents.length === 0) {
      await pool.query({ name: 'transcripts.batch', text: PG.batch, values: batchValues(batch) });
      return;
    }
    // Intent updates must see the messages inserted before them: a transaction of two.
    const client = await pool.connect();
    let failure: unknown;
    try {
      await client.query('begin');
      await client.query({ name: 'transcripts.batch', text: PG.batch, values: batchValues(batch) });
      await client.query({
        name: 'transcripts.intents',
        text: PG.intents,
        values: intentValues(batch),
      });
      await client.query('commit');
    } catch (err) {
      failure = err;
      if (!isOutage(err)) await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      // A connection that failed is dropped rather than handed to the next caller.
      client.release(failure !== undefined && isOutage(failure));
    }
  };
}

/** A batch as the SQLite statements and their parameter rows, in the order they run. */
function sqliteSteps(batch: TranscriptBatch): WriteStep[] {
  const lifeEvents: Row[] = [];
  for (const c of batch.conversations) for (const le of c.lifeEvents) lifeEvents.push([c.id, le]);
  return [
    { sql: SQLITE.conversations, rows: batch.conversations.map(conversationRow) },
    { sql: SQLITE.lifeEvents, rows: lifeEvents },
    { sql: SQLITE.messages, rows: batch.messages.map(messageRow) },
    {
      sql: SQLITE.intents,
      rows: batch.intents.map((u) => [u.intent, u.confidence, u.conversationId, u.seq]),
    },
  ].filter((step) => step.rows.length > 0);
}

function sqliteWriter(
  native: Extract<NativeDb, { dialect: 'sqlite' }>,
  exclusive: (work: () => void) => Promise<void>,
) {
  // A file: the batch's transaction runs on the write worker, off the event loop.
  if (native.writeWorker) {
    const worker = native.writeWorker;
    return (batch: TranscriptBatch): Promise<void> => worker().run(sqliteSteps(batch));
  }
  // In memory: the same statements on the main connection, prepared on first use (the tables
  // exist only after the migrations ran).
  const sqlite = native.sqlite;
  const prepared = new Map<string, ReturnType<typeof sqlite.prepare>>();
  const run = sqlite.transaction((steps: WriteStep[]) => {
    for (const step of steps) {
      let s = prepared.get(step.sql);
      if (!s) prepared.set(step.sql, (s = sqlite.prepare(step.sql)));
      for (const row of step.rows) s.run(row);
    }
  });
  return (batch: TranscriptBatch): Promise<void> =>
    exclusive(() => {
      run(sqliteSteps(batch));
    });
}
