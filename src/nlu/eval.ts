/**
 * Evaluation metrics: accuracy, per-intent precision/recall/F1, per-language reports, the
 * commonest confusions, the out-of-scope false-acceptance rate (out-of-scope messages that
 * were taken for a life event — the failure that sends a citizen down the wrong path), the
 * recall of the conversational intents people rely on (thanks, greeting, a person), and
 * over-confidence on mostly out-of-vocabulary messages.
 */
import type { Lang } from '../protocol/frames.js';
import { INTENT_IDS } from './training-data.js';
import { OUT_OF_SCOPE, isLifeEvent, type IntentId } from './types.js';

export interface Prediction {
  text: string;
  gold: IntentId;
  predicted: IntentId;
  lang: Lang;
  confidence?: number;
  ambiguous?: boolean;
  /** Share of the message's content words unknown to the model (see RawScore.oov). */
  oov?: number;
}

/** A message counts as mostly out-of-vocabulary at or above this share of unknown words. */
export const MOSTLY_OOV = 0.5;
/** The conversational intents whose recall the targets name. */
export const KEY_CONVERSATIONAL: readonly IntentId[] = ['thanks', 'greeting', 'human-handover'];

export interface IntentScore {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvalReport {
  n: number;
  accuracy: number;
  macroF1: number;
  perIntent: Partial<Record<IntentId, IntentScore>>;
  perLang: Partial<Record<Lang, { n: number; accuracy: number }>>;
  confusions: { gold: IntentId; predicted: IntentId; count: number }[];
  /** Out-of-scope messages classified as a life event, over all out-of-scope messages. */
  oosFalseAcceptance: { rate: number; count: number; of: number };
  /** Life-event messages answered with out-of-scope, over all life-event messages. */
  lifeEventFalseRejection: { rate: number; count: number; of: number };
  /**
   * Mostly out-of-vocabulary messages (oov ≥ MOSTLY_OOV) answered with a wrong life event
   * without "did you mean" (over those messages). Only when predictions carry `oov`.
   */
  oovOverconfidence: { rate: number; count: number; of: number };
  /** Recall of thanks, greeting and human-handover together. */
  keyConversationalRecall: { rate: number; count: number; of: number };
  /** The same report for each language's messages (one level deep). */
  byLang: Partial<Record<Lang, EvalReport>>;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export function evaluate(predictions: readonly Prediction[], nested = true): EvalReport {
  const perIntent: Partial<Record<IntentId, IntentScore>> = {};
  const f1s: number[] = [];
  for (const intent of INTENT_IDS) {
    const tp = predictions.filter((p) => p.gold === intent && p.predicted === intent).length;
    const goldN = predictions.filter((p) => p.gold === intent).length;
    const predN = predictions.filter((p) => p.predicted === intent).length;
    if (goldN === 0 && predN === 0) continue;
    const precision = ratio(tp, predN);
    const recall = ratio(tp, goldN);
    const f1 = ratio(2 * precision * recall, precision + recall);
    perIntent[intent] = { precision, recall, f1, support: goldN };
    if (goldN > 0) f1s.push(f1);
  }
  const perLang: Partial<Record<Lang, { n: number; accuracy: number }>> = {};
  for (const lang of ['et', 'en', 'ru'] as const) {
    const of = predictions.filter((p) => p.lang === lang);
    if (of.length === 0) continue;
    perLang[lang] = {
      n: of.length,
      accuracy: ratio(of.filter((p) => p.gold === p.predicted).length, of.length),
    };
  }
  const pairs = new Map<string, { gold: IntentId; predicted: IntentId; count: number }>();
  for (const p of predictions) {
    if (p.gold === p.predicted) continue;
    const key = `${p.gold}>${p.predicted}`;
    const entry = pairs.get(key) ?? { gold: p.gold, predicted: p.predicted, count: 0 };
    entry.count++;
    pairs.set(key, entry);
  }
  const oos = predictions.filter((p) => p.gold === OUT_OF_SCOPE);
  const oosAccepted = oos.filter((p) => isLifeEvent(p.predicted)).length;
  const life = predictions.filter((p) => isLifeEvent(p.gold));
  const lifeRejected = life.filter((p) => p.predicted === OUT_OF_SCOPE).length;
  const mostlyOov = predictions.filter((p) => (p.oov ?? 0) >= MOSTLY_OOV);
  const overconfident = mostlyOov.filter(
    (p) => isLifeEvent(p.predicted) && p.predicted !== p.gold && p.ambiguous !== true,
  ).length;
  const key = predictions.filter((p) => KEY_CONVERSATIONAL.includes(p.gold));
  const keyHit = key.filter((p) => p.predicted === p.gold).length;
  const byLang: Partial<Record<Lang, EvalReport>> = {};
  if (nested) {
    for (const lang of ['et', 'en', 'ru'] as const) {
      const of = predictions.filter((p) => p.lang === lang);
      if (of.length > 0) byLang[lang] = evaluate(of, false);
    }
  }
  return {
    n: predictions.length,
    accuracy: ratio(predictions.filter((p) => p.gold === p.predicted).length, predictions.length),
    macroF1: ratio(
      f1s.reduce((a, b) => a + b, 0),
      f1s.length,
    ),
    perIntent,
    perLang,
    confusions: [...pairs.values()].sort((a, b) => b.count - a.count),
    oosFalseAcceptance: {
      rate: ratio(oosAccepted, oos.length),
      count: oosAccepted,
      of: oos.length,
    },
    lifeEventFalseRejection: {
      rate: ratio(lifeRejected, life.length),
      count: lifeRejected,
      of: life.length,
    },
    oovOverconfidence: {
      rate: ratio(overconfident, mostlyOov.length),
      count: overconfident,
      of: mostlyOov.length,
    },
    keyConversationalRecall: { rate: ratio(keyHit, key.length), count: keyHit, of: key.length },
    byLang,
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const pad = (s: string, n: number): string => s.padEnd(n);

/** A plain-text report: our classifier and the baseline side by side. */
export function formatComparison(
  reports: readonly { name: string; report: EvalReport }[],
  maxConfusions = 12,
): string {
  const col = 22;
  const lines: string[] = [];
  const row = (label: string, cells: string[]): void => {
    lines.push(pad(label, 28) + cells.map((c) => pad(c, col)).join(''));
  };
  row(
    '',
    reports.map((r) => r.name),
  );
  row(
    'messages',
    reports.map((r) => String(r.report.n)),
  );
  row(
    'accuracy',
    reports.map((r) => pct(r.report.accuracy)),
  );
  row(
    'macro F1',
    reports.map((r) => pct(r.report.macroF1)),
  );
  for (const lang of ['et', 'en', 'ru'] as const) {
    row(
      `accuracy ${lang}`,
      reports.map((r) => {
        const l = r.report.perLang[lang];
        return l ? `${pct(l.accuracy)} (n=${l.n})` : '-';
      }),
    );
  }
  row(
    'out-of-scope false accept',
    reports.map((r) => {
      const o = r.report.oosFalseAcceptance;
      return `${pct(o.rate)} (${o.count}/${o.of})`;
    }),
  );
  row(
    'life event false reject',
    reports.map((r) => {
      const o = r.report.lifeEventFalseRejection;
      return `${pct(o.rate)} (${o.count}/${o.of})`;
    }),
  );
  row(
    'thanks/greeting/person recall',
    reports.map((r) => {
      const o = r.report.keyConversationalRecall;
      return `${pct(o.rate)} (${o.count}/${o.of})`;
    }),
  );
  row(
    'OOV over-confidence',
    reports.map((r) => {
      const o = r.report.oovOverconfidence;
      return `${pct(o.rate)} (${o.count}/${o.of})`;
    }),
  );
  lines.push('', 'per language: accuracy | oos false accept | thanks/greeting/person recall');
  for (const lang of ['et', 'en', 'ru'] as const) {
    row(
      `  ${lang}`,
      reports.map((r) => {
        const l = r.report.byLang[lang];
        if (!l) return '-';
        return `${pct(l.accuracy)} | ${pct(l.oosFalseAcceptance.rate)} | ${pct(l.keyConversationalRecall.rate)}`;
      }),
    );
  }
  lines.push('', 'per intent (precision / recall / F1, support)');
  for (const intent of INTENT_IDS) {
    const cells = reports.map((r) => {
      const s = r.report.perIntent[intent];
      return s
        ? `${s.precision.toFixed(2)}/${s.recall.toFixed(2)}/${s.f1.toFixed(2)} ${s.support}`
        : '-';
    });
    row(`  ${intent}`, cells);
  }
  for (const r of reports) {
    lines.push('', `confusions (${r.name}): gold -> predicted, count`);
    const top = r.report.confusions.slice(0, maxConfusions);
    if (top.length === 0) lines.push('  none');
    for (const c of top) lines.push(`  ${c.gold} -> ${c.predicted}: ${c.count}`);
  }
  return lines.join('\n');
}

/**
 * The targets' table: per split and language, this classifier beside the baseline — accuracy,
 * out-of-scope taken as a life event, thanks/greeting/person recall, OOV over-confidence — and
 * the OOV probe (rotated words, all out-of-scope) taken as a life event.
 */
export function formatSummary(
  splits: readonly { name: string; report: EvalReport; baseline: EvalReport }[],
  probe: { report: EvalReport; baseline: EvalReport },
): string {
  const lines: string[] = [
    'summary per split and language: this classifier (natural Bayes)',
    [
      pad('split', 10),
      pad('lang', 5),
      pad('n', 5),
      pad('accuracy', 16),
      pad('oos->life event', 22),
      pad('thanks/greet/person', 22),
      'OOV over-conf.',
    ].join(''),
  ];
  const frac = (o: { count: number; of: number; rate: number }): string =>
    `${pct(o.rate)} ${o.count}/${o.of}`;
  for (const s of splits) {
    for (const lang of ['all', 'et', 'en', 'ru'] as const) {
      const r = lang === 'all' ? s.report : s.report.byLang[lang];
      const b = lang === 'all' ? s.baseline : s.baseline.byLang[lang];
      if (!r || !b) continue;
      lines.push(
        [
          pad(s.name, 10),
          pad(lang, 5),
          pad(String(r.n), 5),
          pad(`${pct(r.accuracy)} (${pct(b.accuracy)})`, 16),
          pad(`${frac(r.oosFalseAcceptance)} (${pct(b.oosFalseAcceptance.rate)})`, 22),
          pad(`${frac(r.keyConversationalRecall)} (${pct(b.keyConversationalRecall.rate)})`, 22),
          frac(r.oovOverconfidence),
        ].join(''),
      );
    }
  }
  lines.push(
    '',
    'OOV probe (each word of 3+ letters rotated; all out-of-scope): taken as a life event',
  );
  for (const lang of ['all', 'et', 'en', 'ru'] as const) {
    const r = lang === 'all' ? probe.report : probe.report.byLang[lang];
    const b = lang === 'all' ? probe.baseline : probe.baseline.byLang[lang];
    if (!r || !b) continue;
    lines.push(
      `  ${pad(lang, 5)}${pad(frac(r.oosFalseAcceptance), 20)}(natural Bayes ${frac(b.oosFalseAcceptance)})`,
    );
  }
  return lines.join('\n');
}

/**
 * The out-of-vocabulary probe: every test message with each word of 3+ letters rotated by half
 * its length ("matusetoetus" → "toetusmatuse", "suri" → "risu"). The words become unknown but
 * keep most of their character n-grams, so a classifier that trusts sub-word fragments alone
 * takes them for a life event. Every probe message counts as out-of-scope.
 */
export function rotateWords(text: string): string {
  return text.replace(/\p{L}{3,}/gu, (w) => {
    const letters = [...w];
    const k = Math.floor(letters.length / 2);
    return [...letters.slice(k), ...letters.slice(0, k)].join('');
  });
}
