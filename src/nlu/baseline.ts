/**
 * The baseline we compare against: natural's BayesClassifier, as it comes (its default
 * tokenizer and Porter stemmer), trained on the same examples. Imported from its sub-module;
 * the package root loads database drivers and reads ./.env.
 */
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import type { TrainingExample } from './training-data.js';
import { OUT_OF_SCOPE, type IntentId } from './types.js';
import { INTENT_IDS } from './training-data.js';

export interface BaselineClassifier {
  classify(text: string): IntentId;
}

export function createBaseline(examples: readonly TrainingExample[]): BaselineClassifier {
  const bayes = new BayesClassifier();
  for (const e of examples) bayes.addDocument(e.text, e.intent);
  bayes.train();
  const known = new Set<string>(INTENT_IDS);
  return {
    classify(text) {
      const label = bayes.classify(text);
      return known.has(label) ? (label as IntentId) : OUT_OF_SCOPE;
    },
  };
}
