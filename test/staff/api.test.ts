import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { createPseudonymizer } from '../../src/privacy/pseudonym.js';
import { openDatabase } from '../../src/store/database.js';
import { createTranscriptStore } from '../../src/store/transcript-store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { TestClient } from '../helpers/server.js';
import {
  citizenChat,
  StaffClient,
  startStaffServer,
  type StaffTestServer,
} from '../helpers/staff.js';

interface Page {
  items: {
    id: string;
    lang: string;
    outcome: string | null;
    rating: number | null;
    lifeEvents: string[];
  }[];
  nextCursor?: string;
}

async function chat(server: StaffTestServer, lang: string, texts: string[], rating?: number) {
  const { c, sessionId } = await citizenChat(server, lang, texts);
  if (rating !== undefined) {
    c.send({ type: 'feedback', rating, comment: 'kiri mari@example.ee' });
    // The assistant thanks for it once the turn is committed.
    await c.next('reply');
  }
  await c.close();
  return sessionId;
}

function backOfficeSuite(env: () => Record<string, string>) {
  let server: StaffTestServer;
  let trainer: StaffClient;
  let admin: StaffClient;
  let ids: Record<string, string>;

  beforeAll(async () => {
    server = await startStaffServer(env());
    ids = {
      marriage: await chat(server, 'et', ['tahan abielluda, mu kood on 37605030299', 'aitäh'], 5),
      pension: await chat(server, 'en', ['pension please', 'what is the weather']),
      lost: await chat(server, 'ru', ['погода', 'погода']),
    };
    trainer = new StaffClient(server.url);
    await trainer.login('tiina');
    admin = new StaffClient(server.url);
    await admin.login('ada');
  });
  afterAll(() => server.close());

  it('lists what was said, redacted, with outcome, rating and life events', async () => {
    const page = await trainer.json<Page>('GET', '/staff/api/conversations');
    expect(page.items).toHaveLength(3);
    expect(page.items.find((i) => i.id === ids.marriage)).toMatchObject({
      lang: 'et',
      outcome: 'resolved',
      rating: 5,
      lifeEvents: ['marriage'],
    });
    const t = await trainer.json<{
      conversation: { comment: string };
      messages: { role: string; text: string; intent: string | null }[];
    }>('GET', `/staff/api/conversations/${ids.marriage}`);
    expect(t.messages[1]).toMatchObject({
      role: 'citizen',
      text: 'tahan abielluda, mu kood on [personal-code]',
      intent: 'marriage',
    });
    expect(t.conversation.comment).toBe('kiri [email]');
  });

  it('shows agents only conversations that were handed over', async () => {
    const agent = new StaffClient(server.url);
    await agent.login('anu');
    expect((await agent.json<Page>('GET', '/staff/api/conversations')).items).toEqual([]);
    expect(
      (await agent.json<Page>('GET', '/staff/api/conversations?handedOver=false')).items,
    ).toEqual([]);
    expect((await agent.request('GET', `/staff/api/conversations/${ids.marriage}`)).status).toBe(
      404,
    );
  });

  it('filters by query parameters and answers 400 naming a bad one', async () => {
    const en = await trainer.json<Page>(
      'GET',
      '/staff/api/conversations?lang=en&lifeEvent=retirement',
    );
    expect(en.items.map((i) => i.id)).toEqual([ids.pension]);
    const search = await trainer.json<Page>('GET', '/staff/api/conversations?q=weather');
    expect(search.items.map((i) => i.id)).toEqual([ids.pension]);
    const paged = await trainer.json<Page>('GET', '/staff/api/conversations?limit=2');
    expect(paged.items).toHaveLength(2);
    const rest = await trainer.json<Page>(
      `GET`,
      `/staff/api/conversations?limit=2&cursor=${paged.nextCursor ?? ''}`,
    );
    expect(rest.items).toHaveLength(1);
    const bad = await trainer.request('GET', '/staff/api/conversations?lang=fi&rating=9&bogus=1');
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { issues: { path: string }[] } };
    expect(body.error.issues.map((i) => i.path).sort()).toEqual(['(query)', 'lang', 'rating']);
  });

  it('exports CSV and JSON and writes the export and transcript views to the audit log', async () => {
    const csv = await trainer.request('GET', '/staff/api/export?format=csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    // A byte-order mark, so spreadsheet programs read the UTF-8 (õäöü, Cyrillic) right.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe(
      '"conversationId","startedAt","endedAt","lang","channel","lifeEvents","outcome","rating","handedOver","seq","at","role","text","intent","confidence","node","correctedIntent"',
    );
    // The full transcripts, one row per message, redacted as stored.
    const page = await trainer.json<{ items: { messageCount: number }[] }>(
      'GET',
      '/staff/api/conversations',
    );
    const messages = page.items.reduce((n, i) => n + i.messageCount, 0);
    expect(lines).toHaveLength(1 + messages);
    const body = lines.join('\n');
    expect(body).toContain('"tahan abielluda, mu kood on [personal-code]"');
    expect(body).not.toContain('37605030299');
    expect(body).toContain('"citizen"');
    expect(body).toContain('"assistant"');
    const json = await trainer.json<{ id: string; messages: { role: string; text: string }[] }[]>(
      'GET',
      '/staff/api/export?format=json&lang=ru',
    );
    expect(json).toHaveLength(1);
    expect(json[0]?.id).toBe(ids.lost);
    expect(json[0]?.messages.filter((m) => m.role === 'citizen').map((m) => m.text)).toEqual([
      'погода',
      'погода',
    ]);
    expect(json[0]?.messages.some((m) => m.role === 'assistant')).toBe(true);
    const log = await admin.json<{ actor: string; action: string; target: string | null }[]>(
      'GET',
      '/staff/api/audit',
    );
    expect(log).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'tiina', action: 'export' }),
        expect.objectContaining({
          actor: 'tiina',
          action: 'open-transcript',
          target: ids.marriage,
        }),
      ]),
    );
  });

  it('lets a trainer mark a misclassified message and export it in the intents format', async () => {
    const t = await trainer.json<{ messages: { seq: number; role: string; text: string }[] }>(
      'GET',
      `/staff/api/conversations/${ids.lost}`,
    );
    const msg = t.messages.find((m) => m.role === 'citizen');
    const path = `/staff/api/conversations/${ids.lost}/messages/${msg?.seq}/correction`;
    expect((await trainer.request('PUT', path, { intent: 'Not An Intent' })).status).toBe(400);
    await trainer.json('PUT', path, { intent: 'out-of-scope' });
    const assistantSeq = t.messages.find((m) => m.role === 'assistant')?.seq;
    expect(
      (
        await trainer.request(
          'PUT',
          `/staff/api/conversations/${ids.lost}/messages/${assistantSeq}/correction`,
          { intent: 'help' },
        )
      ).status,
    ).toBe(404);
    const yaml = await (await trainer.request('GET', '/staff/api/training-examples')).text();
    const docs = parseAllDocuments(yaml).map((d) => d.toJS() as unknown);
    expect(docs).toEqual([{ intent: 'out-of-scope', lang: 'ru', examples: ['погода'] }]);
    expect(yaml).toContain('# intents/ru/out-of-scope.yaml');
    const jsonl = await (
      await trainer.request('GET', '/staff/api/training-examples?format=jsonl')
    ).text();
    expect(
      jsonl
        .trim()
        .split('\n')
        .map((l) => parseYaml(l) as unknown),
    ).toEqual([{ text: 'погода', intent: 'out-of-scope', lang: 'ru' }]);
    const agent = new StaffClient(server.url);
    await agent.login('anu');
    expect((await agent.request('PUT', path, { intent: 'help' })).status).toBe(403);
  });

  it('computes analytics per life event and language', async () => {
    const a = await trainer.json<{
      rows: {
        lifeEvent: string;
        lang: string;
        conversations: number;
        resolutionRate: number;
        fallbackRate: number | null;
        averageRating: number | null;
        unrecognised: { text: string; count: number }[];
      }[];
    }>('GET', '/staff/api/analytics');
    const byKey = Object.fromEntries(a.rows.map((r) => [`${r.lifeEvent}/${r.lang}`, r]));
    expect(byKey['marriage/et']).toMatchObject({
      conversations: 1,
      resolutionRate: 1,
      averageRating: 5,
      fallbackRate: 0,
    });
    expect(byKey['retirement/en']).toMatchObject({
      fallbackRate: 0.5,
      unrecognised: [{ text: 'what is the weather', count: 1 }],
    });
    expect(byKey['(none)/ru']).toMatchObject({
      fallbackRate: 1,
      unrecognised: [{ text: 'погода', count: 2 }],
    });
    expect((await trainer.request('GET', '/staff/api/analytics?from=yesterday')).status).toBe(400);
  });

  it('lets an admin delete one conversation, and all of one person by personal code', async () => {
    const pseudonymize = createPseudonymizer('k'.repeat(32));
    const db = await openDatabase({ databaseUrl: env().DATABASE_URL, dataDir: server.dataDir });
    const store = createTranscriptStore(db);
    const t0 = Date.now();
    for (const id of ['s1', 's2'])
      await store.writeBatch({
        conversations: [
          {
            id,
            startedAt: t0,
            lastActivityAt: t0,
            lang: 'et',
            channel: 'web',
            subject: pseudonymize('37605030299'),
            messages: 0,
            classified: 0,
            fallbacks: 0,
            lifeEvents: [],
          },
        ],
        messages: [],
        intents: [],
      });
    await db.close();
    expect(
      (await admin.request('DELETE', '/staff/api/subjects', { personalCode: '3760503029' })).status,
    ).toBe(400);
    expect(
      await admin.json('DELETE', '/staff/api/subjects', { personalCode: '37605030299' }),
    ).toEqual({ deleted: 2 });
    expect(await admin.json('DELETE', `/staff/api/conversations/${ids.pension}`)).toEqual({
      deleted: 1,
    });
    expect((await admin.request('GET', `/staff/api/conversations/${ids.pension}`)).status).toBe(
      404,
    );
    const log = await admin.json<{ action: string; target: string; detail: string | null }[]>(
      'GET',
      '/staff/api/audit',
    );
    const subject = log.find((e) => e.action === 'delete-subject');
    expect(subject?.target).toBe(pseudonymize('37605030299').slice(0, 16));
    expect(JSON.stringify(log)).not.toContain('37605030299');
  });

  it('counts transcript writes and staff sign-ins in /metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/transcript_rows_written_total \d+/);
    expect(text).toMatch(/staff_logins_total\{result="ok"\} [1-9]/);
    expect(text).toContain('handover_queue_length');
    expect(text).toContain('chat_turn_duration_seconds_bucket');
  });
}

