/**
 * The store contract: one suite, run against SQLite (sqlite.test.ts) and PostgreSQL
 * (postgres.test.ts). Every behaviour the back office relies on is here.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { StoreDb } from '../../src/store/database.js';
import {
  createTranscriptStore,
  type ConversationDelta,
  type TranscriptStore,
} from '../../src/store/transcript-store.js';
import { createStaffStore, type StaffStore } from '../../src/store/staff-store.js';
import type { NewMessage } from '../../src/store/schema.js';
import { conversationDelta } from '../helpers/transcripts.js';

const T0 = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;

const delta = conversationDelta;

function msg(
  conversationId: string,
  seq: number,
  role: string,
  text: string,
  extra: Partial<NewMessage> = {},
): NewMessage {
  return {
    conversation_id: conversationId,
    seq,
    role,
    text,
    intent: null,
    confidence: null,
    node: null,
    life_event: null,
    created_at: T0 + seq,
    corrected_intent: null,
    corrected_by: null,
    corrected_at: null,
    ...extra,
  };
}

export function storeContract(open: () => Promise<StoreDb>) {
  let s: StoreDb;
  let transcripts: TranscriptStore;
  let staff: StaffStore;

  beforeAll(async () => {
    s = await open();
    transcripts = createTranscriptStore(s);
    staff = createStaffStore(s);
  });
  afterAll(async () => {
    await s?.close();
  });
  beforeEach(async () => {
    for (const t of [
      'messages',
      'conversation_life_events',
      'conversations',
      'contact_requests',
      'audit_log',
      'staff_sessions',
      'staff_accounts',
    ] as const)
      await s.db.deleteFrom(t).execute();
  });

  describe('transcripts', () => {
    it('merges batches of one conversation: counters add up, outcome and rating stick', async () => {
      await transcripts.writeBatch({
        conversations: [
          delta('c1', T0, { messages: 2, classified: 1, lifeEvents: ['marriage'], subject: 'p1' }),
        ],
        messages: [
          msg('c1', 1, 'citizen', 'tahan abielluda'),
          msg('c1', 2, 'assistant', 'Palju õnne!'),
        ],
        intents: [],
      });
      await transcripts.writeBatch({
        conversations: [
          delta('c1', T0, {
            lastActivityAt: T0 + 60_000,
            messages: 1,
            classified: 1,
            fallbacks: 1,
            outcome: 'resolved',
            rating: 4,
            comment: 'aitäh',
            lifeEvents: ['marriage', 'divorce'],
            subject: 'other',
          }),
        ],
        messages: [
          msg('c1', 3, 'citizen', 'midagi muud'),
          msg('c1', 2, 'assistant', 'duplicate is ignored'),
        ],
        intents: [{ conversationId: 'c1', seq: 1, intent: 'marriage', confidence: 0.93 }],
      });
      const t = await transcripts.get('c1');
      expect(t?.conversation).toMatchObject({
        id: 'c1',
        startedAt: T0,
        lastActivityAt: T0 + 60_000,
        outcome: 'resolved',
        rating: 4,
        comment: 'aitäh',
        messageCount: 3,
        lifeEvents: ['divorce', 'marriage'],
        handedOver: false,
        subjectKnown: true,
      });
      expect(t?.messages.map((m) => [m.seq, m.role, m.text])).toEqual([
        [1, 'citizen', 'tahan abielluda'],
        [2, 'assistant', 'Palju õnne!'],
        [3, 'citizen', 'midagi muud'],
      ]);
      expect(t?.messages[0]).toMatchObject({ intent: 'marriage', confidence: 0.93 });
      expect(await transcripts.idsOfSubject('p1')).toEqual(['c1']);
      expect(await transcripts.idsOfSubject('other')).toEqual([]);
    });

    it('answers undefined for an unknown conversation', async () => {
      expect(await transcripts.get('nope')).toBeUndefined();
    });

    describe('list', () => {
      beforeEach(async () => {
        const conversations: ConversationDelta[] = [];
        const messages: NewMessage[] = [];
        for (let i = 0; i < 30; i++) {
          const id = `c${String(i).padStart(2, '0')}`;
          conversations.push(
            delta(id, T0 + i * HOUR, {
              lang: i % 3 === 0 ? 'en' : 'et',
              outcome: i % 5 === 0 ? 'resolved' : i % 7 === 0 ? 'handed-over' : undefined,
              handedOver: i % 7 === 0,
              rating: i % 4 === 0 ? 5 : undefined,
              lifeEvents: i % 2 === 0 ? ['marriage'] : ['retirement'],
              messages: 1,
            }),
          );
          messages.push(
            msg(id, 1, 'citizen', i === 13 ? 'Kuidas taotleda vanaduspensioni?' : `küsimus ${i}`),
          );
        }
        await transcripts.writeBatch({ conversations, messages, intents: [] });
      });

      it('pages newest first with a cursor, without gaps or repeats', async () => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await transcripts.list({}, { limit: 7, cursor });
          seen.push(...page.items.map((c) => c.id));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toHaveLength(30);
        expect(seen[0]).toBe('c29');
        expect(seen.at(-1)).toBe('c00');
        expect(new Set(seen).size).toBe(30);
      });

      it('filters by date range, language, life event, outcome, rating and handover', async () => {
        const ids = async (f: Parameters<TranscriptStore['list']>[0]) =>
          (await transcripts.list(f, { limit: 100 })).items.map((c) => c.id).sort();
        expect(await ids({ from: T0 + 10 * HOUR, to: T0 + 13 * HOUR })).toEqual([
          'c10',
          'c11',
          'c12',
        ]);
        expect((await ids({ lang: 'en' })).length).toBe(10);
        expect((await ids({ lifeEvent: 'retirement' })).length).toBe(15);
        expect(await ids({ outcome: 'resolved', lifeEvent: 'retirement' })).toEqual([
          'c05',
          'c15',
          'c25',
        ]);
        expect(await ids({ handedOver: true })).toEqual(['c00', 'c07', 'c14', 'c21', 'c28']);
        expect((await ids({ rating: 5 })).length).toBe(8);
        expect((await ids({ rating: 0 })).length).toBe(22);
        expect((await ids({ outcome: 'none' })).length).toBe(30 - 6 - 4);
        expect(await transcripts.count({ lang: 'en', lifeEvent: 'marriage' })).toBe(5);
      });

      it('finds conversations by word prefixes in any message, case-insensitively', async () => {
        const ids = async (q: string) =>
          (await transcripts.list({ q }, { limit: 100 })).items.map((c) => c.id);
        expect(await ids('vanaduspension')).toEqual(['c13']);
        expect(await ids('KUIDAS taotl')).toEqual(['c13']);
        expect(await ids('KÜSIMUS 2')).toContain('c02');
        // Estonian õ, ä, ö, ü are letters of their own, not accents to fold away.
        expect(await ids('kusimus')).toEqual([]);
        expect(await ids('"; drop table messages; --')).toEqual([]);
        expect(await ids('???')).toHaveLength(30);
      });

      it('shows the first citizen message as the preview', async () => {
        const page = await transcripts.list({ q: 'vanaduspensioni' }, { limit: 5 });
        expect(page.items[0]?.preview).toBe('Kuidas taotleda vanaduspensioni?');
        expect(page.items[0]?.lifeEvents).toEqual(['retirement']);
      });

      it('refuses a forged cursor', async () => {
        await expect(transcripts.list({}, { limit: 5, cursor: 'bm9wZQ' })).rejects.toMatchObject({
          code: 'BAD_CURSOR',
        });
      });
    });

    it('deletes one conversation with its messages and keeps the others searchable', async () => {
      await transcripts.writeBatch({
        conversations: [delta('a', T0, { messages: 1 }), delta('b', T0, { messages: 1 })],
        messages: [msg('a', 1, 'citizen', 'abielu'), msg('b', 1, 'citizen', 'abielu')],
        intents: [],
      });
      expect(await transcripts.deleteConversations(['a'])).toBe(1);
      expect(await transcripts.get('a')).toBeUndefined();
      expect(
        (await transcripts.list({ q: 'abielu' }, { limit: 5 })).items.map((c) => c.id),
      ).toEqual(['b']);
      const left = await s.db.selectFrom('messages').select('conversation_id').execute();
      expect(left).toEqual([{ conversation_id: 'b' }]);
    });

    it('purges by last activity and marks idle conversations without outcome abandoned', async () => {
      await transcripts.writeBatch({
        conversations: [
          delta('old', T0),
          delta('idle', T0 + 10 * HOUR),
          delta('done', T0 + 10 * HOUR, { outcome: 'resolved' }),
          delta('new', T0 + 20 * HOUR),
        ],
        messages: [msg('old', 1, 'citizen', 'vana')],
        intents: [],
      });
      const staffStore = createStaffStore(s);
      await staffStore.addContactRequest({
        id: 'r1',
        conversationId: 'new',
        at: T0,
        lang: 'et',
        text: 'x',
      });
      expect(await transcripts.purge(T0 + HOUR)).toEqual({ conversations: 1, contactRequests: 1 });
      expect(await transcripts.markAbandoned(T0 + 15 * HOUR)).toBe(1);
      expect((await transcripts.get('idle'))?.conversation).toMatchObject({
        outcome: 'abandoned',
        endedAt: T0 + 10 * HOUR,
      });
      expect((await transcripts.get('done'))?.conversation.outcome).toBe('resolved');
      expect((await transcripts.get('new'))?.conversation.outcome).toBeNull();
    });

    it('records a correction on citizen messages only and exports them as training examples', async () => {
      await transcripts.writeBatch({
        conversations: [delta('c', T0, { lang: 'ru' })],
        messages: [
          msg('c', 1, 'citizen', 'пенсия', { intent: 'out-of-scope' }),
          msg('c', 2, 'assistant', 'не понял'),
        ],
        intents: [],
      });
      expect(await transcripts.correct('c', 1, 'retirement', 'tiina', T0)).toBe(true);
      expect(await transcripts.correct('c', 2, 'retirement', 'tiina', T0)).toBe(false);
      expect(await transcripts.trainingExamples()).toEqual([
        { text: 'пенсия', intent: 'retirement', lang: 'ru' },
      ]);
      expect((await transcripts.get('c'))?.messages[0]).toMatchObject({
        correctedIntent: 'retirement',
        correctedBy: 'tiina',
      });
      await transcripts.correct('c', 1, null, 'tiina', T0);
      expect(await transcripts.trainingExamples()).toEqual([]);
    });

    it('aggregates analytics per life event and language', async () => {
      await transcripts.writeBatch({
        conversations: [
          delta('m1', T0, {
            lifeEvents: ['marriage'],
            outcome: 'resolved',
            rating: 5,
            classified: 4,
            fallbacks: 1,
          }),
          delta('m2', T0, {
            lifeEvents: ['marriage'],
            outcome: 'handed-over',
            handedOver: true,
            rating: 2,
            classified: 4,
            fallbacks: 3,
          }),
          delta('m3', T0, { lifeEvents: ['marriage'], lang: 'en', classified: 1 }),
          delta('x1', T0, { classified: 2, fallbacks: 2 }),
          delta('late', T0 + 48 * HOUR, { lifeEvents: ['marriage'] }),
        ],
        messages: [
          msg('m2', 1, 'citizen', 'kas saab kiiremini', { intent: 'out-of-scope' }),
          msg('m2', 2, 'citizen', 'kas saab kiiremini', {
            intent: 'out-of-scope',
            created_at: T0 + 5,
          }),
          msg('m1', 1, 'citizen', 'ilm', { intent: 'out-of-scope' }),
          msg('x1', 1, 'citizen', 'ilm', { intent: 'out-of-scope' }),
        ],
        intents: [],
      });
      const rows = await transcripts.analytics({ from: T0, to: T0 + 24 * HOUR });
      expect(rows.map((r) => [r.lifeEvent, r.lang, r.conversations])).toEqual([
        ['(none)', 'et', 1],
        ['marriage', 'en', 1],
        ['marriage', 'et', 2],
      ]);
      const et = rows.find((r) => r.lifeEvent === 'marriage' && r.lang === 'et');
      expect(et).toMatchObject({
        resolved: 1,
        handedOver: 1,
        resolutionRate: 0.5,
        handoverRate: 0.5,
        classifiedMessages: 8,
        fallbackMessages: 4,
        fallbackRate: 0.5,
        rated: 2,
        averageRating: 3.5,
        unrecognised: [
          { text: 'kas saab kiiremini', count: 2 },
          { text: 'ilm', count: 1 },
        ],
      });
      expect(rows.find((r) => r.lang === 'en')).toMatchObject({
        averageRating: null,
        fallbackRate: 0,
      });
    });
  });

  describe('transcript write faults (issue 15)', () => {
    it('stores NUL and lone surrogates as U+FFFD instead of refusing the batch', async () => {
      const result = await transcripts.writeBatch({
        conversations: [delta('nul', T0, { messages: 2, comment: 'bad\u0000comment' })],
        messages: [
          msg('nul', 1, 'citizen', 'hello\u0000world'),
          msg('nul', 2, 'citizen', 'lone \uD800 high and \uDC00 low, pair \uD83D\uDE00 kept'),
        ],
        intents: [],
      });
      expect(result.rejected).toEqual([]);
      const t = await transcripts.get('nul');
      expect(t?.messages.map((m) => m.text)).toEqual([
        'hello\uFFFDworld',
        'lone \uFFFD high and \uFFFD low, pair \uD83D\uDE00 kept',
      ]);
      expect(t?.conversation.comment).toBe('bad\uFFFDcomment');
    });

    it('sets one refused row aside and writes every other row of the batch', async () => {
      const bad = msg('c2', 1, 'citizen', 'x', { text: null as unknown as string });
      const result = await transcripts.writeBatch({
        conversations: [delta('c1', T0, { messages: 2 }), delta('c2', T0, { messages: 2 })],
        messages: [
          msg('c1', 1, 'citizen', 'one'),
          msg('c1', 2, 'assistant', 'two'),
          bad,
          msg('c2', 2, 'assistant', 'four'),
        ],
        intents: [{ conversationId: 'c2', seq: 2, intent: 'help', confidence: 0.9 }],
      });
      expect(result.rejected).toHaveLength(1);
      expect(result.rejected[0]).toMatchObject({ kind: 'message', conversationId: 'c2', seq: 1 });
      expect(result.rejected[0]?.code).toMatch(/23502|SQLITE_CONSTRAINT/);
      expect((await transcripts.get('c1'))?.messages.map((m) => m.text)).toEqual(['one', 'two']);
      const c2 = await transcripts.get('c2');
      expect(c2?.messages.map((m) => [m.text, m.intent])).toEqual([['four', 'help']]);
      expect(c2?.conversation.messageCount).toBe(2);
    });

    it('writes a large batch in one go (prepared per table, not per row)', async () => {
      const n = 1500;
      const result = await transcripts.writeBatch({
        conversations: Array.from({ length: 300 }, (_, i) =>
          delta(`big${i}`, T0 + i, { messages: 5, lifeEvents: ['marriage', 'birth'] }),
        ),
        messages: Array.from({ length: n }, (_, i) =>
          msg(
            `big${i % 300}`,
            Math.floor(i / 300) + 1,
            'citizen',
            `m${i} "quoted" {brace} \\ NULL`,
          ),
        ),
        intents: [],
      });
      expect(result.rejected).toEqual([]);
      expect(await transcripts.count({})).toBe(300);
      expect((await transcripts.get('big7'))?.messages.map((m) => m.text)).toEqual([
        'm7 "quoted" {brace} \\ NULL',
        'm307 "quoted" {brace} \\ NULL',
        'm607 "quoted" {brace} \\ NULL',
        'm907 "quoted" {brace} \\ NULL',
        'm1207 "quoted" {brace} \\ NULL',
      ]);
      expect(await transcripts.count({ lifeEvent: 'birth' })).toBe(300);
    });
  });

  describe('staff', () => {
    it('keeps accounts, and a password change ends their sessions', async () => {
      await staff.addAccount({ username: 'anu', role: 'agent', passwordHash: 'h1', at: T0 });
      await expect(
        staff.addAccount({ username: 'anu', role: 'admin', passwordHash: 'h', at: T0 }),
      ).rejects.toThrow();
      await staff.createSession({
        idHash: 's1',
        username: 'anu',
        csrfToken: 't',
        at: T0,
        expiresAt: T0 + HOUR,
      });
      expect(await staff.getSession('s1', T0)).toEqual({
        username: 'anu',
        role: 'agent',
        csrfToken: 't',
        expiresAt: T0 + HOUR,
      });
      expect(await staff.getSession('s1', T0 + HOUR)).toBeUndefined();
      expect(await staff.updateAccount('anu', { passwordHash: 'h2' }, T0)).toBe(true);
      expect(await staff.getSession('s1', T0)).toBeUndefined();
      expect((await staff.getAccount('anu'))?.passwordHash).toBe('h2');
      expect(await staff.listAccounts()).toEqual([
        { username: 'anu', role: 'agent', createdAt: T0 },
      ]);
      expect(await staff.removeAccount('anu')).toBe(true);
      expect(await staff.removeAccount('anu')).toBe(false);
    });

    it('writes and pages the audit log newest first, and purges old entries', async () => {
      for (let i = 0; i < 5; i++)
        await staff.audit({
          id: `a${i}`,
          at: T0 + i,
          actor: i % 2 ? 'x' : 'y',
          action: 'open-transcript',
          target: `c${i}`,
          detail: null,
        });
      expect((await staff.auditLog({ limit: 2 })).map((e) => e.id)).toEqual(['a4', 'a3']);
      expect(
        (await staff.auditLog({ limit: 10, before: T0 + 3, actor: 'y' })).map((e) => e.id),
      ).toEqual(['a2', 'a0']);
      expect(await staff.purge(T0, T0 + 2)).toEqual({ sessions: 0, audit: 2 });
    });

    it('keeps contact requests until handled', async () => {
      await staff.addContactRequest({
        id: 'r1',
        conversationId: 'c',
        at: T0,
        lang: 'et',
        text: 'mari@example.ee',
      });
      expect((await staff.contactRequests(true)).map((r) => r.text)).toEqual(['mari@example.ee']);
      expect(await staff.markContactHandled('r1', 'anu', T0 + 1)).toBe(true);
      expect(await staff.markContactHandled('r1', 'anu', T0 + 1)).toBe(false);
      expect(await staff.contactRequests(true)).toEqual([]);
      expect((await staff.contactRequests(false))[0]).toMatchObject({ handledBy: 'anu' });
    });
  });

  it('is migrated idempotently', async () => {
    const r = await sql<{ n: number }>`select count(*) as n from conversations`.execute(s.db);
    expect(Number(r.rows[0]?.n)).toBe(0);
  });
}
