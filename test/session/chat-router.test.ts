import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { ServerFrame } from '../../src/protocol/frames.js';
import {
  createChatService,
  createMemoryHub,
  type CommittedTurn,
} from '../../src/session/chat-service.js';
import { createMemorySessionStore } from '../../src/session/session.js';
import { createRuleAssistant } from '../helpers/rule-assistant.js';

function setup(route: () => 'assistant' | 'agent') {
  const turns: CommittedTurn[] = [];
  const store = createMemorySessionStore({ ttlMs: 60_000 });
  const chat = createChatService({
    assistant: createRuleAssistant(),
    store,
    hub: createMemoryHub(),
    logger: createLogger('silent'),
    handover: {
      route: () => Promise.resolve({ to: route() }),
      request: () => Promise.resolve({ to: 'assistant' }),
    },
    consumers: [(t) => turns.push(t)],
  });
  const events = () => turns.flatMap((t) => t.events);
  return { chat, store, events };
}

describe('ChatService router', () => {
  it('records and publishes a message routed to an agent without asking the assistant', async () => {
    let route: 'assistant' | 'agent' = 'assistant';
    const { chat, store, events } = setup(() => route);
    const { session } = await chat.open({ lang: 'et', channel: 'test' });
    const published: ServerFrame[] = [];
    chat.hub.subscribe(session.id, (f) => published.push(f));
    // The conversation is with the live handover: the route decides.
    await chat.push(session.id, { text: 'ootame', blocks: [] }, 'system', {
      handover: { state: 'connected', since: 1, agent: 'anu' },
    });
    published.length = 0;

    route = 'agent';
    await chat.handle(session.id, { type: 'message', id: 'm1', text: 'tahan abielluda' });
    expect(published).toEqual([expect.objectContaining({ type: 'user', text: 'tahan abielluda' })]);
    expect((await store.history(session.id, 0))?.map((f) => f.type)).toEqual([
      'reply',
      'reply',
      'user',
    ]);
    expect(events().at(-1)).toMatchObject({
      type: 'user-said',
      route: 'agent',
      frame: { text: 'tahan abielluda' },
    });

    route = 'assistant';
    await chat.handle(session.id, { type: 'message', id: 'm2', text: 'tahan abielluda' });
    expect(published.filter((f) => f.type === 'reply')).toEqual([
      expect.objectContaining({ role: 'assistant', text: '(marriage) vastus' }),
    ]);
    await store.close();
  });

  it('gives feedback to the consumers as an event', async () => {
    const { chat, store, events } = setup(() => 'assistant');
    const { session } = await chat.open({ lang: 'et', channel: 'test' });
    await chat.handle(session.id, { type: 'feedback', rating: 4 });
    expect(events().filter((e) => e.type === 'feedback')).toEqual([
      { type: 'feedback', rating: 4 },
    ]);
    await store.close();
  });
});
