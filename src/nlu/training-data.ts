/**
 * Training data and the held-out test split, validated with zod at load. Every problem in every
 * file is reported together (file, path, what was expected), not just the first.
 *
 * Layout: intents/<lang>/<intent>.yaml with `{ intent, lang, examples: [...] }`;
 * intents/test/*.jsonl with `{"text","intent","lang"}` lines (never used for training).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { LANGS, type Lang } from '../protocol/frames.js';
import { CONVERSATION_INTENTS, LIFE_EVENTS, OUT_OF_SCOPE, type IntentId } from './types.js';

export const INTENT_IDS = [...LIFE_EVENTS, ...CONVERSATION_INTENTS, OUT_OF_SCOPE] as const;

const IntentSchema = z.enum(INTENT_IDS);
const LangSchema = z.enum(LANGS);

export const IntentFileSchema = z.strictObject({
  intent: IntentSchema,
  lang: LangSchema,
  examples: z.array(z.string().trim().min(1, 'an example must not be empty')).min(1),
});

export const LabelledLineSchema = z.strictObject({
  text: z.string().min(1),
  intent: IntentSchema,
  lang: LangSchema.optional(),
});
export type LabelledLine = z.infer<typeof LabelledLineSchema>;

export interface TrainingExample {
  text: string;
  intent: IntentId;
  lang: Lang;
}

export interface DataProblem {
  file: string;
  /** Dotted path inside the file, or `line N` for JSONL. */
  path: string;
  message: string;
}

export class TrainingDataError extends Error {
  override name = 'TrainingDataError';
  readonly code = 'NLU_DATA_INVALID';
  constructor(readonly problems: readonly DataProblem[]) {
    super(
      `invalid NLU data (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.file}: ${p.path}: ${p.message}`).join('\n'),
    );
  }
}

function zodProblems(file: string, error: z.ZodError, prefix = ''): DataProblem[] {
  return error.issues.map((issue) => ({
    file,
    path: prefix + (issue.path.length > 0 ? issue.path.join('.') : '(root)'),
    message: issue.message,
  }));
}

/** Pure: parses one intent file's text. `expectedLang` comes from its directory. */
export function parseIntentFile(
  file: string,
  text: string,
  expectedLang?: Lang,
): { examples: TrainingExample[]; problems: DataProblem[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return {
      examples: [],
      problems: [{ file, path: '(root)', message: `not valid YAML: ${String(err)}` }],
    };
  }
  const parsed = IntentFileSchema.safeParse(raw);
  if (!parsed.success) return { examples: [], problems: zodProblems(file, parsed.error) };
  const { intent, lang, examples } = parsed.data;
  const problems: DataProblem[] = [];
  if (expectedLang && lang !== expectedLang) {
    problems.push({ file, path: 'lang', message: `expected "${expectedLang}" (its directory)` });
  }
  const seen = new Map<string, number>();
  examples.forEach((ex, i) => {
    const key = ex.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ file, path: `examples.${i}`, message: `duplicate of examples.${first}` });
    } else seen.set(key, i);
  });
  return { examples: examples.map((text) => ({ text, intent, lang })), problems };
}

/** Pure: parses labelled JSONL; bad lines are reported with their line number. */
export function parseLabelledJsonl(
  file: string,
  text: string,
): { lines: LabelledLine[]; problems: DataProblem[] } {
  const lines: LabelledLine[] = [];
  const problems: DataProblem[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      problems.push({ file, path: `line ${i + 1}`, message: 'not valid JSON' });
      return;
    }
    const parsed = LabelledLineSchema.safeParse(raw);
    if (parsed.success) lines.push(parsed.data);
    else problems.push(...zodProblems(file, parsed.error, `line ${i + 1}: `));
  });
  return { lines, problems };
}

/** Reads intents/<lang>/*.yaml for every language; throws TrainingDataError listing all problems. */
export function loadTrainingData(intentsDir = 'intents'): TrainingExample[] {
  const examples: TrainingExample[] = [];
  const problems: DataProblem[] = [];
  for (const lang of LANGS) {
    const dir = join(intentsDir, lang);
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
    } catch {
      problems.push({ file: dir, path: '(dir)', message: 'missing training data directory' });
      continue;
    }
    for (const f of files.sort()) {
      const file = join(dir, f);
      const result = parseIntentFile(file, readFileSync(file, 'utf8'), lang);
      examples.push(...result.examples);
      problems.push(...result.problems);
    }
  }
  // One sentence, one intent: the same sentence under two intents of a language teaches nothing.
  const labelOf = new Map<string, TrainingExample>();
  for (const e of examples) {
    const key = `${e.lang}\u0000${e.text.toLowerCase().trim()}`;
    const first = labelOf.get(key);
    if (first === undefined) labelOf.set(key, e);
    else if (first.intent !== e.intent) {
      problems.push({
        file: join(intentsDir, e.lang),
        path: e.text,
        message: `labelled both ${first.intent} and ${e.intent}`,
      });
    }
  }
  if (problems.length > 0) throw new TrainingDataError(problems);
  return examples;
}

export function loadLabelledFile(file: string): LabelledLine[] {
  const { lines, problems } = parseLabelledJsonl(file, readFileSync(file, 'utf8'));
  if (problems.length > 0) throw new TrainingDataError(problems);
  return lines;
}
