import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runStaffCli } from '../../src/staff/cli.js';
import { verifyPassword } from '../../src/staff/password.js';
import { openDatabase } from '../../src/store/database.js';
import { createStaffStore } from '../../src/store/staff-store.js';

const dir = mkdtempSync(join(tmpdir(), 'staff-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

/** The CLI in process, with the environment `npm run staff` would see; its output lines. */
async function staff(args: string[], env: Record<string, string> = {}) {
  vi.stubEnv('DATA_DIR', dir);
  vi.stubEnv('LOG_LEVEL', 'silent');
  vi.stubEnv('STAFF_PASSWORD', env.STAFF_PASSWORD ?? '');
  const lines: string[] = [];
  await runStaffCli(args, (line) => lines.push(line));
  return lines.map((l) => `${l}\n`).join('');
}

describe('npm run staff', () => {
  it('adds an account with a scrypt hash of STAFF_PASSWORD, lists and removes it', async () => {
    const added = await staff(['add', '--user', 'mari', '--role', 'trainer'], {
      STAFF_PASSWORD: 'a long enough password',
    });
    expect(added).toBe('added mari (trainer)\n');
    const db = await openDatabase({ dataDir: dir });
    const account = await createStaffStore(db).getAccount('mari');
    await db.close();
    expect(account?.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('a long enough password', account?.passwordHash ?? '')).toBe(true);
    expect(await staff(['list'])).toMatch(/^mari\ttrainer\t\d{4}-/);
    expect(await staff(['remove', '--user', 'mari'])).toBe('removed mari\n');
    expect(await staff(['list'])).toBe('');
  });

  it('refuses a bad role, a short password, and a missing password off a terminal, as usage errors', async () => {
    const usage = (message: string) => ({
      name: 'UsageError',
      message: expect.stringContaining(message) as string,
    });
    await expect(
      staff(['add', '--user', 'x1', '--role', 'boss'], {
        STAFF_PASSWORD: 'a long enough password',
      }),
    ).rejects.toMatchObject(usage('--role must be one of agent, trainer, admin'));
    await expect(
      staff(['add', '--user', 'x1', '--role', 'agent'], { STAFF_PASSWORD: 'short' }),
    ).rejects.toMatchObject(usage('at least 12 characters'));
    await expect(staff(['add', '--user', 'x1', '--role', 'agent'])).rejects.toMatchObject(
      usage('STAFF_PASSWORD'),
    );
  });
});
