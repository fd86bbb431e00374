/** Test doubles at the edge: a classifier that answers from a map, and the real bundle. */
import type { Classifier, IntentId, NluResult, ScoredIntent } from '../../src/nlu/types.js';
import type { Lang } from '../../src/protocol/frames.js';
import { loadDialogBundle, type DialogBundle } from '../../src/dialog/load.js';
import type { Dialog } from '../../src/dialog/schema.js';

export function nlu(
  intent: IntentId,
  extra: {
    lang?: Lang;
    ambiguous?: boolean;
    alternatives?: ScoredIntent[];
    confidence?: number;
  } = {},
): Omit<NluResult, 'text'> {
  return {
    intent,
    confidence: extra.confidence ?? 0.9,
    lang: extra.lang ?? 'et',
    alternatives: extra.alternatives ?? [{ intent, confidence: extra.confidence ?? 0.9 }],
    ambiguous: extra.ambiguous ?? false,
  };
}

/** Every text not in the map is out-of-scope in the hinted language, with no alternatives. */
export function mapClassifier(map: Record<string, Omit<NluResult, 'text'>>): Classifier {
  return {
    classify(text: string, langHint?: Lang): NluResult {
      const known = map[text];
      if (known) return { text, ...known };
      return {
        text,
        intent: 'out-of-scope',
        confidence: 0.1,
        lang: langHint ?? 'et',
        alternatives: [],
        ambiguous: false,
      };
    },
  };
}

let cached: DialogBundle | undefined;
export function realBundle(): DialogBundle {
  cached ??= loadDialogBundle('.');
  return cached;
}

/** The real bundle with one life event's dialog replaced (texts must use existing keys). */
export function withDialog(dialog: Dialog): DialogBundle {
  const bundle = realBundle();
  return {
    ...bundle,
    dialogs: { ...bundle.dialogs, [dialog.lifeEvent]: { file: 'test', dialog } },
  };
}
