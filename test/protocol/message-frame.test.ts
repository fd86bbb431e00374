/** The hand check of message frames answers exactly what the zod schema answers for them. */
import { describe, expect, it } from 'vitest';
import { ClientFrame, LIMITS } from '../../src/protocol/frames.js';
import { plainMessageFrame } from '../../src/protocol/message-frame.js';

const long = (n: number) => 'a'.repeat(n);
const CASES: unknown[] = [
  { type: 'message', id: 'm1', text: 'tere' },
  { type: 'message', id: 'm1', text: 'tere', extra: 1, lang: 'et' },
  { text: 'x', id: 'i', type: 'message' },
  { type: 'message', id: long(LIMITS.idMaxChars), text: long(LIMITS.textMaxChars) },
  { type: 'message', id: long(LIMITS.idMaxChars + 1), text: 'x' },
  { type: 'message', id: 'm', text: long(LIMITS.textMaxChars + 1) },
  { type: 'message', id: '', text: 'x' },
  { type: 'message', id: 'm', text: '' },
  { type: 'message', id: 'm', text: ' ' },
  { type: 'message', id: 'm', text: '\uD800 lone surrogate 👩‍👧' },
  { type: 'message', id: 1, text: 'x' },
  { type: 'message', id: 'm', text: 5 },
  { type: 'message', id: 'm', text: null },
  { type: 'message', id: 'm' },
  { type: 'message', text: 'x' },
  { type: 'Message', id: 'm', text: 'x' },
  { type: 'choose', id: 'm', optionId: 'yes' },
  { type: 'hello', v: 1, lang: 'et' },
  { type: 'ping' },
  ['message', 'm', 'x'],
  'message',
  null,
  42,
  {},
];

describe('plainMessageFrame', () => {
  it('accepts what ClientFrame accepts as a message, with the same data, and nothing else', () => {
    let accepted = 0;
    for (const raw of CASES) {
      const plain = plainMessageFrame(raw);
      const parsed = ClientFrame.safeParse(raw);
      if (plain) {
        accepted++;
        expect(parsed.success).toBe(true);
        expect(plain).toEqual(parsed.data);
      } else {
        expect(parsed.success && parsed.data.type === 'message').toBe(false);
      }
    }
    expect(accepted).toBe(6);
  });
});
