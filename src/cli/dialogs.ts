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

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command !== 'check') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let root = '.';
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--root' && rest[i + 1]) root = rest[++i] ?? root;
    else if (rest[i] !== '--silent') {
      process.stderr.write(`unknown argument ${rest[i]}\n${USAGE}\n`);
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
  for (const p of found.filter((x) => !isError(x))) process.stderr.write(`${formatProblem(p)}\n`);
  const all = found.filter(isError);
  for (const p of all) process.stdout.write(`${formatProblem(p)}\n`);
  if (all.length > 0) {
    process.stderr.write(`dialogs check: ${all.length} problem(s)\n`);
    return 1;
  }
  const dialogs = bundle ? Object.keys(bundle.dialogs).length : 0;
  const services = bundle?.catalog.lifeEvents.reduce((n, e) => n + e.services.length, 0) ?? 0;
  process.stderr.write(
    `dialogs check: ok (intents, ${dialogs} dialogs, ${services} services, locales; et/en/ru)\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
