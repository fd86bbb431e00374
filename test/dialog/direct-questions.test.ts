/**
 * The realistic direct questions per language (test/direct-questions, not training data): most
 * must get their fact in the first reply. The exact counts are printed by
 * `npm run direct-questions` (and `-- --set fresh`); these floors catch a regression.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runDirectQuestions } from '../../scripts/direct-questions.js';
import { createAssistantKit } from '../../src/assistant-kit.js';
import { ROOT_DIR } from '../../src/paths.js';

/** 90 first messages per set through the whole assistant: CPU work, slow on a loaded machine. */
const SET_TIMEOUT_MS = 90_000;

describe('direct questions', () => {
  let kit: ReturnType<typeof createAssistantKit>;
  beforeAll(() => {
    kit = createAssistantKit(ROOT_DIR);
  }, SET_TIMEOUT_MS);

  it(
    'answer at least 25 of 30 questions per language with the expected fact',
    () => {
      for (const r of runDirectQuestions(ROOT_DIR, '', kit)) {
        expect(r.total, r.lang).toBe(30);
        expect(r.fact, `${r.lang}: ${JSON.stringify(r.misses)}`).toBeGreaterThanOrEqual(25);
      }
    },
    SET_TIMEOUT_MS,
  );

  it(
    'answer at least 20 of the 30 fresh questions per language (session 2 set)',
    () => {
      for (const r of runDirectQuestions(ROOT_DIR, 'fresh', kit)) {
        expect(r.total, r.lang).toBe(30);
        expect(r.fact, `${r.lang}: ${JSON.stringify(r.misses)}`).toBeGreaterThanOrEqual(20);
      }
    },
    SET_TIMEOUT_MS,
  );
});
