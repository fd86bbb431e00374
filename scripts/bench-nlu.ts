/**
 * NLU benchmark (bounded, a few seconds): training time, heap held by the model, classify
 * latency p50/p99, and the eval figures on the held-out split. Writes the "## NLU" section of
 * docs/benchmarks.md, keeping the other sections. Run: npm run bench:nlu [-- --cv]
 * (node --expose-gc, so the heap figure is measured after a full collection). With --cv it also
 * runs 5-fold cross-validation over the training data (about a minute) and adds its rows.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { createBaseline } from '../src/nlu/baseline.js';
import { createClassifier, type NluClassifier } from '../src/nlu/classifier.js';
import { loadNluConfig } from '../src/nlu/config.js';
import {
  baselineOutOfFold,
  crossValidationReport,
  outOfFoldScores,
} from '../src/nlu/cross-validate.js';
import { evaluate, type Prediction } from '../src/nlu/eval.js';
import { loadLexiconOf } from '../src/nlu/load.js';
import { loadLabelledFile, loadTrainingData } from '../src/nlu/training-data.js';

const DOC = 'docs/benchmarks.md';
const CALLS = 20_000;

const gc = (globalThis as { gc?: () => void }).gc;
const heap = (): number => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};
const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

// Other work on the machine distorts every wall-clock figure: the load is printed with them.
const loadAtStart = loadavg()[0] ?? 0;
const config = loadNluConfig('intents/config.yaml');
const examples = loadTrainingData('intents');
const lexicon = loadLexiconOf('intents');
const SPLITS = [
  ['original', ''],
  ['extra', 'extra-'],
  ['third', 'third-'],
  ['fourth', 'fourth-'],
  ['fifth', 'fifth-'],
  ['sixth', 'sixth-'],
  ['seventh', 'seventh-'],
  ['eighth', 'eighth-'],
  ['ninth', 'ninth-'],
  ['tenth', 'tenth-'],
] as const;
const splits = SPLITS.map(([name, prefix]) => ({
  name,
  lines: ['et', 'en', 'ru'].flatMap((l) => loadLabelledFile(`intents/test/${prefix}${l}.jsonl`)),
}));
const test = splits.flatMap((s) => s.lines);

const trainTimes: number[] = [];
const trainCpu: number[] = [];
for (let i = 0; i < 3; i++) {
  createClassifier({ examples, config, lexicon });
}
const before = heap();
let classifier: NluClassifier | undefined;
for (let i = 0; i < 5; i++) {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  classifier = createClassifier({ examples, config, lexicon });
  trainTimes.push(performance.now() - started);
  const cpuUsed = process.cpuUsage(cpuStarted);
  trainCpu.push((cpuUsed.user + cpuUsed.system) / 1000);
}
const heapMb = (heap() - before) / 1024 / 1024;
if (!classifier) throw new Error('unreachable');

// Latency over realistic inputs: the test split plus typo'd variants (unknown words exercise
// the typo search, the slow path), each first seen cold.
const texts = [...test.map((l) => l.text), ...test.map((l) => `${l.text}x qwe`)];
const latencies: number[] = [];
for (let i = 0; i < CALLS; i++) {
  const text = texts[i % texts.length] ?? '';
  const started = performance.now();
  classifier.classify(i < texts.length ? text : `${text} ${i % 97}`);
  latencies.push(performance.now() - started);
}
latencies.sort((a, b) => a - b);

const baseline = createBaseline(examples);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const frac = (o: { count: number; of: number }): string => `${o.count}/${o.of}`;
const rows: string[] = [];
for (const split of splits) {
  const ours: Prediction[] = [];
  const base: Prediction[] = [];
  for (const l of split.lines) {
    const lang = l.lang ?? 'et';
    const d = classifier.classify(l.text, l.lang);
    const oov = classifier.rank(l.text, l.lang).oov;
    ours.push({
      text: l.text,
      gold: l.intent,
      predicted: d.intent,
      lang,
      ambiguous: d.ambiguous,
      oov,
    });
    base.push({ text: l.text, gold: l.intent, predicted: baseline.classify(l.text), lang });
  }
  const r = evaluate(ours);
  const b = evaluate(base);
  for (const lang of ['et', 'en', 'ru'] as const) {
    const rl = r.byLang[lang];
    const bl = b.byLang[lang];
    if (!rl || !bl) continue;
    rows.push(
      `| ${split.name} | ${lang} | ${rl.n} | ${pct(rl.accuracy)} (${pct(bl.accuracy)}) | ${frac(rl.oosFalseAcceptance)} (${frac(bl.oosFalseAcceptance)}) | ${pct(rl.keyConversationalRecall.rate)} (${pct(bl.keyConversationalRecall.rate)}) | ${frac(rl.oovOverconfidence)} |`,
    );
  }
}

if (process.argv.includes('--cv')) {
  const cv = crossValidationReport(outOfFoldScores(examples, config, 5, 1, lexicon), config);
  // natural's Bayes on the same folds, in brackets as on the splits.
  const cvBase = evaluate(baselineOutOfFold(examples, 5, 1));
  for (const lang of ['et', 'en', 'ru'] as const) {
    const rl = cv.byLang[lang];
    const bl = cvBase.byLang[lang];
    if (!rl || !bl) continue;
    rows.push(
      `| 5-fold CV | ${lang} | ${rl.n} | ${pct(rl.accuracy)} (${pct(bl.accuracy)}) | ${frac(rl.oosFalseAcceptance)} = ${pct(rl.oosFalseAcceptance.rate)} (${frac(bl.oosFalseAcceptance)}) | ${pct(rl.keyConversationalRecall.rate)} (${pct(bl.keyConversationalRecall.rate)}) | ${frac(rl.oovOverconfidence)} |`,
    );
  }
}

const sortedTrain = [...trainTimes].sort((a, b) => a - b);
const sortedCpu = [...trainCpu].sort((a, b) => a - b);
const cpu = cpus();
const section = [
  '## NLU',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, load average ${loadAtStart.toFixed(1)} at start; \`npm run bench:nlu\`.`,
  '',
  `| figure | value |`,
  `| --- | --- |`,
  `| training examples | ${examples.length} (${classifier.stats.features} features) |`,
  `| training time (median of 5, warm) | ${quantile(sortedTrain, 0.5).toFixed(0)} ms wall, ${quantile(sortedCpu, 0.5).toFixed(0)} ms CPU |`,
  `| heap held by the model | ${heapMb.toFixed(1)} MB |`,
  `| classify p50 (${CALLS} calls) | ${(quantile(latencies, 0.5) * 1000).toFixed(0)} µs |`,
  `| classify p99 | ${(quantile(latencies, 0.99) * 1000).toFixed(0)} µs |`,
  `| classify max | ${((latencies.at(-1) ?? 0) * 1000).toFixed(0)} µs |`,
  '',
  `Held-out splits (\`npm run nlu -- eval intents/test/*.jsonl\`), this classifier and, in brackets, natural's BayesClassifier:`,
  '',
  '| split | lang | n | accuracy | out-of-scope taken as a life event | thanks/greeting/person recall | OOV over-confidence |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n');

const current = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
const start = current.indexOf('\n## NLU');
let next = start < 0 ? -1 : current.indexOf('\n## ', start + 1);
if (next < 0) next = current.length;
const updated =
  start < 0
    ? `${current.trimEnd()}\n\n${section}`
    : `${current.slice(0, start).trimEnd()}\n\n${section}${current.slice(next).replace(/^\n*/, '\n')}`;
writeFileSync(DOC, updated.trimEnd() + '\n');
process.stderr.write(`${section}\nwrote ${DOC}\n`);
