import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureStatusPanel } from '../../src/status/fixture-status-panel.js';
import { createHttpStatusPanel } from '../../src/status/http-status-panel.js';
import { createMockStatusPanel, type MockStatusPanel } from '../../src/status/mock-server.js';
import { StatusPanelError, type StatusPanel } from '../../src/status/status-panel.js';
import { createStatusLookup } from '../../src/status/status-lookup.js';
import { createLogger } from '../../src/logger.js';

const API_KEY = 'test-api-key-0123456789';
const MARI = '49005120001';
const ANNA = '49211110006';
const UNKNOWN = '38001085718';
const logger = createLogger('silent');

let mock: MockStatusPanel;
let url: string;
beforeAll(async () => {
  mock = createMockStatusPanel({ apiKey: API_KEY });
  url = await mock.listen();
});
afterAll(() => mock.close());
afterEach(() => {
  Object.assign(mock.behaviour, { delayMs: 0, failNext: 0, failStatus: 503, malformedNext: 0 });
  mock.requests.length = 0;
});

const panelFor = (extra: Partial<Parameters<typeof createHttpStatusPanel>[0]> = {}) =>
  createHttpStatusPanel({
    baseUrl: url,
    apiKey: API_KEY,
    backoffMs: 5,
    cacheTtlMs: 0,
    logger,
    ...extra,
  });

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'resolved';
  } catch (err) {
    return err instanceof StatusPanelError ? err.code : String(err);
  }
}

/** The same contract holds for both adapters. */
describe.each([
  ['fixture', () => createFixtureStatusPanel()],
  ['http against the mock server', () => panelFor()],
] as [string, () => StatusPanel][])('status panel contract (%s)', (_name, make) => {
  it('answers the same status as the fixture for every demo person', async () => {
    const panel = make();
    const fixture = createFixtureStatusPanel();
    for (const person of fixture.persons) {
      expect(await panel.getStatus(person.personalCode)).toEqual(
        await fixture.getStatus(person.personalCode),
      );
    }
  });

  it('answers an empty status for a person the panel does not know', async () => {
    expect(await make().getStatus(UNKNOWN)).toEqual({ lifeEvents: [], offers: [] });
  });

  it("never mixes one person's status into another's", async () => {
    const panel = make();
    const [mari, anna] = await Promise.all([panel.getStatus(MARI), panel.getStatus(ANNA)]);
    expect(mari.lifeEvents.map((l) => l.lifeEvent)).toEqual(['marriage']);
    expect(anna.offers.map((o) => o.serviceId)).toEqual(['birth-maternity-benefit']);
    expect(mari.offers).toEqual([]);
  });
});

