/**
 * The dialog engine: a pure step over the loaded dialog trees. It understands the event (quick
 * reply, or free text: emergencies first, then its own open yes/no questions, questions about a
 * word, answers and facts for the active dialog, direct questions for a fact, and only then the
 * NLU), moves the dialog on and returns replies and effects. No I/O: the status lookup and the
 * handover are effects the composition root carries out.
 */
import type {
  Assistant,
  AssistantContext,
  AssistantEvent,
  AssistantTurn,
} from '../core/assistant.js';
import type { StatusLookup } from '../core/status.js';
import { LANGS, LIMITS, type Block, type Lang, type Option } from '../protocol/frames.js';
import {
  CONVERSATION_INTENTS,
  LIFE_EVENTS,
  isLifeEvent,
  type Classifier,
  type LifeEventId,
  type NluResult,
} from '../nlu/types.js';
import type { DialogBundle } from './load.js';
import { MISSING_MARK, createTexts, type Texts } from './i18n.js';
import { matchOption } from './match.js';
import { ask, currentNode, run, dialogOf, heardList, numberWord } from './nodes.js';
import { indexCatalog, linkLanguageNote, offerCards, providerName, statusBlock } from './render.js';
import { factSource, isHttpsUrl } from './links.js';
import type { CatalogFact, CatalogService, NodeOf } from './schema.js';
import { checklistEntry, conditionHolds } from './schema.js';
import {
  factFor,
  factsWith,
  factParams,
  factSentences,
  questionsAhead,
  overlap,
  scoredFact,
  answersKind,
  wordsWith,
} from './direct.js';
import { Extractors, clausesOf, type Extracted } from './extract/extractors.js';
import { tokens } from './extract/lexicon.js';
import {
  Understanding,
  type AskKind,
  type DirectQuestion,
  type EmergencyKind,
} from './understand.js';
import { initialState, restoreState, type DialogState } from './state.js';
import { Turn, createWordLists, type EngineDeps } from './turn.js';
import { isBothWaysSalutation } from './salutations.js';

export interface DialogAssistantOptions {
  bundle: DialogBundle;
  classifier: Classifier;
  /** Built from the bundle's resources when not given. */
  texts?: Texts;
  /**
   * Customer support's office hours in words, per language (from the OFFICE_HOURS setting);
   * undefined (or no words) falls back to the locale's `repair.hours`.
   */
  officeHours?: (lang: Lang) => string | undefined;
}

const INPUT_MAX_CHARS = 200;
/** A message must be this long before its language may switch the conversation's. */
const LANG_SWITCH_MIN_WORDS = 3;
/** Below this, a life event named while a question is open is no reason to ask about switching. */
const SWITCH_MIN_CONFIDENCE = 0.5;
const MAX_LAST_TERMS = 10;
/**
 * Below this, a human-handover reading asks “shall I find a person?” instead of queueing at once.
 * Chosen on the not-ambiguous human-handover readings of 5-fold CV's out-of-fold scores (seed 1)
 * and of the held-out splits intents/test/*.jsonl (2026-12-02, 7544 training sentences): of 302
 * right readings 11 fall below 0.7 (3.6%: CV 9/173, splits 2/129; „las keegi elav helistab
 * mulle“ 0.55), then they crowd in (7 more under 0.75); of 13 wrong readings 0.7 stops 5
 * („пошути что-нибудь“ 0.39, „kuidas kaevata ametniku peale“ 0.68, "is there a human typing
 * this" 0.70). 0.5 would stop 2 and ask 4 right ones; 0.85 stop 9 but ask 29; 0.9 stop 10, ask
 * 44 (`npx tsx scripts/handover-bar.ts` prints the table; re-run it when the NLU data changes).
 * A clear request („tahan rääkida inimesega“, «хочу поговорить с человеком») scores 1.0. The
 * wrong ones left (8) are "am I talking to a person?" (smalltalk-robot, 5, read with 0.71–0.97),
 * a company's customer-service number (2) and a compliment: the NLU's to fix, not a bar's.
 */
const HANDOVER_MIN_CONFIDENCE = 0.7;

export function createDialogAssistant(options: DialogAssistantOptions): Assistant<DialogState> {
  const { bundle, classifier } = options;
  const catalog = indexCatalog(bundle.catalog, bundle.municipalities, bundle.officialDomains);
  const deps: EngineDeps = {
    bundle,
    texts: options.texts ?? createTexts(bundle.resources),
    catalog,
    extractors: new Extractors(bundle.resources, bundle.municipalities, (ref) => {
      const [service, fact] = ref.split('.');
      return catalog.service(service ?? '')?.facts?.find((f) => f.id === fact)?.value;
    }),
    understanding: new Understanding(bundle.resources),
    words: createWordLists(),
    ...(options.officeHours !== undefined && { officeHours: options.officeHours }),
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
      // The words a bare “what does that mean?” may ask about: those just said.
      if (!turn.explained && turn.replies.length > 0) {
        const terms = deps.understanding.termsInReply(
          turn.replies.length === 1
            ? turn.replies[0]!.text
            : turn.replies.map((r) => r.text).join('\n'),
        );
        if (terms.length > 0) next.lastTerms = terms.slice(0, MAX_LAST_TERMS);
        else delete next.lastTerms;
      }
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
  // “Did this help?” / “talk to a person?” is open for the next message only.
  const { asked } = turn.state;
  delete turn.state.asked;
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
      // The end's „Jah“ / „Ei“ buttons answer “Did this help?” as the typed words do (G-3).
      if (asked && (event.optionId === 'yes' || event.optionId === 'no'))
        return replyYesNo(turn, asked, event.optionId);
      return choose(turn, event.optionId);
    case 'text': {
      const said = event.text.trim().slice(0, LIMITS.textMaxChars);
      if (asked && answered(turn, asked, said)) return;
      return text(turn, said, classifier, asked);
    }
    case 'status':
      return status(turn, event.lookup);
    case 'feedback':
      if (event.rating >= 3) return turn.say(turn.t('global.feedbackThanks'));
      return notHelped(turn);
  }
}

/**
 * A typed yes or no to the end's “Did this help?” answers that question: “no” is met with regret
 * and a person to talk to, as a low rating is, not with small talk's “Alright.” (review 18 ET-12);
 * a yes to that offer calls the person.
 */
function answered(turn: Turn, asked: 'helped' | 'human', said: string): boolean {
  // A correction of the plan („ei, ma ei ole ELi kodanik“) also opens with “no”: it goes on to
  // the dialog.
  const { lifeEvent } = turn.state;
  if (
    lifeEvent &&
    turn.deps.extractors.forDialog(dialogOf(turn, lifeEvent), said, turn.ctx).size > 0
  )
    return false;
  const yesNo = matchOption(said, YES_NO, turn.deps.texts);
  if (yesNo === undefined) return false;
  replyYesNo(turn, asked, yesNo);
  return true;
}

function replyYesNo(turn: Turn, asked: 'helped' | 'human', yesNo: string): void {
  if (asked === 'human') {
    if (yesNo === 'yes') handover(turn);
    // No person: back to the question that waits, if one does.
    else if (currentNode(turn)) resume(turn);
    else noPlan(turn);
    return;
  }
  if (yesNo === 'yes') {
    turn.say(turn.t('global.glad'), [{ type: 'options', options: [turn.option('restart')] }]);
  } else {
    notHelped(turn);
  }
}

/**
 * A request for a person the NLU read only weakly („пошути что-нибудь“ came out human-handover
 * at 0.39) is asked about before anyone is queued: yes calls the person, no goes back to the
 * question that waits (or to the topics), as the same question after a low rating does.
 */
function askHuman(turn: Turn): void {
  const no = currentNode(turn) ? [turn.option('continue')] : turn.eventOptions();
  turn.say(turn.t('global.askHuman'), [
    { type: 'options', options: [turn.option('human'), ...no] },
  ]);
  turn.state.asked = 'human';
}

function notHelped(turn: Turn): void {
  turn.say(turn.t('global.feedbackSorry'), [
    { type: 'options', options: [turn.option('human'), turn.option('restart')] },
  ]);
  turn.state.asked = 'human';
}

/** A greeting or help text with the life events as quick replies (and "continue" mid-dialog). */
function greet(turn: Turn, key: string): void {
  const options: Option[] = turn.eventOptions();
  if (turn.state.node) options.unshift(turn.option('continue'));
  turn.say(turn.t(key), [{ type: 'options', options }]);
}

/**
 * Starts a life event's dialog. `said` is the message that led here: what it already answers
 * fills the dialog's questions, which are then skipped.
 */
function enter(
  turn: Turn,
  lifeEvent: LifeEventId,
  announce: boolean,
  said?: string,
  asked?: string,
): void {
  turn.resetDialog();
  turn.state.lifeEvent = lifeEvent;
  if (announce) turn.say(turn.t('global.switchTopic', { event: turn.eventName(lifeEvent) }));
  const text = [asked, said].filter(Boolean).join('\n');
  const facts = text ? takeFacts(turn, text, placesAsked(turn, lifeEvent, said, asked)).fresh : [];
  const list = heardList(turn, lifeEvent, facts);
  const prefix =
    list.length > 0 ? turn.tv('understood.noted', { list: list.join(', ') }) : undefined;
  // Taken for granted, not heard: the summary does not say it back.
  Object.assign(turn.state.vars, assumed(turn, lifeEvent, text, turn.state.vars));
  run(turn, dialogOf(turn, lifeEvent).start, prefix ? { prefix } : {});
}

