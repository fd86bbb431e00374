/**
 * Transcripts: the one query module for conversations, messages, corrections, retention and
 * analytics, the same code on SQLite and PostgreSQL. Writes come in batches from the recorder
 * (src/transcripts/recorder.ts); reads serve the back office.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { StoreDb } from './database.js';
import type { ConversationRow, Database, MessageRow, NewMessage } from './schema.js';
import { createTranscriptWriter, type WriteResult } from './transcript-writer.js';

export const OUTCOMES = ['resolved', 'handed-over', 'abandoned'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const MESSAGE_ROLES = ['citizen', 'assistant', 'agent', 'system'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/** What happened to one conversation since the last flush; counters are increments. */
export interface ConversationDelta {
  id: string;
  startedAt: number;
  lastActivityAt: number;
  lang: string;
  channel: string;
  subject?: string | undefined;
  outcome?: Outcome | undefined;
  endedAt?: number | undefined;
  rating?: number | undefined;
  comment?: string | undefined;
  handedOver?: boolean | undefined;
  messages: number;
  classified: number;
  fallbacks: number;
  lifeEvents: string[];
}

export interface IntentUpdate {
  conversationId: string;
  seq: number;
  intent: string;
  confidence: number;
}

export interface TranscriptBatch {
  conversations: ConversationDelta[];
  messages: NewMessage[];
  intents: IntentUpdate[];
}

export interface ConversationFilter {
  /** started_at >= from (epoch ms). */
  from?: number | undefined;
  /** started_at < to (epoch ms). */
  to?: number | undefined;
  lifeEvent?: string | undefined;
  lang?: string | undefined;
  outcome?: Outcome | 'none' | undefined;
  /** Exact rating 1-5, or 0 for "not rated". */
  rating?: number | undefined;
  handedOver?: boolean | undefined;
  /** Free text: every word must occur (as a word prefix) in one message of the conversation. */
  q?: string | undefined;
}

export interface ConversationSummary {
  id: string;
  startedAt: number;
  endedAt: number | null;
  lastActivityAt: number;
  lang: string;
  channel: string;
  outcome: string | null;
  rating: number | null;
  handedOver: boolean;
  messageCount: number;
  lifeEvents: string[];
  /** The citizen's first message (redacted, as stored). */
  preview: string | null;
}

export interface ListPage {
  items: ConversationSummary[];
  /** Pass back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

export interface Transcript {
  conversation: ConversationSummary & { comment: string | null; subjectKnown: boolean };
  messages: TranscriptMessage[];
}

export interface TranscriptMessage {
  seq: number;
  role: string;
  text: string;
  intent: string | null;
  confidence: number | null;
  node: string | null;
  lifeEvent: string | null;
  at: number;
  correctedIntent: string | null;
  correctedBy: string | null;
  /** "not-helpful" / "wrong-topic" from the citizen on an assistant answer, with the turn's intent. */
  feedback?: { reason: string; intent: string | null } | undefined;
}

/** Per-answer feedback from the citizen (the widget's "not helpful" / "wrong topic"). */
export interface AnswerFeedbackRecord {
  conversationId: string;
  seq: number;
  reason: string;
  intent: string | null;
  at: number;
}

export interface AnalyticsRow {
  lifeEvent: string;
  lang: string;
  conversations: number;
  resolved: number;
  handedOver: number;
  abandoned: number;
  resolutionRate: number | null;
  handoverRate: number | null;
  classifiedMessages: number;
  fallbackMessages: number;
  fallbackRate: number | null;
  rated: number;
  averageRating: number | null;
  unrecognised: { text: string; count: number }[];
  /** Conversations that asked for a person (inside office hours: queued; outside: contact). */
  handoverRequests: number;
  /** Queued requests where no person ever wrote (the citizen left or nobody took it). */
  unansweredHandoverRequests: number;
  /** From the request to the first agent message, over the answered ones (ms). */
  firstHumanReplyMedianMs: number | null;
  firstHumanReplyMaxMs: number | null;
}

/** What the live queue shows of a waiting conversation (from the stored transcript). */
export interface QueueDetails {
  lifeEvents: string[];
  /** The citizen's first message (redacted, as stored). */
  question: string | null;
}

export interface TrainingExample {
  text: string;
  intent: string;
  lang: string;
}

/** Unrecognised messages listed per life event and language. */
const UNRECOGNISED_PER_GROUP = 5;
const NO_LIFE_EVENT = '(none)';

