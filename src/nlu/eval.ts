/**
 * Evaluation metrics: accuracy, per-intent precision/recall/F1, per-language accuracy, the
 * commonest confusions and the out-of-scope false-acceptance rate (out-of-scope messages that
 * were taken for a life event — the failure that sends a citizen down the wrong path).
 */
import type { Lang } from '../protocol/frames.js';
import { INTENT_IDS } from './training-data.js';
import { OUT_OF_SCOPE, isLifeEvent, type IntentId } from './types.js';

export interface Prediction {
  text: string;
  gold: IntentId;
  predicted: IntentId;
  lang: Lang;
}

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
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export function evaluate(predictions: readonly Prediction[]): EvalReport {
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
