import { afterAll, describe } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { storeContract } from './contract.js';

let database: TestDatabase | undefined;
afterAll(async () => {
  await database?.drop();
});

describe('store on PostgreSQL', () => {
  storeContract(async () => {
    database = await createTestDatabase();
    await (await openDatabase({ databaseUrl: database.url })).close();
    return openDatabase({ databaseUrl: database.url, poolSize: 2 });
  });
});
