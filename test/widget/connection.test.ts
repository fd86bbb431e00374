import { describe, expect, it } from 'vitest';
import {
  ChatConnection,
  type SocketEvents,
  type SocketFactory,
  type StorageLike,
  type Timers,
} from '../../widget/src/connection.js';
import type { ClientFrame, ServerFrame } from '../../src/protocol/frames.js';

/** A socket the test drives: it records what the client sent and plays the server's part. */
class FakeSocket {
  sent: ClientFrame[] = [];
  closed: number | undefined;
  constructor(readonly events: SocketEvents) {}
  send(data: string) {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }
  close(code = 1000) {
    this.closed = code;
  }
  server(frame: ServerFrame) {
    this.events.message(JSON.stringify(frame));
  }
}

function fakeTimers() {
  let next = 1;
  const pending = new Map<number, { fn: () => void; ms: number }>();
  const timers: Timers = {
    set: (fn, ms) => {
      const id = next++;
      pending.set(id, { fn, ms });
      return id;
    },
    clear: (h) => void pending.delete(h as number),
  };
  return {
    timers,
    delays: () => [...pending.values()].map((p) => p.ms),
    /** Runs the due timers whose delay is at most `ms` (default: all). */
    run(ms = Infinity) {
      for (const [id, t] of [...pending]) {
        if (t.ms <= ms) {
          pending.delete(id);
          t.fn();
        }
      }
    },
  };
}

function memoryStorage(): StorageLike & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

function setup(storage = memoryStorage()) {
  const sockets: FakeSocket[] = [];
  const factory: SocketFactory = (_url, events) => {
    const s = new FakeSocket(events);
    sockets.push(s);
    return s;
  };
  const clock = fakeTimers();
  let n = 0;
  const frames: { seq: number; live: boolean }[] = [];
  const conn = new ChatConnection({
    url: 'ws://test/ws',
    lang: 'et',
    createSocket: factory,
    storage,
    timers: clock.timers,
    random: () => 0.5,
    newId: () => `c${++n}`,
    onFrame: (f, live) => frames.push({ seq: f.seq, live }),
  });
  const last = () => sockets.at(-1)!;
  return { conn, sockets, last, clock, storage, frames };
}

const welcome = (over: Partial<Extract<ServerFrame, { type: 'welcome' }>> = {}): ServerFrame => ({
  type: 'welcome',
  v: 1,
  sessionId: 's1',
  lang: 'et',
  resumed: false,
  lastSeq: 0,
  ...over,
});
const user = (seq: number, id: string, text = 'hi'): ServerFrame => ({
  type: 'user',
  seq,
  id,
  text,
  ts: 1,
});
const reply = (seq: number, text = 'ok'): ServerFrame => ({
  type: 'reply',
  seq,
  role: 'assistant',
  text,
  blocks: [],
  ts: 1,
});

