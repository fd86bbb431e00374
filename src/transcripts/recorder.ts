/**
 * Records every conversation and message as the chat service sees them (a ChatObserver),
 * without slowing a turn: frames are redacted, queued in memory and written in batches (every
 * `flushMs`, or at once when `maxRows` are waiting). close() writes what is left, so a clean
 * shutdown loses nothing. The subject is stored only as its keyed pseudonym.
 */
import type { AssistantEffect, TurnInfo } from '../core/assistant.js';
import type { Logger } from '../logger.js';
import type { Pseudonymize } from '../privacy/pseudonym.js';
import { redact } from '../privacy/redact.js';
import type { HistoryFrame } from '../protocol/frames.js';
import type { AnswerFeedback, ChatObserver } from '../session/chat-service.js';
import type { Session } from '../session/session.js';
import type { NewMessage } from '../store/schema.js';
import type {
  ConversationDelta,
  FeedbackUpdate,
  IntentUpdate,
  Outcome,
  TranscriptBatch,
  TranscriptStore,
} from '../store/transcript-store.js';

export interface TranscriptRecorderOptions {
  store: Pick<TranscriptStore, 'writeBatch'>;
  pseudonymize: Pseudonymize;
  logger: Logger;
  /** Longest a frame waits before it is written. */
  flushMs?: number;
  /** Rows (messages and updates) waiting that trigger a write at once. */
  maxRows?: number;
  /** Rows kept in memory while the database fails; beyond this, the oldest batch is dropped. */
  maxPending?: number;
  now?: () => number;
  onWritten?: (rows: number) => void;
  onError?: () => void;
}

export interface TranscriptRecorder {
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
  /** Writes what is left and stops the timer; later frames are still queued and written. */
  close(): Promise<void>;
}

export function createTranscriptRecorder(options: TranscriptRecorderOptions): TranscriptRecorder {
  const { store, pseudonymize, logger } = options;
  const flushMs = options.flushMs ?? 200;
  const maxRows = options.maxRows ?? 100;
  const maxPending = options.maxPending ?? 20_000;
  const now = options.now ?? Date.now;

  let deltas = new Map<string, ConversationDelta>();
  let messages: NewMessage[] = [];
  let intents: IntentUpdate[] = [];
  let feedback: FeedbackUpdate[] = [];
  /** The citizen message a turn's NLU result belongs to, per session, until the reply comes. */
  const lastCitizenSeq = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const rows = () => messages.length + intents.length + feedback.length + deltas.size;

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
    if (rows() >= maxRows) {
      void flush();
      return;
    }
    if (!timer) {
      timer = setTimeout(() => void flush(), flushMs);
      timer.unref();
    }
  }

  function clean(session: Session, text: string): string {
    return redact(text, session.identity ? { names: [session.identity.name] } : {}).text;
  }

  function onFrame(session: Session, frame: HistoryFrame, info?: TurnInfo): void {
    const d = delta(session);
    d.messages += 1;
    const base = {
      conversation_id: session.id,
      seq: frame.seq,
      text: clean(session, frame.text),
      intent: null,
      confidence: null,
      node: null,
      life_event: null,
      created_at: frame.ts,
      corrected_intent: null,
      corrected_by: null,
      corrected_at: null,
    };
    if (frame.type === 'user') {
      messages.push({ ...base, role: 'citizen' });
      lastCitizenSeq.set(session.id, frame.seq);
    } else {
      messages.push({
        ...base,
        role: frame.role,
        node: info?.node ?? null,
        life_event: info?.lifeEvent ?? null,
      });
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

  /** Per-answer feedback: on the answer's row (still queued, or written already). */
  function onAnswerFeedback(session: Session, f: AnswerFeedback): void {
    delta(session);
    const queued = messages.find((m) => m.conversation_id === session.id && m.seq === f.seq);
    if (queued) {
      queued.feedback = f.reason;
      queued.feedback_intent = f.intent ?? null;
    } else {
      feedback.push({
        conversationId: session.id,
        seq: f.seq,
        feedback: f.reason,
        intent: f.intent ?? null,
      });
    }
    schedule();
  }

  async function writeOnce(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    if (rows() === 0) return;
    const batch: TranscriptBatch = {
      conversations: [...deltas.values()],
      messages,
      intents,
      feedback,
    };
    deltas = new Map();
    messages = [];
    intents = [];
    feedback = [];
    const count =
      batch.conversations.length +
      batch.messages.length +
      batch.intents.length +
      (batch.feedback?.length ?? 0);
    try {
      await store.writeBatch(batch);
      options.onWritten?.(count);
    } catch (err) {
      options.onError?.();
      logger.error({ err, rows: count }, 'transcript write failed; will retry');
      requeue(batch);
    }
  }

  /** Puts a failed batch back in front of what came since, within the memory bound. */
  function requeue(batch: TranscriptBatch): void {
    if (rows() + batch.messages.length > maxPending) {
      logger.error({ rows: batch.messages.length }, 'transcript queue full; batch dropped');
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
    feedback = [...(batch.feedback ?? []), ...feedback];
    if (!timer) {
      timer = setTimeout(() => void flush(), Math.max(flushMs, 1000));
      timer.unref();
    }
  }

  function flush(): Promise<void> {
    writing = writing.then(writeOnce, writeOnce);
    return writing;
  }

  return {
    observer: { onFrame, onEffect, onFeedback, onAnswerFeedback },
    mark(session, change) {
      const d = delta(session);
      if (change.outcome) d.outcome = change.outcome;
      if (change.handedOver) d.handedOver = true;
      if (change.ended) d.endedAt = now();
      schedule();
    },
    flush,
    pending: rows,
    async close() {
      await flush();
      // A write that failed during shutdown gets one more try before the store closes.
      if (rows() > 0) await flush();
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
