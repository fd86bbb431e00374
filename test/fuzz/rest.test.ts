/**
 * Property-based fuzzing of the REST API (issue 15): random paths, methods, content types and
 * bodies (not JSON, wrong shapes and types, huge, deeply nested, invalid UTF-8, NUL, lone
 * surrogates). Every answer is a 2xx or a 4xx with a JSON error code, never a 5xx; no unhandled
 * rejection; the server keeps serving a normal conversation. FUZZ_RUNS sets the cases (default 1000).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

let server: TestServer;
let conversationId = '';
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startServer({ REST_RATE_LIMIT: '100000', WS_RATE_LIMIT: '10000' });
  const res = await fetch(`${server.url}/api/v1/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"lang":"en"}',
  });
  conversationId = ((await res.json()) as { id: string }).id;
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server.close();
});

const anyValue = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);

const body: fc.Arbitrary<string | ArrayBuffer | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc
    .record(
      {
        lang: fc.oneof(fc.constantFrom('et', 'en', 'ru'), anyValue),
        text: fc.oneof(
          fc.string({ unit: 'binary', minLength: 1 }),
          fc.constantFrom('hello\u0000world', 'lone \uD800', 'tere'),
          anyValue,
        ),
        optionId: anyValue,
        extra: anyValue,
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.integer({ min: 1000, max: 40_000 }).map((n) => JSON.stringify({ text: 'x'.repeat(n) })),
  fc.integer({ min: 10, max: 5000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((b) => Uint8Array.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xc3, 0x28, ...b]).buffer),
);

const request = fc.record({
  method: fc.oneof(
    { arbitrary: fc.constant('POST'), weight: 6 },
    { arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH'), weight: 1 },
  ),
  path: fc.oneof(
    { arbitrary: fc.constant('/api/v1/conversations'), weight: 3 },
    { arbitrary: fc.constant('__known__'), weight: 5 },
    fc
      .string({ maxLength: 60 })
      .map((id) => `/api/v1/conversations/${encodeURIComponent(id)}/messages`),
    fc.webPath().map((p) => `/api/v1/${p}`),
  ),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'application/json',
    'application/json; charset=latin1',
    'text/plain',
    'application/x-www-form-urlencoded',
    undefined,
  ),
  body,
});

describe('REST fuzzing', () => {
  it(`answers ${RUNS} random requests with 2xx or a 4xx JSON error, never 5xx`, async () => {
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const path =
          r.path === '__known__' ? `/api/v1/conversations/${conversationId}/messages` : r.path;
        const res = await fetch(`${server.url}${path}`, {
          method: r.method,
          headers: r.contentType ? { 'content-type': r.contentType } : {},
          ...(r.body !== undefined && r.method !== 'GET' && { body: r.body }),
        });
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expect(res.status).toBeLessThan(500);
        const text = await res.text();
        if (res.status >= 400 && res.headers.get('content-type')?.includes('json')) {
          const parsed = JSON.parse(text) as { error?: { code?: unknown } };
          expect(typeof parsed.error?.code).toBe('string');
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261201) },
    );
    // A normal conversation is still served.
    const res = await fetch(`${server.url}/api/v1/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(res.status).toBe(200);
    expect(unhandled).toEqual([]);
    console.info(`REST fuzz: ${RUNS} cases, statuses ${JSON.stringify(statuses)}`);
  }, 600_000);
});
