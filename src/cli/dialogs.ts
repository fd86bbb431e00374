/**
 * `npm run dialogs -- check [--root DIR]`: validates intents/, dialogs/, the catalog and locales/.
 * stdout gets one line per problem (`file: path: what was expected`) and nothing else, so it
 * stays machine-readable; the summary goes to stderr. Exits 1 when there is any problem.
 */
import { checkDialogBundle } from '../dialog/check.js';
import { readDialogBundle } from '../dialog/load.js';
import { formatProblem, isError } from '../dialog/problem.js';
import { checkIntents, checkLocales } from './data-check.js';

const USAGE = 'usage: dialogs check [--root DIR]';

/** Where a run writes: the process's streams, or a test's. */
export interface CheckIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CheckIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** One run of the command line: its exit code (tests call this in process). */
export function runDialogsCli(argv: string[], io: CheckIo = processIo): number {
  const [command, ...rest] = argv;
  if (command !== 'check') {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  let root = '.';
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--root' && rest[i + 1]) root = rest[++i] ?? root;
    else if (rest[i] !== '--silent') {
      io.stderr(`unknown argument ${rest[i]}\n${USAGE}\n`);
      return 2;
    }
  }
  const { bundle, problems } = readDialogBundle(root);
  const found = [
    ...problems,
    ...(bundle ? checkDialogBundle(bundle) : []),
    ...checkIntents(root),
    ...checkLocales(root),
  ];
  // Warnings (e.g. a fact not confirmed for a year) go to stderr and do not fail the check.
  for (const p of found.filter((x) => !isError(x))) io.stderr(`${formatProblem(p)}\n`);
  const all = found.filter(isError);
  for (const p of all) io.stdout(`${formatProblem(p)}\n`);
  if (all.length > 0) {
    io.stderr(`dialogs check: ${all.length} problem(s)\n`);
    return 1;
  }
  const dialogs = bundle ? Object.keys(bundle.dialogs).length : 0;
  const services = bundle?.catalog.lifeEvents.reduce((n, e) => n + e.services.length, 0) ?? 0;
  io.stderr(
    `dialogs check: ok (intents, ${dialogs} dialogs, ${services} services, locales; et/en/ru)\n`,
  );
  return 0;
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) process.exitCode = runDialogsCli(process.argv.slice(2));
