/**
 * The one client frame of a turn, checked without zod: `{type:'message', id, text}` with an id
 * of 1–64 characters and a text of 1–2,000, as `MessageFrame` in frames.ts defines it. Answers
 * what `ClientFrame.safeParse` would (unknown keys dropped) or undefined, and then the caller
 * parses with zod as before, which also words the error; test/protocol/message-frame.test.ts
 * compares both on valid and invalid frames.
 */
import { LIMITS } from './constants.js';

export interface PlainMessageFrame {
  type: 'message';
  id: string;
  text: string;
}

export function plainMessageFrame(raw: unknown): PlainMessageFrame | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const { type, id, text } = raw as Record<string, unknown>;
  if (type !== 'message') return undefined;
  if (typeof id !== 'string' || id.length < 1 || id.length > LIMITS.idMaxChars) return undefined;
  if (typeof text !== 'string' || text.length < 1 || text.length > LIMITS.textMaxChars)
    return undefined;
  return { type, id, text };
}
