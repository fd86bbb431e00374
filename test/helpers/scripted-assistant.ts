/**
 * A test double of the assistant core for tests of the session layer and tools: it answers
 * from a table, so a test controls exactly what the "bot" sends. Never used by the product.
 */
import type { Assistant, AssistantEffect, AssistantReply } from '../../src/core/assistant.js';
import type { Lang } from '../../src/protocol/frames.js';

export interface ScriptedAnswer {
  reply: AssistantReply;
  intent?: string;
  lifeEvent?: string;
  node?: string;
  answered?: string;
  effects?: AssistantEffect[];
}

interface State {
  v: 1;
  lang: Lang;
}

export function createScriptedAssistant(answers: Record<string, ScriptedAnswer>): Assistant<State> {
  const answer = (key: string) => answers[key] ?? answers['*'];
  return {
    initial: (lang) => ({ v: 1, lang }),
    restore: (stored) => ((stored as State | undefined)?.v === 1 ? (stored as State) : undefined),
    step(state, event) {
      const key =
        event.type === 'start'
          ? 'start'
          : event.type === 'text'
            ? event.text
            : event.type === 'choose'
              ? `choose:${event.optionId}`
              : event.type;
      const a = answer(key);
      const lang = event.type === 'set-lang' ? event.lang : state.lang;
      return {
        state: { v: 1, lang },
        lang,
        replies: a ? [a.reply] : [],
        effects: a?.effects ?? [],
        info: {
          ...(a?.intent && {
            nlu: {
              text: '',
              intent: a.intent as never,
              confidence: 0.9,
              lang,
              alternatives: [],
              ambiguous: false,
            },
          }),
          ...(a?.lifeEvent && { lifeEvent: a.lifeEvent as never }),
          ...(a?.node && { node: a.node }),
          ...(a?.answered && { answered: a.answered }),
        },
      };
    },
  };
}
