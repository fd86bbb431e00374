/**
 * The composition root's one call: load intents/ and intents/config.yaml, validate them and
 * train. Synchronous; throws TrainingDataError listing every problem in the data.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createClassifier, type NluClassifier } from './classifier.js';
import { DEFAULT_NLU_CONFIG, loadNluConfig } from './config.js';
import { loadLexicon, type Lexicon } from './lexicon.js';
import { loadTrainingData } from './training-data.js';

/** intents/lexicon.yaml when there is one (validated), else none. */
export function loadLexiconOf(intentsDir = 'intents'): Lexicon | undefined {
  const file = join(intentsDir, 'lexicon.yaml');
  return existsSync(file) ? loadLexicon(file) : undefined;
}

export function loadClassifier(intentsDir = 'intents'): NluClassifier {
  const configFile = join(intentsDir, 'config.yaml');
  const config = existsSync(configFile) ? loadNluConfig(configFile) : DEFAULT_NLU_CONFIG;
  const lexicon = loadLexiconOf(intentsDir);
  return createClassifier({ examples: loadTrainingData(intentsDir), config, lexicon });
}
