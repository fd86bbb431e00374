/**
 * Walking a dialog tree: from a node, say what each node says and move on until a node waits
 * for the person (question, input, status) or the dialog ends (end, handover).
 */
import type { Block, ChecklistItem, Lang } from '../protocol/frames.js';
import { planMarker } from '../protocol/marker.js';
import type { LifeEventId } from '../nlu/types.js';
import {
  checklistEntry,
  planService,
  conditionHolds,
  type Condition,
  type CatalogService,
  type Dialog,
  type NodeOf,
  type PlanService,
} from './schema.js';
import { checklistItem, checklistText, linkLanguageNote } from './render.js';
import { questionsAhead } from './direct.js';
import { localFigures } from './local-figures.js';
import { dayMonthYear, monthYear } from './formats.js';
import type { Turn } from './turn.js';

/** A guard against a cycle of nodes that never wait (the checker reports those too). */
const MAX_NODES_PER_TURN = 100;

export function dialogOf(turn: Turn, lifeEvent: LifeEventId): Dialog {
  const loaded = turn.deps.bundle.dialogs[lifeEvent];
  if (!loaded) throw new Error(`no dialog for ${lifeEvent}`);
  return loaded.dialog;
}

export function currentNode(turn: Turn): Dialog['nodes'][string] | undefined {
  const { lifeEvent, node } = turn.state;
  if (!lifeEvent || !node) return undefined;
  return dialogOf(turn, lifeEvent).nodes[node];
}

export function holds(when: Condition, turn: Turn): boolean {
  return conditionHolds(when, (name) =>
    name === 'signedIn' ? String(turn.ctx.signedIn) : turn.state.vars[name],
  );
}

/**
 * “I will ask three short questions.” after a dialog's opening message: the questions still open
 * from `from`, given what is already known, when every path asks as many; “a few short
 * questions” when paths differ; nothing when none is left.
 */
export function questionsLeft(turn: Turn, dialog: Dialog, from: string): string {
  const count = questionsAhead(dialog, from, turn.state.vars);
  if (count === 0) return '';
  // Where the answers decide how many follow, no number the person may count against (the
  // death dialog promised six and asked five; review 23b G-25).
  if (questionsAhead(dialog, from, turn.state.vars, true) !== count)
    return turn.tv('intro.questionsSome');
  return turn.tv('intro.questions', { count, n: numberWord(turn, count) });
}

/**
 * A count as a word where the language has one ("kuus", «три»), else as digits, in the form
 * its place needs: `numbers` as the intro says it, `per` after “for N services” („nelja
 * teenuse puhul“, «по четырём услугам»), `services` before the word for services («две
 * услуги»: услуга is feminine).
 */
export function numberWord(
  turn: Turn,
  count: number,
  form: 'numbers' | 'per' | 'services' = 'numbers',
): string {
  return turn.tv(`intro.${form}.${count}`, { defaultValue: String(count) });
}

/** Says the question again with its options (after a language switch, a status, "continue"). */
export function ask(turn: Turn, node: NodeOf<'question'> | NodeOf<'input'>, prefix?: string): void {
  const question =
    node.kind === 'input' && node.hint
      ? `${turn.t(node.text)} ${turn.t(node.hint)}`
      : turn.t(node.text);
  const text = prefix ? `${prefix}\n${question}` : question;
  if (node.kind === 'input') return turn.say(text);
  const options = node.options.map((o) => ({
    id: o.id,
    label: turn.t(o.label ?? `option.${o.id}`),
  }));
  turn.say(text, [{ type: 'options', options }]);
}

export interface RunOptions {
  /**
   * Walking the dialog again after an answer was corrected: messages already said are not
   * repeated, and when the dialog had finished it stops after the updated checklist.
   */
  replay?: 'open' | 'finished';
  /** Said before the first question the walk stops at (“Noted: the baby is born.”). */
  prefix?: string;
}

