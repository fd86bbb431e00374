import { describe, expect, it } from 'vitest';
import { evaluate, type Prediction } from '../../src/nlu/eval.js';
import { loadLabelledFile } from '../../src/nlu/training-data.js';
import { createClassifier } from '../../src/nlu/classifier.js';
import { DEFAULT_NLU_CONFIG } from '../../src/nlu/config.js';
import type { TrainingExample } from '../../src/nlu/training-data.js';
import { trainedClassifier } from './helpers.js';

const classifier = trainedClassifier();

describe('Classifier', () => {
  it.each([
    ['vanaema matused on reedel, kas toetust saab', 'death-of-relative', 'et'],
    ['муж подал на развод, что теперь', 'divorce', 'ru'],
    ['baby due in june, what do we need to sort out', 'child-birth', 'en'],
    ['мне нужна matusetoetus', 'death-of-relative', 'ru'],
    ['kuidas taotleda vanemahuvitist', 'child-birth', 'et'],
    ['elamisloa pikendamine', 'settling-in-estonia', 'et'],
    ['ajapikendus', 'military-service', 'et'],
    ['pension fund II pillar', 'retirement', 'en'],
    ['passport for my baby', 'child-birth', 'en'],
    ['ID card renewal', 'out-of-scope', 'en'],
    ['kuidas saada juhiluba', 'out-of-scope', 'et'],
    ['asdkjh qwpeoi zxmnb', 'out-of-scope', 'et'],
    ['живой человек', 'human-handover', 'ru'],
    ['kas sa oled päris inimene', 'smalltalk-robot', 'et'],
    ['who built this assistant', 'smalltalk-creator', 'en'],
    ['ты понимаешь по-русски', 'smalltalk-languages', 'ru'],
    ['sa oled väga tark', 'smalltalk-compliment', 'et'],
    ['you are a stupid useless bot', 'smalltalk-profanity', 'en'],
    ['jah, täpselt', 'affirm', 'et'],
    ['нет, не надо', 'deny', 'ru'],
    ['very nice to meet you', 'greeting', 'en'],
    ['thank you, bye', 'goodbye', 'en'],
    ['redirect me to a human please', 'human-handover', 'en'],
    ['we want to end our marriage', 'divorce', 'en'],
    ['my mother passed away last night', 'death-of-relative', 'en'],
    ['has a decision been made on my application', 'my-status', 'en'],
    // English slang thanks, greetings and requests for a person (intents/en/*-colloquial.yaml,
    // thanks-slang.yaml): out-of-scope before those sentences.
    ['owe you one mate', 'thanks', 'en'],
    ["g'day mate", 'greeting', 'en'],
    ['loop in someone from your team', 'human-handover', 'en'],
  ])('classifies "%s" as %s', (text, intent, lang) => {
    const r = classifier.classify(text);
    expect(r.intent).toBe(intent);
    expect(r.lang).toBe(lang);
  });

  it('returns calibrated alternatives, best first, that sum to at most 1', () => {
    const r = classifier.classify('tahan abielluda');
    expect(r.alternatives[0]?.intent).toBe('marriage');
    const confidences = r.alternatives.map((a) => a.confidence);
    expect([...confidences].sort((a, b) => b - a)).toEqual(confidences);
    expect(confidences.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('keeps Estonian vowel length: a compliment is not a death', () => {
    // "suurepärane" (excellent) and "surm" (death) share n-grams only when length is folded.
    for (const text of ['suurepärane', 'suurepärane töö']) {
      expect(classifier.classify(text).intent, text).not.toBe('death-of-relative');
    }
  });

  it('does not take a message of unknown words for a life event (rotated words)', () => {
    for (const text of ['rusi ame', 'tusematoe', 'ивенеразвод', 'ionpens ageand']) {
      const r = classifier.classify(text);
      expect(r.intent === 'out-of-scope' || r.ambiguous, text).toBe(true);
    }
  });

  it('tolerates typos in service names', () => {
    expect(classifier.classify('matusetoetis').intent).toBe('death-of-relative');
    expect(classifier.classify('elamisloa pikendamne').intent).toBe('settling-in-estonia');
  });

  it('reports how long it trained (the bound is measured by npm run bench:nlu, not here)', () => {
    // Timing under a shared test run is not deterministic; docs/benchmarks.md has the figure.
    expect(classifier.stats.trainMs).toBeGreaterThan(0);
  });
});

describe('the open-set gate (training.gate)', () => {
  const ex = (intent: TrainingExample['intent'], texts: string[]): TrainingExample[] =>
    texts.map((text) => ({ text, intent, lang: 'en' }));
  const examples = [
    ...ex('marriage', [
      'we want to get married',
      'how to register our marriage',
      'wedding at the registry office',
    ]),
    ...ex('divorce', ['we want a divorce', 'how to file for divorce', 'ending our marriage']),
    ...ex('out-of-scope', [
      'weather in tartu tomorrow',
      'price of a bus ticket',
      'renew my driving licence',
      'fishing permit online',
    ]),
    ...ex('thanks', ['thank you', 'thanks a lot', 'many thanks']),
  ];
  const withGate = {
    ...DEFAULT_NLU_CONFIG,
    training: { ...DEFAULT_NLU_CONFIG.training, gate: true },
  };

  it('says P(life event) = 1 when there is no gate', () => {
    const c = createClassifier({ examples });
    expect(c.score('how to file for divorce').inScope).toBe(1);
  });

  it('learns life events pooled against out-of-scope', () => {
    const c = createClassifier({ examples, config: withGate });
    const life = c.score('we want to register a divorce').inScope;
    const other = c.score('bus ticket price in tartu').inScope;
    expect(life).toBeGreaterThan(0.5);
    expect(other).toBeLessThan(0.5);
    // Both scoring paths give the same gate.
    expect(c.scorePlain('bus ticket price in tartu').inScope).toBeCloseTo(other, 12);
  });
});

// Measured (docs/nlu.md, 2026-12-02, fourth pass): original split 98.6%, false acceptance 0/102;
// extra 97.2%, 1/95; third 97.1%, 4/235; fourth 96.3%, 2/186; fifth 93.9%, et 95.9%, en 93.5%,
// ru 92.3%, 14/204; sixth (blind: written before the pass, never tuned on) 92.0%, et 90.6%,
// en 94.9%, ru 90.4%, 14/189. The floors sit a little under, to catch regressions; they are
// not targets.
const SPLITS = [
  {
    name: 'the held-out test split',
    files: ['et', 'en', 'ru'].map((l) => `intents/test/${l}.jsonl`),
    floor: { accuracy: 0.96, perLang: 0.95, oosFalseAcceptance: 0.03 },
  },
  {
    name: 'the second held-out split (extra)',
    files: ['et', 'en', 'ru'].map((l) => `intents/test/extra-${l}.jsonl`),
    floor: { accuracy: 0.95, perLang: 0.94, oosFalseAcceptance: 0.03 },
  },
  {
    name: 'the third held-out split',
    files: ['et', 'en', 'ru'].map((l) => `intents/test/third-${l}.jsonl`),
    floor: { accuracy: 0.95, perLang: 0.94, oosFalseAcceptance: 0.04 },
  },
  {
    name: 'the fourth held-out split',
    files: ['et', 'en', 'ru'].map((l) => `intents/test/fourth-${l}.jsonl`),
    floor: { accuracy: 0.94, perLang: 0.92, oosFalseAcceptance: 0.03 },
  },
  {
    name: 'the fifth held-out split',
    files: ['et', 'en', 'ru'].map((l) => `intents/test/fifth-${l}.jsonl`),
    floor: { accuracy: 0.91, perLang: 0.9, oosFalseAcceptance: 0.09 },
  },
  {
    name: 'the sixth held-out split',
    files: ['et', 'en', 'ru'].map((l) => `intents/test/sixth-${l}.jsonl`),
    floor: { accuracy: 0.9, perLang: 0.88, oosFalseAcceptance: 0.09 },
  },
];

describe.each(SPLITS)('$name (regression floor)', ({ files, floor }) => {
  const lines = files.flatMap((file) => loadLabelledFile(file));
  const predictions: Prediction[] = lines.map((line) => ({
    text: line.text,
    gold: line.intent,
    predicted: classifier.classify(line.text, line.lang).intent,
    lang: line.lang ?? 'et',
  }));
  const report = evaluate(predictions);

  it(`keeps overall accuracy at or above ${floor.accuracy}`, () => {
    expect(report.accuracy).toBeGreaterThanOrEqual(floor.accuracy);
  });

  it(`keeps accuracy in every language at or above ${floor.perLang}`, () => {
    for (const lang of ['et', 'en', 'ru'] as const) {
      expect(report.perLang[lang]?.accuracy, lang).toBeGreaterThanOrEqual(floor.perLang);
    }
  });

  it(`takes at most ${floor.oosFalseAcceptance * 100}% of out-of-scope messages for a life event`, () => {
    expect(report.oosFalseAcceptance.rate).toBeLessThanOrEqual(floor.oosFalseAcceptance);
  });
});