/**
 * The answers the dialog takes without asking (a question's `assume`) for a dialog that starts
 * with this text: those the text does not answer and says none of the question's `askIf`
 * phrases for („tahame abielluda“ is a marriage in Estonia; „abiellusime“ or „Soomes“ asks).
 */
function assumed(
  turn: Turn,
  lifeEvent: LifeEventId,
  text: string,
  known: Readonly<Record<string, string>>,
): Record<string, string> {
  const found: Record<string, string> = {};
  const toks = tokens(text);
  for (const node of Object.values(dialogOf(turn, lifeEvent).nodes)) {
    if (node.kind !== 'question' || !node.assume || known[node.var] !== undefined) continue;
    const asks = node.assume.askIf.some((item) => {
      const [name = '', value] = item.split('.');
      const matches = turn.deps.extractors.lexicon(name)?.all(toks) ?? [];
      return matches.some((m) => value === undefined || m.value === value);
    });
    if (!asks) found[node.var] = node.assume.option;
  }
  return found;
}

/**
 * The municipality the text names, as an id. „Tartu“ is both Tartu linn and Tartu vald: a
 * town's bare name means the town (as for links). It is said back („omavalitsus on Tartu linn“),
 * so the person sees it and can correct it („Tartu vallas“). The same rule for a first message
 * („mu isa suri, elas Tartus“) and the answer to the question, so it is never asked again.
 */
function municipalityNamed(turn: Turn, said: string): string | undefined {
  // Several messages joined (a plan offer's question and the answer to it): the last one that
  // names a municipality wins, so “…in Tallinn?” then “and in Tartu?” means Tartu.
  const lines = said.split('\n');
  if (lines.length > 1) {
    for (const line of lines.reverse()) {
      const named = municipalityNamed(turn, line);
      if (named) return named;
    }
    return undefined;
  }
  const candidates = turn.deps.extractors.municipalityCandidates(said);
  if (candidates.length <= 1) return candidates[0];
  const named = turn.deps.catalog.municipality(said)?.id;
  return named && candidates.includes(named) ? named : undefined;
}

/**
 * The answers to a place question (`extract: place`) that only the direct question before the
 * plan gave, by naming its municipality: „kui suur on matusetoetus tallinnas“ asks Tallinn's
 * grant, it does not say the death happened in Estonia (review 19 F-7). The town stays the
 * municipality; the place is taken only from the person's own message, or asked.
 */
function placesAsked(
  turn: Turn,
  lifeEvent: LifeEventId,
  said: string | undefined,
  asked: string | undefined,
): Set<string> {
  const ignored = new Set<string>();
  if (!asked) return ignored;
  const dialog = dialogOf(turn, lifeEvent);
  const { extractors } = turn.deps;
  const own = said ? extractors.forDialog(dialog, said, turn.ctx) : new Map();
  const lines = asked.split('\n');
  const fromLines = lines.map((line) => extractors.forDialog(dialog, line, turn.ctx));
  for (const node of Object.values(dialog.nodes)) {
    if (node.kind !== 'question' || own.has(node.var)) continue;
    const place = (node.extract ?? []).some((e) => (typeof e === 'string' ? e : e.use) === 'place');
    if (!place) continue;
    const givers = lines.filter((_, i) => fromLines[i]?.has(node.var));
    if (givers.length > 0 && givers.every((line) => municipalityNamed(turn, line))) {
      ignored.add(node.var);
    }
  }
  return ignored;
}

/** Stores what the text answers in the active dialog; returns the variables it changed. */
function takeFacts(
  turn: Turn,
  said: string,
  ignored: ReadonlySet<string> = new Set(),
  open?: NodeOf<'question'>,
): { fresh: string[]; changed: string[] } {
  const { lifeEvent } = turn.state;
  const fresh: string[] = [];
  const changed: string[] = [];
  if (!lifeEvent) return { fresh, changed };
  const { vars } = turn.state;
  const dialog = dialogOf(turn, lifeEvent);
  // What a question only supposes („Kas 16-aastaselt saab abielluda?“, „mis siis kui naisel pole
  // ravikindlustust“) answers nothing about the person, and only a statement changes an answer
  // given (review 24 R24-16, -22, -36); a question for a fact keeps what it takes for granted.
  const u = turn.deps.understanding;
  const read = (text: string) =>
    text === ''
      ? new Map<string, Extracted>()
      : turn.deps.extractors.forDialog(dialog, text, turn.ctx, open);
  const supposed = u.withoutSuppositions(said);
  const stated = u.statements(said);
  const found = read(supposed);
  const statedFound = stated === supposed ? found : read(stated);
  // A municipality's name alone („Tartu“, «Таллинн») is where the person lives: it answers a
  // place question only when that question is the open one, never an answered one (“abroad”,
  // the birthplace) after the plan (review 23 F-9, review 23b G-33).
  if (nameAlone(turn, said)) {
    for (const name of placeVars(dialog)) if (name !== open?.var) found.delete(name);
  }
  const municipality = municipalityNamed(turn, said);
  if (municipality) {
    turn.state.municipality = municipality;
    found.set('municipality', { value: municipality, node: '' });
  }
  const details = (turn.state.details ??= {});
  for (const [name, { value, detail }] of found) {
    if (ignored.has(name)) continue;
    // A new detail for the same answer (“no, I'm 62”) corrects what “You said” shows.
    const newDetail = detail !== undefined && details[name] !== detail;
    if (vars[name] === value && !newDetail) continue;
    if (vars[name] !== undefined && statedFound.get(name)?.value !== value) continue;
    (vars[name] === undefined ? fresh : changed).push(name);
    vars[name] = value;
    if (detail !== undefined) details[name] = detail;
    else delete details[name];
    turn.state.heard = [...(turn.state.heard ?? []).filter((h) => h !== name), name];
    if (turn.state.chosen) turn.state.chosen = turn.state.chosen.filter((h) => h !== name);
    (turn.info.extracted ??= []).push(`${name}=${value}`);
  }
  return { fresh, changed };
}

/** Words that may stand beside a municipality's name in a message that says only the name. */
const NAME_ONLY_WORDS = new Set(['vald', 'vallas', 'linn', 'linnas', 'в', 'во', 'город', 'городе']);
NAME_ONLY_WORDS.add('волость').add('волости').add('in').add('city').add('parish').add('town');
/** Longest name of a municipality in words („Narva-Jõesuu“, „Väike-Maarja“ count two). */
const NAME_MAX_WORDS = 3;

/** The message is a municipality's name and nothing else („Tallinn“, «в Нарве», „Rõuge vald“). */
function nameAlone(turn: Turn, said: string): boolean {
  const rest = tokens(said).filter((w) => !NAME_ONLY_WORDS.has(w));
  return (
    rest.length > 0 &&
    rest.length <= NAME_MAX_WORDS &&
    turn.deps.catalog.municipality(rest.join(' ')) !== undefined &&
    municipalityNamed(turn, said) !== undefined
  );
}

/** The dialog's questions a place answers (`extract: place` or `town`). */
function placeVars(dialog: ReturnType<typeof dialogOf>): string[] {
  return Object.values(dialog.nodes).flatMap((node) =>
    node.kind === 'question' &&
    (node.extract ?? []).some((e) => ['place', 'town'].includes(typeof e === 'string' ? e : e.use))
      ? [node.var]
      : [],
  );
}

/**
 * A municipality's name alone with no question open: it is noted as the person's municipality,
 * not read as a topic (“Tallinn” is no request for settling in; review 23b G-36). An open
 * “talk to a person?” is asked again (G-33).
 */
function municipalityOnly(turn: Turn, said: string, asked?: 'helped' | 'human'): boolean {
  if (currentNode(turn) || !nameAlone(turn, said)) return false;
  const id = municipalityNamed(turn, said);
  const m = turn.deps.bundle.municipalities.find((x) => x.id === id);
  if (!m) return false;
  turn.state.municipality = m.id;
  if (turn.state.lifeEvent) turn.state.vars.municipality = m.id;
  turn.state.misses = 0;
  const list = turn.tv('understood.municipality', { name: m.name[turn.state.lang] });
  const noted = turn.tv('understood.noted', { list });
  if (asked === 'human') {
    turn.state.asked = 'human';
    return (
      turn.say(`${noted} ${turn.tv('understood.human')}`, [
        { type: 'options', options: [turn.option('human'), turn.option('restart')] },
      ]),
      true
    );
  }
  turn.say(`${noted} ${turn.tv('understood.whatNext')}`, [
    { type: 'options', options: turn.eventOptions() },
  ]);
  return true;
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
  const { pendingSwitch, offer } = turn.state;
  delete turn.state.pendingSwitch;
  delete turn.state.offer;
  if (optionId === 'restart') return restart(turn);
  if (optionId === 'human') return handover(turn);
  if (optionId === 'continue') {
    if (currentNode(turn)) return resume(turn);
    return greet(turn, 'global.greeting');
  }
  if (optionId === 'no-plan') return noPlan(turn);
  const [prefix, rest] = optionId.split(/:(.*)/s, 2);
  if (
    (prefix === 'event' || prefix === 'switch' || prefix === 'plan') &&
    rest &&
    isLifeEvent(rest)
  ) {
    // The words that led to the question carry their facts into the dialog.
    const said = prefix === 'switch' && pendingSwitch?.to === rest ? pendingSwitch.text : undefined;
    const asked = prefix === 'plan' && offer?.lifeEvent === rest ? offer.text : undefined;
    return enter(turn, rest, false, said, asked);
  }
  const node = currentNode(turn);
  if (node?.kind === 'question' && node.options.some((o) => o.id === optionId)) {
    return answer(turn, optionId);
  }
  // A stale button from an earlier message: show where we are instead.
  if (node) return resume(turn);
  greet(turn, 'global.greeting');
}

