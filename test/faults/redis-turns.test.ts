/**
 * A turn's frames between instances on a private Redis (issue 14): the person's message shown
 * before a status lookup keeps its seq when the turn loses the race to another instance or
 * fails after it, and frames whose publish fails after a good commit still reach the sockets.
 * Two chat services on one key prefix are two instances; a FrameFollower on the hub is an
 * open socket (src/session/follow.ts).
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StatusLookup } from '../../src/core/status.js';
import { createHandover } from '../../src/handover/handover.js';
import { createRedisHandoverQueue } from '../../src/handover/queue.js';
import { createLogger } from '../../src/logger.js';
import type { ServerFrame } from '../../src/protocol/frames.js';
import {
  createChatService,
  type ChatService,
  type HandoverRouting,
  type RouteDecision,
} from '../../src/session/chat-service.js';
import { FrameFollower } from '../../src/session/follow.js';
import { createRedisSessionBackend, type RedisSessionBackend } from '../../src/session/redis.js';
import type { SessionStore } from '../../src/session/session.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis-server.js';
import { createScriptedAssistant } from '../helpers/scripted-assistant.js';

const POLL = { timeout: 15_000, interval: 50 };
const logger = createLogger('silent');

const assistant = createScriptedAssistant({
  start: { reply: { text: 'tere', blocks: [] } },
  'mis mu staatus on': {
    reply: { text: 'vaatan', blocks: [] },
    effects: [{ type: 'status-lookup' }],
  },
  status: { reply: { text: 'staatus', blocks: [] } },
  'inimest palun': {
    reply: { text: 'otsin inimest', blocks: [] },
    effects: [{ type: 'handover-request' }],
  },
  '*': { reply: { text: 'selge', blocks: [] } },
});

let redis: PrivateRedis;
const backends: RedisSessionBackend[] = [];
let run = 0;

beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.close()));
});
afterAll(async () => {
  await redis?.stop();
});

/** An instance: its own Redis connections, on the key prefix of the test. */
async function instance(
  prefix: string,
  lookupStatus: () => Promise<StatusLookup> = () => Promise.resolve({ type: 'unavailable' }),
  store?: (s: SessionStore) => SessionStore,
  handover?: HandoverRouting,
): Promise<{ chat: ChatService; backend: RedisSessionBackend }> {
  const backend = createRedisSessionBackend({ url: redis.url, prefix, logger, ttlMs: 60_000 });
  backends.push(backend);
  await backend.ready;
  const chat = createChatService({
    assistant,
    store: store ? store(backend.store) : backend.store,
    hub: backend.hub,
    logger,
    lookupStatus,
    ...(handover && { handover }),
  });
  return { chat, backend };
}

/** An open socket of the conversation on the instance: every frame it was sent. */
function follow(chat: ChatService, sessionId: string, lastSeq: number): ServerFrame[] {
  const got: ServerFrame[] = [];
  const follower = new FrameFollower(
    (f) => got.push(f),
    (after) => chat.replay(sessionId, after, {}),
  );
  follower.start(lastSeq, []);
  chat.hub.subscribe(sessionId, (f) => follower.live(f), {
    onResync: () => void follower.catchUp(),
  });
  return got;
}

