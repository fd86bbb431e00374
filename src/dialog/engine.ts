/**
 * The dialog engine: a pure step over the loaded dialog trees. It understands the event (quick
 * reply, free text through the options and then the NLU, status answer, feedback, language),
 * moves the dialog on and returns replies and effects. No I/O: the status lookup and the
 * handover are effects the composition root carries out.
 */
import type {
  Assistant,
  AssistantContext,
  AssistantEvent,
  AssistantTurn,
} from '../core/assistant.js';
import type { StatusLookup } from '../core/status.js';
import { LIMITS, type Block, type Option } from '../protocol/frames.js';
import {
  CONVERSATION_INTENTS,
  isLifeEvent,
  type Classifier,
  type LifeEventId,
  type NluResult,
} from '../nlu/types.js';
import type { DialogBundle } from './load.js';
import { createTexts, type Texts } from './i18n.js';
import { matchOption } from './match.js';
import { ask, currentNode, run, dialogOf } from './nodes.js';
import { indexCatalog, offerCards, statusBlock } from './render.js';
import { initialState, restoreState, type DialogState } from './state.js';
import { Turn, type EngineDeps } from './turn.js';

export interface DialogAssistantOptions {
  bundle: DialogBundle;
  classifier: Classifier;
  /** Built from the bundle's resources when not given. */
  texts?: Texts;
}

const INPUT_MAX_CHARS = 200;
/** A message must be this long before its language may switch the conversation's. */
const LANG_SWITCH_MIN_WORDS = 3;

export function createDialogAssistant(options: DialogAssistantOptions): Assistant<DialogState> {
  const { bundle, classifier } = options;
  const deps: EngineDeps = {
    bundle,
    texts: options.texts ?? createTexts(bundle.resources),
    catalog: indexCatalog(bundle.catalog, bundle.municipalities),
  };
  return {
    initial: initialState,
    restore: restoreState,
    step(
      state: DialogState,
      event: AssistantEvent,
      ctx: AssistantContext,
    ): AssistantTurn<DialogState> {
      const turn = new Turn(deps, state, ctx);
      handle(turn, event, classifier);
      const { state: next } = turn;
      if (next.node) turn.info.node = next.node;
      if (next.lifeEvent) turn.info.lifeEvent = next.lifeEvent;
      return {
        state: next,
        lang: next.lang,
        replies: turn.replies,
        effects: turn.effects,
        info: turn.info,
      };
    },
  };
}

function handle(turn: Turn, event: AssistantEvent, classifier: Classifier): void {
  switch (event.type) {
    case 'start':
      turn.resetDialog();
      return greet(turn, 'global.greeting');
    case 'set-lang':
      turn.state.lang = event.lang;
      // No question waits: the topic choices come again, in the new language.
      if (!currentNode(turn))
        return turn.say(turn.t('global.langSwitched'), [
          { type: 'options', options: turn.eventOptions() },
        ]);
      turn.say(turn.t('global.langSwitched'));
      return resume(turn);
    case 'choose':
      return choose(turn, event.optionId);
    case 'text':
      return text(turn, event.text.trim().slice(0, LIMITS.textMaxChars), classifier);
    case 'status':
      return status(turn, event.lookup);
    case 'feedback':
      if (event.rating >= 3) return turn.say(turn.t('global.feedbackThanks'));
      return turn.say(turn.t('global.feedbackSorry'), [
        { type: 'options', options: [turn.option('human'), turn.option('restart')] },
      ]);
  }
}

/** A greeting or help text with the life events as quick replies (and "continue" mid-dialog). */
function greet(turn: Turn, key: string): void {
  const options: Option[] = turn.eventOptions();
  if (turn.state.node) options.unshift(turn.option('continue'));
  turn.say(turn.t(key), [{ type: 'options', options }]);
}

function enter(turn: Turn, lifeEvent: LifeEventId, announce: boolean): void {
  turn.resetDialog();
  turn.state.lifeEvent = lifeEvent;
  if (announce) turn.say(turn.t('global.switchTopic', { event: turn.eventName(lifeEvent) }));
  run(turn, dialogOf(turn, lifeEvent).start);
}

function restart(turn: Turn): void {
  turn.resetDialog();
  turn.say(turn.t('global.restart'), [{ type: 'options', options: turn.eventOptions() }]);
}

function handover(turn: Turn): void {
  turn.state.misses = 0;
  turn.say(turn.t('global.handover'));
  turn.effects.push({ type: 'handover-request' });
}

/** Goes on where the dialog waits: asks the question again, or passes a status node. */
function resume(turn: Turn, prefix?: string): void {
  const node = currentNode(turn);
  if (node?.kind === 'question' || node?.kind === 'input') return ask(turn, node, prefix);
  if (node?.kind === 'status') {
    // The lookup never came back: go on with general guidance instead of waiting forever.
    delete turn.state.pendingStatus;
    if (prefix) turn.say(prefix);
    return run(turn, node.next);
  }
  if (prefix) turn.say(prefix, [{ type: 'options', options: turn.eventOptions() }]);
}

