/**
 * The citizen side of per-answer feedback and the redaction notice, against the real app and
 * assistant: "wrong topic" on an answer is stored on that answer with its turn's intent and
 * shown to trainers in the transcript; a personal code in a message is answered with a notice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplyFrame, ServerFrame } from '../../src/protocol/frames.js';
import { TestClient } from '../helpers/server.js';
import { StaffClient, startStaffServer, type StaffTestServer } from '../helpers/staff.js';

let server: StaffTestServer;
beforeAll(async () => {
  server = await startStaffServer({}, [['tiina', 'trainer']], {});
});
afterAll(() => server.close());

interface Message {
  seq: number;
  role: string;
  intent: string | null;
  feedback?: { reason: string; intent: string | null };
}

const replies = (frames: ServerFrame[]) =>
  frames.filter((f): f is ReplyFrame => f.type === 'reply');

describe('per-answer feedback and the redaction notice', () => {
  it('records "wrong topic" on the answer with the intent of its turn, for trainers', async () => {
    const c = await TestClient.connect(server.wsUrl);
    c.send({ type: 'hello', v: 1, lang: 'en' });
    const { sessionId } = await c.next('welcome');
    await c.next('reply'); // greeting
    c.send({ type: 'message', id: 'm1', text: 'we want to get married' });
    const answer = await c.next('reply');
    expect(answer.meta?.intent).toBe('marriage');

    c.send({ type: 'answer-feedback', seq: 99, reason: 'sideways' });
    const refused = await c.next('error');
    expect(refused.code).toBe('BAD_FRAME');
    expect(refused.message).toMatch(/reason/);

    c.send({ type: 'answer-feedback', seq: answer.seq, reason: 'wrong-topic' });
    const staff = new StaffClient(server.url);
    await staff.login('tiina');
    const read = async () =>
      (
        await staff.json<{ messages: Message[] }>('GET', `/staff/api/conversations/${sessionId}`)
      ).messages.find((m) => m.seq === answer.seq)?.feedback;
    await expect.poll(read, { timeout: 5000 }).toEqual({
      reason: 'wrong-topic',
      intent: 'marriage',
    });
    await c.close();
  });

  it('answers a ping with a pong, before and after hello', async () => {
    const c = await TestClient.connect(server.wsUrl);
    c.send({ type: 'ping' });
    expect(await c.next('pong')).toEqual({ type: 'pong' });
    c.send({ type: 'hello', v: 1, lang: 'en' });
    await c.next('welcome');
    c.send({ type: 'ping' });
    expect(await c.next('pong')).toEqual({ type: 'pong' });
    await c.close();
  });

  it('tells the person a personal code was removed from the record', async () => {
    const c = await TestClient.connect(server.wsUrl);
    c.send({ type: 'hello', v: 1, lang: 'et' });
    await c.next('welcome');
    c.send({ type: 'message', id: 'm1', text: 'minu isikukood on 49005120001' });
    await expect
      .poll(() =>
        replies(c.frames)
          .filter((r) => r.role === 'system')
          .map((r) => r.text),
      )
      .toEqual([expect.stringMatching(/^Sinu sõnum sisaldas isikukoodi\. Eemaldasin selle/)]);
    await c.close();
  });
});
