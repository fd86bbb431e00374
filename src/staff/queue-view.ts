/**
 * The live queue as staff see it: the handover's snapshot, with each waiting conversation's
 * life events and first question filled in from the stored transcript (redacted), so a row
 * never reads "Life events —" for a conversation that was about divorce before it asked for
 * a person. Waiting time and language come with the snapshot (`since`, `lang`).
 */
import type { Handover, LiveItem, QueueItem } from '../handover/handover.js';
import type { QueueDetails } from '../store/transcript-store.js';

export interface StaffQueueItem extends Omit<QueueItem, 'question'> {
  /** The person's first message (redacted), else the handover's question; null if none. */
  question: string | null;
}

export interface StaffQueue {
  queued: StaffQueueItem[];
  live: LiveItem[];
}

export interface QueueViewOptions {
  handover: Pick<Handover, 'snapshot'>;
  /** Life events and first question of these conversations (writes pending transcripts first). */
  describe: (ids: string[]) => Promise<Map<string, QueueDetails>>;
}

export type QueueView = () => Promise<StaffQueue>;

export function createQueueView(options: QueueViewOptions): QueueView {
  return async () => {
    // The snapshot may be a value or a promise (a shared-state port answers asynchronously).
    const snapshot = await Promise.resolve(options.handover.snapshot());
    const details = await options.describe(snapshot.queued.map((q) => q.sessionId));
    return {
      live: snapshot.live,
      queued: snapshot.queued.map((q) => {
        const d = details.get(q.sessionId);
        return {
          ...q,
          lifeEvents: [...new Set([...q.lifeEvents, ...(d?.lifeEvents ?? [])])],
          // The first thing they wrote says more than "a person please" that queued them.
          question: d?.question ?? q.question ?? null,
        };
      }),
    };
  };
}