function choose(turn: Turn, optionId: string): void {
  if (optionId === 'restart') return restart(turn);
  if (optionId === 'human') return handover(turn);
  if (optionId === 'continue') {
    if (currentNode(turn)) return resume(turn);
    return greet(turn, 'global.greeting');
  }
  const event = optionId.startsWith('event:') ? optionId.slice('event:'.length) : undefined;
  if (event !== undefined && isLifeEvent(event)) return enter(turn, event, false);
  const node = currentNode(turn);
  if (node?.kind === 'question' && node.options.some((o) => o.id === optionId)) {
    return answer(turn, optionId);
  }
  // A stale button from an earlier message: show where we are instead.
  if (node) return resume(turn);
  greet(turn, 'global.greeting');
}

function answer(turn: Turn, optionId: string): void {
  const node = currentNode(turn);
  if (node?.kind !== 'question') return;
  const option = node.options.find((o) => o.id === optionId);
  if (!option) return;
  turn.state.vars[node.var] = optionId;
  turn.state.misses = 0;
  turn.info.answered = `${turn.state.lifeEvent ?? ''}/${turn.state.node ?? ''}:${optionId}`;
  run(turn, option.goto);
}

const KNOWN_INTENTS = new Set<string>(CONVERSATION_INTENTS);

const GLOBAL_OPTIONS = [
  { id: 'restart', label: 'option.restart' },
  { id: 'human', label: 'option.human' },
];

