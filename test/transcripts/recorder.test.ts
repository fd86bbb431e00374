import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createPseudonymizer } from '../../src/privacy/pseudonym.js';
import type { Session } from '../../src/session/session.js';
import { openDatabase } from '../../src/store/database.js';
import { createTranscriptStore, type TranscriptBatch } from '../../src/store/transcript-store.js';
import { createTranscriptRecorder } from '../../src/transcripts/recorder.js';

const logger = createLogger('silent');
const pseudonymize = createPseudonymizer('k'.repeat(32));

function session(extra: Partial<Session> = {}): Session {
  return {
    v: 2,
    id: 's1',
    createdAt: 1000,
    updatedAt: 1000,
    lang: 'et',
    channel: 'web',
    seq: 0,
    seenIds: [],
    assistantState: null,
    identity: { subject: '37605030299', name: 'Mari Maasikas' },
    ...extra,
  };
}

function fakeStore(fail = 0) {
  const batches: TranscriptBatch[] = [];
  let failures = fail;
  return {
    batches,
    writeBatch(batch: TranscriptBatch) {
      if (failures-- > 0) return Promise.reject(new Error('database down'));
      batches.push(structuredClone(batch));
      return Promise.resolve();
    },
  };
}

describe('TranscriptRecorder', () => {
  it('redacts texts and keeps only the pseudonym of the subject', async () => {
    const store = fakeStore();
    const r = createTranscriptRecorder({ store, pseudonymize, logger, flushMs: 10_000 });
    const s = session();
    r.observer.onFrame?.(s, {
      type: 'user',
      seq: 1,
      id: 'm1',
      text: 'minu kood 37605030299, mari@example.ee',
      ts: 5,
    });
    r.observer.onFrame?.(
      s,
      { type: 'reply', seq: 2, role: 'assistant', text: 'Tere, Mari Maasikas!', blocks: [], ts: 6 },
      {
        nlu: {
          text: 'x',
          intent: 'out-of-scope',
          confidence: 0.3,
          lang: 'et',
          alternatives: [],
          ambiguous: false,
        },
        node: 'fallback',
      },
    );
    r.observer.onFeedback?.(s, 4, 'helistage 5123 4567');
    await r.close();
    const all = JSON.stringify(store.batches);
    expect(all).not.toContain('37605030299');
    expect(all).not.toContain('mari@example.ee');
    expect(all).not.toContain('Maasikas');
    expect(all).not.toContain('5123 4567');
    const [batch] = store.batches;
    expect(batch?.conversations[0]).toMatchObject({
      id: 's1',
      startedAt: 1000,
      subject: pseudonymize('37605030299'),
      messages: 2,
      classified: 1,
      fallbacks: 1,
      rating: 4,
      comment: 'helistage [phone]',
    });
    expect(batch?.messages.map((m) => [m.role, m.text, m.intent, m.node])).toEqual([
      ['citizen', 'minu kood [personal-code], [email]', 'out-of-scope', null],
      ['assistant', 'Tere, [name]!', null, 'fallback'],
    ]);
  });

  it('writes at once when maxRows are waiting, and on its timer otherwise', async () => {
    const store = fakeStore();
    const r = createTranscriptRecorder({ store, pseudonymize, logger, flushMs: 30, maxRows: 5 });
    const s = session({ identity: undefined });
    for (let i = 1; i <= 4; i++)
      r.observer.onFrame?.(s, { type: 'user', seq: i, id: `m${i}`, text: 't', ts: i });
    await expect.poll(() => store.batches.length).toBe(1);
    r.observer.onFrame?.(s, { type: 'user', seq: 5, id: 'm5', text: 't', ts: 5 });
    expect(r.pending()).toBe(2);
    await expect.poll(() => store.batches.length).toBe(2);
    expect(r.pending()).toBe(0);
    await r.close();
  });

  it('keeps a failed batch and writes it with what came later', async () => {
    const store = fakeStore(1);
    const errors: number[] = [];
    const r = createTranscriptRecorder({
      store,
      pseudonymize,
      logger,
      flushMs: 10_000,
      onError: () => errors.push(1),
    });
    const s = session();
    r.observer.onFrame?.(s, { type: 'user', seq: 1, id: 'a', text: 'one', ts: 1 });
    await r.flush();
    expect(errors).toHaveLength(1);
    r.observer.onFrame?.(s, { type: 'user', seq: 2, id: 'b', text: 'two', ts: 2 });
    r.mark(s, { outcome: 'handed-over', handedOver: true, ended: true });
    await r.close();
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0]?.messages.map((m) => m.text)).toEqual(['one', 'two']);
    expect(store.batches[0]?.conversations[0]).toMatchObject({
      messages: 2,
      outcome: 'handed-over',
      handedOver: true,
    });
  });

  it('counts rows the store refused and keeps going; retries an outage with backoff', async () => {
    const dropped: [number, string][] = [];
    const written: number[] = [];
    let calls = 0;
    const store = {
      writeBatch(batch: TranscriptBatch) {
        calls += 1;
        if (calls === 1)
          return Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
        const bad = batch.messages.filter((m) => m.text === 'bad');
        return Promise.resolve({
          rejected: bad.map((m) => ({
            kind: 'message' as const,
            conversationId: m.conversation_id,
            seq: m.seq,
            code: '23502',
          })),
        });
      },
    };
    const r = createTranscriptRecorder({
      store,
      pseudonymize,
      logger,
      flushMs: 10_000,
      onDropped: (n, reason) => dropped.push([n, reason]),
      onWritten: (n) => written.push(n),
    });
    const s = session({ identity: undefined });
    r.observer.onFrame?.(s, { type: 'user', seq: 1, id: 'a', text: 'bad', ts: 1 });
    r.observer.onFrame?.(s, { type: 'user', seq: 2, id: 'b', text: 'good', ts: 2 });
    await r.flush();
    expect(r.pending()).toBe(3);
    await r.close();
    expect(r.pending()).toBe(0);
    expect(dropped).toEqual([[1, 'rejected']]);
    expect(written).toEqual([2]);
  });
});