export function run(turn: Turn, from: string, options: RunOptions = {}): void {
  const lifeEvent = turn.state.lifeEvent;
  if (!lifeEvent) return;
  const dialog = dialogOf(turn, lifeEvent);
  let id = from;
  // The dialog's opening message says how many questions follow: the first message of a walk
  // from the start, which may begin with a branch (marriage: abroad or in Estonia).
  let opening = from === dialog.start;
  for (let i = 0; i < MAX_NODES_PER_TURN; i++) {
    const node = dialog.nodes[id];
    if (!node) throw new Error(`${lifeEvent}: no node "${id}"`);
    (turn.info.visited ??= []).push(`${lifeEvent}/${id}`);
    delete turn.state.node;
    switch (node.kind) {
      case 'message':
        if (!options.replay) {
          const count = opening ? questionsLeft(turn, dialog, node.next) : '';
          turn.say(count ? `${turn.t(node.text)} ${count}` : turn.t(node.text));
        }
        opening = false;
        id = node.next;
        continue;
      case 'question': {
        // Already answered in the person's words (this message or an earlier one): skip it.
        const known = turn.state.vars[node.var];
        const option = node.options.find((o) => o.id === known);
        if (option) {
          id = option.goto;
          continue;
        }
        turn.state.node = id;
        ask(turn, node, options.prefix);
        return;
      }
      case 'input':
        if (turn.state.vars[node.var] !== undefined) {
          id = node.next;
          continue;
        }
        turn.state.node = id;
        ask(turn, node, options.prefix);
        return;
      case 'branch':
        id = node.cases.find((c) => holds(c.when, turn))?.goto ?? node.otherwise;
        continue;
      case 'checklist':
        sayChecklist(turn, node, lifeEvent);
        if (options.replay === 'finished') return;
        id = node.next;
        continue;
      case 'status':
        turn.state.node = id;
        turn.state.pendingStatus = { then: node.next };
        turn.effects.push({ type: 'status-lookup', lifeEvent });
        return;
      case 'handover':
        turn.say(turn.t(node.text));
        turn.effects.push({ type: 'handover-request' });
        return;
      case 'end':
        // “Did this help?” is a yes-or-no question: its buttons say so (review 23b G-3).
        turn.say(turn.t(node.text), [
          { type: 'feedback' },
          {
            type: 'options',
            options: [
              { id: 'yes', label: turn.t('option.yes') },
              { id: 'no', label: turn.t('option.no') },
              turn.option('restart'),
            ],
          },
        ]);
        turn.effects.push({ type: 'outcome', outcome: 'resolved' });
        turn.state.asked = 'helped';
        return;
    }
  }
  throw new Error(`${lifeEvent}: more than ${MAX_NODES_PER_TURN} nodes without waiting`);
}

/** “You said: the baby is born, in Estonia.” for every answer, typed or chosen (review 23b G-4). */
export function understoodLine(turn: Turn, lifeEvent: LifeEventId): string | undefined {
  const list = heardList(turn, lifeEvent);
  if (list.length === 0) return undefined;
  const example = correctionExample(turn, lifeEvent);
  const fix = example ? turn.tv('understood.fixExample', { example }) : turn.tv('understood.fix');
  return `${turn.tv('understood.intro', { list: list.join(', ') })} ${fix}`;
}

/**
 * A correction the person could write, with another value than the one they gave: the “no”
 * word and the first plain phrase of a phrase lexicon for another option of the question last
 * heard (“ei, välismaal” after “Eestis”). Made from the extractor's own words, so writing it
 * does correct the answer. Undefined when no heard answer has such a phrase.
 */
