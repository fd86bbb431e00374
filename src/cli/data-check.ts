/**
 * The checks of `npm run dialogs -- check` beyond the dialog bundle: the NLU training data
 * and its configuration (every contract intent trained in every language), the held-out
 * split, and the locale files that are not dialog texts (status, widget: same keys in et, en
 * and ru). Each problem names the file, the path in it and what was expected.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Problem } from '../dialog/problem.js';
import { loadNluConfig } from '../nlu/config.js';
import { loadLabelledFile, loadTrainingData, TrainingDataError } from '../nlu/training-data.js';
import { CONVERSATION_INTENTS, LIFE_EVENTS, OUT_OF_SCOPE } from '../nlu/types.js';
import { LANGS } from '../protocol/frames.js';
import { loadStatusTexts } from '../status/status-texts.js';

const CONTRACT_INTENTS = [...LIFE_EVENTS, ...CONVERSATION_INTENTS, OUT_OF_SCOPE];

function caught(root: string, file: string, err: unknown): Problem[] {
  if (err instanceof TrainingDataError) {
    return err.problems.map((p) => ({
      file: relative(root, p.file),
      path: p.path,
      message: p.message,
    }));
  }
  return [{ file, path: '', message: err instanceof Error ? err.message : String(err) }];
}

/** Checks intents/ when the tree has one (a dialog fixture tree may not). */
export function checkIntents(root: string): Problem[] {
  const dir = join(root, 'intents');
  const problems: Problem[] = [];
  if (!existsSync(dir)) return problems;
  try {
    const examples = loadTrainingData(dir);
    for (const lang of LANGS) {
      for (const intent of CONTRACT_INTENTS) {
        const n = examples.filter((e) => e.lang === lang && e.intent === intent).length;
        if (n === 0) {
          problems.push({
            file: `intents/${lang}`,
            path: intent,
            message: `no training examples for the contract intent ${intent} in ${lang}`,
          });
        }
      }
    }
  } catch (err) {
    problems.push(...caught(root, 'intents', err));
  }
  try {
    loadNluConfig(join(dir, 'config.yaml'));
  } catch (err) {
    problems.push(...caught(root, 'intents/config.yaml', err));
  }
  const testDir = join(dir, 'test');
  if (existsSync(testDir)) {
    for (const f of readdirSync(testDir).filter((x) => x.endsWith('.jsonl'))) {
      try {
        loadLabelledFile(join(testDir, f));
      } catch (err) {
        problems.push(...caught(root, `intents/test/${f}`, err));
      }
    }
  }
  return problems;
}

/** Every key path of a JSON object, as `a.b.c`. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
}

export function checkLocales(root: string): Problem[] {
  const problems: Problem[] = [];
  // Only the namespaces the tree has: a dialog fixture tree holds dialog texts alone.
  if (!existsSync(join(root, 'locales/et/widget.json'))) return problems;
  try {
    loadStatusTexts(join(root, 'locales'));
  } catch (err) {
    problems.push(...caught(root, 'locales/*/status.json', err));
  }
  const ns = 'widget';
  const keys = new Map<string, Set<string>>();
  for (const lang of LANGS) {
    const file = `locales/${lang}/${ns}.json`;
    try {
      keys.set(lang, new Set(keyPaths(JSON.parse(readFileSync(join(root, file), 'utf8')))));
    } catch (err) {
      problems.push({
        file,
        path: '',
        message: `cannot read: ${err instanceof Error ? err.message : String(err)}`,
      });
    }
  }
  const et = keys.get('et');
  for (const lang of LANGS) {
    const mine = keys.get(lang);
    if (!et || !mine || lang === 'et') continue;
    for (const k of et)
      if (!mine.has(k))
        problems.push({
          file: `locales/${lang}/${ns}.json`,
          path: k,
          message: 'key missing (present in et)',
        });
    for (const k of mine)
      // A plural form of a key et has („notice_few“): Russian has more forms than Estonian.
      if (!et.has(k) && !et.has(k.replace(/_(zero|one|two|few|many|other)$/, '')))
        problems.push({
          file: `locales/${lang}/${ns}.json`,
          path: k,
          message: 'key not in et (the fallback)',
        });
  }
  return problems;
}
