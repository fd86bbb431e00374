/**
 * The widget's check of incoming server frames. The server validates what clients send with
 * the strict zod schemas of src/protocol/frames.ts; the widget only needs to know that what
 * it renders is there with the right type, so it checks the shape with this small
 * description instead of bundling zod (about 9 KB gzipped). Links are checked again where
 * they are rendered (safeHref: https only) and text is always bound as text.
 *
 * A reply block of a type this build does not know is skipped (a newer server may send
 * one); a frame whose known parts have the wrong shape is dropped.
 */
import type { ServerFrame } from '../../src/protocol/frames.js';

/** 's' string, 'n' number, 'b' boolean, 'o' object; a trailing '?' makes it optional; [x] an array of x. */
type Shape = string | readonly [Shape] | { readonly [key: string]: Shape };

const OPTION = { id: 's', label: 's' };
const CARD = { id: 's', name: 's', provider: 's', kind: 's', mode: 's', url: 's', summary: 's?' };
const ITEM = { text: 's', summary: 's?', provider: 's?', deadline: 's?', state: 's?', url: 's?' };
const STATUS = { name: 's', state: 's', date: 's?', nextStep: 's?', url: 's?' };

const BLOCKS: Record<string, Shape> = {
  options: { options: [OPTION] },
  services: { services: [CARD] },
  checklist: { title: 's', items: [ITEM], planId: 's?' },
  status: { title: 's', items: [STATUS] },
  handover: { state: 's', position: 'n?' },
  feedback: {},
  'sign-in': {},
};

const FRAMES: Record<string, Shape> = {
  welcome: { sessionId: 's', lang: 's', resumed: 'b', lastSeq: 'n', identity: 'o?' },
  reply: { seq: 'n', role: 's', text: 's', lang: 's?', replyTo: 's?', ts: 'n' },
  user: { seq: 'n', id: 's', text: 's', ts: 'n' },
  typing: { on: 'b' },
  pong: {},
  error: { code: 's', message: 's', id: 's?' },
};

const TYPES: Record<string, string> = { s: 'string', n: 'number', b: 'boolean' };

function fits(value: unknown, shape: Shape): boolean {
  if (typeof shape === 'string') {
    if (shape.endsWith('?') && value === undefined) return true;
    return shape[0] === 'o' ? isObject(value) : typeof value === TYPES[shape[0] ?? ''];
  }
  if (Array.isArray(shape))
    return Array.isArray(value) && value.every((v) => fits(v, shape[0] as Shape));
  if (!isObject(value)) return false;
  return Object.entries(shape).every(([k, s]) => fits(value[k], s));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The frame when its shape is what the widget renders, else undefined. */
export function checkServerFrame(raw: unknown): ServerFrame | undefined {
  if (!isObject(raw)) return undefined;
  const shape = FRAMES[String(raw.type)];
  if (!shape || !fits(raw, shape)) return undefined;
  if (raw.type === 'welcome') {
    const id = raw.identity;
    if (isObject(id) && typeof id.name !== 'string') return undefined;
  }
  if (raw.type === 'reply') {
    if (!Array.isArray(raw.blocks)) return undefined;
    const blocks = raw.blocks.filter((b) => isObject(b) && String(b.type) in BLOCKS);
    if (!blocks.every((b) => fits(b, BLOCKS[String((b as { type: unknown }).type)] ?? {})))
      return undefined;
    return { ...raw, blocks } as unknown as ServerFrame;
  }
  return raw as unknown as ServerFrame;
}
