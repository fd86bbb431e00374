/**
 * Records when a conversation asked for a person (its first `handed-over` event that queued
 * it, or asked for contact details outside office hours), so analytics can count requests
 * nobody answered and the time to the first human reply. A turn consumer: fire and forget, a
 * failed write is logged and never holds up a turn.
 */
import type { Logger } from '../logger.js';
import type { CommittedTurn } from '../session/events.js';
import type { StaffStore } from '../store/staff-store.js';

export interface HandoverRequestLogOptions {
  staff: Pick<StaffStore, 'recordHandoverRequest'>;
  logger: Logger;
}

export function createHandoverRequestLog(options: HandoverRequestLogOptions) {
  return {
    consume: (turn: CommittedTurn): void => {
      for (const e of turn.events) {
        if (e.type !== 'handed-over' || (e.change !== 'queued' && e.change !== 'contact')) continue;
        options.staff
          .recordHandoverRequest({
            conversationId: turn.session.id,
            at: e.handover?.since ?? turn.startedAt,
            kind: e.change,
          })
          .catch((err: unknown) => options.logger.warn({ err }, 'handover request not recorded'));
      }
    },
  };
}
