import { describe, expect, it } from 'vitest';
import type { AssistantReply } from '../../src/core/assistant.js';
import { createHandover } from '../../src/handover/handover.js';
import { createLogger } from '../../src/logger.js';
import type { Session } from '../../src/session/session.js';

const session = (id: string): Session => ({
  v: 1,
  id,
  createdAt: 0,
  updatedAt: 0,
  lang: 'en',
  channel: 'web',
  seq: 0,
  history: [],
  seenIds: [],
  assistantState: null,
});

function setup(open: boolean) {
  let t = 0;
  const pushed: [string, AssistantReply, string][] = [];
  const contacts: string[] = [];
  const handover = createHandover({
    push: (id, reply, role) => {
      pushed.push([id, reply, role]);
      return Promise.resolve();
    },
    history: () => Promise.resolve([]),
    isOpen: () => open,
    officeWhen: () => ({ hours: 'on weekdays 9:00–17:00', back: 'tomorrow at 9:00' }),
    saveContactRequest: (r) => {
      contacts.push(r.text);
      return Promise.resolve();
    },
    mark: () => undefined,
    logger: createLogger('silent'),
    contactWindowMs: 1000,
    queueIdleMs: 5000,
    now: () => t,
  });
  return { handover, pushed, contacts, advance: (ms: number) => (t += ms) };
}

describe('Handover', () => {
  it('drops a queued citizen who went quiet (closed the tab) and moves the rest up', () => {
    const { handover, pushed, advance } = setup(true);
    handover.observer.onEffect?.(session('gone'), { type: 'handover-request' });
    advance(3000);
    handover.observer.onEffect?.(session('waiting'), { type: 'handover-request' });
    advance(3000);
    handover.observer.onFrame?.(session('waiting'), {
      type: 'user',
      seq: 5,
      id: 'x',
      text: 'hello?',
      ts: 0,
    });
    advance(1000);
    pushed.length = 0;
    expect(handover.snapshot().queued.map((q) => [q.sessionId, q.position])).toEqual([
      ['waiting', 1],
    ]);
    expect(pushed.map(([id, reply]) => [id, reply.blocks[0]])).toEqual([
      ['waiting', { type: 'handover', state: 'queued', position: 1 }],
    ]);
    expect(handover.router(session('gone'))).toBe('assistant');
  });

  it('ignores a second request while queued and keeps queue order', () => {
    const { handover, pushed } = setup(true);
    handover.observer.onEffect?.(session('a'), { type: 'handover-request' });
    handover.observer.onEffect?.(session('b'), { type: 'handover-request' });
    handover.observer.onEffect?.(session('a'), { type: 'handover-request' });
    expect(handover.snapshot().queued.map((q) => [q.sessionId, q.position])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(pushed).toHaveLength(2);
    expect(handover.router(session('a'))).toBe('agent');
    expect(handover.router(session('c'))).toBe('assistant');
  });

  it('moves everyone behind up when a queued conversation is ended', () => {
    const { handover, pushed } = setup(true);
    for (const id of ['a', 'b', 'c'])
      handover.observer.onEffect?.(session(id), { type: 'handover-request' });
    pushed.length = 0;
    handover.end('a', 'anu');
    const positions = pushed
      .map(([id, reply]) => [id, reply.blocks.find((b) => b.type === 'handover')])
      .filter(([id]) => id !== 'a');
    expect(positions).toEqual([
      ['b', { type: 'handover', state: 'queued', position: 1 }],
      ['c', { type: 'handover', state: 'queued', position: 2 }],
    ]);
  });

  it('takes contact details only within the window after "unavailable"', () => {
    const { handover, advance } = setup(false);
    handover.observer.onEffect?.(session('a'), { type: 'handover-request' });
    expect(handover.router(session('a'))).toBe('agent');
    advance(1001);
    expect(handover.router(session('a'))).toBe('assistant');
    expect(handover.snapshot()).toEqual({ queued: [], live: [] });
  });
});
