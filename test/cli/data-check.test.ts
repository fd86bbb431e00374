import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkIntents, checkLocales } from '../../src/cli/data-check.js';
import { ROOT_DIR } from '../../src/paths.js';

let root: string;
function copyProject(): string {
  root = mkdtempSync(join(tmpdir(), 'data-check-'));
  for (const dir of ['intents', 'locales'])
    cpSync(join(ROOT_DIR, dir), join(root, dir), { recursive: true });
  return root;
}
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('data checks of dialogs check', () => {
  it('find nothing wrong in the real data', () => {
    copyProject();
    expect([...checkIntents(root), ...checkLocales(root)]).toEqual([]);
  });

  it('name a contract intent with no examples in a language', () => {
    copyProject();
    // thanks may be split over several files (thanks.yaml, thanks-colloquial.yaml...).
    for (const f of readdirSync(join(root, 'intents/ru')).filter((x) => x.startsWith('thanks'))) {
      unlinkSync(join(root, 'intents/ru', f));
    }
    const problem = checkIntents(root).find((p) => p.file === 'intents/ru' && p.path === 'thanks');
    expect(problem?.message).toContain('no training examples');
  });

  it('name a broken intent file and where in it', () => {
    copyProject();
    writeFileSync(join(root, 'intents/en/help.yaml'), 'intent: help\nlang: en\nexamples: [1, 2]\n');
    const problems = checkIntents(root);
    expect(
      problems.some((p) => p.file.endsWith('intents/en/help.yaml') && p.path.includes('examples')),
    ).toBe(true);
  });

  it('name a widget text missing in one language', () => {
    copyProject();
    const file = join(root, 'locales/ru/widget.json');
    const texts = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const [first] = Object.keys(texts);
    delete texts[first ?? ''];
    writeFileSync(file, JSON.stringify(texts));
    expect(checkLocales(root)).toContainEqual(
      expect.objectContaining({
        file: 'locales/ru/widget.json',
        message: 'key missing (present in et)',
      }),
    );
  });
});
