/** docs/facts.md is generated from the data; a stale copy fails here (fix: npm run docs:facts). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { factsMarkdown } from '../../scripts/facts-doc.js';

describe('docs/facts.md', () => {
  it('lists every fact with its value, source and dates, and is up to date', () => {
    const text = factsMarkdown();
    expect(readFileSync('docs/facts.md', 'utf8')).toBe(text);
    expect(text).toContain(
      '| The state fee for a divorce is €90. | 90 EUR | in-force | 2025-01-01 |',
    );
    expect(text).toMatch(/\| Tallinn \| `death-funeral-grant` \| amount \| 250 EUR \|/);
  });
});
