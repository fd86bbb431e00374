/**
 * What a message is, before the classifier: an emergency, a question about a word, a direct
 * question for a fact of a service, a correction. All lexicons are data in
 * locales/<lang>/conversation.json (and glossary.json); every language's phrases are tried on
 * every message. Pure after construction.
 */
import { LANGS } from '../protocol/frames.js';
import type { JsonTree, Resources } from './load.js';
import { Lexicon, tokens } from './extract/lexicon.js';
import { clausesOf } from './extract/extractors.js';

export const EMERGENCY_KINDS = ['suicide', 'child', 'violence', 'fire', 'danger'] as const;
export type EmergencyKind = (typeof EMERGENCY_KINDS)[number];

/** What a direct question asks for. Amount-like kinds are answered from catalog facts. */
export const ASK_KINDS = [
  'amount',
  'fee',
  'deadline',
  'duration',
  'age',
  'provider',
  'where',
  'rule',
] as const;
export type AskKind = (typeof ASK_KINDS)[number];

export interface DirectQuestion {
  service: string;
  kind: AskKind;
  /**
   * The words name the life event as a whole at least as strongly as the service (“how do I
   * get divorced”): a how/where question about it is answered by its plan, not a link.
   */
  topicLevel: boolean;
}

/** The object at a dotted path of a language's namespace (empty when absent). */
function subtree(
  resources: Resources,
  lang: (typeof LANGS)[number],
  ns: 'conversation' | 'glossary',
  path?: string,
): JsonTree {
  let node: JsonTree = resources[lang][ns];
  for (const part of path ? path.split('.') : []) {
    const next = node[part];
    if (typeof next !== 'object') return {};
    node = next;
  }
  return node;
}

/** Merges `<path>.<value>: "phrases"` of every language into one lexicon. */
function lexiconOf(resources: Resources, path: string, stem = false): Lexicon {
  const entries: [string, string][] = [];
  for (const lang of LANGS) {
    for (const [value, spec] of Object.entries(subtree(resources, lang, 'conversation', path))) {
      if (typeof spec === 'string') entries.push([value, spec]);
    }
  }
  return new Lexicon(entries, { stem });
}

/** Adds the words of a `a|b|c` list (as `tokens` folds them) to the set. */
function wordsInto(set: Set<string>, spec: string | JsonTree | undefined): void {
  if (typeof spec !== 'string') return;
  for (const phrase of spec.split('|')) for (const w of tokens(phrase)) set.add(w);
}

/** A text's sentences, each with the mark that ends it („…abielluda?“). */
function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?\n])/u).filter((s) => s.trim().length > 0);
}

/**
 * The assistant's replies read for glossary terms lately (`termsInReply`): a turn's replies come
 * from a few hundred texts (questions, plans, fact sentences), so the same text is read again
 * and again. Bounded: cleared when full (a reply can carry a person's words, e.g. a name).
 */
const REPLY_TERMS_LIMIT = 2_048;

export class Understanding {
  private readonly emergency: Lexicon;
  private readonly clarifyCues: Lexicon;
  private readonly glossary: Lexicon;
  private readonly asks: Lexicon;
  private readonly services: Lexicon;
  private readonly cues: Lexicon;
  private readonly topics: Lexicon;
  private readonly replyTerms = new Map<string, readonly string[]>();
  /**
   * Words that open a question (`cues.question`, a yes/no one `cues.yesNo`) or a clause it
   * hangs on (`cues.condition`).
   */
  private readonly questionWords = new Set<string>();
  private readonly yesNoWords = new Set<string>();
  private readonly conditionWords = new Set<string>();
  /** Words before a clause's first word that do not change what it is („ja“, «а», “and”). */
  private readonly leadWords = new Set<string>();

