/**
 * Staff accounts from the command line:
 *
 *   npm run staff -- add --user NAME --role agent|trainer|admin
 *   npm run staff -- passwd --user NAME
 *   npm run staff -- role --user NAME --role ROLE
 *   npm run staff -- remove --user NAME
 *   npm run staff -- list
 *
 * The password comes from STAFF_PASSWORD or, on a terminal, a hidden prompt; never from an
 * argument (arguments are visible to everyone in `ps`). Uses DATABASE_URL / DATA_DIR like
 * the server. Exit codes: 0 done, 1 failed, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../store/database.js';
import { STAFF_ROLES, createStaffStore, type StaffRole } from '../store/staff-store.js';
import { hashPassword, passwordProblems } from './password.js';

const USAGE = `usage: npm run staff -- <command> [options]
  add    --user NAME --role agent|trainer|admin   create an account (password: STAFF_PASSWORD or prompt)
  passwd --user NAME                              set a new password (ends the user's sessions)
  role   --user NAME --role ROLE                  change the role (ends the user's sessions)
  remove --user NAME                              delete the account
  list                                            list accounts`;

class UsageError extends Error {
  override name = 'UsageError';
  readonly code = 'USAGE';
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

async function readPassword(): Promise<string> {
  const fromEnv = process.env.STAFF_PASSWORD;
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY)
    throw new UsageError('Set STAFF_PASSWORD, or run on a terminal to be asked for the password.');
  const ask = (prompt: string) =>
    new Promise<string>((resolve, reject) => {
      process.stderr.write(prompt);
      const stdin = process.stdin;
      stdin.setRawMode(true);
      stdin.resume();
      stdin.setEncoding('utf8');
      let value = '';
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') {
            stdin.setRawMode(false);
            stdin.pause();
            stdin.off('data', onData);
            process.stderr.write('\n');
            return resolve(value);
          }
          if (ch === '\u0003') {
            stdin.setRawMode(false);
            return reject(new UsageError('Cancelled.'));
          }
          if (ch === '\u007f') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.on('data', onData);
    });
  const first = await ask('Password: ');
  const second = await ask('Again: ');
  if (first !== second) throw new UsageError('The passwords differ.');
  return first;
}

function role(value: string | undefined): StaffRole {
  if (!value || !(STAFF_ROLES as readonly string[]).includes(value))
    throw new UsageError(
      `--role must be one of ${STAFF_ROLES.join(', ')} (got ${JSON.stringify(value)}).`,
    );
  return value as StaffRole;
}

function user(value: string | undefined): string {
  if (!value || !USERNAME.test(value))
    throw new UsageError(
      `--user must be 2-64 characters of a-z, 0-9, . _ - (got ${JSON.stringify(value)}).`,
    );
  return value;
}

async function newPassword(): Promise<string> {
  const password = await readPassword();
  const problems = passwordProblems(password);
  if (problems.length) throw new UsageError(`The password ${problems.join(' and ')}.`);
  return hashPassword(password);
}

export async function runStaffCli(argv: string[], out: (line: string) => void): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { user: { type: 'string' }, role: { type: 'string' }, help: { type: 'boolean' } },
  });
  const command = positionals[0];
  if (values.help || !command) throw new UsageError('No command given.');
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const staff = createStaffStore(db);
  const now = Date.now();
  try {
    switch (command) {
      case 'add': {
        const username = user(values.user);
        const r = role(values.role);
        if (await staff.getAccount(username)) throw new UsageError(`${username} exists already.`);
        await staff.addAccount({ username, role: r, passwordHash: await newPassword(), at: now });
        out(`added ${username} (${r})`);
        break;
      }
      case 'passwd': {
        const username = user(values.user);
        if (!(await staff.getAccount(username))) throw new UsageError(`No user ${username}.`);
        await staff.updateAccount(username, { passwordHash: await newPassword() }, now);
        out(`password of ${username} changed`);
        break;
      }
      case 'role': {
        const username = user(values.user);
        const r = role(values.role);
        if (!(await staff.updateAccount(username, { role: r }, now)))
          throw new UsageError(`No user ${username}.`);
        out(`${username} is now ${r}`);
        break;
      }
      case 'remove': {
        const username = user(values.user);
        if (!(await staff.removeAccount(username))) throw new UsageError(`No user ${username}.`);
        out(`removed ${username}`);
        break;
      }
      case 'list':
        for (const a of await staff.listAccounts())
          out(`${a.username}\t${a.role}\t${new Date(a.createdAt).toISOString()}`);
        break;
      default:
        throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
    }
  } finally {
    await db.close();
  }
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  runStaffCli(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).then(
    () => process.exit(0),
    (err: unknown) => {
      if (
        err instanceof UsageError ||
        err instanceof ConfigError ||
        (err instanceof TypeError && 'code' in err)
      ) {
        process.stderr.write(`${err.message}\n\n${USAGE}\n`);
        process.exit(2);
      }
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