/** The municipality question answered with a municipality's id. */
function takeMunicipality(turn: Turn, node: NodeOf<'input'>, municipality: string): void {
  turn.state.municipality = municipality;
  turn.state.vars[node.var] = municipality;
  turn.state.heard = [...(turn.state.heard ?? []).filter((h) => h !== node.var), node.var];
  turn.state.misses = 0;
  run(turn, node.next);
}

/**
 * Takes an option of the open question, typed or chosen with a button. Either way it is said back
 * in the summary before the plan („Sain aru nii: …“): every question of a dialog is there because
 * its answer changes the plan, so a summary without the clicked answers read as if they were
 * missed (review 23b G-4).
 */
function answer(turn: Turn, optionId: string, typed = false): void {
  const node = currentNode(turn);
  if (node?.kind !== 'question') return;
  const option = node.options.find((o) => o.id === optionId);
  if (!option) return;
  // What an extractor read belongs to its own answer, not to another one chosen later.
  if (turn.state.vars[node.var] !== optionId) delete turn.state.details?.[node.var];
  turn.state.vars[node.var] = optionId;
  turn.state.heard = [...(turn.state.heard ?? []).filter((h) => h !== node.var), node.var];
  const chosen = (turn.state.chosen ?? []).filter((h) => h !== node.var);
  turn.state.chosen = typed ? chosen : [...chosen, node.var];
  turn.state.misses = 0;
  turn.info.answered = `${turn.state.lifeEvent ?? ''}/${turn.state.node ?? ''}:${optionId}`;
  run(turn, option.goto);
}

const KNOWN_INTENTS = new Set<string>(CONVERSATION_INTENTS);
/** Small talk intents of contract 3, answered with a short honest text (conversation.json). */
const SMALLTALK: Record<string, string> = {
  'smalltalk-robot': 'smalltalk.robot',
  'smalltalk-creator': 'smalltalk.creator',
  'smalltalk-languages': 'smalltalk.languages',
  'smalltalk-compliment': 'smalltalk.compliment',
  'smalltalk-profanity': 'smalltalk.profanity',
  affirm: 'smalltalk.affirm',
  deny: 'smalltalk.deny',
};

const GLOBAL_OPTIONS = [
  { id: 'restart', label: 'option.restart' },
  { id: 'human', label: 'option.human' },
];
const YES_NO = [
  { id: 'yes', label: 'option.yes' },
  { id: 'no', label: 'option.no' },
];

function text(turn: Turn, said: string, classifier: Classifier, asked?: 'helped' | 'human'): void {
  const u = turn.deps.understanding;
  // 1. Immediate danger comes before anything else, in any state.
  const danger = u.emergencyOf(said);
  if (danger) return emergency(turn, danger);

  // 2. The assistant's own yes/no questions: switch topic, make a checklist.
  const { pendingSwitch, offer } = turn.state;
  delete turn.state.pendingSwitch;
  delete turn.state.offer;
  // What the message asks for itself (“how much is the funeral grant?”), if anything. A yes/no
  // question („kas notar saab lahutada“) only when a rule of the catalog answers it.
  const direct = answerable(turn, u.direct(said), said);
  if (pendingSwitch || offer) {
    const yesNo = matchOption(said, YES_NO, turn.deps.texts);
    if (pendingSwitch && yesNo === 'yes')
      return enter(turn, pendingSwitch.to, false, pendingSwitch.text);
    if (pendingSwitch && yesNo === 'no') return resume(turn);
    // After a plan was given, no plan was offered: a yes or no is small talk.
    const offered = offer && !offer.planned ? offer : undefined;
    if (offered && yesNo === 'yes')
      return enter(turn, offered.lifeEvent, false, undefined, offered.text);
    if (offered && yesNo === 'no') return noPlan(turn);
    // The direct question the plan offer followed, for a follow-up about the same figure.
    // A yes/no question a rule answers („kas notar saab ka lahutada“ after the fee) is its own
    // question, not a follow-up about the figure before (review 23b G-18).
    if (offer?.service && offer.kind && yesNo === undefined && direct?.kind !== 'rule') {
      const asked = { service: offer.service, kind: offer.kind as AskKind };
      // “In Tallinn”, “and in Tartu?”: the municipality the figure depends on, after a direct
      // answer without it or with another one. The last municipality named wins
      // (municipalityNamed). A question of its own („mis on matusetoetuse tähtaeg kuusalus“) is
      // answered as asked (step 3); a follow-up that asks another kind („aga tähtaeg tartus?“)
      // gets that kind (review 19 F-4).
      const kind = u.askKind(said) ?? asked.kind;
      if (
        direct === undefined &&
        municipalityNamed(turn, said) &&
        hasLocalFacts(turn, asked.service, kind)
      ) {
        return directAnswer(turn, asked.service, kind, `${offer.text}\n${said}`);
      }
      // “And a divorce?” after “how much does registering a marriage cost?”: the same question
      // about what the short follow-up names.
      const followUp = ellipticalFollowUp(turn, said, asked);
      if (followUp) return directAnswer(turn, followUp, asked.kind, said);
      // „aga kolmanda lapse puhul?“ after the child benefit: another fact of the same service.
      const narrower = narrowerFact(turn, said, offer.text, asked);
      if (narrower) return directAnswer(turn, asked.service, asked.kind, said, narrower);
    }
    // Answering the plan's first question straight away (“we both agree”) accepts it.
    if (offered && yesNo === undefined && direct === undefined) {
      const dialog = dialogOf(turn, offered.lifeEvent);
      if (turn.deps.extractors.forDialog(dialog, said, turn.ctx).size > 0) {
        return enter(turn, offered.lifeEvent, false, said, offered.text);
      }
    }
  }

  // A question inside a life event („Mis siis kui naisel pole ravikindlustust?“ while expecting a
  // child) is about its own services first: a yes/no or what-if question, also one that names
  // another event's service („ravikindlustus“), gets this event's fact or service summary that
  // says most of it («что делать, если не хочу наследовать долги»: renouncing, not the no-will
  // rule; review 24 R24-22, R24-32).
  const active = turn.state.lifeEvent;
  const inEvent = active !== undefined && u.isQuestion(said) && currentNode(turn)?.kind !== 'input';
  // A request for a person, the status or a goodbye is never answered with a fact, even when
  // worded as a question ("is there anyone from the office").
  // The message is classified once, here only when a question inside the event needs it.
  let classified: NluResult | undefined;
  const classify = (): NluResult => (classified ??= classifier.classify(said, turn.state.lang));
  // A request for a person leaves even when read weakly: it is asked about (askHuman).
  const leavesEvent = (nlu: NluResult): boolean =>
    nlu.intent === 'human-handover' ||
    (nlu.intent !== 'out-of-scope' &&
      !nlu.ambiguous &&
      ((isLifeEvent(nlu.intent) && nlu.intent !== active) ||
        ['my-status', 'goodbye', 'thanks'].includes(nlu.intent)));
  // Disagreeing with a decision (an assessment, a pension, a benefit) asks for the appeal path,
  // which the catalog has no checked fact for: plainly so, with a person offered, never the
  // decision's time limit or a service's summary (review 24 R24-36, R24-38).
  if (inEvent && u.has('disagree', said) && !leavesEvent(classify())) return noAnswer(turn);
  if (
    inEvent &&
    direct?.kind === 'rule' &&
    !leavesEvent(classify()) &&
    eventAnswer(turn, said, active)
  )
    return;

  // 3. A direct question for a fact (“how much is the funeral grant?”), also mid-dialog.
  const howTo = direct?.kind === 'where' || direct?.kind === 'provider';
  // A yes/no question that asks for a person or the status ("is there anyone from the office")
  // is that request, not a rule to look up.
  const asksPerson =
    direct?.kind === 'rule' &&
    ['human-handover', 'my-status'].includes(classify().intent) &&
    !classify().ambiguous;
  if (direct && !howTo && !asksPerson) {
    answerInItsLanguage(turn, said, classify);
    return directAnswer(turn, direct.service, direct.kind, said);
  }

  // 4. A question about a word of the last question or plan. A word the glossary does not know
  // may be one a service of the life event explains („Mis on tugiisik?“; review 24 R24-27).
  const terms = u.clarify(said, turn.state.lastTerms ?? []);
  if (terms?.length === 0 && inEvent && !leavesEvent(classify()) && eventAnswer(turn, said, active))
    return;
  if (terms) return explain(turn, terms);
  if (direct && !direct.topicLevel) {
    answerInItsLanguage(turn, said, classify);
    return directAnswer(turn, direct.service, direct.kind, said);
  }

  // 5. An answer to the open question, or facts for the active dialog (also corrections).
  if (turn.state.lifeEvent && inDialog(turn, said)) return;
  if (municipalityOnly(turn, said, asked)) return;

  const global = matchOption(said, GLOBAL_OPTIONS, turn.deps.texts);
  if (global === 'restart') return restart(turn);
  if (global === 'human') return handover(turn);

  const node = currentNode(turn);
  const nlu = classify();
  turn.info.nlu = nlu;
  const confident = nlu.intent !== 'out-of-scope' && !nlu.ambiguous;
  // A short follow-up that is nothing on its own („а для женщин?“) is read with the direct
  // question it follows.
  if (
    offer?.service &&
    offer.kind &&
    nlu.intent === 'out-of-scope' &&
    words(said) <= FOLLOW_UP_MAX_WORDS
  ) {
    const context = `${offer.text}\n${said}`;
    const again = u.direct(context);
    if (again) return directAnswer(turn, again.service, again.kind, context);
  }
  // A question for a fact that names no service (“за сколько месяцев до пенсии можно подать
  // заявление?”): the fact of the life event it is about whose sentence says most of it.
  if (!direct) {
    const kind = u.askKind(said, true);
    const topic = u.topic(said);
    const lifeEvent =
      topic !== undefined && isLifeEvent(topic)
        ? topic
        : isLifeEvent(nlu.intent) && nlu.confidence >= SWITCH_MIN_CONFIDENCE
          ? nlu.intent
          : turn.state.lifeEvent;
    if (kind && lifeEvent && (kind === 'provider' || kind === 'where')) {
      // “kes meie abielu registreerib?”: the service whose name says most of the question.
      // „kuhu me avalduse esitame“ in the marriage dialog: the application is the life
      // event's first core service's (review 23b G-12).
      const service =
        namedLike(turn, said, lifeEvent) ??
        (lifeEvent === turn.state.lifeEvent && u.has('application', said)
          ? firstCore(turn, lifeEvent)
          : undefined);
      if (service) {
        switchLanguage(turn, said, nlu);
        return directAnswer(turn, service, kind, said);
      }
    } else if (kind && lifeEvent) {
      const found = bestAnswer(turn, said, kind, undefined, [lifeEvent]);
      if (found?.fact && found.score >= UNNAMED_MIN_OVERLAP) {
        switchLanguage(turn, said, nlu);
        return directAnswer(turn, found.service.id, kind, said, found.fact);
      }
    }
  }
  // Any other question inside the life event: answered from its facts or service summaries, or
  // plainly not; never the out-of-scope reply or the topic menu (review 24 R24-21, -32, -37,
  // -39, -40). Unless it clearly asks for another topic, a person, the status or leaves.
  if (inEvent && !leavesEvent(nlu)) {
    if (eventAnswer(turn, said, active)) return;
    // Not understood, or a question read as a yes or no („Mis siis kui ma ei ole otsusega
    // nõus?“ is no „ei“; review 24 R24-38): plainly no checked answer.
    if (!confident || nlu.intent === 'affirm' || nlu.intent === 'deny') return noAnswer(turn);
  }
  // A place name answers the municipality question even if it sounds like another topic.
  const namesPlace =
    node?.kind === 'input' && node.var === 'municipality' && !!turn.deps.catalog.municipality(said);
  // At an input node the words are the answer (“I don't know” too), unless they clearly ask
  // for another topic, a person or the status.
  const leavesInput =
    confident &&
    ((isLifeEvent(nlu.intent) && nlu.intent !== turn.state.lifeEvent) ||
      nlu.intent === 'human-handover' ||
      nlu.intent === 'my-status');
  // A question alone („kuidas matuseid korraldada?“, «мне всё нужно делать самой?») is not the
  // answer to an input question: plainly no checked answer, and the question again. Two words
  // with a question mark („ei tea?“) still answer it.
  if (node?.kind === 'input' && (namesPlace || !leavesInput)) {
    const asksOnly =
      u.statements(said) === '' ||
      (/\?\s*$/u.test(said) && words(said) >= INPUT_QUESTION_MIN_WORDS);
    if (!namesPlace && asksOnly) return noAnswer(turn);
    // The person's own words answer the question; keep only what the dialog may need.
    turn.state.vars[node.var] = said.slice(0, INPUT_MAX_CHARS);
    turn.state.misses = 0;
    turn.say(turn.t('global.inputThanks'));
    return run(turn, node.next);
  }
  const switched =
    (confident || surelyRussian(said, nlu)) &&
    nlu.lang !== turn.state.lang &&
    words(said) >= LANG_SWITCH_MIN_WORDS;
  if (switched) {
    turn.state.lang = nlu.lang;
    turn.say(turn.t('global.langSwitched'));
  }
  // A weakly read request for a person is asked about rather than missed.
  if (nlu.ambiguous && nlu.intent === 'human-handover') return askHuman(turn);
  if (nlu.ambiguous) return miss(turn, nlu);
  intent(turn, nlu, said, switched);
}

