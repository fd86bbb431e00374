/**
 * Records the citizen's per-answer feedback ("not helpful" / "wrong topic") from the turn
 * events, with the intent of the answer's turn, for trainers (the staff transcript view). A
 * turn consumer: it never throws or blocks; a failed write is logged.
 */
import type { Logger } from '../logger.js';
import type { TurnConsumer } from '../session/events.js';
import type { TranscriptStore } from '../store/transcript-store.js';

export function createAnswerFeedbackRecorder(
  store: Pick<TranscriptStore, 'addAnswerFeedback'>,
  logger: Logger,
  now: () => number = Date.now,
): TurnConsumer {
  return (turn) => {
    for (const e of turn.events) {
      if (e.type !== 'answer-feedback') continue;
      store
        .addAnswerFeedback({
          conversationId: turn.session.id,
          seq: e.seq,
          reason: e.reason,
          intent: e.intent ?? null,
          at: now(),
        })
        .catch((err: unknown) => logger.error({ err }, 'answer feedback not recorded'));
    }
  };
}