export type TranscriptStore = ReturnType<typeof createTranscriptStore>;

export class BadCursorError extends Error {
  override name = 'BadCursorError';
  readonly code = 'BAD_CURSOR';
}

export function createTranscriptStore(store: StoreDb) {
  const { db, dialect } = store;
  const writer = createTranscriptWriter(store.native, (work) =>
    db.connection().execute(() => Promise.resolve(work())),
  );

  /** Words of a search, each matched as a word prefix; anything else is dropped (no syntax). */
  function searchCondition(q: string): Expression<SqlBool> | undefined {
    const words = (q.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8);
    if (words.length === 0) return undefined;
    if (dialect === 'sqlite') {
      const match = words.map((w) => `"${w}"*`).join(' AND ');
      return sql<SqlBool>`c.id in (select m.conversation_id from messages m where m.rowid in (select rowid from messages_fts where messages_fts match ${match}))`;
    }
    const query = words.map((w) => `${w.toLowerCase()}:*`).join(' & ');
    return sql<SqlBool>`c.id in (select m.conversation_id from messages m where to_tsvector('simple', m.text) @@ to_tsquery('simple', ${query}))`;
  }

  function where(
    eb: ExpressionBuilder<Database & { c: Database['conversations'] }, 'c'>,
    f: ConversationFilter,
  ) {
    const and: Expression<SqlBool>[] = [];
    if (f.from !== undefined) and.push(eb('c.started_at', '>=', f.from));
    if (f.to !== undefined) and.push(eb('c.started_at', '<', f.to));
    if (f.lang) and.push(eb('c.lang', '=', f.lang));
    if (f.outcome === 'none') and.push(eb('c.outcome', 'is', null));
    else if (f.outcome) and.push(eb('c.outcome', '=', f.outcome));
    if (f.rating === 0) and.push(eb('c.rating', 'is', null));
    else if (f.rating !== undefined) and.push(eb('c.rating', '=', f.rating));
    if (f.handedOver !== undefined) and.push(eb('c.handed_over', '=', f.handedOver ? 1 : 0));
    if (f.lifeEvent) {
      const lifeEvent = f.lifeEvent;
      and.push(
        eb.exists(
          eb
            .selectFrom('conversation_life_events as le')
            .select('le.conversation_id')
            .whereRef('le.conversation_id', '=', 'c.id')
            .where('le.life_event', '=', lifeEvent),
        ),
      );
    }
    if (f.q) {
      const cond = searchCondition(f.q);
      if (cond) and.push(cond);
    }
    return eb.and(and);
  }

  async function lifeEventsOf(ids: string[]): Promise<Map<string, string[]>> {
    const map = new Map<string, string[]>();
    if (ids.length === 0) return map;
    const rows = await db
      .selectFrom('conversation_life_events')
      .select(['conversation_id', 'life_event'])
      .where('conversation_id', 'in', ids)
      .orderBy('life_event')
      .execute();
    for (const r of rows) {
      const list = map.get(r.conversation_id) ?? [];
      list.push(r.life_event);
      map.set(r.conversation_id, list);
    }
    return map;
  }

  function summary(
    row: ConversationRow & { preview?: string | null },
    lifeEvents: string[],
  ): ConversationSummary {
    return {
      id: row.id,
      startedAt: Number(row.started_at),
      endedAt: row.ended_at === null ? null : Number(row.ended_at),
      lastActivityAt: Number(row.last_activity_at),
      lang: row.lang,
      channel: row.channel,
      outcome: row.outcome,
      rating: row.rating === null ? null : Number(row.rating),
      handedOver: Number(row.handed_over) === 1,
      messageCount: Number(row.message_count),
      lifeEvents,
      preview: row.preview ?? null,
    };
  }

  function message(row: MessageRow): TranscriptMessage {
    return {
      seq: Number(row.seq),
      role: row.role,
      text: row.text,
      intent: row.intent,
      confidence: row.confidence === null ? null : Number(row.confidence),
      node: row.node,
      lifeEvent: row.life_event,
      at: Number(row.created_at),
      correctedIntent: row.corrected_intent,
      correctedBy: row.corrected_by,
    };
  }

  return {
    dialect,

    /**
     * Writes one batch (transcript-writer.ts): NUL and lone surrogates made storable, a row the
     * database refuses set aside in `rejected`, an outage thrown for the caller to retry.
     */
    writeBatch(batch: TranscriptBatch): Promise<WriteResult> {
      return writer.write(batch);
    },

    async list(
      filter: ConversationFilter,
      page: { limit: number; cursor?: string | undefined },
    ): Promise<ListPage> {
      let query = db
        .selectFrom('conversations as c')
        .selectAll('c')
        .select((eb) =>
          eb
            .selectFrom('messages as m')
            .select('m.text')
            .whereRef('m.conversation_id', '=', 'c.id')
            .where('m.role', '=', 'citizen')
            .orderBy('m.seq')
            .limit(1)
            .as('preview'),
        )
        .where((eb) => where(eb, filter));
      if (page.cursor) {
        const [startedAt, id] = decodeCursor(page.cursor);
        query = query.where((eb) =>
          eb.or([
            eb('c.started_at', '<', startedAt),
            eb.and([eb('c.started_at', '=', startedAt), eb('c.id', '<', id)]),
          ]),
        );
      }
      const rows = await query
        .orderBy('c.started_at', 'desc')
        .orderBy('c.id', 'desc')
        .limit(page.limit + 1)
        .execute();
      const more = rows.length > page.limit;
      const pageRows = rows.slice(0, page.limit);
      const lifeEvents = await lifeEventsOf(pageRows.map((r) => r.id));
      const items = pageRows.map((r) => summary(r, lifeEvents.get(r.id) ?? []));
      const last = items.at(-1);
      return more && last
        ? { items, nextCursor: encodeCursor(last.startedAt, last.id) }
        : { items };
    },

    async count(filter: ConversationFilter): Promise<number> {
      const row = await db
        .selectFrom('conversations as c')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where((eb) => where(eb, filter))
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async get(id: string): Promise<Transcript | undefined> {
      const row = await db
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      const [lifeEvents, messages, feedback] = await Promise.all([
        lifeEventsOf([id]),
        db
          .selectFrom('messages')
          .selectAll()
          .where('conversation_id', '=', id)
          .orderBy('seq')
          .execute(),
        db.selectFrom('answer_feedback').selectAll().where('conversation_id', '=', id).execute(),
      ]);
      const rated = new Map(feedback.map((f) => [Number(f.seq), f]));
      return {
        conversation: {
          ...summary(row, lifeEvents.get(id) ?? []),
          comment: row.comment,
          subjectKnown: row.subject !== null,
        },
        messages: messages.map((m) => {
          const f = rated.get(Number(m.seq));
          return f
            ? { ...message(m), feedback: { reason: f.reason, intent: f.intent } }
            : message(m);
        }),
      };
    },

    /** Per-answer feedback; a second one on the same answer replaces the first. */
    async addAnswerFeedback(f: AnswerFeedbackRecord): Promise<void> {
      await db
        .insertInto('answer_feedback')
        .values({
          conversation_id: f.conversationId,
          seq: f.seq,
          reason: f.reason,
          intent: f.intent,
          created_at: f.at,
        })
        .onConflict((oc) =>
          oc.columns(['conversation_id', 'seq']).doUpdateSet({
            reason: (eb) => eb.ref('excluded.reason'),
            intent: (eb) => eb.ref('excluded.intent'),
            created_at: (eb) => eb.ref('excluded.created_at'),
          }),
        )
        .execute();
    },

    async deleteConversations(ids: string[]): Promise<number> {
      if (ids.length === 0) return 0;
      return db.transaction().execute(async (trx) => {
        let deleted = 0;
        for (let i = 0; i < ids.length; i += 500) {
          const chunk = ids.slice(i, i + 500);
          await trx.deleteFrom('messages').where('conversation_id', 'in', chunk).execute();
          await trx.deleteFrom('answer_feedback').where('conversation_id', 'in', chunk).execute();
          await trx
            .deleteFrom('conversation_life_events')
            .where('conversation_id', 'in', chunk)
            .execute();
          await trx.deleteFrom('contact_requests').where('conversation_id', 'in', chunk).execute();
          await trx.deleteFrom('handover_requests').where('conversation_id', 'in', chunk).execute();
          const r = await trx
            .deleteFrom('conversations')
            .where('id', 'in', chunk)
            .executeTakeFirst();
          deleted += Number(r.numDeletedRows);
        }
        return deleted;
      });
    },

    async idsOfSubject(pseudonym: string): Promise<string[]> {
      const rows = await db
        .selectFrom('conversations')
        .select('id')
        .where('subject', '=', pseudonym)
        .execute();
      return rows.map((r) => r.id);
    },

    /** Conversations last active before `before`, and contact requests made before it. */
    async purge(before: number): Promise<{ conversations: number; contactRequests: number }> {
      let conversations = 0;
      for (;;) {
        const rows = await db
          .selectFrom('conversations')
          .select('id')
          .where('last_activity_at', '<', before)
          .limit(500)
          .execute();
        if (rows.length === 0) break;
        conversations += await this.deleteConversations(rows.map((r) => r.id));
      }
      const r = await db
        .deleteFrom('contact_requests')
        .where('created_at', '<', before)
        .executeTakeFirst();
      return { conversations, contactRequests: Number(r.numDeletedRows) };
    },

    /** Conversations without an outcome and idle since before `idleBefore` become abandoned. */
    async markAbandoned(idleBefore: number): Promise<number> {
      const r = await db
        .updateTable('conversations')
        .set({ outcome: 'abandoned', ended_at: sql`last_activity_at` })
        .where('outcome', 'is', null)
        .where('last_activity_at', '<', idleBefore)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /** Marks a citizen message as misclassified with the right intent (null clears it). */
    async correct(
      conversationId: string,
      seq: number,
      intent: string | null,
      by: string,
      at: number,
    ): Promise<boolean> {
      const r = await db
        .updateTable('messages')
        .set({
          corrected_intent: intent,
          corrected_by: intent === null ? null : by,
          corrected_at: intent === null ? null : at,
        })
        .where('conversation_id', '=', conversationId)
        .where('seq', '=', seq)
        .where('role', '=', 'citizen')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    async trainingExamples(): Promise<TrainingExample[]> {
      const rows = await db
        .selectFrom('messages as m')
        .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
        .select(['m.text', 'm.corrected_intent', 'c.lang'])
        .where('m.corrected_intent', 'is not', null)
        .orderBy('m.corrected_at')
        .execute();
      return rows.map((r) => ({ text: r.text, intent: r.corrected_intent ?? '', lang: r.lang }));
    },

    /** Every message of these conversations, in order (exports). */
    async messagesOf(ids: string[]): Promise<Map<string, TranscriptMessage[]>> {
      const map = new Map<string, TranscriptMessage[]>();
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await db
          .selectFrom('messages')
          .selectAll()
          .where('conversation_id', 'in', ids.slice(i, i + 500))
          .orderBy('conversation_id')
          .orderBy('seq')
          .execute();
        for (const r of rows) {
          const list = map.get(r.conversation_id) ?? [];
          list.push(message(r));
          map.set(r.conversation_id, list);
        }
      }
      return map;
    },

    /** Life events and first question of conversations waiting in the live queue. */
    async queueDetails(ids: string[]): Promise<Map<string, QueueDetails>> {
      const map = new Map<string, QueueDetails>();
      if (ids.length === 0) return map;
      const [lifeEvents, firsts] = await Promise.all([
        lifeEventsOf(ids),
        db
          .selectFrom('messages as m')
          .select(['m.conversation_id', 'm.text'])
          .where('m.conversation_id', 'in', ids)
          .where('m.role', '=', 'citizen')
          .where((eb) =>
            eb(
              'm.seq',
              '=',
              eb
                .selectFrom('messages as f')
                .select((f) => f.fn.min('f.seq').as('s'))
                .whereRef('f.conversation_id', '=', 'm.conversation_id')
                .where('f.role', '=', 'citizen'),
            ),
          )
          .execute(),
      ]);
      for (const id of ids)
        map.set(id, {
          lifeEvents: lifeEvents.get(id) ?? [],
          question: firsts.find((f) => f.conversation_id === id)?.text ?? null,
        });
      return map;
    },

    async analytics(range: { from: number; to: number }): Promise<AnalyticsRow[]> {
      const lifeEvent = sql<string>`coalesce(le.life_event, ${sql.lit(NO_LIFE_EVENT)})`;
      const rows = await db
        .selectFrom('conversations as c')
        .leftJoin('conversation_life_events as le', 'le.conversation_id', 'c.id')
        .select((eb) => [
          lifeEvent.as('life_event'),
          'c.lang',
          eb.fn.countAll<number>().as('conversations'),
          sql<number>`sum(case when c.outcome = 'resolved' then 1 else 0 end)`.as('resolved'),
          sql<number>`sum(c.handed_over)`.as('handed_over'),
          sql<number>`sum(case when c.outcome = 'abandoned' then 1 else 0 end)`.as('abandoned'),
          sql<number>`sum(c.classified_messages)`.as('classified'),
          sql<number>`sum(c.fallback_messages)`.as('fallbacks'),
          eb.fn.count<number>('c.rating').as('rated'),
          sql<number | null>`avg(c.rating)`.as('avg_rating'),
        ])
        .where('c.started_at', '>=', range.from)
        .where('c.started_at', '<', range.to)
        .groupBy([lifeEvent, 'c.lang'])
        .orderBy(lifeEvent)
        .orderBy('c.lang')
        .execute();
      const unrecognised = await db
        .selectFrom('messages as m')
        .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
        .leftJoin('conversation_life_events as le', 'le.conversation_id', 'c.id')
        .select((eb) => [
          lifeEvent.as('life_event'),
          'c.lang',
          'm.text',
          eb.fn.countAll<number>().as('n'),
        ])
        .where('m.role', '=', 'citizen')
        .where('m.intent', '=', 'out-of-scope')
        .where('c.started_at', '>=', range.from)
        .where('c.started_at', '<', range.to)
        .groupBy([lifeEvent, 'c.lang', 'm.text'])
        .orderBy('n', 'desc')
        .orderBy('m.text')
        .limit(5000)
        .execute();
      const top = new Map<string, { text: string; count: number }[]>();
      for (const u of unrecognised) {
        const key = `${u.life_event}\u0000${u.lang}`;
        const list = top.get(key) ?? [];
        if (list.length < UNRECOGNISED_PER_GROUP) list.push({ text: u.text, count: Number(u.n) });
        top.set(key, list);
      }
      const handovers = await db
        .selectFrom('handover_requests as hr')
        .innerJoin('conversations as c', 'c.id', 'hr.conversation_id')
        .leftJoin('conversation_life_events as le', 'le.conversation_id', 'c.id')
        .select((eb) => [
          lifeEvent.as('life_event'),
          'c.lang',
          'hr.kind',
          'hr.requested_at',
          eb
            .selectFrom('messages as m')
            .select((m) => m.fn.min('m.created_at').as('first'))
            .whereRef('m.conversation_id', '=', 'c.id')
            .where('m.role', '=', 'agent')
            .as('first_agent_at'),
        ])
        .where('c.started_at', '>=', range.from)
        .where('c.started_at', '<', range.to)
        .execute();
      const waits = new Map<string, { requests: number; unanswered: number; ms: number[] }>();
      for (const h of handovers) {
        const key = `${h.life_event}\u0000${h.lang}`;
        const w = waits.get(key) ?? { requests: 0, unanswered: 0, ms: [] };
        w.requests += 1;
        const first = h.first_agent_at === null ? null : Number(h.first_agent_at);
        if (first === null) {
          if (h.kind === 'queued') w.unanswered += 1;
        } else w.ms.push(Math.max(0, first - Number(h.requested_at)));
        waits.set(key, w);
      }
      const rate = (n: number, d: number) => (d > 0 ? n / d : null);
      return rows.map((r) => {
        const w = waits.get(`${r.life_event}\u0000${r.lang}`);
        const ms = [...(w?.ms ?? [])].sort((a, b) => a - b);
        const conversations = Number(r.conversations);
        const classified = Number(r.classified ?? 0);
        const fallbacks = Number(r.fallbacks ?? 0);
        const resolved = Number(r.resolved ?? 0);
        const handedOver = Number(r.handed_over ?? 0);
        return {
          lifeEvent: r.life_event,
          lang: r.lang,
          conversations,
          resolved,
          handedOver,
          abandoned: Number(r.abandoned ?? 0),
          resolutionRate: rate(resolved, conversations),
          handoverRate: rate(handedOver, conversations),
          classifiedMessages: classified,
          fallbackMessages: fallbacks,
          fallbackRate: rate(fallbacks, classified),
          rated: Number(r.rated),
          averageRating: r.avg_rating === null ? null : Number(r.avg_rating),
          unrecognised: top.get(`${r.life_event}\u0000${r.lang}`) ?? [],
          handoverRequests: w?.requests ?? 0,
          unansweredHandoverRequests: w?.unanswered ?? 0,
          firstHumanReplyMedianMs: median(ms),
          firstHumanReplyMaxMs: ms.at(-1) ?? null,
        };
      });
    },
  };
}

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] ?? null)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function encodeCursor(startedAt: number, id: string): string {
  return Buffer.from(JSON.stringify([startedAt, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string')
      return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new BadCursorError('The paging cursor is not valid; start from the first page.');
}
