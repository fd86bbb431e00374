import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { openDatabase, type StoreDb } from '../../src/store/database.js';
import { createStaffStore } from '../../src/store/staff-store.js';
import { createTranscriptStore } from '../../src/store/transcript-store.js';
import { createMaintenance } from '../../src/transcripts/maintenance.js';
import { conversationDelta } from '../helpers/transcripts.js';

const DAY = 86_400_000;
let dir: string;
let db: StoreDb;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maintenance-'));
  db = await openDatabase({ dataDir: dir });
});
afterAll(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('maintenance job', () => {
  it('purges past retention, marks idle conversations abandoned, and runs on its timer until stopped', async () => {
    const now = 1000 * DAY;
    const transcripts = createTranscriptStore(db);
    const staff = createStaffStore(db);
    const conv = (id: string, at: number) => conversationDelta(id, at);
    await transcripts.writeBatch({
      conversations: [
        conv('old', now - 31 * DAY),
        conv('idle', now - 2 * 3_600_000),
        conv('fresh', now - 60_000),
      ],
      messages: [],
      intents: [],
    });
    await staff.audit({
      id: 'a',
      at: now - 400 * DAY,
      actor: 'x',
      action: 'login',
      target: null,
      detail: null,
    });
    let flushed = 0;
    const runs: number[] = [];
    const m = createMaintenance({
      transcripts: {
        ...transcripts,
        markAbandoned: async (t) => {
          runs.push(t);
          return transcripts.markAbandoned(t);
        },
      },
      staff,
      logger: createLogger('silent'),
      retentionDays: 30,
      auditRetentionDays: 365,
      abandonAfterMs: 3_600_000,
      intervalMs: 20,
      now: () => now,
      beforeRun: () => {
        flushed++;
        return Promise.resolve();
      },
    });
    expect(await m.runOnce()).toEqual({
      abandoned: 2,
      conversations: 1,
      contactRequests: 0,
      audit: 1,
      sessions: 0,
    });
    expect(flushed).toBe(1);
    expect((await transcripts.get('idle'))?.conversation.outcome).toBe('abandoned');
    expect((await transcripts.get('fresh'))?.conversation.outcome).toBeNull();
    m.start();
    await expect.poll(() => runs.length, { timeout: 2000 }).toBeGreaterThanOrEqual(3);
    await m.stop();
    const count = runs.length;
    // A check that nothing happens cannot poll: wait several timer periods, then look.
    await new Promise((r) => setTimeout(r, 60));
    expect(runs.length).toBe(count);
  });
});
