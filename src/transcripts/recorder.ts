/**
 * Records every conversation and message from the committed turns' events (`consume`), without
 * slowing a turn: a citizen's message is written with what the assistant understood of it, in
 * one row, never patched afterwards. Frames are redacted, queued in memory and written in
 * batches (every `flushMs`, or at once when `maxRows` are waiting). The subject is stored only
 * as its keyed pseudonym.
 *
 * Faults (docs/operations.md, "Database faults"): while the database is unreachable the rows
 * stay queued (up to `maxPending`) and are retried with backoff; a row the database refuses is
 * set aside, counted and logged, and never holds back the others. close() keeps retrying until
 * `closeTimeoutMs`, then writes what is still queued to `spillFile`, which recover() loads at
 * the next start: a clean shutdown loses nothing, even with the database down.
 */
import type { AssistantEffect, TurnInfo } from '../core/assistant.js';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { Pseudonymize } from '../privacy/pseudonym.js';
import { redact } from '../privacy/redact.js';
import type { HistoryFrame } from '../protocol/frames.js';
import type { CommittedTurn } from '../session/events.js';
import type { Session } from '../session/session.js';
import type { NewMessage } from '../store/schema.js';
import type {
  ConversationDelta,
  IntentUpdate,
  Outcome,
  TranscriptBatch,
} from '../store/transcript-store.js';
import {
  TranscriptWriteInterrupted,
  type RejectedRow,
  type WriteResult,
} from '../store/transcript-writer.js';

/** Why queued rows were not written (transcript_rows_dropped_total{reason}). */
export type DropReason = 'rejected' | 'queue-full' | 'shutdown';

export interface TranscriptRecorderOptions {
  store: { writeBatch(batch: TranscriptBatch): Promise<WriteResult | void> };
  pseudonymize: Pseudonymize;
  logger: Logger;
  /** Longest a frame waits before it is written. */
  flushMs?: number;
  /** Rows (messages and updates) waiting that trigger a write at once. */
  maxRows?: number;
  /** Rows kept in memory while the database fails; beyond this, the oldest batch is dropped. */
  maxPending?: number;
  /** Longest pause between retries while the database is unreachable. */
  maxBackoffMs?: number;
  /** How long close() keeps retrying before it spills the queue to `spillFile`. */
  closeTimeoutMs?: number;
  /** Where close() keeps rows it could not write, for recover() at the next start. */
  spillFile?: string;
  now?: () => number;
  onWritten?: (rows: number) => void;
  onError?: () => void;
  onDropped?: (rows: number, reason: DropReason) => void;
}

/** Frame-level input (kept for tools and tests that feed frames one by one). */
export interface ChatObserver {
  onFrame?(session: Session, frame: HistoryFrame, info?: TurnInfo): void;
  onEffect?(session: Session, effect: AssistantEffect): void;
  onFeedback?(session: Session, rating: number, comment?: string): void;
}

export interface TranscriptRecorder {
  /** Consumes a committed turn's events (the pipeline's consumer). */
  consume: (turn: CommittedTurn) => void;
  observer: ChatObserver;
  /** Outcome or handover decided outside the assistant (an agent took or ended it). */
  mark(
    session: Session,
    change: { outcome?: Outcome; handedOver?: boolean; ended?: boolean },
  ): void;
  /** Writes everything queued so far. */
  flush(): Promise<void>;
  /** Rows waiting to be written. */
  pending(): number;
  /** Queues the rows a previous run spilled at shutdown and writes them (call after migrating). */
  recover(): Promise<number>;
  /** Writes what is left and stops the timer; later frames are still queued and written. */
  close(): Promise<void>;
}

/** Assistant reply texts remembered redacted (`cleanReply`). */
const REPLY_MEMO_LIMIT = 2_048;

const SpilledBatch = z.object({
  conversations: z.array(z.object({ id: z.string() }).passthrough()),
  messages: z.array(z.object({ conversation_id: z.string(), seq: z.number() }).passthrough()),
  intents: z.array(z.object({ conversationId: z.string(), seq: z.number() }).passthrough()),
});

