/**
 * The compiled server (dist/main.js, what `npm start` runs) stopped with SIGTERM under chat
 * load loses nothing: every message a client was answered with is in the database, on SQLite
 * and on PostgreSQL, and the process logs "shutting down" and exits 0 (issue 15, item 3).
 */
import { describe, expect, it } from 'vitest';
import { measureDataLoss } from '../../scripts/data-loss.js';

describe('SIGTERM under load (node dist/main.js)', () => {
  for (const store of ['sqlite', 'postgres'] as const) {
    it(`loses no acknowledged message on ${store}`, async () => {
      const r = await measureDataLoss({ store, signal: 'SIGTERM', clients: 8, loadMs: 1500 });
      expect(r.acknowledged).toBeGreaterThan(20);
      expect(r).toMatchObject({ lost: 0, exitCode: 0, shutdownLogged: true });
      expect(r.stored).toBe(r.acknowledged);
    }, 180_000);
  }
});
