/**
 * The canned-reply defaults on SQLite: a default nobody edited follows the file's current text
 * at the next start (review 17: an old hand-back text stayed on existing servers), an admin's
 * edit and a deletion stay.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { createCannedStore } from '../../src/store/canned-store.js';

const dir = mkdtempSync(join(tmpdir(), 'canned-seed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('canned reply defaults', () => {
  it('follow the file while unedited, and keep an edit or a deletion', async () => {
    const db = await openDatabase({ dataDir: dir });
    try {
      const canned = createCannedStore(db);
      const old = [
        { id: 'hand-back', label: 'Hand back', text: 'The assistant will continue now.' },
        { id: 'greeting', label: 'Greeting', text: 'Hello.' },
        { id: 'goodbye', label: 'Goodbye', text: 'Bye.' },
      ];
      expect(await canned.seed('en', old, 1)).toBe(3);
      await canned.put('en', { id: 'greeting', label: 'Greeting', text: 'Hi from us.' }, 'ada', 2);
      await canned.remove('en', 'goodbye', 'ada', 3);

      const current = [
        { id: 'hand-back', label: 'Hand back', text: 'I am handing you back to the assistant.' },
        { id: 'greeting', label: 'Greeting', text: 'Hello, this is support.' },
        { id: 'goodbye', label: 'Goodbye', text: 'Goodbye!' },
      ];
      expect(await canned.seed('en', current, 4)).toBe(0);
      const { en } = await canned.list();
      expect(en.find((r) => r.id === 'hand-back')).toMatchObject({
        text: 'I am handing you back to the assistant.',
        updatedBy: null,
      });
      expect(en.find((r) => r.id === 'greeting')?.text).toBe('Hi from us.');
      expect(en.map((r) => r.id)).not.toContain('goodbye');
    } finally {
      await db.close();
    }
  });
});