export function createTranscriptRecorder(options: TranscriptRecorderOptions): TranscriptRecorder {
  const { store, pseudonymize, logger } = options;
  const flushMs = options.flushMs ?? 200;
  const maxRows = options.maxRows ?? 100;
  const maxPending = options.maxPending ?? 20_000;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 7_000;
  const now = options.now ?? Date.now;
  /** Consecutive failed writes, and until when new frames wait for the retry timer. */
  let failures = 0;
  let backoffUntil = 0;

  let deltas = new Map<string, ConversationDelta>();
  let messages: NewMessage[] = [];
  let intents: IntentUpdate[] = [];
  /** The citizen message a turn's NLU result belongs to, per session, until the reply comes. */
  const lastCitizenSeq = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  /** A write waiting behind the one in flight; flush() calls meanwhile share it. */
  let queued: Promise<void> | undefined;

  const rows = () => messages.length + intents.length + deltas.size;

  function delta(session: Session): ConversationDelta {
    let d = deltas.get(session.id);
    if (!d) {
      d = {
        id: session.id,
        startedAt: session.createdAt,
        lastActivityAt: now(),
        lang: session.lang,
        channel: session.channel,
        subject: session.identity ? pseudonymize(session.identity.subject) : undefined,
        messages: 0,
        classified: 0,
        fallbacks: 0,
        lifeEvents: [],
      };
      deltas.set(session.id, d);
    }
    d.lang = session.lang;
    d.lastActivityAt = now();
    if (!d.subject && session.identity) d.subject = pseudonymize(session.identity.subject);
    return d;
  }

  function schedule(): void {
    const wait = backoffUntil - Date.now();
    if (rows() >= maxRows && wait <= 0) {
      void flush();
      return;
    }
    if (!timer) {
      timer = setTimeout(() => void flush(), Math.max(flushMs, wait));
      timer.unref();
    }
  }

  function clean(session: Session, text: string): string {
    return redact(text, session.identity ? { names: [session.identity.name] } : {}).text;
  }

  /**
   * The assistant's replies come from a few hundred texts: each is redacted once and remembered
   * (bounded). Not for a signed-in conversation (its person's name is hidden too) nor for what
   * a person wrote (an agent's or a citizen's words are never kept here).
   */
  const cleanReplies = new Map<string, string>();
  function cleanReply(session: Session, text: string): string {
    if (session.identity) return clean(session, text);
    let done = cleanReplies.get(text);
    if (done === undefined) {
      done = redact(text).text;
      if (cleanReplies.size >= REPLY_MEMO_LIMIT) cleanReplies.clear();
      cleanReplies.set(text, done);
    }
    return done;
  }

  function onFrame(session: Session, frame: HistoryFrame, info?: TurnInfo): void {
    const d = delta(session);
    d.messages += 1;
    if (frame.type === 'user') {
      messages.push(row(session, frame, 'citizen'));
      lastCitizenSeq.set(session.id, frame.seq);
    } else {
      const said = row(session, frame, frame.role);
      said.node = info?.node ?? null;
      said.life_event = info?.lifeEvent ?? null;
      messages.push(said);
    }
    if (info?.lifeEvent && !d.lifeEvents.includes(info.lifeEvent))
      d.lifeEvents.push(info.lifeEvent);
    const nlu = info?.nlu;
    const citizenSeq = lastCitizenSeq.get(session.id);
    if (nlu && citizenSeq !== undefined) {
      lastCitizenSeq.delete(session.id);
      d.classified += 1;
      if (nlu.intent === 'out-of-scope') d.fallbacks += 1;
      const queued = messages.find((m) => m.conversation_id === session.id && m.seq === citizenSeq);
      if (queued) {
        queued.intent = nlu.intent;
        queued.confidence = nlu.confidence;
      } else {
        intents.push({
          conversationId: session.id,
          seq: citizenSeq,
          intent: nlu.intent,
          confidence: nlu.confidence,
        });
      }
    }
    if (lastCitizenSeq.size > 10_000) lastCitizenSeq.clear();
    schedule();
  }

  function onEffect(session: Session, effect: AssistantEffect): void {
    if (effect.type !== 'outcome') return;
    const d = delta(session);
    d.outcome = effect.outcome;
    d.endedAt = now();
    schedule();
  }

  function onFeedback(session: Session, rating: number, comment?: string): void {
    const d = delta(session);
    d.rating = rating;
    if (comment) d.comment = clean(session, comment);
    schedule();
  }

  function consume(turn: CommittedTurn): void {
    const session = turn.session;
    let touched = false;
    for (const e of turn.events) {
      switch (e.type) {
        case 'conversation-started':
          delta(session);
          touched = true;
          break;
        case 'user-said': {
          const d = delta(session);
          d.messages += 1;
          const nlu = e.understanding?.nlu;
          const citizen = row(session, e.frame, 'citizen');
          citizen.intent = nlu?.intent ?? null;
          citizen.confidence = nlu?.confidence ?? null;
          messages.push(citizen);
          if (nlu) {
            d.classified += 1;
            if (nlu.intent === 'out-of-scope') d.fallbacks += 1;
          }
          touched = true;
          break;
        }
        case 'assistant-said': {
          const d = delta(session);
          d.messages += 1;
          const said = row(session, e.frame, e.frame.role);
          said.node = e.info?.node ?? null;
          said.life_event = e.info?.lifeEvent ?? null;
          messages.push(said);
          const le = e.info?.lifeEvent;
          if (le && !d.lifeEvents.includes(le)) d.lifeEvents.push(le);
          touched = true;
          break;
        }
        case 'outcome': {
          const d = delta(session);
          d.outcome = e.outcome;
          d.endedAt = now();
          touched = true;
          break;
        }
        case 'feedback': {
          const d = delta(session);
          d.rating = e.rating;
          if (e.comment) d.comment = clean(session, e.comment);
          touched = true;
          break;
        }
        case 'handed-over':
          if (e.taken && e.change === 'connected') {
            delta(session).handedOver = true;
            touched = true;
          }
          break;
        default:
          break;
      }
    }
    if (touched) schedule();
  }

  /** A message row, every column in the same order (one object shape for all rows). */
  function row(session: Session, frame: HistoryFrame, role: NewMessage['role']): NewMessage {
    return {
      conversation_id: session.id,
      seq: frame.seq,
      text: role === 'assistant' ? cleanReply(session, frame.text) : clean(session, frame.text),
      intent: null,
      confidence: null,
      node: null,
      life_event: null,
      created_at: frame.ts,
      corrected_intent: null,
      corrected_by: null,
      corrected_at: null,
      role,
    };
  }

  async function writeOnce(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    if (rows() === 0) return;
    const batch: TranscriptBatch = { conversations: [...deltas.values()], messages, intents };
    deltas = new Map();
    messages = [];
    intents = [];
    const count = size(batch);
    try {
      const result = await store.writeBatch(batch);
      const rejected = result?.rejected ?? [];
      reject(rejected);
      options.onWritten?.(count - rejected.length);
      failures = 0;
      backoffUntil = 0;
    } catch (err) {
      options.onError?.();
      failures += 1;
      const delay = Math.min(maxBackoffMs, Math.max(flushMs, 500) * 2 ** (failures - 1));
      backoffUntil = Date.now() + delay;
      let remaining = batch;
      if (err instanceof TranscriptWriteInterrupted) {
        reject(err.rejected);
        remaining = err.remaining;
        options.onWritten?.(count - size(remaining) - err.rejected.length);
      }
      logger.error(
        {
          err: err instanceof TranscriptWriteInterrupted ? err.cause : err,
          rows: size(remaining),
          retryInMs: delay,
        },
        'transcript write failed; will retry',
      );
      requeue(remaining, delay);
    }
  }

  function size(batch: TranscriptBatch): number {
    return batch.conversations.length + batch.messages.length + batch.intents.length;
  }

  /** Rows the database refused: counted and logged (which rows and why, never their text). */
  function reject(rejected: RejectedRow[]): void {
    if (rejected.length === 0) return;
    options.onDropped?.(rejected.length, 'rejected');
    logger.error(
      { rows: rejected.slice(0, 20), count: rejected.length },
      'transcript rows refused by the database; set aside, the others were written',
    );
  }

  /** Puts a failed batch back in front of what came since, within the memory bound. */
  function requeue(batch: TranscriptBatch, retryInMs: number): void {
    if (rows() + size(batch) > maxPending) {
      options.onDropped?.(size(batch), 'queue-full');
      logger.error({ rows: size(batch) }, 'transcript queue full; batch dropped');
      return;
    }
    const later = deltas;
    deltas = new Map(batch.conversations.map((c) => [c.id, c]));
    for (const d of later.values()) {
      const prev = deltas.get(d.id);
      if (!prev) {
        deltas.set(d.id, d);
        continue;
      }
      prev.lastActivityAt = d.lastActivityAt;
      prev.lang = d.lang;
      prev.subject ??= d.subject;
      prev.outcome = d.outcome ?? prev.outcome;
      prev.endedAt = d.endedAt ?? prev.endedAt;
      prev.rating = d.rating ?? prev.rating;
      prev.comment = d.comment ?? prev.comment;
      prev.handedOver = d.handedOver ?? prev.handedOver;
      prev.messages += d.messages;
      prev.classified += d.classified;
      prev.fallbacks += d.fallbacks;
      for (const le of d.lifeEvents) if (!prev.lifeEvents.includes(le)) prev.lifeEvents.push(le);
    }
    messages = [...batch.messages, ...messages];
    intents = [...batch.intents, ...intents];
    if (!timer) {
      timer = setTimeout(() => void flush(), retryInMs);
      timer.unref();
    }
  }

  function flush(): Promise<void> {
    if (queued) return queued;
    const next = () => {
      queued = undefined;
      return writeOnce();
    };
    queued = writing.then(next, next);
    writing = queued;
    return queued;
  }

  function spill(): void {
    const batch: TranscriptBatch = { conversations: [...deltas.values()], messages, intents };
    const count = size(batch);
    if (count === 0) return;
    if (!options.spillFile) {
      options.onDropped?.(count, 'shutdown');
      logger.error({ rows: count }, 'transcript rows not written at shutdown (database down)');
      return;
    }
    try {
      mkdirSync(dirname(options.spillFile), { recursive: true });
      const tmp = `${options.spillFile}.tmp`;
      writeFileSync(tmp, JSON.stringify(batch), { mode: 0o600 });
      renameSync(tmp, options.spillFile);
      logger.warn(
        { rows: count, file: options.spillFile },
        'database unreachable at shutdown: transcript rows kept in the spill file for the next start',
      );
      deltas = new Map();
      messages = [];
      intents = [];
    } catch (err) {
      options.onDropped?.(count, 'shutdown');
      logger.error(
        { err, rows: count },
        'transcript rows lost at shutdown: spill file not written',
      );
    }
  }

  return {
    consume,
    observer: { onFrame, onEffect, onFeedback },
    mark(session, change) {
      const d = delta(session);
      if (change.outcome) d.outcome = change.outcome;
      if (change.handedOver) d.handedOver = true;
      if (change.ended) d.endedAt = now();
      schedule();
    },
    flush,
    pending: rows,
    async recover() {
      const file = options.spillFile;
      if (!file || !existsSync(file)) return 0;
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        logger.error({ err, file }, 'spill file not readable; left in place');
        return 0;
      }
      const parsed = SpilledBatch.safeParse(raw);
      if (!parsed.success) {
        logger.error(
          { file, issues: parsed.error.issues.slice(0, 5) },
          'spill file not valid; left in place',
        );
        return 0;
      }
      const batch = parsed.data as unknown as TranscriptBatch;
      requeue(batch, flushMs);
      await flush();
      if (rows() > 0) throw new Error(`could not write the ${size(batch)} spilled transcript rows`);
      unlinkSync(file);
      logger.info({ rows: size(batch) }, 'transcript rows spilled at the last shutdown written');
      return size(batch);
    },
    async close() {
      // Retries while the database is unreachable, within the shutdown budget.
      const deadline = Date.now() + closeTimeoutMs;
      await flush();
      while (rows() > 0 && Date.now() < deadline) {
        const pause = Math.min(
          Math.max(backoffUntil - Date.now(), 50),
          deadline - Date.now(),
          1000,
        );
        if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
        await flush();
      }
      clearTimeout(timer);
      timer = undefined;
      spill();
    },
  };
}