describe('ChatConnection', () => {
  it('says hello, keeps the session id and goes online on welcome', () => {
    const { conn, last, storage } = setup();
    conn.connect();
    expect(conn.status).toBe('connecting');
    last().events.open();
    expect(last().sent[0]).toEqual({ type: 'hello', v: 1, lang: 'et' });
    last().server(welcome());
    expect(conn.status).toBe('online');
    expect(conn.sessionId).toBe('s1');
    expect([...storage.data.values()].join()).toContain('"sessionId":"s1"');
  });

  it('queues a message typed before the welcome and sends it once after', () => {
    const { conn, last } = setup();
    conn.connect();
    expect(conn.send('tere')).toBe(true);
    last().events.open();
    expect(last().sent.filter((f) => f.type === 'message')).toHaveLength(0);
    last().server(welcome());
    expect(last().sent.filter((f) => f.type === 'message')).toEqual([
      { type: 'message', id: 'c1', text: 'tere' },
    ]);
    last().server(user(1, 'c1', 'tere'));
    expect(conn.outbox).toEqual([]);
    expect(conn.frames.map((f) => f.seq)).toEqual([1]);
  });

  it('shows a frame once however often it arrives, in seq order', () => {
    const { conn, last } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome());
    last().server(reply(2));
    last().server(reply(1));
    last().server(reply(2));
    last().server(reply(1));
    expect(conn.frames.map((f) => f.seq)).toEqual([1, 2]);
  });

  it('resumes after a drop with the last seq and resends what was not acknowledged', () => {
    const { conn, last, sockets, clock } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome());
    last().server(reply(1, 'greeting'));
    conn.send('first');
    last().server(user(2, 'c1', 'first'));
    conn.send('second'); // sent, but the socket dies before the acknowledgement
    last().events.close(1006);
    expect(conn.status).toBe('offline');
    expect(conn.outbox.map((i) => [i.id, i.state])).toEqual([['c2', 'queued']]);
    conn.send('third'); // typed while offline
    expect(sockets).toHaveLength(1);

    clock.run();
    expect(sockets).toHaveLength(2);
    last().events.open();
    expect(last().sent[0]).toMatchObject({ type: 'hello', sessionId: 's1', lastSeq: 2 });
    last().server(welcome({ resumed: true, lastSeq: 3 }));
    // The server had recorded "second" (seq 3) before the drop: it replays it ...
    last().server(user(3, 'c2', 'second'));
    // ... and drops the resent duplicate; "third" is new.
    last().server(user(4, 'c3', 'third'));
    expect(
      last()
        .sent.filter((f) => f.type === 'message')
        .map((f) => f.type === 'message' && f.id),
    ).toEqual(['c2', 'c3']);
    expect(conn.outbox).toEqual([]);
    expect(conn.frames.map((f) => f.text)).toEqual(['greeting', 'first', 'second', 'third']);
  });

  it('backs off exponentially with jitter and resets after a welcome', () => {
    const { conn, last, clock } = setup();
    conn.connect();
    last().events.close(1006);
    expect(conn.retryInMs).toBe(750); // 1000 ms, jitter at 0.5 -> 75%
    clock.run();
    last().events.close(1006);
    expect(conn.retryInMs).toBe(1500);
    clock.run();
    last().events.close(1006);
    expect(conn.retryInMs).toBe(3000);
    clock.run();
    last().events.open();
    last().server(welcome());
    last().events.close(1006);
    expect(conn.retryInMs).toBe(750);
  });

  it('drops a socket that never says welcome and tries again', () => {
    const { conn, sockets, clock } = setup();
    conn.connect();
    clock.run(10_000); // the connect timeout
    expect(sockets[0]?.closed).toBe(4001);
    expect(conn.status).toBe('offline');
    clock.run();
    expect(sockets).toHaveLength(2);
  });

  it('reconnects when a sent message is not acknowledged in time', () => {
    const { conn, last, sockets, clock } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome());
    conn.send('anyone?');
    clock.run(15_000);
    expect(sockets[0]?.closed).toBe(4001);
    expect(conn.outbox[0]?.state).toBe('queued');
  });

  it('ignores events of a socket it has replaced', () => {
    const { conn, sockets, clock } = setup();
    conn.connect();
    clock.run(10_000);
    clock.run();
    sockets[0]?.events.close(1006);
    sockets[0]?.server(reply(7));
    expect(conn.frames).toEqual([]);
    expect(conn.status).toBe('connecting');
  });

  it('restores the session and the unsent messages after a reload', () => {
    const storage = memoryStorage();
    const first = setup(storage);
    first.conn.connect();
    first.last().events.open();
    first.last().server(welcome());
    first.last().events.close(1006);
    first.conn.send('typed offline');

    const second = setup(storage);
    expect(second.conn.sessionId).toBe('s1');
    expect(second.conn.outbox.map((i) => i.text)).toEqual(['typed offline']);
    second.conn.connect();
    second.last().events.open();
    expect(second.last().sent[0]).toMatchObject({ sessionId: 's1', lastSeq: 0 });
    second.last().server(welcome({ resumed: true, lastSeq: 1 }));
    second.last().server(reply(1, 'greeting'));
    expect(second.frames).toEqual([{ seq: 1, live: false }]);
    expect(second.last().sent.filter((f) => f.type === 'message')).toHaveLength(1);
    second.last().server(reply(2, 'new'));
    expect(second.frames.at(-1)).toEqual({ seq: 2, live: true });
  });

  it('ignores storage it cannot read', () => {
    const storage = memoryStorage();
    storage.data.set('life-event-chat:ws://test/ws', '{"sessionId": 5, "outbox": "x"}');
    expect(setup(storage).conn.sessionId).toBeUndefined();
    storage.data.set('life-event-chat:ws://test/ws', 'not json');
    expect(setup(storage).conn.sessionId).toBeUndefined();
  });

  it('starts afresh when the session to resume has expired', () => {
    const { conn, last, clock } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome());
    last().server(reply(1, 'old'));
    last().events.close(1006);
    clock.run();
    last().events.open();
    last().server(welcome({ sessionId: 's2', resumed: false, lastSeq: 1 }));
    last().server(reply(1, 'new greeting'));
    expect(conn.frames.map((f) => f.text)).toEqual(['new greeting']);
    expect(conn.sessionId).toBe('s2');
  });

  it('sends the chosen language after a resume and adopts the session language otherwise', () => {
    const { conn, last, clock } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome({ lang: 'ru' }));
    expect(conn.lang).toBe('ru');
    last().events.close(1006);
    conn.setLang('en');
    clock.run();
    last().events.open();
    last().server(welcome({ resumed: true, lang: 'ru' }));
    expect(last().sent).toContainEqual({ type: 'set-lang', lang: 'en' });
    expect(conn.lang).toBe('en');
  });

  it('follows the assistant when it answers in another language, also after a reconnect', () => {
    const { conn, last, clock } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome());
    conn.setLang('et');
    last().server({ ...reply(1, 'Здравствуйте'), lang: 'ru' } as ServerFrame);
    expect(conn.lang).toBe('ru');
    last().events.close(1006);
    clock.run();
    last().events.open();
    last().server(welcome({ resumed: true, lastSeq: 1, lang: 'ru' }));
    expect(last().sent.some((f) => f.type === 'set-lang')).toBe(false);
  });

  it('reconnects with the identity token, and forgets the conversation on sign-out', () => {
    const { conn, last, sockets } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome());
    last().server(reply(1));
    conn.setToken('tok');
    expect(sockets[0]?.closed).toBe(1000);
    last().events.open();
    expect(last().sent[0]).toMatchObject({ token: 'tok', sessionId: 's1' });
    last().server(welcome({ resumed: true, lastSeq: 1 }));
    conn.setToken(undefined);
    last().events.open();
    expect(last().sent[0]).toEqual({ type: 'hello', v: 1, lang: 'et' });
    expect(conn.frames).toEqual([]);
  });

  it('marks a refused message as failed and retries a rate-limited one later', () => {
    const { conn, last, clock } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome());
    conn.send('a');
    conn.send('b');
    last().server({ type: 'error', code: 'BAD_FRAME', message: 'x', id: 'c1' });
    last().server({ type: 'error', code: 'RATE_LIMITED', message: 'x', id: 'c2' });
    expect(conn.outbox.map((i) => i.state)).toEqual(['failed', 'queued']);
    expect(conn.notice).toEqual({ code: 'BAD_FRAME' });
    clock.run(3000);
    expect(last().sent.filter((f) => f.type === 'message' && f.id === 'c2')).toHaveLength(2);
  });

  it('ignores frames that do not match the protocol', () => {
    const { conn, last } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome());
    last().events.message('<script>');
    last().events.message(JSON.stringify({ type: 'reply', seq: 'x' }));
    expect(conn.frames).toEqual([]);
    expect(conn.status).toBe('online');
  });

  it('pauses after an idle close and reconnects on the next message', () => {
    const { conn, last, sockets } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome());
    last().events.close(4000);
    expect(conn.status).toBe('paused');
    conn.send('back again');
    expect(sockets).toHaveLength(2);
  });
});

