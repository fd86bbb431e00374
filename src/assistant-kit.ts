/**
 * Builds the assistant from the data in the repository (intents/, dialogs/, locales/): one
 * place shared by the server, the scripted-conversation runner and the terminal chat.
 * Loading validates every data file and throws with every problem listed.
 */
import { join } from 'node:path';
import type { Assistant } from './core/assistant.js';
import type { Lang } from './protocol/frames.js';
import type { CoverageUniverse } from './converse/coverage.js';
import { createDialogAssistant, loadDialogBundle, type DialogBundle } from './dialog/index.js';
import { loadClassifier } from './nlu/load.js';
import type { NluClassifier } from './nlu/classifier.js';

export interface AssistantKit {
  assistant: Assistant<unknown>;
  classifier: NluClassifier;
  bundle: DialogBundle;
  /** Every dialog node, option and catalog service, for script coverage. */
  universe: CoverageUniverse;
}

export interface AssistantKitOptions {
  /** Customer support's office hours in words, per language (the server's OFFICE_HOURS). */
  officeHours?: (lang: Lang) => string | undefined;
}

export function createAssistantKit(
  rootDir: string,
  options: AssistantKitOptions = {},
): AssistantKit {
  const classifier = loadClassifier(join(rootDir, 'intents'));
  const bundle = loadDialogBundle(rootDir);
  const assistant = createDialogAssistant({
    bundle,
    classifier,
    ...(options.officeHours && { officeHours: options.officeHours }),
  }) as Assistant<unknown>;
  return { assistant, classifier, bundle, universe: universeOf(bundle) };
}

function universeOf(bundle: DialogBundle): CoverageUniverse {
  const nodes: string[] = [];
  const options: string[] = [];
  for (const [lifeEvent, loaded] of Object.entries(bundle.dialogs)) {
    for (const [id, node] of Object.entries(loaded.dialog.nodes)) {
      nodes.push(`${lifeEvent}/${id}`);
      if (node.kind === 'question')
        node.options.forEach((o) => options.push(`${lifeEvent}/${id}:${o.id}`));
    }
  }
  const services = bundle.catalog.lifeEvents.flatMap((e) => e.services.map((s) => s.id));
  return { nodes, options, services };
}
