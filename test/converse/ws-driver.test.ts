import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWsDriver } from '../../src/converse/driver.js';
import { runScript } from '../../src/converse/runner.js';
import { parseScript } from '../../src/converse/script.js';
import { startServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

describe('the runner against a running server', () => {
  it('runs a script over the WebSocket, as the widget talks', async () => {
    const script = parseScript(
      'name: ws\nlang: en\nsteps:\n  - user: hello\n    expect: { says: [hello] }\n',
      'ws.yaml',
    );
    const result = await runScript(script, createWsDriver({ url: server.wsUrl }));
    expect(result.failure).toBeUndefined();
    expect(result.turns[0]?.replies.length).toBeGreaterThan(0);
  });
});
