/**
 * The composition root's one call: load intents/ and intents/config.yaml, validate them and
 * train. Synchronous; throws TrainingDataError listing every problem in the data.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createClassifier, type NluClassifier } from './classifier.js';
import { DEFAULT_NLU_CONFIG, loadNluConfig } from './config.js';
import { loadTrainingData } from './training-data.js';

export function loadClassifier(intentsDir = 'intents'): NluClassifier {
  const configFile = join(intentsDir, 'config.yaml');
  const config = existsSync(configFile) ? loadNluConfig(configFile) : DEFAULT_NLU_CONFIG;
  return createClassifier({ examples: loadTrainingData(intentsDir), config });
}
