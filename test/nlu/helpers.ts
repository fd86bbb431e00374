import { createClassifier, type NluClassifier } from '../../src/nlu/classifier.js';
import { loadNluConfig } from '../../src/nlu/config.js';
import { loadLexiconOf } from '../../src/nlu/load.js';
import { loadTrainingData, type TrainingExample } from '../../src/nlu/training-data.js';

let examples: TrainingExample[] | undefined;
let classifier: NluClassifier | undefined;

/** Shared within one test file: training takes a few hundred ms. */
export function trainingExamples(): TrainingExample[] {
  examples ??= loadTrainingData('intents');
  return examples;
}

export function trainedClassifier(): NluClassifier {
  classifier ??= createClassifier({
    examples: trainingExamples(),
    config: loadNluConfig('intents/config.yaml'),
    lexicon: loadLexiconOf('intents'),
  });
  return classifier;
}
