/**
 * What one step builds up: the working copy of the state, the replies and the effects. The
 * engine mutates only this copy, so `step` stays pure from the outside.
 */
import type {
  AssistantContext,
  AssistantEffect,
  AssistantReply,
  TurnInfo,
} from '../core/assistant.js';
import type { Block, Lang, Option } from '../protocol/frames.js';
import { LIFE_EVENTS, type LifeEventId } from '../nlu/types.js';
import type { DialogBundle } from './load.js';
import type { Texts, Translate } from './i18n.js';
import type { CatalogIndex } from './render.js';
import type { DialogState } from './state.js';
import type { Extractors } from './extract/extractors.js';
import type { Understanding } from './understand.js';

/**
 * The word lists the engine compares questions with, made once per assistant and kept by what
 * they are of (a life event's or service's id, a fact's id within its service): no key string
 * is built per look-up, which the hot path of a direct answer did for every fact of every service.
 */
export interface WordLists {
  /** A life event's one-word names (`topics.<id>`). */
  topic: Map<string, readonly string[]>;
  /** A service's name and summary. */
  summary: Map<string, readonly string[]>;
  /** A service's name. */
  name: Map<string, readonly string[]>;
  /** A catalog fact's sentence, by service id, then fact id. */
  fact: Map<string, Map<string, readonly string[]>>;
  /** The words (4+ letters) of each phrase of several such words that names a service. */
  terms: Map<string, readonly (readonly string[])[]>;
}

export function createWordLists(): WordLists {
  return {
    topic: new Map(),
    summary: new Map(),
    name: new Map(),
    fact: new Map(),
    terms: new Map(),
  };
}

export interface EngineDeps {
  bundle: DialogBundle;
  texts: Texts;
  catalog: CatalogIndex;
  extractors: Extractors;
  understanding: Understanding;
  /** Words of catalog and locale texts in every language (a memo: the texts never change). */
  words: WordLists;
  /** Office hours of customer support in words, per language; else the locale's default. */
  officeHours?: (lang: Lang) => string | undefined;
}

/**
 * A deep copy of plain JSON data (objects, arrays, primitives): what `structuredClone` gives
 * for the dialog state (plain versioned JSON, see state.ts), without its serialiser, which
 * cost a few per cent of a turn.
 */
export function clonePlain<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  // Most of the state's values are strings and numbers: copied here, without a call each.
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value as unknown[])
      out.push(item !== null && typeof item === 'object' ? clonePlain(item) : item);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    out[key] = item !== null && typeof item === 'object' ? clonePlain(item) : item;
  }
  return out as T;
}

export class Turn {
  readonly replies: AssistantReply[] = [];
  readonly effects: AssistantEffect[] = [];
  readonly info: TurnInfo = {};
  state: DialogState;
  /** This turn explained glossary terms (the terms of the turn before stay askable). */
  explained = false;

  constructor(
    readonly deps: EngineDeps,
    state: DialogState,
    readonly ctx: AssistantContext,
  ) {
    this.state = clonePlain(state);
  }

  /** Translators follow the state's language, which may change during the turn. */
  get t(): Translate {
    return this.deps.texts.dialog(this.state.lang);
  }

  get tc(): Translate {
    return this.deps.texts.catalog(this.state.lang);
  }

  /** The engine's own texts (conversation.json). */
  get tv(): Translate {
    return this.deps.texts.conversation(this.state.lang);
  }

  get tg(): Translate {
    return this.deps.texts.glossary(this.state.lang);
  }

  say(text: string, blocks: Block[] = []): void {
    this.replies.push({ text, blocks });
  }

  eventName(id: LifeEventId): string {
    return this.tc(`lifeEvent.${id}.name`);
  }

  /** The eight life events as quick replies, ids `event:<id>`. */
  eventOptions(): Option[] {
    return LIFE_EVENTS.map((id) => ({ id: `event:${id}`, label: this.eventName(id) }));
  }

  option(id: 'restart' | 'human' | 'continue'): Option {
    return { id, label: this.t(`option.${id}`) };
  }

  /** Forget the active dialog (answers included: collect only what the current dialog needs). */
  resetDialog(): void {
    delete this.state.lifeEvent;
    delete this.state.node;
    delete this.state.pendingStatus;
    delete this.state.pendingSwitch;
    delete this.state.offer;
    delete this.state.heard;
    delete this.state.chosen;
    delete this.state.details;
    this.state.vars = {};
    this.state.misses = 0;
  }
}
