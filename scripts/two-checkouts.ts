/**
 * The assistants of two checkouts in one process, for the scripts that compare them
 * (`ab-turns.ts`: CPU per turn; `same-replies.ts`: the replies): this tree's and the one at
 * `base` (another worktree with its own src/), with the fixed clock of the turn profile so the
 * same dates are extracted on both sides.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Lang } from '../src/protocol/frames.js';
import type { createAssistantKit as CreateKit } from '../src/assistant-kit.js';
import { createAssistantKit } from '../src/assistant-kit.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Conversations take et, en and ru in turn. */
export const LANG_OF: readonly Lang[] = ['et', 'en', 'ru'];
/** The step's context: signed out, at a fixed time (2026-12-01 12:00 UTC). */
export const CTX = { signedIn: false, now: Date.UTC(2026, 11, 1, 12) };

type Kit = ReturnType<typeof CreateKit>;

/** The assistant kits (assistant and classifier) of the checkout at `base` and of this tree. */
export async function twoKits(base: string): Promise<{ base: Kit; own: Kit }> {
  const module = (await import(pathToFileURL(join(base, 'src/assistant-kit.ts')).href)) as {
    createAssistantKit: typeof CreateKit;
  };
  return { base: module.createAssistantKit(base), own: createAssistantKit(ROOT) };
}