/**
 * A plain yes or no where the question's option for it has another id: „ei“ / «нет» at „Kas laps
 * on juba sündinud?“ is „Veel mitte“ (the option's `means: no`), not a refusal (review 19 F-9).
 * „ei tea“ / «не знаю» is not a no (matchOption).
 */
function meant(turn: Turn, node: NodeOf<'question'>, said: string): string | undefined {
  if (!node.options.some((o) => o.means)) return undefined;
  const yesNo = matchOption(said, YES_NO, turn.deps.texts);
  return yesNo && node.options.find((o) => o.means === yesNo)?.id;
}

/**
 * Reads the message as part of the active dialog: first as the open question's quick reply (in
 * words), then through every question's extractors. A changed earlier answer (a correction)
 * walks the dialog again with what is known. Returns false when it found nothing.
 */
function inDialog(turn: Turn, said: string): boolean {
  const u = turn.deps.understanding;
  const node = currentNode(turn);
  if (node?.kind === 'input') {
    // The person's own words answer it (kept by the caller); a municipality is kept as its id.
    if (node.var !== 'municipality') return false;
    const municipality = municipalityNamed(turn, said);
    if (!municipality) return false;
    takeMunicipality(turn, node, municipality);
    return true;
  }
  const correcting = u.has('correction', said);
  let picked: string | undefined;
  // A question alone („Kas 16-aastaselt saab abielluda?“) picks no quick reply.
  const asking = u.statements(said) === '';
  if (node?.kind === 'question' && !correcting && !asking) {
    const offered = node.options.map((o) => ({ id: o.id, label: o.label ?? `option.${o.id}` }));
    picked = matchOption(said, offered, turn.deps.texts) ?? meant(turn, node, said);
    // „ei ole abielus, elame Tallinnas“ opens with „ei“, but the „ei“ negates the clause that
    // answers another question (married), so it says nothing about the open one (born abroad).
    const first = clausesOf(said)[0];
    if (picked && first !== undefined) {
      const fromFirst = turn.deps.extractors.forDialog(
        dialogOf(turn, turn.state.lifeEvent!),
        first,
        turn.ctx,
      );
      if ([...fromFirst.keys()].some((name) => name !== node.var)) picked = undefined;
    }
  }
  const before = node?.kind === 'question' ? turn.state.vars[node.var] : undefined;
  const open = node?.kind === 'question' ? node : undefined;
  const { fresh, changed } = takeFacts(turn, said, undefined, open);
  // The quick reply said in words wins over what an extractor read for the same question.
  if (picked && node?.kind === 'question') {
    if (turn.state.vars[node.var] !== picked) delete turn.state.details?.[node.var];
    if (before === undefined) delete turn.state.vars[node.var];
    return (answer(turn, picked, true), true);
  }
  const lifeEvent = turn.state.lifeEvent!;
  if (changed.length > 0) {
    // A correction: say what changed and walk the dialog again (skipping what is known).
    turn.state.misses = 0;
    const list = heardList(turn, lifeEvent, changed);
    turn.say(turn.tv('understood.updated', { list: list.join(', ') }));
    const finished = node === undefined;
    delete turn.state.pendingStatus;
    run(turn, dialogOf(turn, lifeEvent).start, { replay: finished ? 'finished' : 'open' });
    return true;
  }
  if (fresh.length === 0) return false;
  turn.state.misses = 0;
  if (node?.kind === 'question') {
    const value = turn.state.vars[node.var];
    const option = node.options.find((o) => o.id === value);
    if (option) {
      turn.info.answered = `${lifeEvent}/${turn.state.node ?? ''}:${option.id}`;
      run(turn, option.goto);
      return true;
    }
    // Facts for later questions: say what was understood and ask this one again.
    const list = heardList(turn, lifeEvent, fresh);
    ask(
      turn,
      node,
      list.length > 0 ? turn.tv('understood.noted', { list: list.join(', ') }) : undefined,
    );
    return true;
  }
  // Facts after the dialog finished that change nothing: not an answer to anything.
  return node !== undefined;
}

/**
 * A direct question written in another language than the conversation's (“how long do I have to
 * renounce an inheritance?” in the Estonian widget) is answered in its own language, by the same
 * rule as any other message: long enough and understood.
 */
function answerInItsLanguage(turn: Turn, said: string, classify: () => NluResult): void {
  if (words(said) < LANG_SWITCH_MIN_WORDS) return;
  // The turn's one reading of the message (a yes/no question may have been read already).
  switchLanguage(turn, said, classify());
}

function switchLanguage(turn: Turn, said: string, nlu: NluResult): void {
  const understood = nlu.intent !== 'out-of-scope' && !nlu.ambiguous;
  if (!(understood || surelyRussian(said, nlu))) return;
  if (nlu.lang === turn.state.lang || words(said) < LANG_SWITCH_MIN_WORDS) return;
  turn.state.lang = nlu.lang;
  turn.say(turn.t('global.langSwitched'));
}

/**
 * Russian by its script: almost every letter Cyrillic. Its language is known even when the
 * message is not understood («мне всё нужно делать самой?» on an Estonian page), so the reply
 * (a "did you mean", no checked answer) comes in Russian, not Estonian.
 */
