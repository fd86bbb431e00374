/** The Bot Framework channel's webhook on the real server, and its configuration. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createRuleAssistant } from '../helpers/rule-assistant.js';
import { startServer, type TestServer } from '../helpers/server.js';

const PATH = '/api/channels/botframework/messages';
const activity = {
  type: 'message',
  id: 'a1',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  from: { id: 'u1' },
  conversation: { id: 'c1' },
  recipient: { id: 'bot' },
  text: 'tere',
};

describe('CHANNELS configuration', () => {
  it('needs the Bot Framework credentials when botframework is listed, and never echoes the secret', () => {
    let error: unknown;
    try {
      loadConfig({ CHANNELS: 'botframework', BOTFRAMEWORK_APP_PASSWORD: 'hunter2-secret' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('BOTFRAMEWORK_APP_ID: required when CHANNELS has botframework');
    expect(message).not.toContain('hunter2');
  });

  it('names the channels it knows when given another', () => {
    expect(() => loadConfig({ CHANNELS: 'botframework,carrier-pigeon' })).toThrow(
      /CHANNELS\.1: must be one of botframework/,
    );
  });

  it('is off by default', () => {
    expect(loadConfig({}).CHANNELS).toEqual([]);
  });
});

describe('the botframework webhook', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(
      {
        CHANNELS: 'botframework',
        BOTFRAMEWORK_APP_ID: '00000000-0000-0000-0000-000000000000',
        BOTFRAMEWORK_APP_PASSWORD: 'not-a-real-secret',
      },
      { assistant: createRuleAssistant() },
    );
  });
  afterAll(() => server.close());

  it('refuses an activity without the Bot Connector’s signed token, and keeps serving', async () => {
    const res = await fetch(`${server.url}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(401);
    const forged = await fetch(`${server.url}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' },
      body: JSON.stringify(activity),
    });
    expect(forged.status).toBe(401);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('is not there when no channel is configured', async () => {
    const plain = await startServer({}, { assistant: createRuleAssistant() });
    try {
      const res = await fetch(`${plain.url}${PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      expect(res.status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
