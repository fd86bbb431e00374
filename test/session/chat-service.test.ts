import { describe, expect, it } from 'vitest';
import {
  REPLAY_CHUNK,
  createChatService,
  createMemoryHub,
} from '../../src/session/chat-service.js';
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

  it('reads a comeback of many conversations in bounded chunks, one after another', async () => {
    const store = createMemorySessionStore({ ttlMs: 60_000 });
    const chunks: number[] = [];
    let reading = 0;
    let overlapped = false;
    const chat = createChatService({
      assistant: createScriptedAssistant({ start: { reply: { text: 'hi', blocks: [] } } }),
      store: {
        ...store,
        readMany: async (after) => {
          chunks.push(after.size);
          overlapped ||= reading > 0;
          reading++;
          await new Promise((resolve) => setTimeout(resolve, 5));
          reading--;
          return store.readMany(after);
        },
      },
      hub: createMemoryHub(),
      logger,
    });
    const n = 2 * REPLAY_CHUNK + 50;
    const ids: string[] = [];
    for (let i = 0; i < n; i++)
      ids.push((await chat.open({ lang: 'et', channel: 'test' })).session.id);
    // Every listener asks in the same turn of the event loop (a subscription came back);
    // one asks twice, and an unknown conversation is refused as before.
    const replays = [...ids, ids[0] ?? ''].map((id) => chat.replay(id, 0));
    const gone = chat.replay('gone', 0).catch((err: unknown) => err);
    const frames = await Promise.all(replays);
    expect(frames.every((f) => f.length === 1 && f[0]?.seq === 1)).toBe(true);
    expect(await gone).toMatchObject({ code: 'UNKNOWN_SESSION' });
    expect(chunks).toEqual([REPLAY_CHUNK, REPLAY_CHUNK, 51]);
    expect(overlapped).toBe(false);
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