export function correctionExample(turn: Turn, lifeEvent: LifeEventId): string | undefined {
  const dialog = dialogOf(turn, lifeEvent);
  const lexicons = turn.deps.bundle.resources[turn.state.lang].conversation.extract;
  if (typeof lexicons !== 'object') return undefined;
  // A typed answer is the one that may have been misread: its correction is the better example.
  const chosen = new Set(turn.state.chosen);
  const latest = [...(turn.state.heard ?? [])].reverse();
  const heard = [...latest.filter((n) => !chosen.has(n)), ...latest.filter((n) => chosen.has(n))];
  for (const name of heard) {
    const node = Object.values(dialog.nodes).find(
      (n): n is NodeOf<'question'> => n.kind === 'question' && n.var === name,
    );
    const value = turn.state.vars[name];
    if (!node || value === undefined) continue;
    for (const decl of node.extract ?? []) {
      // A phrase read only beside a cue („abiellume“ with „Eestis“) corrects nothing alone.
      if (typeof decl !== 'string' && decl.near !== undefined) continue;
      const { use, map } = typeof decl === 'string' ? { use: decl, map: undefined } : decl;
      const lexicon = lexicons[use];
      if (typeof lexicon !== 'object') continue;
      for (const [lexValue, spec] of Object.entries(lexicon)) {
        const option = map ? map[lexValue] : lexValue;
        if (option === undefined || option === value || typeof spec !== 'string') continue;
        if (!node.options.some((o) => o.id === option)) continue;
        const phrase = spec
          .split('|')
          .map((p) => p.trim())
          .find((p) => p !== '' && !/[*#]/.test(p));
        if (phrase) return `${turn.tv('understood.no')}, ${phrase}`;
      }
    }
  }
  return undefined;
}

export function heardList(turn: Turn, lifeEvent: LifeEventId, only?: readonly string[]): string[] {
  const { vars } = turn.state;
  return (only ?? turn.state.heard ?? []).flatMap((name) => {
    const value = vars[name];
    if (value === undefined) return [];
    if (name === 'municipality') {
      const m = turn.deps.bundle.municipalities.find((x) => x.id === value);
      return m ? [turn.tv('understood.municipality', { name: m.name[turn.state.lang] })] : [];
    }
    const key = `said.${lifeEvent}.${name}.${value}`;
    const said = turn.tv(key, { defaultValue: '' });
    if (!said) return [];
    const raw = turn.state.details?.[name];
    // A date the sentence can carry in running text: „laps sündis 1. detsembril 2026“, not
    // „laps on sündinud (1. detsember 2026)“ (review 23b G-21).
    if (raw?.startsWith('date:')) {
      const date = detailText(turn, raw);
      const on = date ? turn.tv(`saidOn.${lifeEvent}.${name}.${value}`, { defaultValue: '' }) : '';
      if (date && on) return [on.replace('{{date}}', datePlace(date, turn.state.lang))];
    }
    const detail = detailText(turn, raw);
    return [detail ? `${said} (${detail})` : said];
  });
}

/**
 * A day's date as it stands in a sentence: Estonian takes the adessive of the month
 * („1. detsembril 2026“); Russian and English dates already fit («1 декабря 2026 г.»).
 */
function datePlace(date: string, lang: Lang): string {
  if (lang !== 'et') return date;
  // mai → mail, detsember → detsembril, märts → märtsil.
  return date.replace(/(\p{L}+)(?= \d{4}$)/u, (m) =>
    /[aeiouõäöü]$/u.test(m) ? `${m}l` : m.endsWith('ber') ? `${m.slice(0, -3)}bril` : `${m}il`,
  );
}

/** What a typed extractor read, in words: “vanus 63”, “30 November 2026”, «май 2027 г.». */
export function detailText(turn: Turn, detail: string | undefined): string | undefined {
  if (!detail) return undefined;
  const [kind, value = ''] = detail.split(/:(.*)/s, 2);
  const lang = turn.state.lang;
  if (kind === 'age') return turn.tv('understood.age', { n: value });
  const date = dateWords(value, lang);
  if (date === undefined) return undefined;
  return kind === 'born' ? turn.tv('understood.born', { date }) : date;
}

/** `2026-11-30`, `2027-05` or `1961` in the person's language. */
function dateWords(value: string, lang: Lang): string | undefined {
  const [y, m, d] = value.split('-').map(Number);
  if (y === undefined || Number.isNaN(y)) return undefined;
  if (m === undefined) return String(y);
  const date = new Date(Date.UTC(y, m - 1, d ?? 1));
  return (d === undefined ? monthYear(lang) : dayMonthYear(lang)).format(date);
}

/**
 * The services of a checklist node that apply to this person, in the node's order, each once: a service listed under two conditions (either
 * may hold, e.g. the survivor's pension for a spouse or for whoever raises a small child) is
 * shown at its first place, as the plan page (plan.ts) does.
 */
export function selectServices(turn: Turn, node: NodeOf<'checklist'>): PlanService[] {
  const selected: PlanService[] = [];
  for (const entry of node.services) {
    const { service, when, as } = checklistEntry(entry);
    const found = turn.deps.catalog.service(service);
    if (found && (!when || holds(when, turn)) && !selected.some((s) => s.id === found.id))
      selected.push(planService(found, as));
  }
  return selected;
}

function sayChecklist(turn: Turn, node: NodeOf<'checklist'>, lifeEvent: LifeEventId): void {
  const { t, tc } = turn;
  const services = selectServices(turn, node);
  // An optional service the person may apply for is no obligation: it is in neither count, and
  // its marker says so (planMarker).
  const toApply = services.filter((s) => planMarker(s) === 'application').length;
  const byState = services.filter((s) => s.mode !== 'application').length;
  const heard = understoodLine(turn, lifeEvent);
  const lines = heard ? [heard, t(node.text)] : [t(node.text)];
  // The count in words, in the form the sentence needs: `n` („kaks teenust“, «две услуги»),
  // `nPer` („kahe teenuse puhul“, «по двум услугам»).
  const count = (n: number) => ({
    count: n,
    n: numberWord(turn, n, 'services'),
    nPer: numberWord(turn, n, 'per'),
  });
  // A checklist may word the counts its own way, under its text's key (marriage and divorce
  // address the couple: `divorce.checklist-apply`, „peate“, „teile“); else the person's
  // (`checklist.apply`, „pead“: a spouse divorcing alone, review 25 R25-19). The state's
  // services follow the ones to apply for as „veel“ (more).
  const said = (key: string, n: number): string =>
    t(`${node.text}-${key}`, { ...count(n), defaultValue: '' }) || t(`checklist.${key}`, count(n));
  if (toApply > 0) lines.push(said('apply', toApply));
  if (byState > 0) lines.push(said(toApply > 0 ? 'automaticMore' : 'automatic', byState));
  const { lang } = turn.state;
  const url = (s: CatalogService): string | undefined =>
    turn.deps.catalog.link(s, lang, turn.state.vars.municipality);
  const { pageLanguage } = turn.deps.catalog;
  // A local government's service in the person's municipality says that municipality's own
  // figures (Tallinn's 250 € and 6 months), with their dates, where it has them (review 19 F-15).
  const own = turn.deps.catalog.municipality(turn.state.vars.municipality ?? '');
  const { summaryOf, deadlineOf } = localFigures(own, lang, tc, turn.tv);
  // The card shows the same deadline as the text: the municipality's own where it has one.
  const items: ChecklistItem[] = services.map((s) => {
    const item = checklistItem(s, tc, url(s), lang, pageLanguage);
    const deadline = deadlineOf(s);
    return deadline === undefined ? item : { ...item, deadline };
  });
  // One view of the plan: the checklist block carries provider, mode, kind, deadline and link.
  const blocks: Block[] = [
    { type: 'checklist', title: t('checklist.title', { event: turn.eventName(lifeEvent) }), items },
  ];
  const noteOf = (s: CatalogService) => linkLanguageNote(s, url(s), lang, tc, pageLanguage);
  const text = checklistText(services, t, tc, summaryOf, noteOf, deadlineOf);
  turn.say(`${lines.join(' ')}\n\n${text}`, blocks);
}
