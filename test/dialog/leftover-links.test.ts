/**
 * Pages issue 13's leftovers replaced (G-15): the page to act on is the one that says it, not a
 * site's homepage.
 */
import { describe, expect, it } from 'vitest';
import { realBundle } from './helpers.js';

const bundle = realBundle();
const service = (id: string) =>
  bundle.catalog.lifeEvents.flatMap((e) => e.services).find((s) => s.id === id);

describe('the page to act on', () => {
  it("for a minor's marriage is the ministry's page that names the court ruling, not kohus.ee", () => {
    const minor = service('marriage-minor');
    const page = minor?.links?.et ?? minor?.sources[0];
    expect(page).toBe('https://www.siseministeerium.ee/abielu-solmimine');
  });
});
