import { describe, expect, it } from 'vitest';
import { checkDialogBundle } from '../../src/dialog/check.js';
import { loadDialogBundle, readDialogBundle } from '../../src/dialog/load.js';
import { DialogDataError, formatProblem, isError } from '../../src/dialog/problem.js';
import { runDialogsCli } from '../../src/cli/dialogs.js';
import { realBundle, withDialog } from './helpers.js';

const BROKEN = 'test/dialog/fixtures/broken';

function brokenProblems(): string[] {
  const { bundle, problems } = readDialogBundle(BROKEN);
  return [...problems, ...(bundle ? checkDialogBundle(bundle) : [])].map(formatProblem);
}

describe('dialogs check', () => {
  it('finds no problem in the real dialogs, catalog and locales', () => {
    const { bundle, problems } = readDialogBundle('.');
    expect(problems).toEqual([]);
    expect(bundle && checkDialogBundle(bundle).filter(isError)).toEqual([]);
  });

  it('lists every problem of a broken tree with file, path and what was expected', () => {
    const all = brokenProblems();
    const expected = [
      // schema errors, with file and path
      'dialogs/divorce.yaml: nodes.intro.kind: Invalid discriminator value',
      'dialogs/catalog.yaml: lifeEvents.0.services.1.sources: at least one source URL',
      'dialogs/holiday.yaml: (file): a file named after a life event',
      // dangling goto, unreachable node, dead end
      'dialogs/marriage.yaml: nodes.ask.options.1.goto: an existing node, got "nowhere" (dangling goto)',
      'dialogs/marriage.yaml: nodes.orphan: to be reachable from "intro" (unreachable node)',
      'dialogs/marriage.yaml: nodes.loop-a: a way to an end or handover node (dead end)',
      // a key missing in one locale, and in all
      'dialogs/marriage.yaml: nodes.ask.text: text "marriage.ask" in locales/{ru}/dialog.json (missing there)',
      'dialogs/marriage.yaml: nodes.list.text: text "marriage.missing-text" in locales/{et,en,ru}/dialog.json',
      'dialogs/marriage.yaml: nodes.where.hint: text "marriage.missing-hint" in locales/{et,en,ru}/dialog.json',
      // services and the catalog
      'dialogs/marriage.yaml: nodes.list.services.1: a service in dialogs/catalog.yaml, got "not-in-catalog"',
      'dialogs/marriage.yaml: nodes.list.services.1.when.nameChange: one of yes, no, got "maybe"',
      'dialogs/catalog.yaml: lifeEvents.0.services.0.providers.1: an agency listed under agencies',
      'dialogs/catalog.yaml: lifeEvents.0.services.0.sources.0: an https:// URL, got "http://example.ee/abielu"',
      'dialogs/catalog.yaml: lifeEvents: an entry for "retirement"',
      'dialogs/retirement.yaml: (file): a dialog for this life event',
      // locales: non-https links, plural forms, engine texts
      'locales/et/dialog.json: extra: https:// links only, got "http://example.ee"',
      'locales/ru/dialog.json: checklist.apply_few: the "few" plural form of "checklist.apply"',
      'locales/et/dialog.json: global.greeting: text "global.greeting" in locales/{et,en,ru}/dialog.json',
    ];
    for (const line of expected) {
      expect(
        all.some((p) => p.startsWith(line)),
        `expected a problem: ${line}`,
      ).toBe(true);
    }
  });

  it('refuses to load a broken tree and names every problem in the error', () => {
    expect(() => loadDialogBundle(BROKEN)).toThrow(DialogDataError);
    try {
      loadDialogBundle(BROKEN);
    } catch (e) {
      expect((e as DialogDataError).problems.length).toBe(brokenProblems().length);
    }
  });

  it('exits non-zero from the CLI with one problem per stdout line', () => {
    const cli = (root: string) => {
      let stdout = '';
      const status = runDialogsCli(['check', '--root', root], {
        stdout: (text) => void (stdout += text),
        stderr: () => undefined,
      });
      return { status, stdout };
    };
    const broken = cli(BROKEN);
    expect(broken.status).toBe(1);
    const lines = broken.stdout.trim().split('\n');
    expect(lines).toHaveLength(brokenProblems().length);
    expect(lines.every((l) => /^(dialogs|locales)\/[^:]+: [^:]+: /.test(l))).toBe(true);
    const ok = cli('.');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('');
  }, 60_000); // two `npx tsx` processes: slow on a loaded machine
});

describe('dialogs check: a question taken for granted (`assume`)', () => {
  it('demands an option of the question and lexicons (or lexicon values) that exist', () => {
    const real = realBundle();
    const marriage = real.dialogs.marriage!.dialog;
    const askPlace = marriage.nodes['ask-place'];
    if (askPlace?.kind !== 'question') throw new Error('marriage has an ask-place question');
    const broken = {
      ...marriage,
      nodes: {
        ...marriage.nodes,
        'ask-place': {
          ...askPlace,
          assume: { option: 'moon', askIf: ['place.mars', 'no-such-lexicon', 'wed-before'] },
        },
      },
    };
    const problems = checkDialogBundle(withDialog(broken))
      .filter(isError)
      .map((p) => `${p.path}: ${p.message}`);
    expect(problems).toEqual([
      'nodes.ask-place.assume.option: an option id (estonia, abroad), got "moon"',
      'nodes.ask-place.assume.askIf.0: a lexicon extract.place.mars in locales/<lang>/conversation.json',
      'nodes.ask-place.assume.askIf.1: a lexicon extract.no-such-lexicon.<value> in locales/<lang>/conversation.json',
    ]);
  });
});
