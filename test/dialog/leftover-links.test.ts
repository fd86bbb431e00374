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
  // Since 1 November 2022 no one under 18 can marry (review 24 R24-12): the page is the Family Law
  // Act that says so, not kohus.ee's homepage nor a page that still lists a court's permission.
  it("for a minor's marriage is the Family Law Act, not kohus.ee's homepage", () => {
    const minor = service('marriage-minor');
    const page = minor?.links?.et ?? minor?.sources[0];
    expect(page).toBe('https://www.riigiteataja.ee/akt/111012023012?leiaKehtiv');
  });
});
