import { describe, expect, it } from 'vitest';
import { createChatService, createMemoryHub } from '../../src/session/chat-service.js';
import { createMemorySessionStore } from '../../src/session/session.js';
import { createLogger } from '../../src/logger.js';
import type { ServerFrame } from '../../src/protocol/frames.js';
import type { StatusLookup } from '../../src/core/status.js';
import { createScriptedAssistant } from '../helpers/scripted-assistant.js';

const logger = createLogger('silent');

function setup(
  answers: Parameters<typeof createScriptedAssistant>[0],
  lookup?: () => Promise<StatusLookup>,
) {
  const hub = createMemoryHub();
  const store = createMemorySessionStore({ ttlMs: 60_000 });
  let t = 1000;
  const chat = createChatService({
    assistant: createScriptedAssistant(answers),
    store,
    hub,
    logger,
    now: () => ++t,
    ...(lookup && { lookupStatus: lookup }),
  });
  return { chat, hub, store };
}

describe('ChatService', () => {
  it('gives every recorded frame the next seq, even for messages sent at once', async () => {
    const { chat, hub } = setup({
      start: { reply: { text: 'hi', blocks: [] } },
      '*': { reply: { text: 'ok', blocks: [] } },
    });
    const { session } = await chat.open({ lang: 'et', channel: 'test' });
    const seen: ServerFrame[] = [];
    hub.subscribe(session.id, (f) => seen.push(f));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        chat.handle(session.id, { type: 'message', id: `m${i}`, text: `t${i}` }),
      ),
    );
    const seqs = seen.flatMap((f) => ('seq' in f ? [f.seq] : []));
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    const history = await chat.historyAfter(session.id, 0);
    expect(history?.map((f) => f.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });

  it('shows the label of a chosen quick reply as the person’s message', async () => {
    const { chat } = setup({
      start: {
        reply: {
          text: 'Vali',
          blocks: [{ type: 'options', options: [{ id: 'event:marriage', label: 'Abiellumine' }] }],
        },
      },
      'choose:event:marriage': { reply: { text: 'Abiellumine', blocks: [] } },
    });
    const { session } = await chat.open({ lang: 'et', channel: 'test' });
    await chat.handle(session.id, { type: 'choose', id: 'c1', optionId: 'event:marriage' });
    const history = await chat.historyAfter(session.id, 1);
    expect(history?.[0]).toMatchObject({ type: 'user', text: 'Abiellumine' });
  });

  it('feeds a status lookup back to the assistant as an event', async () => {
    const { chat } = setup(
      {
        start: { reply: { text: 'hi', blocks: [] } },
        'mis mu staatus on': {
          reply: { text: 'vaatan', blocks: [] },
          effects: [{ type: 'status-lookup' }],
        },
        status: { reply: { text: 'status seen', blocks: [] } },
      },
      () => Promise.resolve({ type: 'unavailable' }),
    );
    const { session } = await chat.open({ lang: 'et', channel: 'test' });
    await chat.handle(session.id, { type: 'message', id: 'm', text: 'mis mu staatus on' });
    const texts = (await chat.historyAfter(session.id, 1))?.map((f) => f.text);
    expect(texts).toEqual(['mis mu staatus on', 'vaatan', 'status seen']);
  });

  it('treats a failing status lookup as unavailable, not as a crash', async () => {
    const { chat } = setup(
      {
        start: { reply: { text: 'hi', blocks: [] } },
        q: { reply: { text: 'vaatan', blocks: [] }, effects: [{ type: 'status-lookup' }] },
        status: { reply: { text: 'after', blocks: [] } },
      },
      () => Promise.reject(new Error('panel down')),
    );
    const { session } = await chat.open({ lang: 'et', channel: 'test' });
    await expect(
      chat.handle(session.id, { type: 'message', id: 'm', text: 'q' }),
    ).resolves.toMatchObject({ kind: 'input' });
  });

  it('refuses input for a session it does not know', async () => {
    const { chat } = setup({});
    await expect(
      chat.handle('nope', { type: 'message', id: 'm', text: 'x' }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_SESSION' });
  });

  it('resumes a signed-in conversation only for the same verified person', async () => {
    const { chat } = setup({ start: { reply: { text: 'hi', blocks: [] } } });
    const a = { subject: '49001010004', name: 'A' };
    const { session } = await chat.open({ lang: 'et', channel: 'test', identity: a });
    const same = await chat.open({
      lang: 'et',
      channel: 'test',
      sessionId: session.id,
      identity: a,
    });
    expect(same).toMatchObject({ resumed: true, session: { id: session.id } });
    const other = await chat.open({
      lang: 'et',
      channel: 'test',
      sessionId: session.id,
      identity: { subject: '39001010008', name: 'B' },
    });
    expect(other.resumed).toBe(false);
    expect(other.session.id).not.toBe(session.id);
    expect(other.session.identity?.name).toBe('B');
    const anonymous = await chat.open({ lang: 'et', channel: 'test', sessionId: session.id });
    expect(anonymous.resumed).toBe(false);
    expect(anonymous.session.identity).toBeUndefined();
  });
});