  constructor(resources: Resources) {
    this.emergency = lexiconOf(resources, 'emergency.words');
    this.asks = lexiconOf(resources, 'ask');
    this.services = lexiconOf(resources, 'terms', true);
    this.cues = lexiconOf(resources, 'cues');
    this.topics = lexiconOf(resources, 'topics', true);
    const clarify: [string, string][] = [];
    const glossary: [string, string][] = [];
    for (const lang of LANGS) {
      const cues = subtree(resources, lang, 'conversation', 'cues');
      if (typeof cues.clarify === 'string') clarify.push(['clarify', cues.clarify]);
      wordsInto(this.questionWords, cues.question);
      wordsInto(this.yesNoWords, cues.yesNo);
      wordsInto(this.conditionWords, cues.condition);
      wordsInto(this.leadWords, cues.lead);
      for (const [id, entry] of Object.entries(subtree(resources, lang, 'glossary'))) {
        if (typeof entry === 'object' && typeof entry.words === 'string') {
          glossary.push([id, entry.words]);
        }
      }
    }
    this.clarifyCues = new Lexicon(clarify);
    this.glossary = new Lexicon(glossary);
  }

  /** The kind of immediate danger the message describes, most serious first. */
  emergencyOf(text: string): EmergencyKind | undefined {
    const found = new Set(this.emergency.all(tokens(text)).map((m) => m.value));
    return EMERGENCY_KINDS.find((k) => found.has(k));
  }

  /** Glossary terms named in a text, strongest first. */
  termsIn(text: string): string[] {
    return this.glossary.all(tokens(text)).map((m) => m.value);
  }

  /**
   * `termsIn` of the assistant's own replies, remembered per text (the same frozen array for
   * the same text): the words a bare “what does that mean?” may ask about next.
   */
  termsInReply(text: string): readonly string[] {
    let terms = this.replyTerms.get(text);
    if (terms === undefined) {
      terms = Object.freeze(this.termsIn(text));
      if (this.replyTerms.size >= REPLY_TERMS_LIMIT) this.replyTerms.clear();
      this.replyTerms.set(text, terms);
    }
    return terms;
  }

  /**
   * A question about a word: the glossary terms it asks about (named in it, or else those of
   * the last thing said when the message is only “what does that mean?”); undefined if it is
   * no such question.
   */
  clarify(text: string, lastTerms: readonly string[]): string[] | undefined {
    const toks = tokens(text);
    if (this.clarifyCues.pick(toks) === undefined) return undefined;
    const named = this.termsIn(text);
    if (named.length > 0) return named.slice(0, 2);
    // “What does that mean?” points back at what was just said; “what is X?” names its word.
    const cues = new Set(this.cues.all(toks).map((m) => m.value));
    const bare = toks.length <= 5 && cues.has('pointer');
    if (bare && lastTerms.length > 0) return lastTerms.slice(0, 2);
    // A short question about a word the glossary does not know: still no miss. Not one about the
    // person's own matters or what comes next („mis on minu seis“, „mis on edasi“).
    if (cues.has('notAWord')) return undefined;
    return toks.length <= 6 ? [] : undefined;
  }

  /** Whether the text has the cue (`cues.<name>`: correction, pointer, notAWord). */
  has(cue: string, text: string): boolean {
    return this.cues.all(tokens(text)).some((m) => m.value === cue);
  }

  /**
   * Whether the text asks something: a sentence that ends with a question mark, or a clause
   * that opens with a question word („kas“, «можно», “what”) or asks for a fact (`ask.*`).
   */
  isQuestion(text: string): boolean {
    return sentencesOf(text).some((s) => this.questionSentence(s));
  }

  /**
   * What the text says as statements: the clauses of its questions that are the question itself
   * or its condition („Kas 16-aastaselt saab abielluda?“, «а если у жены нет страховки»,
   * „…, et kohus lahutaks?“) are left out; „Meil sündis laps, kui suur on sünnitoetus?“ keeps
   * „Meil sündis laps“. A question about a case is no answer about oneself (review 24 R24-16).
   */
  statements(text: string): string {
    return this.clausesKept(text, (c) => this.questionClause(c) || this.conditionClause(c));
  }

  /**
   * The text without what its questions only suppose: a yes/no or what-if question and its
   * condition („Kas 16-aastaselt saab…“, «а если…», „…, kui mees ei maksa?“) are left out; a
   * question for a fact keeps what it takes for granted («сколько длится отпуск по беременности»:
   * the child is not born yet).
   */
  withoutSuppositions(text: string): string {
    return this.clausesKept(text, (c) => this.yesNoClause(c) || this.conditionClause(c));
  }

