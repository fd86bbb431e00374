/**
 * NLU command line (contract in shared/DESIGN.md). stdout carries only results; logs and
 * errors go to stderr, so `npm run --silent nlu -- classify` is clean JSON Lines.
 *
 *   nlu classify                     JSONL {"text","lang"?} on stdin -> JSONL results on stdout
 *   nlu eval FILE.jsonl... [--json]  our classifier vs natural's BayesClassifier, side by side
 *     [--blind SPLIT,...]            do not list the misclassified lines of these splits (blind
 *                                    held-out sets: only their figures are shown)
 *   nlu cv [--folds 5] [--json]      k-fold cross-validation, calibration and thresholds
 *   --intents DIR                    training data directory (default: intents)
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { LANGS } from '../protocol/frames.js';
import { createBaseline } from '../nlu/baseline.js';
import {
  baselineOutOfFold,
  calibrate,
  inScopeGrid,
  crossValidationReport,
  openSetTradeOff,
  outOfFoldScores,
} from '../nlu/cross-validate.js';
import {
  evaluate,
  formatComparison,
  formatSummary,
  rotateWords,
  type Prediction,
} from '../nlu/eval.js';
import { decide } from '../nlu/decision.js';
import { OUT_OF_SCOPE, type IntentId } from '../nlu/types.js';
import type { Lang } from '../protocol/frames.js';
import { loadClassifier, loadLexiconOf } from '../nlu/load.js';
import { loadNluConfig } from '../nlu/config.js';
import { loadLabelledFile, loadTrainingData, TrainingDataError } from '../nlu/training-data.js';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { DEFAULT_NLU_CONFIG } from '../nlu/config.js';

const ClassifyLine = z.strictObject({
  text: z.string().min(1).max(2000),
  lang: z.enum(LANGS).optional(),
});

/** Where a run reads and writes: the process's streams, or a test's. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The process's streams; stdin is touched only when a run is given no other. */
export const processIo = (): CliIo => ({
  stdin: process.stdin,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

async function classifyCommand(intentsDir: string, io: CliIo): Promise<number> {
  const log = (message: string) => io.stderr(`${message}\n`);
  const classifier = loadClassifier(intentsDir);
  let lineNo = 0;
  let bad = 0;
  const rl = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      bad++;
      log(`line ${lineNo}: not valid JSON, skipped`);
      continue;
    }
    const parsed = ClassifyLine.safeParse(raw);
    if (!parsed.success) {
      bad++;
      const issues = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
      log(`line ${lineNo}: ${issues}, skipped`);
      continue;
    }
    const r = classifier.classify(parsed.data.text, parsed.data.lang);
    io.stdout(
      JSON.stringify({
        text: r.text,
        intent: r.intent,
        confidence: Math.round(r.confidence * 1e4) / 1e4,
        lang: r.lang,
        ambiguous: r.ambiguous,
        alternatives: r.alternatives.map((a) => ({
          intent: a.intent,
          confidence: Math.round(a.confidence * 1e4) / 1e4,
        })),
      }) + '\n',
    );
  }
  return bad > 0 ? 1 : 0;
}

/** Which split a test file belongs to: `intents/test/extra-et.jsonl` → `extra`. */
function splitName(file: string): string {
  const base = file.split('/').pop() ?? file;
  const m = /^(?:(.+)-)?(et|en|ru)\.jsonl$/.exec(base);
  return m ? (m[1] ?? 'original') : base;
}

