/**
 * Builds the assistant from the data in the repository (intents/, dialogs/, locales/): one
 * place shared by the server, the scripted-conversation runner and the terminal chat.
 */
import type { Assistant } from './core/assistant.js';
import { createStandInAssistant } from './core/stand-in-assistant.js';
import type { CoverageUniverse } from './converse/coverage.js';

export interface AssistantKit {
  assistant: Assistant<unknown>;
  /** Every dialog node, option and catalog service, for script coverage. */
  universe: CoverageUniverse;
}

export function createAssistantKit(_rootDir: string): AssistantKit {
  return {
    assistant: createStandInAssistant(),
    universe: { nodes: [], options: [], services: [] },
  };
}
