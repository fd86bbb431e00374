import { describe, expect, it } from 'vitest';
import { ClientFrame, ServerFrame } from '../../src/protocol/frames.js';
import { describeIssues } from '../../src/protocol/errors.js';

describe('ClientFrame', () => {
  it('accepts a minimal hello', () => {
    expect(ClientFrame.safeParse({ type: 'hello', v: 1, lang: 'et' }).success).toBe(true);
  });

  it('accepts a hello that resumes a session with a token', () => {
    const frame = { type: 'hello', v: 1, lang: 'ru', sessionId: 'abc', lastSeq: 4, token: 'x.y.z' };
    expect(ClientFrame.parse(frame)).toEqual(frame);
  });

  it('accepts a message, a choice, a language switch and feedback', () => {
    for (const frame of [
      { type: 'message', id: 'm1', text: 'tere' },
      { type: 'choose', id: 'm2', optionId: 'event:marriage' },
      { type: 'set-lang', lang: 'en' },
      { type: 'feedback', rating: 5, comment: 'aitas' },
    ]) {
      expect(ClientFrame.safeParse(frame).success, JSON.stringify(frame)).toBe(true);
    }
  });

  it.each([
    [{ type: 'hello', v: 2, lang: 'et' }, 'v'],
    [{ type: 'hello', v: 1, lang: 'de' }, 'lang'],
    [{ type: 'message', id: 'm1', text: '' }, 'text'],
    [{ type: 'message', id: 'm1', text: 'x'.repeat(2001) }, 'text'],
    [{ type: 'message', text: 'tere' }, 'id'],
    [{ type: 'feedback', rating: 6 }, 'rating'],
    [{ type: 'feedback', rating: 2.5 }, 'rating'],
    [{ type: 'shout', text: 'x' }, 'type'],
  ])('refuses %j and names the field', (frame, field) => {
    const result = ClientFrame.safeParse(frame);
    expect(result.success).toBe(false);
    if (!result.success) expect(describeIssues(result.error)).toContain(field);
  });
});

describe('ServerFrame', () => {
  it('accepts a reply with options and a service card', () => {
    const reply = {
      type: 'reply',
      seq: 1,
      role: 'assistant',
      text: 'Abiellumine',
      ts: 1,
      blocks: [
        { type: 'options', options: [{ id: 'yes', label: 'Jah' }] },
        {
          type: 'services',
          services: [
            {
              id: 'marriage-application',
              name: 'Abiellumisavaldus',
              provider: 'KOV',
              kind: 'core',
              mode: 'application',
              url: 'https://www.siseministeerium.ee/',
            },
          ],
        },
      ],
    };
    expect(ServerFrame.safeParse(reply).success).toBe(true);
  });

  it('refuses a service link that is not https', () => {
    const card = {
      id: 's',
      name: 'n',
      provider: 'p',
      kind: 'core',
      mode: 'application',
      url: 'javascript:alert(1)',
    };
    const reply = {
      type: 'reply',
      seq: 1,
      role: 'assistant',
      text: '',
      ts: 1,
      blocks: [{ type: 'services', services: [card] }],
    };
    expect(ServerFrame.safeParse(reply).success).toBe(false);
  });
});