describe('signed-in resume, offline and per-answer feedback', () => {
  it('after a reload of a signed-in conversation, waits for the host page token and resumes with it', () => {
    const storage = memoryStorage();
    const first = setup(storage);
    first.conn.connect();
    first.last().events.open();
    first.conn.setToken('token-anna');
    first.last().events.open();
    first.last().server(welcome({ resumed: true, identity: { name: 'Anna' } }));
    first.last().server(reply(1));
    expect(first.conn.signedIn).toBe(true);

    // Reload: a new connection from the same storage, no token yet.
    const again = setup(storage);
    again.conn.connect();
    expect(again.sockets).toHaveLength(0); // waits instead of saying hello without the token
    expect(again.conn.status).toBe('connecting');
    again.conn.setToken('token-anna');
    again.last().events.open();
    expect(again.last().sent[0]).toEqual({
      type: 'hello',
      v: 1,
      lang: 'et',
      sessionId: 's1',
      lastSeq: 0,
      token: 'token-anna',
    });
  });

  it('without the token in time, starts signed out and forgets the signed-in conversation', () => {
    const storage = memoryStorage();
    const first = setup(storage);
    first.conn.setToken('t');
    first.conn.connect();
    first.last().events.open();
    first.last().server(welcome({ identity: { name: 'Anna' } }));
    const again = setup(storage);
    again.conn.connect();
    expect(again.clock.delays()).toContain(5000);
    again.clock.run(5000);
    again.last().events.open();
    expect(again.last().sent[0]).toEqual({ type: 'hello', v: 1, lang: 'et' });
    expect(again.conn.signedIn).toBe(false);
  });

  it('goes offline at once when the browser says so, and reconnects at once when it is back', () => {
    const { conn, last, sockets } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome());
    conn.offline();
    expect(conn.status).toBe('offline');
    expect(last().closed).toBe(4001);
    conn.online();
    expect(conn.status).toBe('connecting');
    expect(sockets).toHaveLength(2);
    // Online again while an attempt made offline hangs: that attempt is replaced.
    conn.online();
    expect(sockets).toHaveLength(3);
    expect(sockets[1]?.closed).toBe(1000);
  });

  it('sends answer feedback once and remembers it across a reload', () => {
    const storage = memoryStorage();
    const { conn, last } = setup(storage);
    conn.connect();
    last().events.open();
    last().server(welcome());
    conn.rateAnswer(3, 'wrong-topic');
    expect(last().sent.at(-1)).toEqual({ type: 'answer-feedback', seq: 3, reason: 'wrong-topic' });
    expect(setup(storage).conn.rated.has(3)).toBe(true);
  });
});

