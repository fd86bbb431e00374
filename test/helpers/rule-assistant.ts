/**
 * A tiny rule-based assistant for tests at the edge, standing in for the real NLU and dialog
 * engine: a keyword decides the intent, "inimene"/"person" asks for a handover, "aitäh"/"thanks"
 * resolves the conversation, anything else is out of scope.
 */
import type { Assistant, AssistantEffect } from '../../src/core/assistant.js';
import type { IntentId, LifeEventId } from '../../src/nlu/types.js';
import type { Lang } from '../../src/protocol/frames.js';

interface State {
  v: 'scripted-1';
  lang: Lang;
  lifeEvent?: LifeEventId;
}

const KEYWORDS: [RegExp, IntentId][] = [
  [/abiel|marry|брак/i, 'marriage'],
  [/pension|пенси/i, 'retirement'],
  [/inimene|person|человек/i, 'human-handover'],
  [/aitäh|thanks|спасибо/i, 'thanks'],
];

export function createRuleAssistant(): Assistant<State> {
  return {
    initial: (lang) => ({ v: 'scripted-1', lang }),
    restore: (stored) =>
      typeof stored === 'object' && stored !== null && (stored as State).v === 'scripted-1'
        ? (stored as State)
        : undefined,
    step(state, event) {
      const lang = event.type === 'set-lang' ? event.lang : state.lang;
      if (event.type === 'start')
        return {
          state,
          lang,
          replies: [{ text: 'Tere! Millega saan aidata?', blocks: [] }],
          effects: [],
          info: { node: 'start' },
        };
      if (event.type !== 'text')
        return { state: { ...state, lang }, lang, replies: [], effects: [], info: {} };
      const intent = KEYWORDS.find(([re]) => re.test(event.text))?.[1] ?? 'out-of-scope';
      const effects: AssistantEffect[] = [];
      if (intent === 'human-handover') effects.push({ type: 'handover-request' });
      if (intent === 'thanks') effects.push({ type: 'outcome', outcome: 'resolved' });
      const lifeEvent = intent === 'marriage' || intent === 'retirement' ? intent : state.lifeEvent;
      const next: State = { ...state, lang, ...(lifeEvent && { lifeEvent }) };
      return {
        state: next,
        lang,
        replies: [{ text: `(${intent}) vastus`, blocks: [] }],
        effects,
        info: {
          nlu: {
            text: event.text,
            intent,
            confidence: intent === 'out-of-scope' ? 0.2 : 0.9,
            lang,
            alternatives: [],
            ambiguous: false,
          },
          node: `${intent}.start`,
          ...(lifeEvent && { lifeEvent }),
        },
      };
    },
  };
}