describe('back office API on SQLite', () => {
  backOfficeSuite(() => ({}));
});

describe('back office API on PostgreSQL', () => {
  let database: TestDatabase;
  const env: Record<string, string> = {};
  beforeAll(async () => {
    database = await createTestDatabase();
    env.DATABASE_URL = database.url;
  });
  afterAll(async () => {
    await database?.drop();
  });
  backOfficeSuite(() => env);
});

describe('shutdown', () => {
  it('writes every queued frame before the server stops', async () => {
    const server = await startStaffServer({}, []);
    const c = await TestClient.connect(server.wsUrl);
    c.send({ type: 'hello', v: 1, lang: 'et' });
    const { sessionId } = await c.next('welcome');
    // 15 messages stay under the socket's rate limit of 20 frames per window.
    for (let i = 0; i < 15; i++) c.send({ type: 'message', id: `m${i}`, text: `sõnum ${i}` });
    for (let i = 0; i < 15; i++) await c.next('user');
    const dataDir = server.dataDir;
    await server.app.close();
    const db = await openDatabase({ dataDir });
    const t = await createTranscriptStore(db).get(sessionId);
    await db.close();
    const { rmSync } = await import('node:fs');
    rmSync(dataDir, { recursive: true, force: true });
    expect(t?.messages.filter((m) => m.role === 'citizen')).toHaveLength(15);
  });
});