describe('TranscriptRecorder on a SQLite file (the write worker)', () => {
  it('writes every queued row before close() returns, and reports a refused row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'recorder-file-'));
    try {
      const storeDb = await openDatabase({ dataDir: dir });
      const transcripts = createTranscriptStore(storeDb);
      const dropped: [number, string][] = [];
      let written = 0;
      const r = createTranscriptRecorder({
        store: transcripts,
        pseudonymize,
        logger,
        maxRows: 25,
        onWritten: (n) => (written += n),
        onDropped: (n, reason) => dropped.push([n, reason]),
      });
      // 40 conversations of 5 frames each, fed without waiting: several batches in flight
      // and more still queued when close() is called.
      for (let c = 0; c < 40; c++) {
        const s = session({ id: `c${c}`, identity: undefined });
        for (let seq = 1; seq <= 5; seq++)
          r.observer.onFrame?.(s, {
            type: 'user',
            seq,
            id: `m${seq}`,
            text: `message ${seq} of ${c}`,
            ts: 10 + seq,
          });
      }
      await r.close();
      await storeDb.close();

      const reopened = await openDatabase({ dataDir: dir });
      const stored = await reopened.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(stored.n)).toBe(200);
      expect(written).toBe(240);
      expect(dropped).toEqual([]);

      // A row the database refuses (no text) is set aside and counted; its neighbours are written.
      const again = createTranscriptStore(reopened);
      const result = await again.writeBatch({
        conversations: [],
        messages: [
          {
            conversation_id: 'c0',
            seq: 6,
            role: 'citizen',
            text: null as unknown as string,
            created_at: 20,
          },
          { conversation_id: 'c0', seq: 7, role: 'citizen', text: 'fine', created_at: 21 },
        ],
        intents: [],
      });
      expect(result.rejected).toEqual([
        { kind: 'message', conversationId: 'c0', seq: 6, code: 'SQLITE_CONSTRAINT_NOTNULL' },
      ]);
      expect((await again.get('c0'))?.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 7]);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
