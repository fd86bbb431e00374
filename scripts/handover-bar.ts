/**
 * The data behind HANDOVER_MIN_CONFIDENCE (src/dialog/engine.ts): below it, a human-handover
 * reading asks "shall I find a person?" before queueing. For each bar it counts, among the
 * not-ambiguous human-handover readings (an ambiguous one is never handed over), the right ones
 * that would be asked once more and the wrong ones that would still queue a person, on 5-fold
 * CV's out-of-fold scores and on the held-out splits intents/test/*.jsonl. Re-run it after
 * changing the training data:
 *
 *   npx tsx scripts/handover-bar.ts
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadNluConfig } from '../src/nlu/config.js';
import { outOfFoldScores, predictionsAt } from '../src/nlu/cross-validate.js';
import { loadClassifier, loadLexiconOf } from '../src/nlu/load.js';
import { loadTrainingData } from '../src/nlu/training-data.js';
import type { Lang } from '../src/protocol/frames.js';

const INTENTS = 'intents';
const BARS = [0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];

interface Reading {
  right: boolean;
  confidence: number;
  text: string;
}

function crossValidated(): Reading[] {
  const config = loadNluConfig(join(INTENTS, 'config.yaml'));
  const scores = outOfFoldScores(loadTrainingData(INTENTS), config, 5, 1, loadLexiconOf(INTENTS));
  return predictionsAt(scores, config.temperature, config.decision)
    .filter((p) => p.predicted === 'human-handover' && !p.ambiguous)
    .map((p) => ({
      right: p.gold === 'human-handover',
      confidence: p.confidence ?? 0,
      text: p.text,
    }));
}

function heldOut(): Reading[] {
  const classifier = loadClassifier(INTENTS);
  const dir = join(INTENTS, 'test');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { text: string; intent: string; lang?: Lang }),
    )
    .flatMap((m) => {
      const r = classifier.classify(m.text, m.lang);
      return r.intent === 'human-handover' && !r.ambiguous
        ? [{ right: m.intent === 'human-handover', confidence: r.confidence, text: m.text }]
        : [];
    });
}

const sets = { cv: crossValidated(), splits: heldOut() };
const all = [...sets.cv, ...sets.splits];
const rows = BARS.map((bar) => {
  const row: Record<string, string | number> = { bar };
  for (const [name, readings] of Object.entries({ ...sets, all })) {
    const right = readings.filter((r) => r.right);
    const wrong = readings.filter((r) => !r.right);
    row[`${name}: right asked`] =
      `${right.filter((r) => r.confidence < bar).length}/${right.length}`;
    row[`${name}: wrong stopped`] =
      `${wrong.filter((r) => r.confidence < bar).length}/${wrong.length}`;
  }
  return row;
});
console.table(rows);
console.log('wrong readings (confidence, text):');
for (const r of all.filter((x) => !x.right).sort((a, b) => a.confidence - b.confidence))
  console.log(`  ${r.confidence.toFixed(3)}  ${r.text}`);
