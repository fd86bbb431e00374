/**
 * Records when a conversation asked for a person (the assistant's `handover-request`), so
 * analytics can count requests nobody answered and the time to the first human reply. Fire
 * and forget: a failed write is logged and never holds up the turn.
 */
import type { AssistantEffect } from '../core/assistant.js';
import type { Logger } from '../logger.js';
import type { StaffStore } from '../store/staff-store.js';

export interface HandoverRequestLogOptions {
  staff: Pick<StaffStore, 'recordHandoverRequest'>;
  /** Inside office hours at that time (queued) or not (contact details asked). */
  isOpen: (at: number) => boolean;
  logger: Logger;
  now?: () => number;
}

export function createHandoverRequestLog(options: HandoverRequestLogOptions) {
  const now = options.now ?? Date.now;
  return {
    onEffect(session: { id: string }, effect: AssistantEffect): void {
      if (effect.type !== 'handover-request') return;
      const at = now();
      options.staff
        .recordHandoverRequest({
          conversationId: session.id,
          at,
          kind: options.isOpen(at) ? 'queued' : 'contact',
        })
        .catch((err: unknown) => options.logger.warn({ err }, 'handover request not recorded'));
    },
  };
}
