import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { storeContract } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('store on SQLite', () => {
  storeContract(async () => {
    // Opening twice checks that migrations run once and are skipped the second time.
    await (await openDatabase({ dataDir: dir })).close();
    return openDatabase({ dataDir: dir });
  });
});
