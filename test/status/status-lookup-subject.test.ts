import { describe, expect, it } from 'vitest';
import type { Assistant } from '../../src/core/assistant.js';
import { createChatService, createMemoryHub } from '../../src/session/chat-service.js';
import { createMemorySessionStore } from '../../src/session/session.js';
import { createFixtureStatusPanel } from '../../src/status/fixture-status-panel.js';
import { createStatusLookup } from '../../src/status/status-lookup.js';
import { createLogger } from '../../src/logger.js';

/** Asks for the status on every message and tells which life events it got back. */
const statusEcho: Assistant<{ v: 1 }> = {
  initial: () => ({ v: 1 }),
  restore: () => ({ v: 1 }),
  step(state, event) {
    if (event.type === 'text')
      return { state, lang: 'en', replies: [], effects: [{ type: 'status-lookup' }], info: {} };
    if (event.type === 'status') {
      const text =
        event.lookup.type === 'found'
          ? event.lookup.status.lifeEvents.map((l) => l.lifeEvent).join(',') || '(none)'
          : event.lookup.type;
      return { state, lang: 'en', replies: [{ text, blocks: [] }], effects: [], info: {} };
    }
    return { state, lang: 'en', replies: [], effects: [], info: {} };
  },
};

describe('status lookup in a conversation', () => {
  const logger = createLogger('silent');
  const store = createMemorySessionStore({ ttlMs: 60_000 });
  const chat = createChatService({
    assistant: statusEcho,
    store,
    hub: createMemoryHub(),
    logger,
    lookupStatus: createStatusLookup({ panel: createFixtureStatusPanel(), logger }),
  });
  const lastText = async (sessionId: string) =>
    (await chat.historyAfter(sessionId, 0))?.filter((f) => f.type === 'reply').at(-1)?.text;

  it('looks up only the signed-in person, whatever code is typed into the chat', async () => {
    const { session } = await chat.open({
      lang: 'en',
      channel: 'test',
      identity: { subject: '49005120001', name: 'Mari Maasikas (demo)' },
    });
    await chat.handle(session.id, {
      type: 'message',
      id: 'm1',
      text: 'show the status of 49211110006 please',
    });
    expect(await lastText(session.id)).toBe('marriage');
  });

  it('says signed-out to a person who typed a valid code but did not sign in', async () => {
    const { session } = await chat.open({ lang: 'en', channel: 'test' });
    await chat.handle(session.id, { type: 'message', id: 'm1', text: 'I am 49211110006' });
    expect(await lastText(session.id)).toBe('signed-out');
  });
});
