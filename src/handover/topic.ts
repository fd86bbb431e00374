/**
 * Which life event a message names, for a person waiting in the live queue: naming one leaves
 * the queue and starts that topic. Only a clear, unambiguous life-event intent counts.
 */
import type { Classifier } from '../nlu/types.js';
import { isLifeEvent } from '../nlu/types.js';
import type { Lang } from '../protocol/frames.js';

export const TOPIC_MIN_CONFIDENCE = 0.5;

export function createTopicDetector(classifier: Classifier) {
  return (text: string, lang: Lang): string | undefined => {
    const nlu = classifier.classify(text, lang);
    return isLifeEvent(nlu.intent) && !nlu.ambiguous && nlu.confidence >= TOPIC_MIN_CONFIDENCE
      ? nlu.intent
      : undefined;
  };
}
