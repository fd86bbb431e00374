/**
 * The realistic direct questions per language (test/direct-questions, not training data): most
 * must get their fact in the first reply. The exact counts are printed by
 * `npm run direct-questions` (and `-- --set fresh`); these floors catch a regression.
 */
import { describe, expect, it } from 'vitest';
import { runDirectQuestions } from '../../scripts/direct-questions.js';
import { ROOT_DIR } from '../../src/paths.js';

describe('direct questions', () => {
  it('answer at least 25 of 30 questions per language with the expected fact', () => {
    for (const r of runDirectQuestions()) {
      expect(r.total, r.lang).toBe(30);
      expect(r.fact, `${r.lang}: ${JSON.stringify(r.misses)}`).toBeGreaterThanOrEqual(25);
    }
  });

  it('answer at least 20 of the 30 fresh questions per language (session 2 set)', () => {
    for (const r of runDirectQuestions(ROOT_DIR, 'fresh')) {
      expect(r.total, r.lang).toBe(30);
      expect(r.fact, `${r.lang}: ${JSON.stringify(r.misses)}`).toBeGreaterThanOrEqual(20);
    }
  });
});
