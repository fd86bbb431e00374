/**
 * A placeholder brain until the NLU and dialogs are wired in: greets in the session's
 * language and says what it will be able to do. Pure, like the real one.
 */
import type { Lang } from '../protocol/frames.js';
import type { Assistant } from './assistant.js';

interface StandInState {
  v: 1;
  lang: Lang;
}

const GREETING: Record<Lang, string> = {
  et: 'Tere! Olen elusündmuste abiline.',
  en: 'Hello! I am the life-event assistant.',
  ru: 'Здравствуйте! Я помощник по жизненным событиям.',
};

export function createStandInAssistant(): Assistant<StandInState> {
  return {
    initial: (lang) => ({ v: 1, lang }),
    restore: (stored) =>
      typeof stored === 'object' && stored !== null && (stored as StandInState).v === 1
        ? (stored as StandInState)
        : undefined,
    step(state, event) {
      const lang = event.type === 'set-lang' ? event.lang : state.lang;
      const next = { v: 1 as const, lang };
      const replies =
        event.type === 'start' || event.type === 'text'
          ? [{ text: GREETING[lang], blocks: [] }]
          : [];
      return { state: next, lang, replies, effects: [], info: {} };
    },
  };
}