const shown = (frames: ServerFrame[]) =>
  frames.flatMap((f) => ('seq' in f ? [`${f.seq} ${f.text}`] : []));

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('the person’s message shown before a status lookup', () => {
  it('keeps its seq when another instance commits during the lookup', async () => {
    const prefix = `t-turns-${process.pid}-${++run}:`;
    const called = deferred<void>();
    const answer = deferred<StatusLookup>();
    let lookups = 0;
    const a = await instance(prefix, () => {
      lookups++;
      called.resolve();
      return lookups === 1 ? answer.promise : Promise.resolve({ type: 'unavailable' });
    });
    const b = await instance(prefix);
    const { session } = await a.chat.open({ lang: 'et', channel: 'test' });
    const socket = follow(a.chat, session.id, 1);

    const turn = a.chat.handle(session.id, {
      type: 'message',
      id: 'm1',
      text: 'mis mu staatus on',
    });
    await called.promise;
    // Instance B adds a frame while A waits for the lookup: A's commit loses the race.
    await b.chat.push(session.id, { text: 'teade', blocks: [] }, 'system');
    answer.resolve({ type: 'unavailable' });
    await turn;

    // Without the message committed first, the socket showed it twice (seq 2 and 3) and
    // skipped B's frame, which took seq 2 too.
    const expected = ['2 mis mu staatus on', '3 teade', '4 vaatan', '5 staatus'];
    await expect.poll(() => shown(socket), POLL).toEqual(expected);
    const history = await a.chat.historyAfter(session.id, 1);
    expect(history?.map((f) => `${f.seq} ${f.text}`)).toEqual(expected);
    // The turn ran twice (its first commit lost the race), its lookup once: the second attempt
    // took the first one's answer. Before, the person was looked up twice.
    expect(lookups).toBe(1);
  }, 60_000);

  it('loses the race even when the instance read the session afresh meanwhile', async () => {
    const prefix = `t-turns-${process.pid}-${++run}:`;
    const called = deferred<void>();
    const answer = deferred<StatusLookup>();
    const a = await instance(prefix, () => {
      called.resolve();
      return answer.promise;
    });
    const b = await instance(prefix);
    const { session } = await a.chat.open({ lang: 'et', channel: 'test' });
    const turn = a.chat.handle(session.id, {
      type: 'message',
      id: 'm1',
      text: 'mis mu staatus on',
    });
    await called.promise;
    await b.chat.push(session.id, { text: 'teade', blocks: [] }, 'system');
    // A second tab resumes on A during the lookup: a fresh read of the state B committed.
    await a.chat.open({ lang: 'et', channel: 'test', sessionId: session.id, lastSeq: 1 });
    answer.resolve({ type: 'unavailable' });
    await turn;
    // Before, the fresh read replaced the revision A's turn had started from, so its commit
    // passed on top of B's: two frames with seq 3, and B's state overwritten.
    const history = await a.chat.historyAfter(session.id, 1);
    expect(history?.map((f) => `${f.seq} ${f.text}`)).toEqual([
      '2 mis mu staatus on',
      '3 teade',
      '4 vaatan',
      '5 staatus',
    ]);
  }, 60_000);

  it('routes a message in the handover once when another instance commits meanwhile', async () => {
    const prefix = `t-turns-${process.pid}-${++run}:`;
    const called = deferred<void>();
    const answer = deferred<RouteDecision>();
    let routes = 0;
    const handover: HandoverRouting = {
      // "Unavailable, leave your contact": the message is saved as a contact request.
      route: () => {
        routes++;
        called.resolve();
        return answer.promise;
      },
      request: () => Promise.resolve({ to: 'assistant' }),
    };
    const a = await instance(prefix, undefined, undefined, handover);
    const b = await instance(prefix);
    const { session } = await a.chat.open({ lang: 'et', channel: 'test' });
    const contact = { state: 'contact' as const, since: Date.now() };
    await a.chat.push(session.id, { text: 'jäta kontakt', blocks: [] }, 'system', {
      handover: contact,
    });
    const turn = a.chat.handle(session.id, { type: 'message', id: 'm1', text: 'mari@example.ee' });
    await called.promise;
    await b.chat.push(session.id, { text: 'teade', blocks: [] }, 'system');
    answer.resolve({
      to: 'agent',
      handover: null,
      notices: [{ text: 'salvestatud', blocks: [] }],
      events: [{ type: 'handed-over', change: 'contact-saved', handover: undefined }],
    });
    const committed = await turn;
    const history = await a.chat.historyAfter(session.id, 2);
    expect(history?.map((f) => `${f.seq} ${f.text}`)).toEqual([
      '3 teade',
      '4 mari@example.ee',
      '5 salvestatud',
    ]);
    // Before, the turn was routed again after its lost race: the contact request saved twice.
    expect(routes).toBe(1);
    expect(committed?.session.handover).toBeUndefined();
  }, 60_000);

  it('asks for a person once when another instance commits during the request', async () => {
    const prefix = `t-turns-${process.pid}-${++run}:`;
    const called = deferred<void>();
    const answer = deferred<RouteDecision>();
    let requests = 0;
    const handover: HandoverRouting = {
      route: () => Promise.resolve({ to: 'assistant' }),
      request: () => {
        requests++;
        called.resolve();
        return answer.promise;
      },
    };
    const a = await instance(prefix, undefined, undefined, handover);
    const b = await instance(prefix);
    const { session } = await a.chat.open({ lang: 'et', channel: 'test' });
    const socket = follow(a.chat, session.id, 1);

    const turn = a.chat.handle(session.id, { type: 'message', id: 'm1', text: 'inimest palun' });
    await called.promise;
    await b.chat.push(session.id, { text: 'teade', blocks: [] }, 'system');
    const queued = { state: 'queued' as const, since: 1 };
    answer.resolve({
      to: 'assistant',
      handover: queued,
      notices: [{ text: 'järjekorras 1.', blocks: [] }],
      events: [{ type: 'handed-over', change: 'queued', handover: queued, position: 1 }],
    });
    const committed = await turn;

    const expected = ['2 inimest palun', '3 teade', '4 otsin inimest', '5 järjekorras 1.'];
    await expect.poll(() => shown(socket), POLL).toEqual(expected);
    // One place in the queue, and the committed turn tells of it once.
    expect(requests).toBe(1);
    expect(committed?.session.handover).toEqual(queued);
    expect(committed?.events.filter((e) => e.type === 'handed-over')).toHaveLength(1);
  }, 60_000);

  it('stays shown and numbered when the turn fails after it (Redis gone mid-turn)', async () => {
    const prefix = `t-turns-${process.pid}-${++run}:`;
    let down = false;
    const a = await instance(
      prefix,
      () => {
        down = true;
        return Promise.resolve({ type: 'unavailable' });
      },
      (store) => ({
        ...store,
        commit: (...args) =>
          down ? Promise.reject(new Error('redis down')) : store.commit(...args),
      }),
    );
    const { session } = await a.chat.open({ lang: 'et', channel: 'test' });
    const socket = follow(a.chat, session.id, 1);

    await expect(
      a.chat.handle(session.id, { type: 'message', id: 'm1', text: 'mis mu staatus on' }),
    ).rejects.toThrow('redis down');
    down = false;
    await a.chat.handle(session.id, { type: 'message', id: 'm2', text: 'aitäh' });

    // Without it, the message was shown with seq 2 but never stored, and the next message took
    // seq 2 again: the socket skipped it as already shown.
    const expected = ['2 mis mu staatus on', '3 aitäh', '4 selge'];
    await expect.poll(() => shown(socket), POLL).toEqual(expected);
    const history = await a.chat.historyAfter(session.id, 1);
    expect(history?.map((f) => `${f.seq} ${f.text}`)).toEqual(expected);
    expect(socket.at(-1)).toEqual({ type: 'typing', on: false });
  }, 60_000);
});

