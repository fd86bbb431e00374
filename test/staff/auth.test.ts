import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/staff/password.js';
import { PASSWORD, StaffClient, startStaffServer, type StaffTestServer } from '../helpers/staff.js';

let server: StaffTestServer;
beforeAll(async () => {
  server = await startStaffServer({ STAFF_LOGIN_MAX_FAILURES: '3', STAFF_LOCKOUT_MS: '60000' }, [
    ['anu', 'agent'],
    ['tiina', 'trainer'],
    ['ada', 'admin'],
    ['lukk', 'agent'],
  ]);
});
afterAll(() => server.close());

describe('staff passwords', () => {
  it('hashes with scrypt and a salt, and verifies only the right password', async () => {
    const a = await hashPassword('secret password 1');
    const b = await hashPassword('secret password 1');
    expect(a).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('secret password 1', a)).toBe(true);
    expect(await verifyPassword('secret password 2', a)).toBe(false);
    expect(await verifyPassword('secret password 1', 'md5$abc')).toBe(false);
  });
});

describe('staff sign-in and access', () => {
  it('refuses every API route without a session with 401', async () => {
    const anonymous = new StaffClient(server.url);
    for (const [method, path] of [
      ['GET', '/staff/api/conversations'],
      ['GET', '/staff/api/conversations/x'],
      ['GET', '/staff/api/export'],
      ['GET', '/staff/api/analytics'],
      ['GET', '/staff/api/queue'],
      ['GET', '/staff/api/audit'],
      ['GET', '/staff/api/me'],
      ['DELETE', '/staff/api/conversations/x'],
      ['PUT', '/staff/api/conversations/x/messages/1/correction'],
    ] as const) {
      const res = await anonymous.request(method, path, method === 'GET' ? undefined : {});
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it('signs in with an HttpOnly SameSite=Strict cookie scoped to /staff', async () => {
    const client = new StaffClient(server.url);
    const res = await client.login('tiina');
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^staff_sid=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/staff');
    expect(cookie).not.toContain('Secure');
    expect(await client.json('GET', '/staff/api/me')).toMatchObject({
      username: 'tiina',
      role: 'trainer',
    });
  });

  it('answers 403 to a role without the permission', async () => {
    const agent = new StaffClient(server.url);
    await agent.login('anu');
    expect((await agent.request('GET', '/staff/api/analytics')).status).toBe(403);
    expect((await agent.request('GET', '/staff/api/export')).status).toBe(403);
    expect((await agent.request('GET', '/staff/api/audit')).status).toBe(403);
    expect((await agent.request('GET', '/staff/api/queue')).status).toBe(200);
    const trainer = new StaffClient(server.url);
    await trainer.login('tiina');
    expect((await trainer.request('GET', '/staff/api/queue')).status).toBe(403);
    expect((await trainer.request('DELETE', '/staff/api/conversations/x')).status).toBe(403);
    expect((await trainer.request('GET', '/staff/api/analytics')).status).toBe(200);
    const admin = new StaffClient(server.url);
    await admin.login('ada');
    expect((await admin.request('GET', '/staff/api/audit')).status).toBe(200);
    expect((await admin.request('DELETE', '/staff/api/conversations/nope')).status).toBe(404);
  });

  it('refuses a change without the CSRF token or from another origin', async () => {
    const admin = new StaffClient(server.url);
    await admin.login('ada');
    const noToken = await admin.request(
      'POST',
      '/staff/api/retention/purge',
      {},
      { 'x-csrf-token': '' },
    );
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { error: { code: string } }).error.code).toBe('CSRF');
    const wrong = await admin.request(
      'POST',
      '/staff/api/retention/purge',
      {},
      { 'x-csrf-token': 'x'.repeat(43) },
    );
    expect(wrong.status).toBe(403);
    const crossSite = await admin.request(
      'POST',
      '/staff/api/retention/purge',
      {},
      { origin: 'https://evil.example' },
    );
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { error: { code: string } }).error.code).toBe('BAD_ORIGIN');
    const ok = await admin.request('POST', '/staff/api/retention/purge', {});
    expect(ok.status).toBe(200);
  });

  it('locks a user out after repeated failures, even with the right password then', async () => {
    const client = new StaffClient(server.url);
    for (let i = 0; i < 3; i++)
      expect((await client.login('lukk', 'wrong password!')).status).toBe(401);
    const locked = await client.login('lukk', PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same address is not locked by these failures.
    expect((await new StaffClient(server.url).login('anu')).status).toBe(200);
  });

  it('does not tell unknown users from wrong passwords', async () => {
    const res = await new StaffClient(server.url).login('nobody', 'whatever password');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: 'BAD_CREDENTIALS', message: 'Wrong user name or password.' },
    });
  });

  it('ends the session on logout', async () => {
    const client = new StaffClient(server.url);
    await client.login('tiina');
    expect((await client.request('POST', '/staff/api/logout', {})).status).toBe(204);
    expect((await client.request('GET', '/staff/api/me')).status).toBe(401);
  });

  it('writes sign-ins to the audit log', async () => {
    const admin = new StaffClient(server.url);
    await admin.login('ada');
    const log = await admin.json<{ actor: string; action: string }[]>(
      'GET',
      '/staff/api/audit?limit=50',
    );
    expect(log.some((e) => e.actor === 'tiina' && e.action === 'login')).toBe(true);
  });
});