function evalCommand(
  intentsDir: string,
  files: string[],
  json: boolean,
  blind: ReadonlySet<string>,
  io: CliIo,
): number {
  const log = (message: string) => io.stderr(`${message}\n`);
  if (files.length === 0) {
    log('usage: nlu eval FILE.jsonl... [--json]');
    return 2;
  }
  const examples = loadTrainingData(intentsDir);
  const classifier = loadClassifier(intentsDir);
  const baseline = createBaseline(examples);
  const blindErrors = new Map<string, number>();
  const predict = (text: string, gold: IntentId, lang?: Lang): [Prediction, Prediction] => {
    const { ranked, signals, lang: detected } = classifier.rank(text, lang);
    const d = decide(ranked, signals, classifier.config.decision);
    const l = lang ?? detected;
    return [
      {
        text,
        gold,
        predicted: d.intent,
        lang: l,
        confidence: d.confidence,
        ambiguous: d.ambiguous,
        oov: signals.oov,
      },
      { text, gold, predicted: baseline.classify(text), lang: l },
    ];
  };
  const splits = new Map<string, { ours: Prediction[]; base: Prediction[] }>();
  const probe = { ours: [] as Prediction[], base: [] as Prediction[] };
  const all = { ours: [] as Prediction[], base: [] as Prediction[] };
  for (const file of files) {
    const name = splitName(file);
    const split = splits.get(name) ?? { ours: [], base: [] };
    splits.set(name, split);
    for (const line of loadLabelledFile(file)) {
      const [o, b] = predict(line.text, line.intent, line.lang);
      split.ours.push(o);
      split.base.push(b);
      if (blind.has(name)) {
        if (o.gold !== o.predicted) blindErrors.set(name, (blindErrors.get(name) ?? 0) + 1);
      } else all.ours.push(o);
      all.base.push(b);
      const rotated = rotateWords(line.text);
      if (rotated !== line.text) {
        const [po, pb] = predict(rotated, OUT_OF_SCOPE, line.lang);
        probe.ours.push(po);
        probe.base.push(pb);
      }
    }
  }
  const report = evaluate([...splits.values()].flatMap((p) => p.ours));
  const baselineReport = evaluate(all.base);
  const perSplit = [...splits].map(([name, p]) => ({
    name,
    report: evaluate(p.ours),
    baseline: evaluate(p.base),
  }));
  const probeReport = { report: evaluate(probe.ours), baseline: evaluate(probe.base) };
  // Misclassified lines, except those of blind splits (only counted).
  const errors = all.ours.filter((p) => p.gold !== p.predicted);
  if (json) {
    io.stdout(
      JSON.stringify(
        {
          files,
          report,
          baseline: baselineReport,
          splits: perSplit,
          oovProbe: probeReport,
          errors,
          blindErrors: Object.fromEntries(blindErrors),
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  const out: string[] = [
    formatComparison([
      { name: 'nlu (this)', report },
      { name: 'natural Bayes', report: baselineReport },
    ]),
    '',
    formatSummary(perSplit, probeReport),
  ];
  if (errors.length > 0) {
    out.push('', `misclassified (${errors.length}):`);
    for (const e of errors) out.push(`  [${e.lang}] ${e.gold} -> ${e.predicted}: ${e.text}`);
  }
  for (const [name, n] of blindErrors) {
    out.push(`(${n} misclassified lines of the blind split "${name}" not shown)`);
  }
  io.stdout(out.join('\n') + '\n');
  return 0;
}

function cvCommand(intentsDir: string, folds: number, json: boolean, io: CliIo): number {
  const configFile = join(intentsDir, 'config.yaml');
  const config = existsSync(configFile) ? loadNluConfig(configFile) : DEFAULT_NLU_CONFIG;
  const examples = loadTrainingData(intentsDir);
  const started = performance.now();
  // The lexicon is domain knowledge outside the folds: every fold's model has all of it.
  const scores = outOfFoldScores(examples, config, folds, 1, loadLexiconOf(intentsDir));
  const report = crossValidationReport(scores, config);
  const baselineReport = evaluate(baselineOutOfFold(examples, folds, 1));
  const calibration = calibrate(scores, config.decision);
  const tradeOff = openSetTradeOff(scores, config.temperature, config.decision);
  const seconds = (performance.now() - started) / 1000;
  if (json) {
    io.stdout(
      JSON.stringify({ folds, report, baseline: baselineReport, calibration, tradeOff }, null, 2) +
        '\n',
    );
    return 0;
  }
  const out: string[] = [
    `${folds}-fold cross-validation over ${examples.length} training examples (${seconds.toFixed(1)} s)`,
    '',
    formatComparison([
      { name: 'current config', report },
      { name: 'natural Bayes', report: baselineReport },
    ]),
    '',
    `temperature: fitted ${calibration.temperature} (out-of-fold NLL ${calibration.nllBefore.toFixed(3)} at T=1 -> ${calibration.nllAfter.toFixed(3)})`,
    '',
    `life-event thresholds (minEvidence ${calibration.recommended.minEvidence}; minInScope ${calibration.recommended.minInScope}${inScopeGrid(scores, config.decision.minInScope).length === 1 ? ', not swept: no gate' : ''}; minConfidenceOther ${calibration.recommended.minConfidenceOther})`,
    'minConfidence  accuracy  oos-false-accept  life-event-false-reject',
    ...calibration.sweep
      .filter(
        (r) =>
          Math.abs(r.minEvidence - calibration.recommended.minEvidence) < 1e-9 &&
          Math.abs(r.minInScope - calibration.recommended.minInScope) < 1e-9,
      )
      .map(
        (r) =>
          `${r.minConfidence.toFixed(2).padEnd(15)}${(r.accuracy * 100).toFixed(1).padEnd(10)}${(r.oosFalseAcceptance * 100).toFixed(1).padEnd(18)}${(r.lifeEventFalseRejection * 100).toFixed(1)}`,
      ),
    '',
    'open-set trade-off, nested (life-event thresholds chosen on the other folds, counted on the held-out one)',
    'cost of a false acceptance, mode  accuracy  oos-false-accept  life-event-false-reject  thresholds (all folds)',
    ...tradeOff.map((p) => {
      const t = Object.values(p.thresholds);
      const range =
        p.mode === 'global' ? String(t[0] ?? '-') : `${Math.min(...t)}-${Math.max(...t)}`;
      return `${`${p.cost} ${p.mode}`.padEnd(33)}${(p.accuracy * 100).toFixed(1).padEnd(10)}${(p.oosFalseAcceptance * 100).toFixed(1).padEnd(18)}${(p.lifeEventFalseRejection * 100).toFixed(1).padEnd(24)}${range}`;
    }),
    '',
    'ambiguityMargin  correct-flagged  wrong-flagged',
    ...calibration.ambiguity.map(
      (a) =>
        `${a.margin.toFixed(2).padEnd(17)}${(a.correctFlagged * 100).toFixed(1).padEnd(17)}${(a.wrongFlagged * 100).toFixed(1)}`,
    ),
    '',
    `recommended: temperature ${calibration.temperature}, ${Object.entries(calibration.recommended)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(', ')}`,
  ];
  io.stdout(out.join('\n') + '\n');
  return 0;
}

async function main(argv: string[], io: CliIo): Promise<number> {
  const log = (message: string) => io.stderr(`${message}\n`);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      folds: { type: 'string', default: '5' },
      intents: { type: 'string', default: 'intents' },
      blind: { type: 'string', multiple: true, default: [] },
    },
  });
  const [command, ...rest] = positionals;
  switch (command) {
    case 'classify':
      return classifyCommand(values.intents, io);
    case 'eval':
      return evalCommand(
        values.intents,
        rest,
        values.json,
        new Set(values.blind.flatMap((b) => b.split(',')).filter((b) => b !== '')),
        io,
      );
    case 'cv': {
      const folds = Number(values.folds);
      if (!Number.isInteger(folds) || folds < 2) {
        log('--folds must be an integer >= 2');
        return 2;
      }
      return cvCommand(values.intents, folds, values.json, io);
    }
    default:
      log('usage: nlu classify | nlu eval FILE.jsonl... [--json] | nlu cv [--folds 5] [--json]');
      return 2;
  }
}

/** One run of the command line: its exit code (tests call this in process). */
export async function runNluCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    return await main(argv, io);
  } catch (err) {
    if (err instanceof TrainingDataError) io.stderr(`${err.message}\n`);
    else io.stderr(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 2;
  }
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  void runNluCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
