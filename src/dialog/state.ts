/**
 * The conversation state: plain versioned JSON, so it can be stored anywhere and survive
 * restarts. State of another version is dropped on restore, never misread.
 */
import { z } from 'zod';
import { LANGS, type Lang } from '../protocol/frames.js';
import { LIFE_EVENTS } from '../nlu/types.js';

export const DIALOG_STATE_VERSION = 1;

export const DialogState = z.object({
  v: z.literal(DIALOG_STATE_VERSION),
  lang: z.enum(LANGS),
  /** The life event whose dialog is active (or was, once it ended). */
  lifeEvent: z.enum(LIFE_EVENTS).optional(),
  /** The node waiting for the person: a question, an input, or a status node. */
  node: z.string().optional(),
  /** Answers so far, by the question's `var`. */
  vars: z.record(z.string(), z.string()),
  /** Misunderstood messages in a row; two call a human. */
  misses: z.number().int().min(0),
  /** A status lookup is out; `then` is where the dialog goes on when the answer comes. */
  pendingStatus: z.object({ then: z.string().optional() }).optional(),
  /** Variables answered so far, typed or chosen, in that order (shown back as “You said: …”). */
  heard: z.array(z.string()).optional(),
  /** Of those, the ones answered with a button: the example correction prefers a typed one. */
  chosen: z.array(z.string()).optional(),
  /** What typed extractors read for a variable (`age:63`, `date:2026-11-30`), for “You said”. */
  details: z.record(z.string(), z.string().max(40)).optional(),
  /** “Do you want to talk about X instead?” is open; `text` is the message that named X. */
  pendingSwitch: z.object({ to: z.enum(LIFE_EVENTS), text: z.string().max(200) }).optional(),
  /** “Shall I make your checklist?” is open after a direct answer. */
  offer: z
    .object({
      lifeEvent: z.enum(LIFE_EVENTS),
      text: z.string().max(200),
      /** The direct question it followed, when naming a municipality may sharpen the answer. */
      service: z.string().max(60).optional(),
      kind: z.string().max(20).optional(),
      /** The answer came after this topic's plan: no plan was offered, a yes is no acceptance. */
      planned: z.boolean().optional(),
    })
    .optional(),
  /**
   * The assistant's last words asked “Did this help?” (a dialog's end) or “Would you like to talk
   * to a person?” (after it did not): a yes or no answers that, not small talk.
   */
  asked: z.enum(['helped', 'human']).optional(),
  /** Glossary terms in what the assistant said last, for a bare “what does that mean?”. */
  lastTerms: z.array(z.string()).max(10).optional(),
  /** The municipality named in this conversation (an id of dialogs/municipalities.yaml). */
  municipality: z.string().max(60).optional(),
});
export type DialogState = z.infer<typeof DialogState>;

export function initialState(lang: Lang): DialogState {
  return { v: DIALOG_STATE_VERSION, lang, vars: {}, misses: 0 };
}

export function restoreState(stored: unknown): DialogState | undefined {
  const parsed = DialogState.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
}
