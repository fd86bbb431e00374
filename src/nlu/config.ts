/**
 * NLU configuration (intents/config.yaml): decision thresholds, calibration temperature and
 * training hyperparameters, validated at load. The file says how each value was chosen.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import type { DecisionRules } from './decision.js';
import { DEFAULT_FEATURE_OPTIONS, type FeatureOptions } from './features.js';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from './softmax-regression.js';
import { TrainingDataError } from './training-data.js';

const Probability = z.number().min(0).max(1);

const DEFAULT_RULES: DecisionRules = {
  minConfidence: 0.5,
  minConfidenceOther: 0.5,
  ambiguityMargin: 0.15,
  minCoverage: 0.3,
  minEvidence: 0,
  maxOov: 0.5,
  minConfidenceOov: 0.9,
  minContested: 1,
  oosEvidence: 1,
  minConfidenceOosEvidence: 0.9,
  minInScope: 0,
};

export const NluConfigSchema = z.strictObject({
  decision: z.strictObject({
    minConfidence: Probability,
    minConfidenceOther: Probability.default(DEFAULT_RULES.minConfidenceOther),
    ambiguityMargin: Probability,
    minCoverage: Probability,
    minEvidence: Probability.default(DEFAULT_RULES.minEvidence),
    maxOov: Probability.default(DEFAULT_RULES.maxOov),
    minConfidenceOov: Probability.default(DEFAULT_RULES.minConfidenceOov),
    minContested: Probability.default(DEFAULT_RULES.minContested),
    oosEvidence: Probability.default(DEFAULT_RULES.oosEvidence),
    minConfidenceOosEvidence: Probability.default(DEFAULT_RULES.minConfidenceOosEvidence),
    minInScope: Probability.default(DEFAULT_RULES.minInScope),
  }),
  /** Logits are divided by this before the softmax; fitted on cross-validation. */
  temperature: z.number().positive(),
  /** How many alternatives classify() returns. */
  alternatives: z.number().int().min(1).max(10).default(3),
  features: z
    .strictObject({
      minGram: z.number().int().min(1).max(6),
      maxGram: z.number().int().min(1).max(8),
      wordWeight: z.number().positive(),
      foldWeight: z.number().min(0).default(DEFAULT_FEATURE_OPTIONS.foldWeight),
      idf: z.number().min(0).max(2).default(DEFAULT_FEATURE_OPTIONS.idf),
      lexiconWeight: z.number().min(0).default(DEFAULT_FEATURE_OPTIONS.lexiconWeight),
    })
    .default(DEFAULT_FEATURE_OPTIONS),
  training: z
    .strictObject({
      epochs: z.number().int().min(1).max(200),
      learningRate: z.number().positive(),
      l2: z.number().min(0),
      seed: z.number().int(),
      outOfScopeWeight: z.number().positive().default(1),
      gate: z.boolean().default(false),
    })
    .default({ ...DEFAULT_TRAIN_OPTIONS, outOfScopeWeight: 1, gate: false }),
});

export interface NluConfig {
  decision: DecisionRules;
  temperature: number;
  alternatives: number;
  features: FeatureOptions;
  /** `outOfScopeWeight`: the factor on an out-of-scope example's gradient (cost-sensitive). */
  training: TrainOptions & { outOfScopeWeight: number; gate: boolean };
}

export const DEFAULT_NLU_CONFIG: NluConfig = {
  decision: DEFAULT_RULES,
  temperature: 1,
  alternatives: 3,
  features: DEFAULT_FEATURE_OPTIONS,
  training: { ...DEFAULT_TRAIN_OPTIONS, outOfScopeWeight: 1, gate: false },
};

export function parseNluConfig(file: string, text: string): NluConfig {
  const parsed = NluConfigSchema.safeParse(parseYaml(text));
  if (!parsed.success) {
    throw new TrainingDataError(
      parsed.error.issues.map((i) => ({
        file,
        path: i.path.length > 0 ? i.path.join('.') : '(root)',
        message: i.message,
      })),
    );
  }
  return parsed.data;
}

export function loadNluConfig(file: string): NluConfig {
  return parseNluConfig(file, readFileSync(file, 'utf8'));
}
