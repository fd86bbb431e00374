import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { redactWith } from '../../src/privacy/redact.js';
import { NEGATIVES, POSITIVES } from './redaction-samples.js';

const TEXT_DIR = fileURLToPath(new URL('../../intents/test/', import.meta.url));
const heldOut = readdirSync(TEXT_DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .flatMap((f) =>
    readFileSync(join(TEXT_DIR, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as { text: string }).text),
  );

/** Personal data of every kind, spliced into ordinary messages. */
const SPLICES = [
  ...POSITIVES.map(([text]) => text),
  ...NEGATIVES,
  '@',
  'x@y',
  '\u200D',
  '👩\u200D👧',
  'a\u200Db',
];

describe('redact without and with its shortcut', () => {
  it('gives the same text and kinds on every held-out message, alone and with personal data spliced in', () => {
    const names = { names: ['Mari Maasikas'] };
    let compared = 0;
    heldOut.forEach((text, i) => {
      const splice = SPLICES[i % SPLICES.length]!;
      const mid = Math.floor(text.length / 2);
      for (const t of [text, `${text.slice(0, mid)} ${splice} ${text.slice(mid)}`])
        for (const options of [{}, names]) {
          expect(redactWith(t, options, true)).toEqual(redactWith(t, options, false));
          compared++;
        }
    });
    for (const t of SPLICES) expect(redactWith(t, {}, true)).toEqual(redactWith(t, {}, false));
    expect(compared).toBeGreaterThan(8000);
  });
});