describe('a publish that fails after a good commit', () => {
  /** Makes the instance's next `n` publishes fail, as Redis refusing them would. */
  function failPublishes(backend: RedisSessionBackend, n: number): void {
    const client = backend.client;
    const publish = client.publish.bind(client);
    let left = n;
    client.publish = (...args: Parameters<typeof publish>) =>
      left-- > 0 ? Promise.reject(new Error('publish refused')) : publish(...args);
  }

  it('is tried again, so the turn reaches the open sockets of every instance', async () => {
    const prefix = `t-turns-${process.pid}-${++run}:`;
    const a = await instance(prefix);
    const b = await instance(prefix);
    const { session } = await a.chat.open({ lang: 'et', channel: 'test' });
    const onA = follow(a.chat, session.id, 1);
    const onB = follow(b.chat, session.id, 1);
    failPublishes(a.backend, 1);
    await a.chat.handle(session.id, { type: 'message', id: 'm1', text: 'tere' });
    const expected = ['2 tere', '3 selge'];
    await expect.poll(() => shown(onA), POLL).toEqual(expected);
    await expect.poll(() => shown(onB), POLL).toEqual(expected);
  }, 60_000);

  it('makes the sockets on its instance catch up from history when every attempt fails', async () => {
    const prefix = `t-turns-${process.pid}-${++run}:`;
    const a = await instance(prefix);
    const { session } = await a.chat.open({ lang: 'et', channel: 'test' });
    const socket = follow(a.chat, session.id, 1);
    failPublishes(a.backend, 100);
    await a.chat.handle(session.id, { type: 'message', id: 'm1', text: 'tere' });
    await expect.poll(() => shown(socket), POLL).toEqual(['2 tere', '3 selge']);
  }, 60_000);
});

