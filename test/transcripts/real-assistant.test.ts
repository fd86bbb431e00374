/** Transcripts of a signed-in conversation with the real assistant, read back as a trainer. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../helpers/server.js';
import { StaffClient, startStaffServer, type StaffTestServer } from '../helpers/staff.js';

let server: StaffTestServer;
beforeAll(async () => {
  server = await startStaffServer({ AUTH_MODE: 'demo' }, [['tiina', 'trainer']], {});
});
afterAll(() => server.close());

interface Message {
  role: string;
  text: string;
  intent: string | null;
}

describe('transcripts of a real conversation', () => {
  it('keep the understood intent per citizen message and no personal data', async () => {
    const signIn = await fetch(`${server.url}/api/v1/demo/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId: 'mari-maasikas' }),
    });
    const { token } = (await signIn.json()) as { token: string };
    const c = await TestClient.connect(server.wsUrl);
    c.send({ type: 'hello', v: 1, lang: 'et', token });
    const { sessionId } = await c.next('welcome');
    c.send({
      type: 'message',
      id: 'm1',
      text: 'tahame abielluda, minu isikukood on 49005120001 ja telefon +372 5123 4567',
    });
    await c.next('reply');
    await c.close();

    const staff = new StaffClient(server.url);
    await staff.login('tiina');
    // The recorder writes in batches: wait until the citizen's message is there.
    const citizenMessage = async () => {
      const res = await staff.request('GET', `/staff/api/conversations/${sessionId}`);
      if (!res.ok) return undefined;
      const { messages } = (await res.json()) as { messages: Message[] };
      return messages.find((m) => m.role === 'citizen');
    };
    await expect.poll(citizenMessage).toBeDefined();
    const citizen = await citizenMessage();
    expect(citizen?.intent).toBe('marriage');
    expect(citizen?.text).not.toContain('49005120001');
    expect(citizen?.text).not.toContain('5123 4567');

    // Nothing in the data folder holds the personal code in clear.
    for (const file of readdirSync(server.dataDir)) {
      const bytes = readFileSync(join(server.dataDir, file));
      expect(bytes.includes('49005120001'), file).toBe(false);
    }
  });
});
