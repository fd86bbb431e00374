/**
 * A mock status panel: serves the fixture's demo persons over the REST contract of
 * docs/status-panel-api.md, with faults to order (slow, failing, malformed answers) so the
 * HTTP adapter can be tested over real HTTP. `npm run status-panel:mock` starts it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { createFixtureStatusPanel, type FixtureStatusPanel } from './fixture-status-panel.js';
import { parsePersonalCode } from '../identity/personal-code.js';

export interface MockBehaviour {
  /** Delay before every answer. */
  delayMs: number;
  /** The next N requests fail with `failStatus`. */
  failNext: number;
  failStatus: number;
  /** The next N requests get a 200 whose body breaks the contract. */
  malformedNext: number;
  /** Each request fails with this probability (for manual chaos runs). */
  failureRate: number;
}

export interface MockStatusPanelOptions {
  panel?: FixtureStatusPanel;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  behaviour?: Partial<MockBehaviour>;
}

export interface MockStatusPanel {
  server: Server;
  behaviour: MockBehaviour;
  /** Requests received, in order (path and status answered), for assertions. */
  requests: { path: string; status: number }[];
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export function createMockStatusPanel(options: MockStatusPanelOptions = {}): MockStatusPanel {
  const panel = options.panel ?? createFixtureStatusPanel();
  const behaviour: MockBehaviour = {
    delayMs: 0,
    failNext: 0,
    failStatus: 503,
    malformedNext: 0,
    failureRate: 0,
    ...options.behaviour,
  };
  const requests: MockStatusPanel['requests'] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://mock');
    const send = (status: number, body: unknown, raw = false) => {
      requests.push({ path: url.pathname, status });
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(raw ? String(body) : JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string) =>
      send(status, { error: { code, message } });

    const answer = () => {
      timers.delete(timer);
      if (req.method === 'GET' && url.pathname === '/health') return send(200, { status: 'ok' });
      const match = /^\/v1\/persons\/([^/]+)\/status$/.exec(url.pathname);
      if (!match) return error(404, 'NOT_FOUND', 'No such path.');
      if (req.method !== 'GET') return error(405, 'METHOD_NOT_ALLOWED', 'Only GET.');
      if (options.apiKey && !bearerMatches(req.headers.authorization, options.apiKey))
        return error(401, 'UNAUTHORIZED', 'Missing or wrong bearer token.');
      if (behaviour.failNext > 0) {
        behaviour.failNext -= 1;
        return error(behaviour.failStatus, 'INJECTED_FAILURE', 'Injected failure.');
      }
      if (behaviour.failureRate > 0 && Math.random() < behaviour.failureRate)
        return error(503, 'INJECTED_FAILURE', 'Injected failure.');
      const code = decodeURIComponent(match[1] ?? '');
      const valid = parsePersonalCode(code);
      if (!valid.ok) return error(400, 'BAD_PERSONAL_CODE', valid.message);
      if (behaviour.malformedNext > 0) {
        behaviour.malformedNext -= 1;
        // Alternates between broken JSON and JSON that breaks the schema.
        return behaviour.malformedNext % 2 === 0
          ? send(200, '{"personalCode": "' + code + '", "lifeEvents": [', true)
          : send(200, {
              personalCode: code,
              lifeEvents: [{ lifeEvent: 'lottery-win' }],
              offers: 'many',
            });
      }
      const wire = panel.wire(code);
      if (!wire) return error(404, 'PERSON_NOT_FOUND', 'The panel has nothing for this person.');
      return send(200, wire);
    };
    const timer = setTimeout(answer, behaviour.delayMs);
    timers.add(timer);
    req.on('close', () => {
      if (!res.writableEnded) {
        clearTimeout(timer);
        timers.delete(timer);
      }
    });
  });

  return {
    server,
    behaviour,
    requests,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const { port: actual } = server.address() as AddressInfo;
          resolve(`http://${host}:${actual}`);
        });
      });
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function bearerMatches(header: string | undefined, apiKey: string): boolean {
  const given = Buffer.from(header ?? '');
  const expected = Buffer.from(`Bearer ${apiKey}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const MockEnv = z.object({
  MOCK_STATUS_PANEL_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  MOCK_STATUS_PANEL_HOST: z.string().default('127.0.0.1'),
  MOCK_STATUS_PANEL_API_KEY: z.string().min(16).optional(),
  MOCK_STATUS_PANEL_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  MOCK_STATUS_PANEL_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
});

async function main(): Promise<void> {
  const env = MockEnv.safeParse(
    Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')),
  );
  if (!env.success) {
    process.stderr.write(
      `Invalid configuration:\n${env.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}\n`,
    );
    process.exit(2);
  }
  const e = env.data;
  const mock = createMockStatusPanel({
    ...(e.MOCK_STATUS_PANEL_API_KEY && { apiKey: e.MOCK_STATUS_PANEL_API_KEY }),
    behaviour: {
      delayMs: e.MOCK_STATUS_PANEL_DELAY_MS,
      failureRate: e.MOCK_STATUS_PANEL_FAILURE_RATE,
    },
  });
  const url = await mock.listen(e.MOCK_STATUS_PANEL_PORT, e.MOCK_STATUS_PANEL_HOST);
  process.stderr.write(
    `mock status panel on ${url} (try ${url}/v1/persons/49005120001/status); STATUS_PANEL_URL=${url}\n`,
  );
  const stop = () => void mock.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
