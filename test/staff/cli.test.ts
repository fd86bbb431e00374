import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/staff/password.js';
import { openDatabase } from '../../src/store/database.js';
import { createStaffStore } from '../../src/store/staff-store.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'staff-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function staff(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/staff/cli.ts', ...args],
      { env: { PATH: process.env.PATH ?? '', DATA_DIR: dir, LOG_LEVEL: 'silent', ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run staff', () => {
  it('adds an account with a scrypt hash of STAFF_PASSWORD, lists and removes it', async () => {
    const added = await staff(['add', '--user', 'mari', '--role', 'trainer'], {
      STAFF_PASSWORD: 'a long enough password',
    });
    expect(added).toMatchObject({ code: 0, stdout: 'added mari (trainer)\n' });
    const db = await openDatabase({ dataDir: dir });
    const account = await createStaffStore(db).getAccount('mari');
    await db.close();
    expect(account?.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('a long enough password', account?.passwordHash ?? '')).toBe(true);
    expect((await staff(['list'])).stdout).toMatch(/^mari\ttrainer\t\d{4}-/);
    expect((await staff(['remove', '--user', 'mari'])).code).toBe(0);
    expect((await staff(['list'])).stdout).toBe('');
  }, 30_000);

  it('refuses a bad role, a short password, and a missing password off a terminal, with exit code 2', async () => {
    const role = await staff(['add', '--user', 'x1', '--role', 'boss'], {
      STAFF_PASSWORD: 'a long enough password',
    });
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('--role must be one of agent, trainer, admin');
    const short = await staff(['add', '--user', 'x1', '--role', 'agent'], {
      STAFF_PASSWORD: 'short',
    });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 12 characters');
    const none = await staff(['add', '--user', 'x1', '--role', 'agent']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('STAFF_PASSWORD');
  }, 30_000);
});