describe('heartbeat', () => {
  it('in the background pings after 10 s of silence and counts the connection lost at 13 s', () => {
    const { conn, last, clock, sockets } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome());
    expect(clock.delays().sort((a, b) => a - b)).toEqual([10_000, 13_000]);
    clock.run(10_000);
    expect(last().sent.at(-1)).toEqual({ type: 'ping' });
    // Answered: still online, and the silence counts again from the pong.
    last().server({ type: 'pong' });
    expect(conn.status).toBe('online');
    expect(clock.delays().sort((a, b) => a - b)).toEqual([10_000, 13_000]);
    clock.run(13_000);
    expect(conn.status).toBe('offline');
    expect(sockets[0]?.closed).toBe(4001);
  });

  it('while the chat is in view pings every second and counts it lost after 2.5 s of silence', () => {
    const { conn, last, clock, sockets } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome());
    // Coming into view pings at once: a connection that died while hidden shows in 2.5 s.
    conn.setActive(true);
    expect(last().sent.at(-1)).toEqual({ type: 'ping' });
    expect(clock.delays().sort((a, b) => a - b)).toEqual([1000, 2500]);
    last().server({ type: 'pong' });
    clock.run(1000);
    expect(last().sent.filter((f) => f.type === 'ping')).toHaveLength(2);
    // Silent: a ping every second, then lost 2.5 s after the last frame.
    clock.run(1000);
    expect(last().sent.filter((f) => f.type === 'ping')).toHaveLength(3);
    expect(conn.status).toBe('online');
    clock.run(2500);
    expect(conn.status).toBe('offline');
    expect(sockets[0]?.closed).toBe(4001);
  });

  it('goes back to the slow pace when the chat leaves view', () => {
    const { conn, last, clock } = setup();
    conn.connect();
    last().events.open();
    last().server(welcome());
    conn.setActive(true);
    conn.setActive(false);
    expect(clock.delays().sort((a, b) => a - b)).toEqual([10_000, 13_000]);
    // Set before the welcome, the pace holds from the welcome on.
    const next = setup();
    next.conn.setActive(true);
    next.conn.connect();
    next.last().events.open();
    next.last().server(welcome());
    expect(next.clock.delays().sort((a, b) => a - b)).toEqual([1000, 2500]);
  });
});