describe('HTTP status panel', () => {
  it('sends the bearer key, and a wrong key is a bad response, not retried', async () => {
    expect(await codeOf(panelFor({ apiKey: 'wrong-key-0123456789' }).getStatus(MARI))).toBe(
      'STATUS_PANEL_BAD_RESPONSE',
    );
    expect(mock.requests).toEqual([{ path: `/v1/persons/${MARI}/status`, status: 401 }]);
  });

  it('retries a failing panel with backoff and succeeds on the third attempt', async () => {
    mock.behaviour.failNext = 2;
    const status = await panelFor().getStatus(MARI);
    expect(status.lifeEvents).toHaveLength(1);
    expect(mock.requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('gives up after the attempts with STATUS_PANEL_UNAVAILABLE', async () => {
    mock.behaviour.failNext = 5;
    mock.behaviour.failStatus = 500;
    expect(await codeOf(panelFor({ attempts: 3 }).getStatus(MARI))).toBe(
      'STATUS_PANEL_UNAVAILABLE',
    );
    expect(mock.requests).toHaveLength(3);
  });

  it('times out a slow panel per attempt', async () => {
    mock.behaviour.delayMs = 500;
    const started = Date.now();
    expect(await codeOf(panelFor({ timeoutMs: 100, attempts: 2 }).getStatus(MARI))).toBe(
      'STATUS_PANEL_TIMEOUT',
    );
    expect(Date.now() - started).toBeLessThan(450);
  });

  it('refuses malformed answers: broken JSON and JSON that breaks the schema', async () => {
    mock.behaviour.malformedNext = 2;
    const panel = panelFor();
    expect(await codeOf(panel.getStatus(MARI))).toBe('STATUS_PANEL_BAD_RESPONSE');
    expect(await codeOf(panel.getStatus(MARI))).toBe('STATUS_PANEL_BAD_RESPONSE');
    // Malformed answers are not retried: asking again would not fix the contract.
    expect(mock.requests).toHaveLength(2);
    expect((await panel.getStatus(MARI)).lifeEvents).toHaveLength(1);
  });

  it('refuses an answer for another person than the one asked about', async () => {
    const fixture = createFixtureStatusPanel();
    const lying = createHttpStatusPanel({
      baseUrl: url,
      logger,
      fetch: () => Promise.resolve(Response.json(fixture.wire(ANNA))),
    });
    expect(await codeOf(lying.getStatus(MARI))).toBe('STATUS_PANEL_BAD_RESPONSE');
  });

  it('opens the circuit after repeated failures and fails fast until it half-opens', async () => {
    let t = 0;
    const panel = panelFor({ attempts: 1, failureThreshold: 2, openMs: 1000, now: () => t });
    mock.behaviour.failNext = 2;
    expect(await codeOf(panel.getStatus(MARI))).toBe('STATUS_PANEL_UNAVAILABLE');
    expect(await codeOf(panel.getStatus(MARI))).toBe('STATUS_PANEL_UNAVAILABLE');
    expect(await codeOf(panel.getStatus(MARI))).toBe('STATUS_PANEL_CIRCUIT_OPEN');
    expect(mock.requests).toHaveLength(2);
    t = 1000;
    expect((await panel.getStatus(MARI)).lifeEvents).toHaveLength(1);
    expect(mock.requests).toHaveLength(3);
  });

  it('caches a person briefly, per person, and forgets on invalidate', async () => {
    let t = 0;
    const panel = panelFor({ cacheTtlMs: 30_000, now: () => t });
    await panel.getStatus(MARI);
    await panel.getStatus(MARI);
    await panel.getStatus(ANNA);
    expect(mock.requests).toHaveLength(2);
    panel.invalidate?.(MARI);
    await panel.getStatus(MARI);
    t = 31_000;
    await panel.getStatus(ANNA);
    expect(mock.requests).toHaveLength(4);
  });

  it('shares one request between concurrent lookups for one person', async () => {
    mock.behaviour.delayMs = 50;
    const panel = panelFor();
    await Promise.all([panel.getStatus(MARI), panel.getStatus(MARI), panel.getStatus(MARI)]);
    expect(mock.requests).toHaveLength(1);
  });
});

describe('status lookup over a slow or dead panel', () => {
  const identity = { subject: MARI, name: 'Mari Maasikas (demo)' };

  it('answers unavailable within its bound when the panel is slow', async () => {
    mock.behaviour.delayMs = 3000;
    const lookup = createStatusLookup({
      panel: panelFor({ timeoutMs: 5000 }),
      logger,
      timeoutMs: 300,
    });
    const started = Date.now();
    expect(await lookup(identity)).toEqual({ type: 'unavailable' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('answers unavailable when nothing listens at the URL', async () => {
    const dead = createMockStatusPanel();
    const deadUrl = await dead.listen();
    await dead.close();
    const lookup = createStatusLookup({ panel: panelFor({ baseUrl: deadUrl }), logger });
    expect(await lookup(identity)).toEqual({ type: 'unavailable' });
  });

  it('answers signed-out without asking the panel when there is no identity', async () => {
    const lookup = createStatusLookup({ panel: panelFor(), logger });
    expect(await lookup(undefined)).toEqual({ type: 'signed-out' });
    expect(mock.requests).toHaveLength(0);
  });

  it('narrows the status to the life event asked about', async () => {
    const lookup = createStatusLookup({ panel: panelFor(), logger });
    const result = await lookup({ subject: ANNA, name: 'Anna Aas (demo)' }, 'child-birth');
    expect(result.type).toBe('found');
    if (result.type !== 'found') return;
    expect(result.status.lifeEvents.map((l) => l.lifeEvent)).toEqual(['child-birth']);
    expect(result.status.offers).toHaveLength(1);
  });
});
