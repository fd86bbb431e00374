/** Builders of store rows for transcript tests. */
import type { ConversationDelta } from '../../src/store/transcript-store.js';

/** A conversation touched once at `at`, with nothing counted yet; `extra` overrides. */
export function conversationDelta(
  id: string,
  at: number,
  extra: Partial<ConversationDelta> = {},
): ConversationDelta {
  return {
    id,
    startedAt: at,
    lastActivityAt: at,
    lang: 'et',
    channel: 'web',
    messages: 0,
    classified: 0,
    fallbacks: 0,
    lifeEvents: [],
    ...extra,
  };
}