function surelyRussian(said: string, nlu: NluResult): boolean {
  if (nlu.lang !== 'ru') return false;
  const letters = said.match(/\p{L}/gu)?.length ?? 0;
  const cyrillic = said.match(/\p{Script=Cyrillic}/gu)?.length ?? 0;
  return letters > 0 && cyrillic / letters >= CYRILLIC_SHARE;
}
/** The share of Cyrillic letters that makes a message surely Russian (a Latin name may be in it). */
const CYRILLIC_SHARE = 0.9;

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function intent(turn: Turn, nlu: NluResult, said: string, langSwitched = false): void {
  const node = currentNode(turn);
  const active = node !== undefined;
  const { intent } = nlu;
  if (isLifeEvent(intent)) {
    // Already talking about it: the question still waits for its answer. Not a miss (the
    // topic was understood); after a language switch the question alone, in the new language.
    if (intent === turn.state.lifeEvent && active) {
      turn.state.misses = 0;
      return resume(turn, langSwitched ? undefined : turn.t('global.reask'));
    }
    // This topic's plan was given: a follow-up about it, never its questions again (review 23b G-1).
    if (intent === turn.state.lifeEvent && planGiven(turn)) return afterPlan(turn, said);
    // A question is open: another topic only after asking, and only when clearly named.
    if (active && turn.state.lifeEvent) {
      if (nlu.confidence < SWITCH_MIN_CONFIDENCE) return miss(turn, nlu);
      return askSwitch(turn, intent, said);
    }
    return enter(turn, intent, turn.state.lifeEvent !== undefined, said);
  }
  const smalltalk = SMALLTALK[intent as string];
  if (smalltalk) return smallTalk(turn, intent, smalltalk);
  if (intent === 'out-of-scope' || !KNOWN_INTENTS.has(intent)) return miss(turn, nlu);
  turn.state.misses = 0;
  switch (intent) {
    case 'greeting':
      // "tšau" after a topic was talked about is a goodbye (salutations.ts).
      if (turn.state.lifeEvent !== undefined && isBothWaysSalutation(said)) {
        return turn.say(turn.t('global.goodbye'), [{ type: 'feedback' }]);
      }
      return greet(turn, 'global.greeting');
    case 'help':
      return greet(turn, 'global.help');
    case 'thanks':
      return turn.say(turn.t('global.thanks'), active ? [continueOptions(turn)] : []);
    case 'goodbye':
      return turn.say(turn.t('global.goodbye'), [{ type: 'feedback' }]);
    case 'human-handover':
      return nlu.confidence < HANDOVER_MIN_CONFIDENCE ? askHuman(turn) : handover(turn);
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

/** The active life event's dialog has ended with its plan (nothing open, nothing awaited). */
function planGiven(turn: Turn, lifeEvent = turn.state.lifeEvent): boolean {
  return (
    lifeEvent !== undefined &&
    turn.state.lifeEvent === lifeEvent &&
    turn.state.node === undefined &&
    turn.state.pendingStatus === undefined
  );
}

/**
 * A message about the topic whose plan was just given that no fact answers („kas saab kirikus
 * abielluda“): the service of the plan it names (summary and link), or plainly no checked answer,
 * with a person offered. Never the dialog's questions again (review 23b G-1).
 */
function afterPlan(turn: Turn, said: string): void {
  turn.state.misses = 0;
  const lifeEvent = turn.state.lifeEvent!;
  const own = new Set(
    turn.deps.bundle.catalog.lifeEvents.find((e) => e.id === lifeEvent)?.services.map((s) => s.id),
  );
  const named = turn.deps.understanding.servicesBeyondTopic(said).find((id) => own.has(id));
  if (named && summaryAnswer(turn, named)) return;
  noAnswer(turn);
}

/**
 * A service's summary and link as the answer („Alaealise abiellumine. 15–17-aastane saab …“),
 * then the open question again, or after the plan „anything else?“ with nothing to pick (review
 * 24 R24-28). False when the service has no link in this language and no `noLink` reason.
 */
function summaryAnswer(turn: Turn, serviceId: string): boolean {
  const { lang } = turn.state;
  const service = turn.deps.catalog.service(serviceId);
  if (!service) return false;
  const url = turn.deps.catalog.link(service, lang, turn.state.municipality);
  // A service with no confirmed page (`noLink`) is still answered: its `_nolink` form.
  if (!url && service.noLink === undefined) return false;
  turn.state.misses = 0;
  const note = linkLanguageNote(service, url, lang, turn.tc, turn.deps.catalog.pageLanguage);
  const answer = turn.tv('direct.planService', {
    service: turn.tc(`service.${service.id}.name`),
    summary: turn.tc(`service.${service.id}.summary`),
    url: url ?? '',
  });
  turn.info.direct = `${service.id}:-`;
  const node = currentNode(turn);
  if (node?.kind === 'question' || node?.kind === 'input') {
    turn.say([answer, note].filter(Boolean).join('\n\n'));
    ask(turn, node);
    return true;
  }
  turn.say([answer, note, turn.tv('direct.more')].filter(Boolean).join('\n\n'));
  return true;
}

/**
 * Plainly no checked answer: after the plan with a person offered; while the questions are open,
 * that the plan will give the official links, then the open question again.
 */
function noAnswer(turn: Turn): void {
  turn.state.misses = 0;
  const node = currentNode(turn);
  if (node?.kind === 'question' || node?.kind === 'input') {
    // A person answers only in office hours: never "at any time" (review 25 R25-11).
    turn.say(turn.tv('direct.noAnswerOpen', { hours: officeHours(turn) }));
    return ask(turn, node);
  }
  turn.say(turn.tv('direct.noAnswer'), [
    { type: 'options', options: [turn.option('human'), turn.option('restart')] },
  ]);
  turn.state.asked = 'human';
}

/** The one-word names of a life event as a whole (`topics.<id>`, every language). */
function topicWordsOf(turn: Turn, lifeEvent: LifeEventId): readonly string[] {
  return wordsOf(turn.deps.words.topic, lifeEvent, () =>
    LANGS.map((l) =>
      turn.deps.texts
        .conversation(l)(`topics.${lifeEvent}`, { defaultValue: '' })
        .split('|')
        .filter((p) => !p.trim().includes(' '))
        .join(' '),
    ).join(' '),
  );
}

/** A message ending in „?“ with at least this many words asks rather than answers an input. */
const INPUT_QUESTION_MIN_WORDS = 3;

/** A fact of the kind asked for says this much of a question inside its event to answer it. */
const FIGURE_MIN_OVERLAP = 5;
/** A summary says this much of a question (see `overlap`) to answer it. */
const SUMMARY_MIN_OVERLAP = 6;

/** A service's summary and name in every language, as words. */
function summaryWords(turn: Turn, serviceId: string): readonly string[] {
  return wordsOf(turn.deps.words.summary, serviceId, () =>
    LANGS.map((l) => {
      const tc = turn.deps.texts.catalog(l);
      return `${tc(`service.${serviceId}.name`)} ${tc(`service.${serviceId}.summary`)}`;
    }).join(' '),
  );
}

/**
 * A question asked inside a life event (its questions open, or after its plan) that names no
 * service, or none of this event: the fact of the event's services that says most of it, or
 * else the summary of the service that does („Mis siis kui naisel pole ravikindlustust?“: the
 * pregnant woman's insurance; review 24 R24-22, -32, -37). False when neither says enough.
 */
function eventAnswer(turn: Turn, asked: string, lifeEvent: LifeEventId): boolean {
  const u = turn.deps.understanding;
  const kind = u.askKind(asked, true) ?? 'rule';
  // The words that name the topic itself („abiellumisel“, «пенсию») say nothing of which of its
  // facts is meant.
  // A word that also names exactly one of the event's services stays („matuseid“: the funeral,
  // though „matused“ names the death topic too; „pensioni“ names many and says nothing). Services the person's answers rule out do not answer
  // (a death in Estonia is not answered with registering a death abroad).
  const topicWords = topicWordsOf(turn, lifeEvent);
  const services = (
    turn.deps.bundle.catalog.lifeEvents.find((e) => e.id === lifeEvent)?.services ?? []
  ).filter((s) => !notForThem(turn, lifeEvent, s.id));
  const like = (w: string, t: string) => overlap([w], [t]) >= Math.max(4, w.length - 3);
  const question = tokens(asked).filter(
    (w) =>
      !topicWords.some((t) => like(w, t)) ||
      services.filter((s) => nameWords(turn, s.id).some((n) => like(w, n))).length === 1,
  );
  const said = question.join(' ');
  const best =
    kind === 'provider' || kind === 'where'
      ? undefined
      : bestAnswer(turn, said, kind, undefined, [lifeEvent]);
  const found = best && services.some((s) => s.id === best.service.id) ? best : undefined;
  let summary: { id: string; score: number } | undefined;
  for (const s of services) {
    // The service's name counts twice, as in `bestAnswer` („raseda ravikindlustus“).
    const score =
      overlap(question, summaryWords(turn, s.id)) + overlap(question, nameWords(turn, s.id));
    if (score > (summary?.score ?? SUMMARY_MIN_OVERLAP - 1)) summary = { id: s.id, score };
  }
  // A figure asked for needs one word in common; a yes/no or what-if question, as much as a
  // summary, and on a tie the summary says what to do («что делать, если не хочу наследовать
  // долги»: renounce at a notary, not who inherits without a will; review 24 R24-32).
  const enough = kind === 'rule' ? UNNAMED_MIN_OVERLAP : FIGURE_MIN_OVERLAP;
  const beats = (score: number) =>
    kind === 'rule' ? score > (summary?.score ?? 0) : score >= (summary?.score ?? 0);
  // Each question word counts once, whether the fact or the service's name says it (as the
  // summary, which comes with the name).
  const told =
    found?.fact &&
    overlap(question, [
      ...wordsWith(factWords(turn, found.service))(found.fact),
      ...nameWords(turn, found.service.id),
    ]);
  const factScore = told ? told + overlap(question, nameWords(turn, found.service.id)) : 0;
  if (found?.fact && told && told >= enough && beats(factScore)) {
    directAnswer(turn, found.service.id, kind, asked, found.fact);
    return true;
  }
  return summary !== undefined && summaryAnswer(turn, summary.id);
}

function askSwitch(turn: Turn, to: LifeEventId, said: string): void {
  const from = turn.state.lifeEvent!;
  turn.state.pendingSwitch = { to, text: said.slice(0, INPUT_MAX_CHARS) };
  turn.say(turn.tv('switch.ask', { to: turn.eventName(to), from: turn.eventName(from) }), [
    {
      type: 'options',
      options: [
        { id: `switch:${to}`, label: turn.tv('option.switch', { to: turn.eventName(to) }) },
        { id: 'continue', label: turn.tv('option.stay', { from: turn.eventName(from) }) },
      ],
    },
  ]);
}

function smallTalk(turn: Turn, intent: string, key: string): void {
  turn.state.misses = 0;
  const node = currentNode(turn);
  if (node?.kind === 'question' || node?.kind === 'input') {
    // A yes or no that is none of the open question's options („jah“ at „Mida sa
    // ajateenistusega seoses teha tahad?“) answers nothing: the question again, not small talk's
    // „Hea. Millest tahaksid teada?“ before it (review 23b G-6).
    if (intent === 'affirm' || intent === 'deny') return ask(turn, node, turn.tv('repair.first'));
    return ask(turn, node, turn.tv(key));
  }
  const withTopics = intent === 'affirm' || intent === 'deny' || intent === 'smalltalk-languages';
  turn.say(turn.tv(key), withTopics ? [{ type: 'options', options: turn.eventOptions() }] : []);
}

function noPlan(turn: Turn): void {
  turn.say(turn.tv('direct.noPlan'), [{ type: 'options', options: turn.eventOptions() }]);
}

function continueOptions(turn: Turn): { type: 'options'; options: Option[] } {
  return { type: 'options', options: [turn.option('continue'), turn.option('restart')] };
}

/** Emergency numbers and helplines first, in the person's language; then the dialog may go on. */
function emergency(turn: Turn, kind: EmergencyKind): void {
  turn.info.emergency = kind;
  turn.say(turn.tv(`emergency.reply.${kind}`));
  if (currentNode(turn)) {
    turn.say(turn.tv('emergency.goOn'), [continueOptions(turn)]);
  }
}

/** One plain sentence per term from the glossary, then the open question again. Not a miss. */
function explain(turn: Turn, terms: string[]): void {
  turn.explained = true;
  if (terms.length === 0) {
    const node = currentNode(turn);
    if (node?.kind === 'question' || node?.kind === 'input') {
      return ask(turn, node, turn.tv('clarify.unknown'));
    }
    return turn.say(turn.tv('clarify.unknown'), [
      { type: 'options', options: turn.eventOptions() },
    ]);
  }
  // With its official source where the glossary gives one („Mis on tugiisik?“, review 24 R24-27).
  const lines = terms.map((id) => {
    const means = turn.tv('clarify.explain', {
      term: turn.tg(`${id}.term`),
      means: turn.tg(`${id}.means`),
    });
    const url = turn.tg(`${id}.source`, { defaultValue: '' });
    return isHttpsUrl(url) ? `${means} ${turn.tv('direct.source', { url })}` : means;
  });
  const node = currentNode(turn);
  if (node?.kind === 'question' || node?.kind === 'input') return ask(turn, node, lines.join('\n'));
  turn.say(lines.join('\n'));
}

/**
 * Whether the answers given in this life event's dialog leave the service out of every checklist
 * that lists it (each entry's condition is known and does not hold).
 */
function notForThem(turn: Turn, lifeEvent: LifeEventId, serviceId: string): boolean {
  if (turn.state.lifeEvent !== lifeEvent) return false;
  const { vars } = turn.state;
  const entries = Object.values(dialogOf(turn, lifeEvent).nodes).flatMap((node) =>
    node.kind === 'checklist'
      ? node.services.map(checklistEntry).filter((e) => e.service === serviceId)
      : [],
  );
  return (
    entries.length > 0 &&
    entries.every(
      (e) =>
        e.when !== undefined &&
        Object.keys(e.when).every((name) => vars[name] !== undefined) &&
        !conditionHolds(e.when, (name) => vars[name]),
    )
  );
}

/** The fact first (with its date and source), then the offer of the personal plan. */
function directAnswer(
  turn: Turn,
  serviceId: string,
  kind: AskKind,
  said: string,
  chosen?: CatalogFact,
): void {
  let service = turn.deps.catalog.service(serviceId);
  let preset = chosen;
  const named = lifeEventOf(turn, serviceId);
  if (!chosen && named && kind !== 'provider' && kind !== 'where') {
    // The service named, or another of its life event (or of the topic named) whose fact says
    // much more of the question: «через сколько лет раздельного проживания суд разводит».
    const topic = turn.deps.understanding.topic(said);
    const events = [named, ...(topic && isLifeEvent(topic) && topic !== named ? [topic] : [])];
    let found = bestAnswer(turn, said, kind, serviceId, events);
    if (!found?.fact && !awaitsOwnFigure(turn, serviceId, kind)) {
      // No fact of that kind there: another life event's service may have it, if its fact says
      // much of the question and its name as much as the named service's („mis vanusest on
      // ID-kaart kohustuslik“: the child's ID card, not the ID card's fee).
      const question = tokens(said);
      const elsewhere = bestAnswer(turn, said, kind, undefined, LIFE_EVENTS);
      if (
        elsewhere?.fact &&
        elsewhere.score >= UNNAMED_MIN_OVERLAP &&
        overlap(question, nameWords(turn, elsewhere.service.id)) >=
          overlap(question, nameWords(turn, serviceId))
      ) {
        found = elsewhere;
      }
    }
    if (found) {
      service = found.service;
      preset = found.fact;
    }
  }
  const lifeEvent = service && lifeEventOf(turn, service.id);
  if (!service || !lifeEvent) return;
  turn.state.misses = 0;
  const { tc, tv } = turn;
  const { lang } = turn.state;
  const municipality = municipalityNamed(turn, said) ?? turn.state.municipality;
  if (municipality) turn.state.municipality = municipality;
  const own = turn.deps.bundle.municipalities.find((m) => m.id === municipality);
  const name = tc(`service.${service.id}.name`);
  const question = tokens(said);
  const localFacts = own?.facts?.[service.id] ?? [];
  // What the person answered in the dialog (“EU citizen”) picks the fact meant for them.
  const answered = (name: string) => turn.state.vars[name];
  const fact =
    preset && localFacts.length === 0
      ? preset
      : factFor(
          service,
          kind,
          question,
          factWords(turn, service, localFacts),
          localFacts,
          answered,
        );
  const link = turn.deps.catalog.link(service, lang, municipality) ?? '';
  const parts: string[] = [];
  // The figure is set by each local government and we do not know which one yet.
  const local = !own && !fact && hasLocalFacts(turn, service.id, kind);
  // A service fact with others of its kind that answer as well (8 and 11 months) comes with
  // them; one source link where they share it, after the last.
  const facts = !fact
    ? []
    : localFacts.includes(fact)
      ? [fact]
      : factsWith(service, fact, question, factWords(turn, service), answered);
  if (fact) {
    parts.push(...factSentences(service, facts, lang, tc, tv));
    // What a figure of this kind must be said with (`service.<id>.answerNote.<kind>`): the draft
    // that would change the service's length (review 21 F-2). Not a fact: it has no value.
    const answerNote = tc(`service.${service.id}.answerNote.${fact.kind}`);
    if (!answerNote.startsWith(MISSING_MARK)) parts.push(answerNote);
  } else if (local) {
    // Say what the municipality sets: the deadline asked for, not "the amount" (review 18 F-11).
    const what =
      kind === 'deadline' || kind === 'duration'
        ? 'direct.dependsOnMunicipalityDeadline'
        : 'direct.dependsOnMunicipality';
    parts.push(tv(what, { service: name, url: link }));
  } else if (kind === 'provider' || kind === 'where') {
    const provider = providerName(service, tc, 'in-sentence');
    // What the person has to do follows the service's mode, as in the plan: nobody applies
    // for an automatic service, a proactive one is only confirmed.
    const key =
      service.mode === 'automatic'
        ? 'direct.providerAutomatic'
        : service.mode === 'proactive'
          ? 'direct.providerProactive'
          : 'direct.provider';
    parts.push(tv(key, { service: name, provider, url: link }));
  } else if (
    turn.state.lifeEvent === lifeEvent &&
    !awaitsOwnFigure(turn, service.id, kind) &&
    hasSummary(turn, service.id)
  ) {
    // No fact of that kind, asked inside its life event: the service's summary often says it
    // („Kas surmatõend maksab midagi?“: the first certificate is free; review 24 R24-19, R24-33).
    const summary = tc(`service.${service.id}.summary`);
    parts.push(tv('direct.planService', { service: name, summary, url: link }));
  } else {
    parts.push(tv('direct.noFact', { service: name, url: link }));
  }
  // The person's own municipality's page, when the answer did not already give it: only for a
  // local government's service; a state page is never labelled with the town (review 19 F-1).
  // The name starts the line, so with a capital («Город Тарту: …»).
  if (own && service.local && link && !parts.some((p) => p.includes(link))) {
    const label = own.name[lang];
    const start = label.charAt(0).toLocaleUpperCase(lang) + label.slice(1);
    parts.push(tv('direct.local', { name: start, url: link }));
  }
  // A page shown in another language says so („Lingitud leht on inglise keeles.“): the link or a
  // fact's source, when every page shown is in that one other language.
  const shown = [...new Set([link, ...facts.map((f) => factSource(f, lang))])].filter(
    (url) => url !== '' && parts.some((p) => p.includes(url)),
  );
  const languageOf = turn.deps.catalog.pageLanguage;
  const notes = new Set(shown.map((url) => linkLanguageNote(service, url, lang, tc, languageOf)));
  const [note] = notes;
  if (notes.size === 1 && note) parts.push(note);
  // A service the person's own answers leave out of the plan (the EU citizen's right of
  // residence for someone who said they are not one) says so first (`service.<id>.notForYou`).
  if (notForThem(turn, lifeEvent, service.id)) {
    const notForYou = tc(`service.${service.id}.notForYou`);
    if (!notForYou.startsWith(MISSING_MARK)) parts.unshift(notForYou);
  }
  turn.info.direct = `${service.id}:${fact?.id ?? '-'}`;

  const node = currentNode(turn);
  if (turn.state.lifeEvent === lifeEvent && (node?.kind === 'question' || node?.kind === 'input')) {
    // Asked in the middle of this topic's questions: the fact, then the dialog goes on with
    // what the question said (“…in Tallinn?”) and asks what is still open.
    turn.say(joinAfterLinks(parts));
    const list = heardList(turn, lifeEvent, takeFacts(turn, said).fresh);
    const noted =
      list.length > 0 ? turn.tv('understood.noted', { list: list.join(', ') }) : undefined;
    const value = node.kind === 'question' ? turn.state.vars[node.var] : undefined;
    const option = node.kind === 'question' ? node.options.find((o) => o.id === value) : undefined;
    if (option) return run(turn, option.goto, noted ? { prefix: noted } : {});
    return ask(turn, node, noted);
  }
  if (planGiven(turn, lifeEvent)) {
    // This topic's plan was given already: no offer to make it again (review 23b G-2). The
    // question is kept for a follow-up („aga Tartus?“).
    turn.state.offer = {
      lifeEvent,
      text: said.slice(0, INPUT_MAX_CHARS),
      service: service.id,
      kind,
      planned: true,
    };
    parts.push(tv('direct.more'));
    return turn.say(parts.join('\n\n'));
  }
  const dialog = dialogOf(turn, lifeEvent);
  const known = prefilled(turn, lifeEvent, said);
  const count = questionsAhead(dialog, dialog.start, known);
  const some = questionsAhead(dialog, dialog.start, known, true) !== count;
  turn.state.offer = {
    lifeEvent,
    text: said.slice(0, INPUT_MAX_CHARS),
    service: service.id,
    kind,
  };
  const options: Option[] = [
    { id: `plan:${lifeEvent}`, label: tv('option.plan') },
    node ? turn.option('continue') : { id: 'no-plan', label: tv('option.noPlan') },
  ];
  // The number as a word where the language has one ("kuus", not "6"), as in a dialog's intro.
  const event = turn.eventName(lifeEvent);
  parts.push(
    some
      ? tv('direct.offerSome', { event })
      : tv('direct.offer', { count, n: numberWord(turn, count), event }),
  );
  turn.say(parts.join('\n\n'), [{ type: 'options', options }]);
}

/**
 * The direct question, unless it is a yes/no one (`rule`) that no rule of its life event (or of
 * the topic it names) answers: that one goes on to the dialog as before.
 */
function answerable(
  turn: Turn,
  direct: DirectQuestion | undefined,
  said: string,
): DirectQuestion | undefined {
  // „mis siis kui testamenti pole, kes pärib?“: a who-question about a rule is the rule's when a
  // rule answers it (the heirs by law), not the provider card's (the notary).
  if (direct?.kind === 'provider' && turn.deps.understanding.asksRule(said)) {
    const rule = answerable(turn, { ...direct, kind: 'rule' }, said);
    if (rule) return rule;
  }
  if (direct?.kind !== 'rule') return direct;
  const named = lifeEventOf(turn, direct.service);
  if (!named) return undefined;
  const topic = turn.deps.understanding.topic(said);
  const events = [named, ...(topic && isLifeEvent(topic) && topic !== named ? [topic] : [])];
  return bestAnswer(turn, said, 'rule', direct.service, events)?.fact ? direct : undefined;
}

/**
 * An answer's sentences on one line, except that what follows a link starts a new line: a
 * sentence glued to a URL breaks link detection in plain-text channels, and the page's language
 * note reads as its own remark, as after the plan (review 23b G-11, G-7).
 */
function joinAfterLinks(parts: readonly string[]): string {
  return parts.reduce(
    (text, part, i) =>
      i === 0 ? part : `${text}${/https?:\/\/\S+$/u.test(text) ? '\n' : ' '}${part}`,
    '',
  );
}

/** Below this, a question that names no service is not taken for a fact question. */
const UNNAMED_MIN_OVERLAP = 8;
/** Longest message read as a follow-up to the last direct question („aga lahutus?“). */
const FOLLOW_UP_MAX_WORDS = 5;
/** The service the words name is preferred by this much over another with a closer fact. */
const NAMED_SERVICE_BONUS = 8;
/** Between services the words name, a tie goes to the one they name most strongly. */
const STRONGEST_NAMED_TIE_BREAK = 0.5;
/**
 * Between facts that say as much of a figure question, one of the kind asked wins over one
 * standing in for it, and one with its figure over one that says what the figure depends on
 * („mis summa makstakse lapse sünni puhul“: the birth grant's sum, not the deadline to register
 * the birth nor that the parental benefit depends on income).
 */
const KIND_TIE_BREAK = 0.25;
const FIGURE_TIE_BREAK = 0.125;

function tieBreak(fact: CatalogFact | undefined, kind: AskKind): number {
  if (!fact || kind === 'rule' || !answersKind(fact, kind)) return 0;
  return KIND_TIE_BREAK + (fact.value !== undefined ? FIGURE_TIE_BREAK : 0);
}

/** The words of a text, computed once per assistant (texts do not change). */
function wordsOf(
  cache: Map<string, readonly string[]>,
  key: string,
  make: () => string,
): readonly string[] {
  let cached = cache.get(key);
  if (!cached) {
    cached = tokens(make());
    cache.set(key, cached);
  }
  return cached;
}

/**
 * A fact's sentence in every language as words (for comparing it with the question's words),
 * made once per assistant: a municipality's own facts share ids between municipalities, so
 * theirs are made anew.
 */
function factWords(
  turn: Turn,
  service: CatalogService,
  local: readonly CatalogFact[] = [],
): (f: CatalogFact) => string | readonly string[] {
  const sentence = (f: CatalogFact) =>
    LANGS.map((l) =>
      turn.deps.texts.catalog(l)(
        `service.${service.id}.facts.${f.id}`,
        factParams(f, l, turn.deps.texts.conversation(l)),
      ),
    ).join(' ');
  const facts = turn.deps.words.fact;
  let known = facts.get(service.id);
  if (!known) facts.set(service.id, (known = new Map<string, readonly string[]>()));
  return (f) => (local.includes(f) ? sentence(f) : wordsOf(known, f.id, () => sentence(f)));
}

/** A service's name in every language, as words. */
function nameWords(turn: Turn, serviceId: string): readonly string[] {
  return wordsOf(turn.deps.words.name, serviceId, () =>
    LANGS.map((l) => turn.deps.texts.catalog(l)(`service.${serviceId}.name`)).join(' '),
  );
}

/**
 * The words of the phrases of several words that name a service (`terms.<serviceId>`, every
 * language) and that the question says whole: «зарегистрировать место жительства». A phrase only
 * partly said adds nothing („сколько длится развод“ for «через сколько лет … суд разводит»).
 */
function termWordsIn(turn: Turn, serviceId: string, question: readonly string[]): string[] {
  const words: string[] = [];
  for (const toks of termPhrases(turn, serviceId)) {
    if (toks.every((w) => overlap([w], question) > 0)) words.push(...toks);
  }
  return words;
}

/** The phrases of `terms.<serviceId>` (every language) of more than one word of 4+ letters, as those words. */
function termPhrases(turn: Turn, serviceId: string): readonly (readonly string[])[] {
  const { terms } = turn.deps.words;
  let phrases = terms.get(serviceId);
  if (!phrases) {
    const list: (readonly string[])[] = [];
    for (const lang of LANGS) {
      const spec = turn.deps.texts.conversation(lang)(`terms.${serviceId}`, { defaultValue: '' });
      for (const phrase of spec.split('|')) {
        const toks = tokens(phrase).filter((w) => w.length >= 4);
        if (toks.length > 1) list.push(Object.freeze(toks));
      }
    }
    terms.set(serviceId, (phrases = list));
  }
  return phrases;
}

/**
 * The service and fact that answer a question of that kind, among the services of the given
 * life events: the fact whose sentence (and service name) says most of the question. The named
 * service is preferred by NAMED_SERVICE_BONUS, and competes by its name even without a fact of
 * that kind (then the answer says there is no checked figure, rather than another service's).
 */
function bestAnswer(
  turn: Turn,
  said: string,
  kind: AskKind,
  named: string | undefined,
  lifeEvents: readonly LifeEventId[],
): { service: CatalogService; fact?: CatalogFact; score: number } | undefined {
  const question = tokens(said);
  const alsoNamed = named ? turn.deps.understanding.servicesIn(said) : [];
  let best: { service: CatalogService; fact?: CatalogFact; score: number } | undefined;
  let bestRank = -1;
  for (const event of turn.deps.bundle.catalog.lifeEvents) {
    if (!lifeEvents.includes(event.id)) continue;
    for (const s of event.services) {
      const service = turn.deps.catalog.service(s.id);
      if (!service) continue;
      const factToks = factWords(turn, service);
      const found = scoredFact(
        service,
        kind,
        question,
        factToks,
        [],
        (name) => turn.state.vars[name],
        // A rule stands in for a figure of the service named, or of any when none is named.
        named === undefined || s.id === named,
      );
      if (!found && s.id !== named) continue;
      const isNamed = s.id === named || alsoNamed.includes(s.id);
      // A service the words name says what its own phrases say («зарегистрировать место
      // жительства» is the registration's, though its fact says „регистрации“; review 19 F-2).
      const name = isNamed
        ? [...nameWords(turn, s.id), ...termWordsIn(turn, s.id, question)]
        : nameWords(turn, s.id);
      const score = (found?.score ?? 0) + overlap(question, name);
      // The rank counts a question word once, whether the fact or the name says it: „olen ELi
      // kodanik, mis ajaks pean elukoha registreerima“ is the EU citizen's deadline, though
      // the registration's name says „elukoha registreerimine“ too (review 17 F-7). Every
      // service the words name is preferred, not only the strongest; between them a tie goes to
      // the one the words name most strongly («женщина … за сколько дней сообщают»: voluntary
      // service's 90 days, not the 30 days after a deferment; review 18 F-10).
      const told = found ? overlap(question, [...factToks(found.fact), ...name]) : score;
      const rank =
        told +
        (isNamed ? NAMED_SERVICE_BONUS : 0) +
        (s.id === named ? STRONGEST_NAMED_TIE_BREAK : 0) +
        tieBreak(found?.fact, kind);
      if (rank > bestRank) {
        best = found ? { service, fact: found.fact, score } : { service, score };
        bestRank = rank;
      }
    }
  }
  return best;
}

/**
 * A short follow-up that names another service or life event and asks nothing of its own
 * („aga lahutus?“, «а развод?», "and for a divorce?") after a direct answer: the service whose
 * fact of the same kind answers it, if one has such a fact.
 */
function ellipticalFollowUp(
  turn: Turn,
  said: string,
  asked: { service: string; kind: AskKind },
): string | undefined {
  const u = turn.deps.understanding;
  if (tokens(said).length > FOLLOW_UP_MAX_WORDS || u.askKind(said) !== undefined) return undefined;
  const named = u.serviceIn(said);
  if (named === asked.service) return undefined;
  const topic = u.topic(said);
  const lifeEvent = named
    ? lifeEventOf(turn, named)
    : topic && isLifeEvent(topic)
      ? topic
      : undefined;
  if (!lifeEvent) return undefined;
  // A message that tells of the person's own life event («у меня умерла мама», „mu ema suri“)
  // names it in its own right, not as a follow-up: its dialog starts as it would at the start
  // (review 19 F-6). It says something that dialog asks; „aga lahutus?“ says nothing of it.
  if (turn.deps.extractors.forDialog(dialogOf(turn, lifeEvent), said, turn.ctx).size > 0) {
    return undefined;
  }
  // A service named is answered even without a figure (a local one, or where to ask).
  if (named) return named;
  const found = bestAnswer(turn, said, asked.kind, undefined, [lifeEvent]);
  return found?.fact && found.service.id !== asked.service ? found.service.id : undefined;
}

/**
 * A short follow-up that names nothing and asks nothing of its own but says words of one of the
 * asked service's other facts of a kind that answers the question („aga kolmanda lapse puhul?“
 * after „kui suur on lapsetoetus“: the third child's rate): that fact (review 19 F-11).
 */
function narrowerFact(
  turn: Turn,
  said: string,
  first: string,
  asked: { service: string; kind: AskKind },
): CatalogFact | undefined {
  const u = turn.deps.understanding;
  const question = tokens(said);
  if (question.length > FOLLOW_UP_MAX_WORDS || u.askKind(said) !== undefined) return undefined;
  if (u.serviceIn(said) || u.topic(said) || municipalityNamed(turn, said)) return undefined;
  const service = turn.deps.catalog.service(asked.service);
  if (!service) return undefined;
  const sentence = factWords(turn, service);
  const found = scoredFact(service, asked.kind, question, sentence);
  // Words of that fact, and another fact than the one the question itself was answered with.
  const before = factFor(service, asked.kind, tokens(first), sentence);
  return found && found.score > 0 && found.fact.id !== before?.id ? found.fact : undefined;
}

/** The service of the life event whose name in any language shares most words with the text. */
function namedLike(turn: Turn, said: string, lifeEvent: LifeEventId): string | undefined {
  const question = tokens(said);
  let best: string | undefined;
  let bestScore = UNNAMED_MIN_OVERLAP - 1;
  for (const s of turn.deps.bundle.catalog.lifeEvents.find((e) => e.id === lifeEvent)?.services ??
    []) {
    const score = overlap(question, nameWords(turn, s.id));
    if (score > bestScore) {
      best = s.id;
      bestScore = score;
    }
  }
  return best;
}

/** The first core service of a life event (its main application). */
function firstCore(turn: Turn, lifeEvent: LifeEventId): string | undefined {
  return turn.deps.bundle.catalog.lifeEvents
    .find((e) => e.id === lifeEvent)
    ?.services.find((s) => turn.deps.catalog.service(s.id)?.kind === 'core')?.id;
}

/** What the text would answer in that life event's dialog (for counting its questions). */
function prefilled(turn: Turn, lifeEvent: LifeEventId, said: string): Record<string, string> {
  const found = turn.deps.extractors.forDialog(dialogOf(turn, lifeEvent), said, turn.ctx);
  // The question's town is the municipality, not a place (as the plan will take it; F-7).
  for (const name of placesAsked(turn, lifeEvent, undefined, said)) found.delete(name);
  const heard = Object.fromEntries([...found].map(([name, e]) => [name, e.value]));
  const known = { ...heard, ...assumed(turn, lifeEvent, said, heard) };
  const municipality = municipalityNamed(turn, said) ?? turn.state.municipality;
  return municipality ? { ...known, municipality } : known;
}

/**
 * Whether the service's own figure of this kind is one the answer must not stand in for: set
 * by each municipality, or one no official page confirms (catalog `unconfirmed`).
 */
function awaitsOwnFigure(turn: Turn, serviceId: string, kind: AskKind): boolean {
  const service = turn.deps.catalog.service(serviceId);
  const unconfirmed = (service?.unconfirmed ?? []).some((u) => u.kind === kind);
  return unconfirmed || hasLocalFacts(turn, serviceId, kind);
}

/** Whether the service has a summary in the conversation's language. */
function hasSummary(turn: Turn, serviceId: string): boolean {
  return !turn.tc(`service.${serviceId}.summary`).startsWith(MISSING_MARK);
}

/** Whether some municipality has its own fact of this kind for the service. */
function hasLocalFacts(turn: Turn, serviceId: string, kind: AskKind): boolean {
  return turn.deps.bundle.municipalities.some(
    (m) =>
      factFor(
        { id: serviceId, facts: [] } as unknown as CatalogService,
        kind,
        [],
        () => '',
        m.facts?.[serviceId] ?? [],
      ) !== undefined,
  );
}

function lifeEventOf(turn: Turn, serviceId: string): LifeEventId | undefined {
  return turn.deps.bundle.catalog.lifeEvents.find((e) => e.services.some((s) => s.id === serviceId))
    ?.id;
}

/** When a person answers, in the person's language: the configured hours, else the locale's. */
function officeHours(turn: Turn): string {
  return turn.deps.officeHours?.(turn.state.lang) || turn.tv('repair.hours');
}

/**
 * Not understood. The first miss says what I can do and offers the closest choices; the
 * second offers three ways out (say it differently, pick a topic, a person with office hours).
 * Nobody is put in a queue without choosing it.
 */
function miss(turn: Turn, nlu: NluResult): void {
  turn.state.misses += 1;
  if (turn.state.misses >= 2) {
    turn.state.misses = 0;
    const hours = officeHours(turn);
    const options: Option[] = [...turn.eventOptions(), turn.option('human')];
    if (currentNode(turn)) options.unshift(turn.option('continue'));
    turn.say(turn.tv('repair.second', { hours }), [{ type: 'options', options }]);
    return;
  }
  // "Did you mean A or B?" when the NLU had candidates; otherwise the waiting question again.
  if (currentNode(turn) && !nlu.ambiguous) return resume(turn, turn.tv('repair.first'));
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
        // ET-3/RU-3 (review 15): the next step is a sentence of its own after the state.
        const vars = { name: i.name, state: t(`status.state.${i.state}`) };
        return i.nextStep
          ? t('status.lineNext', { ...vars, next: i.nextStep })
          : t('status.line', vars);
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
