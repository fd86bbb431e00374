import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import type { ServerFrame } from '../../src/protocol/frames.js';
import { createChatService, createMemoryHub } from '../../src/session/chat-service.js';
import { createMemorySessionStore } from '../../src/session/session.js';
import { createRuleAssistant } from '../helpers/rule-assistant.js';

function setup(route: () => 'assistant' | 'agent') {
  const feedback: number[] = [];
  const observed: string[] = [];
  const store = createMemorySessionStore({ ttlMs: 60_000 });
  const chat = createChatService({
    assistant: createRuleAssistant(),
    store,
    hub: createMemoryHub(),
    logger: createLogger('silent'),
    router: route,
    observer: {
      onFrame: (_s, f) => observed.push(`${f.type}:${f.text}`),
      onFeedback: (_s, rating) => feedback.push(rating),
    },
  });
  return { chat, store, feedback, observed };
}

describe('ChatService router', () => {
  it('records and publishes a message routed to an agent without asking the assistant', async () => {
    let route: 'assistant' | 'agent' = 'assistant';
    const { chat, store, observed } = setup(() => route);
    const { session } = await chat.open({ lang: 'et', channel: 'test' });
    const published: ServerFrame[] = [];
    chat.hub.subscribe(session.id, (f) => published.push(f));

    route = 'agent';
    await chat.handle(session.id, { type: 'message', id: 'm1', text: 'tahan abielluda' });
    expect(published).toEqual([expect.objectContaining({ type: 'user', text: 'tahan abielluda' })]);
    expect((await store.get(session.id))?.history.map((f) => f.type)).toEqual(['reply', 'user']);
    expect(observed.at(-1)).toBe('user:tahan abielluda');

    route = 'assistant';
    await chat.handle(session.id, { type: 'message', id: 'm2', text: 'tahan abielluda' });
    expect(published.filter((f) => f.type === 'reply')).toEqual([
      expect.objectContaining({ role: 'assistant', text: '(marriage) vastus' }),
    ]);
    await store.close();
  });

  it('tells the observer of feedback', async () => {
    const { chat, store, feedback } = setup(() => 'assistant');
    const { session } = await chat.open({ lang: 'et', channel: 'test' });
    await chat.handle(session.id, { type: 'feedback', rating: 4 });
    expect(feedback).toEqual([4]);
    await store.close();
  });
});
