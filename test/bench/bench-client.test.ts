/**
 * The load benchmark's client (scripts/bench-client.ts) copes with whatever the assistant does:
 * a conversation queued for a person leaves the queue with its next turn (whose end is the
 * notice, with no typing frame), a turn that never ends is given up and its conversation
 * replaced, and the same-frames echo answers any client frame with the app's frames.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import {
  Conversation,
  Pool,
  RecordedTurns,
  endsTurn,
  keyOf,
  replayed,
  type ConversationOptions,
  type Frame,
} from '../../scripts/bench-client.js';
import { LEAVE_OPTION } from '../../src/handover/queue-texts.js';
import { createRuleAssistant } from '../helpers/rule-assistant.js';
import { startServer, type TestServer } from '../helpers/server.js';

const queued: Frame = {
  type: 'reply',
  seq: 4,
  role: 'system',
  text: 'Sinu koht järjekorras: 1.',
  blocks: [{ type: 'handover', state: 'queued', position: 1 }],
};
const ended: Frame = {
  type: 'reply',
  seq: 6,
  role: 'system',
  text: 'Lahkusid järjekorrast.',
  blocks: [{ type: 'handover', state: 'ended' }],
};

describe('bench client: the end of a turn', () => {
  it('ends a turn at typing off or an error, the leave button also at the notice', () => {
    expect(endsTurn({ type: 'typing', on: false }, false)).toBe(true);
    expect(endsTurn({ type: 'typing', on: true }, false)).toBe(false);
    expect(endsTurn({ type: 'error', code: 'X' }, false)).toBe(true);
    expect(endsTurn(ended, true)).toBe(true);
    expect(endsTurn(ended, false)).toBe(false);
    expect(endsTurn(queued, true)).toBe(false);
  });

  it('keys a message by its text and a quick reply by its option', () => {
    expect(keyOf({ type: 'message', text: 'tere' })).toBe('message:tere');
    expect(keyOf({ type: 'choose', optionId: LEAVE_OPTION })).toBe(`choose:${LEAVE_OPTION}`);
  });
});

describe('bench client: the same-frames echo', () => {
  it("replays the app's frames with fresh seq, id and replyTo, typing frames as they were", () => {
    let seq = 10;
    const out = replayed(
      [
        { type: 'user', seq: 2, id: 'a', text: 'x', ts: 1 },
        { type: 'typing', on: true },
        { type: 'reply', seq: 3, role: 'assistant', text: 'y', blocks: [], replyTo: 'a', ts: 1 },
        queued,
        { type: 'typing', on: false },
      ],
      'b',
      () => ++seq,
    );
    expect(out.map((f) => [f.type, f.seq, f.id ?? f.replyTo])).toEqual([
      ['user', 11, 'b'],
      ['typing', undefined, undefined],
      ['reply', 12, 'b'],
      ['reply', 13, undefined],
      ['typing', undefined, undefined],
    ]);
    expect(out[3]?.blocks).toEqual(queued.blocks);
  });

  it("answers a frame the app never saw with another's of the same kind, always the same", () => {
    const turns = new RecordedTurns();
    const typingOff: Frame = { type: 'typing', on: false };
    turns.add('message:a', [{ type: 'user', text: 'a' }, typingOff]);
    turns.add('message:b', [{ type: 'user', text: 'b' }, typingOff]);
    turns.add(`choose:${LEAVE_OPTION}`, [{ type: 'user', text: 'leave' }, ended]);
    expect(turns.answer('message:a')).toMatchObject({ own: true, frames: [{ text: 'a' }, {}] });
    const other = turns.answer('message:zzz');
    expect(other?.own).toBe(false);
    expect(['a', 'b']).toContain(other?.frames[0]?.text);
    expect(turns.answer('message:zzz')).toEqual(other);
    expect(turns.answer('choose:restart')).toMatchObject({ own: false, frames: [{}, ended] });
    expect(new RecordedTurns().answer('message:a')).toBeUndefined();
  });
});

describe('bench client: conversations against the app', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const options = (port: number, texts: string[]): ConversationOptions => ({
    port,
    lang: 'et',
    texts,
    offset: 0,
    turnTimeoutMs: 5000,
    openTimeoutMs: 5000,
  });

  it('leaves the staff queue with the turn after a handover, and records it', async () => {
    server = await startServer({ OFFICE_HOURS: 'always' }, { assistant: createRuleAssistant() });
    const port = Number(new URL(server.url).port);
    const record = new Map<string, Frame[]>();
    const c = await Conversation.open({
      ...options(port, ['tahan inimene', 'aitäh', 'tere']),
      record,
    });
    expect(await c.turn()).toBeGreaterThan(0);
    expect(c.queued).toBe(1);
    // The leave button (its end is the notice: no typing frame), then the texts go on.
    expect(await c.turn()).toBeGreaterThan(0);
    expect(c.left).toBe(1);
    expect(await c.turn()).toBeGreaterThan(0);
    expect([...record.keys()]).toEqual([
      'message:tahan inimene',
      `choose:${LEAVE_OPTION}`,
      'message:aitäh',
    ]);
    const leave = record.get(`choose:${LEAVE_OPTION}`) ?? [];
    expect(leave.map((f) => f.type)).toEqual(['user', 'reply']);
    expect(leave.at(-1)?.blocks).toEqual([{ type: 'handover', state: 'ended' }]);
    expect(c.stale).toBe(false);
    await c.close();
  });

  it('replaces a conversation when no person is available (its next message is a contact request)', async () => {
    server = await startServer({ OFFICE_HOURS: 'never' }, { assistant: createRuleAssistant() });
    const port = Number(new URL(server.url).port);
    const pool = await Pool.open(1, () => options(port, ['tahan inimene', 'tere']));
    const first = await pool.at(0);
    expect(await first.turn()).toBeGreaterThan(0);
    expect(first.stale).toBe(true);
    const second = await pool.at(0);
    expect(second).not.toBe(first);
    expect(await second.turn()).toBeGreaterThan(0);
    expect(pool.stats()).toMatchObject({ conversations: 2, replaced: 1, timedOutTurns: 0 });
    await pool.close();
  });
});

describe('bench client: a server that never ends a turn', () => {
  let http: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
    http = undefined;
  });

  it('gives the turn up after the timeout and the pool replaces the conversation', async () => {
    http = createServer();
    const wss = new WebSocketServer({ server: http, path: '/ws' });
    wss.on('connection', (ws) =>
      ws.on('message', (data: Buffer) => {
        const f = JSON.parse(data.toString('utf8')) as { type: string; id?: string };
        if (f.type === 'hello') ws.send(JSON.stringify({ type: 'welcome', v: 1 }));
        else ws.send(JSON.stringify({ type: 'user', seq: 1, id: f.id, text: 'x' }));
      }),
    );
    await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;
    const pool = await Pool.open(1, () => ({
      port,
      lang: 'et',
      texts: ['tere'],
      offset: 0,
      turnTimeoutMs: 200,
      openTimeoutMs: 2000,
    }));
    const first = await pool.at(0);
    expect(await first.turn()).toBeNaN();
    expect(first.stale).toBe(true);
    expect(first.unanswered).toBe(0);
    expect(await (await pool.at(0)).turn()).toBeNaN();
    expect(pool.stats()).toMatchObject({ conversations: 2, replaced: 1, timedOutTurns: 2 });
    await pool.close();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  });
});
