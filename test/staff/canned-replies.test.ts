/**
 * Canned replies in the database, on SQLite and PostgreSQL: the files seed them, admins (only)
 * add, edit and delete them through the API with every problem of a bad request listed, each
 * change is audited with what it was and what it became, agents see the result, and a restart
 * neither brings a deleted default back nor overwrites an edit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { StaffClient, startStaffServer, type StaffTestServer } from '../helpers/staff.js';

interface Reply {
  id: string;
  label: string;
  text: string;
  updatedBy: string | null;
}
type ByLang = Record<'et' | 'en' | 'ru', Reply[]>;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe.each(['sqlite', 'postgres'] as const)('canned replies on %s', (dialect) => {
  let pg: TestDatabase | undefined;
  let dataDir: string;
  let server: StaffTestServer;

  async function start(users: Parameters<typeof startStaffServer>[1] = []) {
    server = await startStaffServer(
      { DATA_DIR: dataDir, ...(pg && { DATABASE_URL: pg.url }) },
      users,
    );
    const as = async (user: string) => {
      const c = new StaffClient(server.url);
      await c.login(user);
      return c;
    };
    return { admin: await as('ada'), agent: await as('anu'), trainer: await as('tiina') };
  }

  it('lets admins add, edit and delete them, audited, and agents use the result', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'canned-'));
    if (dialect === 'postgres') pg = await createTestDatabase();
    cleanups.push(async () => {
      await server?.close();
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const { admin, agent, trainer } = await start([
      ['anu', 'agent'],
      ['tiina', 'trainer'],
      ['ada', 'admin'],
    ]);

    // Seeded from the files, in their order.
    const seeded = await agent.json<ByLang>('GET', '/staff/api/canned-replies');
    expect(seeded.en.map((r) => r.id)).toEqual([
      'greeting',
      'moment',
      'details',
      'no-personal-data',
      'hand-back',
      'goodbye',
    ]);
    expect(seeded.et[0]).toMatchObject({ id: 'greeting', updatedBy: null });

    // Least privilege: agents use them, trainers do not see them, only admins change them.
    const body = { label: 'Opening hours', text: 'We answer on working days 9–17.' };
    expect((await agent.request('PUT', '/staff/api/canned-replies/en/hours', body)).status).toBe(
      403,
    );
    expect((await agent.request('DELETE', '/staff/api/canned-replies/en/greeting')).status).toBe(
      403,
    );
    expect((await trainer.request('GET', '/staff/api/canned-replies')).status).toBe(403);
    expect((await trainer.request('PUT', '/staff/api/canned-replies/en/hours', body)).status).toBe(
      403,
    );

    // Every problem of a bad request, named.
    const bad = await admin.request('PUT', '/staff/api/canned-replies/en/hours', {
      label: '  ',
      text: 'x'.repeat(2001),
      extra: true,
    });
    expect(bad.status).toBe(400);
    const issues = ((await bad.json()) as { error: { issues: { path: string }[] } }).error.issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['(body)', 'label', 'text']);
    const badParams = await admin.request('PUT', '/staff/api/canned-replies/de/Bad_Id', body);
    expect(badParams.status).toBe(400);
    expect(
      ((await badParams.json()) as { error: { issues: { path: string }[] } }).error.issues.map(
        (i) => i.path,
      ),
    ).toEqual(['lang', 'id']);

    // Create, edit, delete.
    expect((await admin.request('PUT', '/staff/api/canned-replies/en/hours', body)).status).toBe(
      201,
    );
    const edited = { label: 'Greeting', text: 'Hello, this is the support team.' };
    expect(
      (await admin.request('PUT', '/staff/api/canned-replies/en/greeting', edited)).status,
    ).toBe(200);
    expect((await admin.request('DELETE', '/staff/api/canned-replies/en/goodbye')).status).toBe(
      204,
    );
    expect((await admin.request('DELETE', '/staff/api/canned-replies/en/goodbye')).status).toBe(
      404,
    );

    const now = await agent.json<ByLang>('GET', '/staff/api/canned-replies');
    expect(now.en.map((r) => r.id)).toEqual([
      'greeting',
      'moment',
      'details',
      'no-personal-data',
      'hand-back',
      'hours',
    ]);
    expect(now.en[0]).toMatchObject({ ...edited, updatedBy: 'ada' });
    expect(now.et.map((r) => r.id)).toContain('goodbye');

    const audit = await admin.json<{ action: string; target: string; detail: string }[]>(
      'GET',
      '/staff/api/audit?actor=ada',
    );
    const canned = audit.filter((a) => a.action.startsWith('canned-'));
    expect(canned.map((a) => `${a.action} ${a.target}`).sort()).toEqual([
      'canned-create en/hours',
      'canned-delete en/goodbye',
      'canned-update en/greeting',
    ]);
    const update = canned.find((a) => a.action === 'canned-update');
    expect(JSON.parse(update?.detail ?? '{}')).toEqual({
      before: seeded.en.map(({ label, text }) => ({ label, text }))[0],
      after: edited,
    });
  }, 30_000);

  it('keeps edits and deletions over a restart (the files only add what was never stored)', async () => {
    await server.close();
    const { agent } = await start();
    const after = await agent.json<ByLang>('GET', '/staff/api/canned-replies');
    expect(after.en.map((r) => r.id)).not.toContain('goodbye');
    expect(after.en.find((r) => r.id === 'greeting')?.text).toBe(
      'Hello, this is the support team.',
    );
    expect(after.en.find((r) => r.id === 'hours')).toBeDefined();
  }, 30_000);
});
