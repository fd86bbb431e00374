/** A server with a known DATA_DIR, staff accounts in it, and a cookie-keeping staff client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppOptions } from '../../src/app.js';
import { hashPassword } from '../../src/staff/password.js';
import { openDatabase } from '../../src/store/database.js';
import { createStaffStore, type StaffRole } from '../../src/store/staff-store.js';
import { createRuleAssistant } from './rule-assistant.js';
import { startServer, TestClient, type TestServer } from './server.js';

export const PASSWORD = 'correct horse battery staple';

export interface StaffTestServer extends TestServer {
  dataDir: string;
}

export async function startStaffServer(
  env: Record<string, string> = {},
  users: [string, StaffRole][] = [
    ['anu', 'agent'],
    ['tiina', 'trainer'],
    ['ada', 'admin'],
  ],
  options: AppOptions = { assistant: createRuleAssistant() },
): Promise<StaffTestServer> {
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'staff-test-'));
  const server = await startServer(
    { OFFICE_HOURS: 'always', PSEUDONYM_KEY: 'k'.repeat(32), ...env, DATA_DIR: dataDir },
    options,
  );
  if (users.length) {
    const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir });
    const staff = createStaffStore(db);
    const hash = await hashPassword(PASSWORD);
    for (const [username, role] of users)
      await staff.addAccount({ username, role, passwordHash: hash, at: Date.now() });
    await db.close();
  }
  return {
    ...server,
    dataDir,
    async close() {
      await server.close();
      if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export class StaffClient {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async login(username: string, password = PASSWORD): Promise<Response> {
    const res = await this.request('POST', '/staff/api/login', { username, password });
    if (res.ok) {
      this.cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      this.csrf = ((await res.clone().json()) as { csrfToken: string }).csrfToken;
    }
    return res;
  }

  request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method,
      headers: {
        origin: this.base,
        ...(this.cookie && { cookie: this.cookie }),
        ...(this.csrf && { 'x-csrf-token': this.csrf }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  }

  async json<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, body);
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
}

/** A citizen opens a conversation and says each text, waiting for each answer. */
export async function citizenChat(
  server: TestServer,
  lang: string,
  texts: string[],
): Promise<{ c: TestClient; sessionId: string }> {
  const c = await TestClient.connect(server.wsUrl);
  c.send({ type: 'hello', v: 1, lang });
  const { sessionId } = await c.next('welcome');
  await c.next('reply');
  for (const [i, text] of texts.entries()) {
    c.send({ type: 'message', id: `m${i}`, text });
    await c.next('reply');
  }
  return { c, sessionId };
}
