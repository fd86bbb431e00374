import { describe, expect, it } from 'vitest';
import { createHandover } from '../../src/handover/handover.js';
import { createMemoryHandoverQueue } from '../../src/handover/queue.js';
import { createLogger } from '../../src/logger.js';
import type { ReplyFrame } from '../../src/protocol/frames.js';
import { createChatService, createMemoryHub } from '../../src/session/chat-service.js';
import { createMemorySessionStore } from '../../src/session/session.js';
import { createRuleAssistant } from '../helpers/rule-assistant.js';

/** The real pipeline and handover on the memory adapters, with a clock the test moves. */
function setup(open: boolean) {
  let t = 1_000_000;
  const contacts: string[] = [];
  const store = createMemorySessionStore({ ttlMs: 3_600_000 });
  const hub = createMemoryHub();
  const handover = createHandover({
    queue: createMemoryHandoverQueue(),
    isOpen: () => open,
    officeWhen: () => ({ hours: 'on weekdays 9:00–17:00', back: 'tomorrow at 9:00' }),
    saveContactRequest: (r) => {
      contacts.push(r.text);
      return Promise.resolve();
    },
    understand: (text) => (/abiel|marry/i.test(text) ? 'marriage' : undefined),
    logger: createLogger('silent'),
    contactWindowMs: 1000,
    presenceTimeoutMs: 5000,
    now: () => t,
  });
  const chat = createChatService({
    assistant: createRuleAssistant(),
    store,
    hub,
    logger: createLogger('silent'),
    handover: handover.routing,
    consumers: [handover.consume],
    now: () => t,
  });
  handover.bind(chat);
  let n = 0;
  const replies = async (id: string) =>
    ((await chat.historyAfter(id, 0)) ?? []).filter((f): f is ReplyFrame => f.type === 'reply');
  return {
    chat,
    handover,
    contacts,
    advance: (ms: number) => (t += ms),
    async person(lang: 'et' | 'en' | 'ru' = 'en') {
      const { session } = await chat.open({ lang, channel: 'test' });
      return session.id;
    },
    say: (id: string, text: string) => chat.handle(id, { type: 'message', id: `m${++n}`, text }),
    choose: (id: string, optionId: string) =>
      chat.handle(id, { type: 'choose', id: `m${++n}`, optionId }),
    replies,
    async last(id: string) {
      return (await replies(id)).at(-1);
    },
    state: async (id: string) => (await chat.load(id))?.handover?.state,
  };
}

const positionOf = (r: ReplyFrame | undefined) => {
  for (const b of r?.blocks ?? [])
    if (b.type === 'handover' && b.state === 'queued') return b.position;
  return undefined;
};

describe('Handover queue', () => {
  it('queues with a position, keeps order, and ignores a second request while queued', async () => {
    const h = setup(true);
    const a = await h.person();
    const b = await h.person();
    await h.say(a, 'person please');
    await h.say(b, 'person please');
    expect(positionOf(await h.last(a))).toBe(1);
    expect(positionOf(await h.last(b))).toBe(2);
    // While queued, the message waits for the person; the assistant does not answer it.
    await h.say(a, 'person!');
    expect((await h.last(a))?.text).not.toContain('vastus');
    const snapshot = await h.handover.snapshot();
    expect(snapshot.queued.map((q) => [q.sessionId, q.position])).toEqual([
      [a, 1],
      [b, 2],
    ]);
    expect(snapshot.queued[0]?.lifeEvents).toEqual([]);
  });

  it('lets a person leave by word in three languages, and by the button', async () => {
    const h = setup(true);
    const words: [string, 'et' | 'en' | 'ru'][] = [
      ['tühista', 'et'],
      ['Cancel', 'en'],
      ['отмена', 'ru'],
    ];
    for (const [word, lang] of words) {
      const id = await h.person(lang);
      await h.say(id, 'inimene');
      expect(await h.state(id)).toBe('queued');
      await h.say(id, word);
      expect(await h.state(id)).toBeUndefined();
      expect((await h.last(id))?.blocks).toContainEqual({ type: 'handover', state: 'ended' });
    }
    const id = await h.person();
    await h.say(id, 'person');
    const offered = (await h.last(id))?.blocks.find((b) => b.type === 'options');
    expect(offered).toMatchObject({ options: [{ id: 'handover:leave' }] });
    await h.choose(id, 'handover:leave');
    expect(await h.state(id)).toBeUndefined();
    expect((await h.handover.snapshot()).queued).toEqual([]);
  });

  it('leaves the queue and starts the topic when the person names one', async () => {
    const h = setup(true);
    const id = await h.person();
    await h.say(id, 'person');
    await h.say(id, 'never mind, I want to marry');
    expect(await h.state(id)).toBeUndefined();
    // The assistant read the same message and answered it.
    expect((await h.last(id))?.text).toBe('(marriage) vastus');
  });

  it('moves everyone behind up when someone leaves, with one notice each', async () => {
    const h = setup(true);
    const [a, b, c] = [await h.person(), await h.person(), await h.person()];
    for (const id of [a, b, c]) await h.say(id, 'person');
    const before = (await h.replies(c)).length;
    await h.say(a, 'cancel');
    await expect.poll(async () => positionOf(await h.last(c))).toBe(2);
    expect(positionOf(await h.last(b))).toBe(1);
    expect((await h.replies(c)).length).toBe(before + 1);
  });

  it('drops a queued person whose tab is closed (not seen) within the presence timeout', async () => {
    const h = setup(true);
    const gone = await h.person();
    const waiting = await h.person();
    await h.say(gone, 'person');
    await h.say(waiting, 'person');
    h.advance(3000);
    await h.handover.presence([waiting]);
    h.advance(3000);
    await h.handover.presence([waiting]);
    expect((await h.handover.snapshot()).queued.map((q) => q.sessionId)).toEqual([waiting]);
    await expect.poll(async () => positionOf(await h.last(waiting))).toBe(1);
    await expect.poll(() => h.state(gone)).toBeUndefined();
  });

  it('estimates the wait from recent handling times', async () => {
    const h = setup(true);
    const first = await h.person();
    await h.say(first, 'person');
    await h.handover.take(first, 'anu');
    h.advance(4 * 60_000);
    await h.handover.end(first, 'anu');
    const next = await h.person();
    await h.say(next, 'person');
    expect((await h.last(next))?.text).toContain('about 4 minutes');
    expect((await h.handover.snapshot()).queued[0]?.estimatedWaitMs).toBe(4 * 60_000);
  });

  it('takes contact details only within the window after "unavailable"', async () => {
    const h = setup(false);
    const id = await h.person();
    await h.say(id, 'person');
    expect(await h.state(id)).toBe('contact');
    await h.say(id, 'mari@example.ee 5555 5555');
    expect(h.contacts).toEqual(['mari@example.ee 5555 5555']);
    expect(await h.state(id)).toBeUndefined();

    const late = await h.person();
    await h.say(late, 'person');
    h.advance(1001);
    await h.say(late, 'tahan abielluda');
    expect(h.contacts).toHaveLength(1);
    expect((await h.last(late))?.text).toBe('(marriage) vastus');
    expect(await h.handover.snapshot()).toEqual({ queued: [], live: [] });
  });
});