function text(turn: Turn, said: string, classifier: Classifier): void {
  const node = currentNode(turn);
  if (node?.kind === 'question') {
    const offered = node.options.map((o) => ({ id: o.id, label: o.label ?? `option.${o.id}` }));
    const picked = matchOption(said, offered, turn.deps.texts);
    if (picked) return answer(turn, picked);
  }
  const global = matchOption(said, GLOBAL_OPTIONS, turn.deps.texts);
  if (global === 'restart') return restart(turn);
  if (global === 'human') return handover(turn);

  const nlu = classifier.classify(said, turn.state.lang);
  turn.info.nlu = nlu;
  const confident = nlu.intent !== 'out-of-scope' && !nlu.ambiguous;
  // A place name answers the municipality question even if it sounds like another topic.
  const namesPlace =
    node?.kind === 'input' && node.var === 'municipality' && !!turn.deps.catalog.municipality(said);
  if (
    node?.kind === 'input' &&
    (namesPlace || !(confident && nlu.intent !== turn.state.lifeEvent))
  ) {
    // The person's own words answer the question; keep only what the dialog may need.
    turn.state.vars[node.var] = said.slice(0, INPUT_MAX_CHARS);
    turn.state.misses = 0;
    turn.say(turn.t('global.inputThanks'));
    return run(turn, node.next);
  }
  const switched =
    confident && nlu.lang !== turn.state.lang && words(said) >= LANG_SWITCH_MIN_WORDS;
  if (switched) {
    turn.state.lang = nlu.lang;
    turn.say(turn.t('global.langSwitched'));
  }
  if (nlu.ambiguous) return miss(turn, nlu);
  intent(turn, nlu, switched);
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function intent(turn: Turn, nlu: NluResult, langSwitched = false): void {
  const active = currentNode(turn) !== undefined;
  const { intent } = nlu;
  if (isLifeEvent(intent)) {
    // Already talking about it: the question still waits for its answer. Not a miss (the
    // topic was understood); after a language switch the question alone, in the new language.
    if (intent === turn.state.lifeEvent && active) {
      turn.state.misses = 0;
      return resume(turn, langSwitched ? undefined : turn.t('global.reask'));
    }
    return enter(turn, intent, active);
  }
  if (intent === 'out-of-scope' || !KNOWN_INTENTS.has(intent)) return miss(turn, nlu);
  turn.state.misses = 0;
  switch (intent) {
    case 'greeting':
      return greet(turn, 'global.greeting');
    case 'help':
      return greet(turn, 'global.help');
    case 'thanks':
      return turn.say(turn.t('global.thanks'), active ? [continueOptions(turn)] : []);
    case 'goodbye':
      return turn.say(turn.t('global.goodbye'), [{ type: 'feedback' }]);
    case 'human-handover':
      return handover(turn);
    case 'my-status':
      turn.state.pendingStatus = {};
      turn.effects.push({
        type: 'status-lookup',
        ...(turn.state.lifeEvent ? { lifeEvent: turn.state.lifeEvent } : {}),
      });
      return;
    default:
      return miss(turn, nlu);
  }
}

function continueOptions(turn: Turn): { type: 'options'; options: Option[] } {
  return { type: 'options', options: [turn.option('continue'), turn.option('restart')] };
}

/** Not understood: ask again or offer the closest life events; the second miss in a row calls a human. */
function miss(turn: Turn, nlu: NluResult): void {
  turn.state.misses += 1;
  if (turn.state.misses >= 2) {
    turn.state.misses = 0;
    turn.say(turn.t('global.missedTwice'), [
      { type: 'options', options: [turn.option('restart')] },
    ]);
    turn.effects.push({ type: 'handover-request' });
    return;
  }
  // "Did you mean A or B?" when the NLU had candidates; otherwise the waiting question again.
  if (currentNode(turn) && !nlu.ambiguous) return resume(turn, turn.t('global.reask'));
  didYouMean(turn, nlu);
}

/**
 * A life event the NLU gave less than this is no suggestion: "how do I renew my passport" must
 * not be answered with "did you mean death of a close one?" because that came second at 2%.
 */
const SUGGEST_MIN_CONFIDENCE = 0.15;
/** A message this long that the NLU places outside every intent is a question about something else. */
const OUT_OF_SCOPE_MIN_WORDS = 3;

function didYouMean(turn: Turn, nlu: NluResult): void {
  const events = nlu.alternatives
    .filter((a) => a.confidence >= SUGGEST_MIN_CONFIDENCE)
    .map((a) => a.intent)
    .filter((i): i is LifeEventId => isLifeEvent(i) && i !== turn.state.lifeEvent)
    .slice(0, 2);
  const options: Option[] = events.map((id) => ({ id: `event:${id}`, label: turn.eventName(id) }));
  if (currentNode(turn)) options.push(turn.option('continue'));
  const [a, b] = events;
  if (a && b) {
    const text = turn.t('global.didYouMean', { a: turn.eventName(a), b: turn.eventName(b) });
    return turn.say(text, [{ type: 'options', options }]);
  }
  if (a) {
    return turn.say(turn.t('global.didYouMeanOne', { a: turn.eventName(a) }), [
      { type: 'options', options },
    ]);
  }
  // The NLU recognised a question about something else (another state service, the weather):
  // say what I can help with and where to go, rather than "I didn't understand". A word or
  // two ("jah", "asdf") is no question: for those, "I didn't understand".
  const other =
    nlu.intent === 'out-of-scope' &&
    nlu.alternatives[0]?.intent === 'out-of-scope' &&
    words(nlu.text) >= OUT_OF_SCOPE_MIN_WORDS;
  turn.say(turn.t(other ? 'global.outOfScope' : 'global.notUnderstood'), [
    { type: 'options', options: [...options, ...turn.eventOptions(), turn.option('human')] },
  ]);
}

function status(turn: Turn, lookup: StatusLookup): void {
  const pending = turn.state.pendingStatus;
  if (!pending) return; // An answer nobody waits for (e.g. after "start over").
  delete turn.state.pendingStatus;
  turn.state.vars.status = lookup.type;
  const { t, tc } = turn;
  const lifeEvent = turn.state.lifeEvent;
  if (lookup.type === 'found') {
    const events = lookup.status.lifeEvents.filter((e) => !lifeEvent || e.lifeEvent === lifeEvent);
    const offers = lookup.status.offers.filter((o) => !lifeEvent || o.lifeEvent === lifeEvent);
    const count = events.reduce((n, e) => n + e.services.length, 0);
    const title = lifeEvent
      ? t('status.title', { event: turn.eventName(lifeEvent) })
      : t('status.titleAll');
    if (count > 0) {
      const block = statusBlock(title, events, turn.deps.catalog, tc, turn.state.lang);
      const lines = block.items.map((i) => {
        const line = t('status.line', { name: i.name, state: t(`status.state.${i.state}`) });
        return i.nextStep ? `${line} — ${i.nextStep}` : line;
      });
      // Lead paragraph, then the plain form of the block for text-only channels.
      turn.say(`${t('status.found', { count })}\n\n${lines.join('\n')}`, [block]);
    } else if (lifeEvent) {
      turn.say(t('status.nothing', { event: turn.eventName(lifeEvent) }));
    } else {
      turn.say(t('status.nothingAll'));
    }
    const cards = offerCards(offers, turn.deps.catalog, tc);
    if (cards.length > 0) {
      turn.say(t('status.offers', { count: cards.length }), [
        { type: 'services', services: cards },
      ]);
    }
  } else {
    // Signed out: a sign-in action for the host page, then the general guidance promised.
    const signIn: Block[] = lookup.type === 'signed-out' ? [{ type: 'sign-in' }] : [];
    const waiting = pending.then !== undefined || currentNode(turn) !== undefined;
    turn.say(
      t(lookup.type === 'signed-out' ? 'status.signedOut' : 'status.unavailable'),
      waiting ? signIn : [...signIn, { type: 'options', options: turn.eventOptions() }],
    );
  }
  if (pending.then) return run(turn, pending.then);
  const node = currentNode(turn);
  if (node?.kind === 'question' || node?.kind === 'input') ask(turn, node);
}