describe('a comeback of the subscription', () => {
  it('reads every open conversation of the instance in one batch', async () => {
    const prefix = `t-turns-${process.pid}-${++run}:`;
    const reads = { load: 0, history: 0, batches: [] as string[][] };
    // Instance A with the live handover, so that an agent can hold a conversation there.
    const backend = createRedisSessionBackend({ url: redis.url, prefix, logger, ttlMs: 60_000 });
    backends.push(backend);
    await backend.ready;
    const handover = createHandover({
      queue: createRedisHandoverQueue({ client: backend.client, prefix }),
      bus: backend.bus,
      isOpen: () => true,
      officeWhen: () => ({ hours: '9–17', back: 'homme' }),
      saveContactRequest: () => Promise.resolve(),
      logger,
    });
    const store = backend.store;
    const chat = createChatService({
      assistant,
      store: {
        ...store,
        load: (id, opts) => {
          if (opts?.fresh) reads.load++;
          return store.load(id, opts);
        },
        history: (id, after) => {
          reads.history++;
          return store.history(id, after);
        },
        readMany: (after) => {
          reads.batches.push([...after.keys()].sort());
          return store.readMany(after);
        },
      },
      hub: backend.hub,
      logger,
      handover: handover.routing,
      consumers: [handover.consume],
    });
    handover.bind(chat);
    const agentSaw: string[] = [];
    handover.subscribe((e) => {
      if (e.type === 'frame') agentSaw.push(`${e.frame.seq} ${e.frame.text}`);
    });
    const b = await instance(prefix);
    try {
      const one = (await chat.open({ lang: 'et', channel: 'test' })).session.id;
      const two = (await chat.open({ lang: 'et', channel: 'test' })).session.id;
      const held = (await chat.open({ lang: 'et', channel: 'test' })).session.id;
      await chat.handle(held, { type: 'message', id: 'h1', text: 'inimest palun' });
      await handover.take(held, 'anu');
      const sockets = [one, one, one, two].map((id) => follow(chat, id, 1));
      const heldSeq = (await chat.load(held))?.seq ?? 0;
      reads.load = 0;
      reads.history = 0;
      // Frames from B, then the subscriptions of both instances are dropped and come back:
      // every socket and the agent's view on A catch up from history.
      const admin = new Redis(redis.url);
      try {
        const list = (await admin.client('LIST')) as string;
        const subscriber = list
          .split('\n')
          .filter((line) => /\bflags=\S*P/.test(line))
          .map((line) => Number(/\bid=(\d+)/.exec(line)?.[1]));
        expect(subscriber.length).toBe(2);
        await b.chat.push(one, { text: 'teade', blocks: [] }, 'system');
        await b.chat.push(held, { text: 'kas seal on keegi', blocks: [] }, 'system');
        for (const id of subscriber) await admin.client('KILL', 'ID', String(id));
      } finally {
        await admin.quit();
      }
      for (const socket of sockets.slice(0, 3))
        await expect.poll(() => shown(socket), POLL).toEqual(['2 teade']);
      await expect.poll(() => agentSaw.at(-1), POLL).toEqual(`${heldSeq + 1} kas seal on keegi`);
      expect(shown(sockets[3] ?? [])).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // One batch (one pipeline: one round trip) for the three conversations. Before: a fresh
      // load and a history read per socket's conversation, a history read per agent's one.
      expect(reads).toEqual({ load: 0, history: 0, batches: [[one, two, held].sort()] });
    } finally {
      handover.close();
    }
  }, 60_000);
});

describe('readMany', () => {
  it('answers the state and the frames after a seq of each known session', async () => {
    const prefix = `t-turns-${process.pid}-${++run}:`;
    const a = await instance(prefix);
    const one = (await a.chat.open({ lang: 'et', channel: 'test' })).session.id;
    const two = (await a.chat.open({ lang: 'et', channel: 'test' })).session.id;
    await a.chat.handle(one, { type: 'message', id: 'm1', text: 'tere' });
    const read = await a.backend.store.readMany(
      new Map([
        [one, 1],
        [two, 0],
        ['unknown', 0],
        [`${two}-gone`, 5],
      ]),
    );
    expect([...read.keys()]).toEqual([one, two]);
    expect(read.get(one)?.session.seq).toBe(3);
    expect(shown(read.get(one)?.frames ?? [])).toEqual(['2 tere', '3 selge']);
    expect(shown(read.get(two)?.frames ?? [])).toEqual(['1 tere']);
    const none = await a.backend.store.readMany(new Map([[one, 3]]));
    expect(none.get(one)?.frames).toEqual([]);
  }, 60_000);
});
