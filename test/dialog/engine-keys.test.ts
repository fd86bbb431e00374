import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONVERSATION_KEYS, ENGINE_KEYS } from '../../src/dialog/keys.js';
import { ROOT_DIR } from '../../src/paths.js';

/** The source of src/ without the key lists themselves. */
function source(): string {
  const dir = join(ROOT_DIR, 'src');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('dialog/keys.ts'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

describe('the text keys the engine demands in every locale', () => {
  // A key demanded but never said is a promise the code does not keep: `global.missedTwice`
  // ("I'm asking a member of the customer support team") was never said, two misses offer a
  // person instead (docs/staff.md, docs/dialogs.md "Repair").
  // `cues.*` are read as one tree by src/dialog/understand.ts (`subtree(…, 'cues')`).
  const TREES = ['cues.'];
  it('are all said by the code: by name, or through their prefix (`mode.${…}`)', () => {
    const src = source();
    const unused = [...ENGINE_KEYS, ...CONVERSATION_KEYS].filter((key) => {
      const prefix = key.slice(0, key.lastIndexOf('.') + 1);
      if (TREES.includes(prefix)) return false;
      return !src.includes(`'${key}'`) && !src.includes(`\`${prefix}\${`);
    });
    expect(unused).toEqual([]);
  });
});