  private clausesKept(text: string, leftOut: (clause: string) => boolean): string {
    const kept: string[] = [];
    for (const sentence of sentencesOf(text)) {
      const question = this.questionSentence(sentence);
      for (const clause of clausesOf(sentence)) {
        if (question && leftOut(clause)) continue;
        kept.push(clause.trim());
      }
    }
    return kept.join('. ');
  }

  private questionSentence(sentence: string): boolean {
    return /\?\s*$/u.test(sentence) || clausesOf(sentence).some((c) => this.questionClause(c));
  }

  /** The clause's first word, after words like „ja“ / «а» / “and” that lead into it. */
  private firstWord(clause: string): string | undefined {
    return tokens(clause).find((w) => !this.leadWords.has(w));
  }

  /** A clause that asks: opens with a question word, or asks a yes/no. */
  private questionClause(clause: string): boolean {
    const first = this.firstWord(clause);
    if (first !== undefined && this.questionWords.has(first)) return true;
    return this.yesNoClause(clause);
  }

  /** A yes/no or what-if question („kas…“, «можно ли», «а если», “can I”). */
  private yesNoClause(clause: string): boolean {
    const first = this.firstWord(clause);
    if (first !== undefined && this.yesNoWords.has(first)) return true;
    return this.asks.all(tokens(clause)).some((m) => m.value === 'rule');
  }

  private conditionClause(clause: string): boolean {
    const first = this.firstWord(clause);
    return first !== undefined && this.conditionWords.has(first);
  }

  /** A question for a fact of a service: the service its words name and what it asks. */
  direct(text: string): DirectQuestion | undefined {
    const toks = tokens(text);
    const service = this.services.pick(toks);
    if (service === undefined) return undefined;
    const kind = this.kindOf(toks, true);
    if (kind === undefined) return undefined;
    const topic = this.topics.pick(toks);
    return {
      service: service.value,
      kind,
      topicLevel: topic !== undefined && topic.weight >= service.weight,
    };
  }

  /** Whether the text asks a yes/no or what-if question (`ask.rule`), whatever else it asks. */
  asksRule(text: string): boolean {
    return this.asks.all(tokens(text)).some((m) => m.value === 'rule');
  }

  /**
   * What the text asks for (“how much”, «срок»), without a service named. A yes/no question
   * (`rule`) only with `rules`: a follow-up „kas Tartus ka?“ still asks the figure before.
   */
  askKind(text: string, rules = false): AskKind | undefined {
    return this.kindOf(tokens(text), rules);
  }

  /**
   * The strongest kind asked for; a fact (“deadline”, «сколько месяцев») before where-to-apply
   * words around it (“deadline to *apply for*”, «за сколько месяцев … *подать заявление*»).
   * “Who pays” stays a question for the provider.
   */
  private kindOf(toks: readonly string[], rules = false): AskKind | undefined {
    const all = this.asks.all(toks).map((m) => m.value as AskKind);
    // A yes/no or what-if question (`ask.rule`: „kas notar saab…“, «а если…») only when it
    // asks for nothing else: „kas perearst on tasuta“ is still a question for the fee.
    const kinds = all.filter((k) => k !== 'rule');
    if (kinds.length === 0) return rules && all.length > 0 ? 'rule' : undefined;
    return kinds[0] === 'where'
      ? (kinds.find((k) => k !== 'where' && k !== 'provider') ?? 'where')
      : kinds[0];
  }

  /** The life event the words name as a whole (`topics.<lifeEvent>`), if one. */
  topic(text: string): string | undefined {
    return this.topics.pick(tokens(text))?.value;
  }

  /**
   * Every service the words name more strongly than a life event as a whole, strongest first:
   * „abielutõend“ names the certificate, „abielluda“ only the topic.
   */
  servicesBeyondTopic(text: string): string[] {
    const toks = tokens(text);
    const topic = this.topics.pick(toks);
    return this.services
      .all(toks)
      .filter((m) => topic === undefined || m.weight > topic.weight)
      .map((m) => m.value);
  }

  /** Every service the words name, strongest first. */
  servicesIn(text: string): string[] {
    return this.services.all(tokens(text)).map((m) => m.value);
  }

  /** The service the words name, if any (for routing a sub-service question to its event). */
  serviceIn(text: string): string | undefined {
    return this.services.pick(tokens(text))?.value;
  }
}
