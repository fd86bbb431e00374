/**
 * The lexicon's fast path (an index on the first word's leading characters, character-wise
 * typo checks) must give exactly what the plain definition gives: every phrase of every value
 * tried at every position. The reference below is that definition, written out as it was
 * before the index; both run on the real lexicons over the held-out NLU messages and over the
 * same messages with one typo in each word.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Lexicon,
  compilePhrases,
  numberValue,
  tokens,
  vocabularySize,
  withinOneEdit,
  type Phrase,
} from '../../src/dialog/extract/lexicon.js';
import { LANGS } from '../../src/protocol/frames.js';
import type { JsonTree } from '../../src/dialog/load.js';
import { realBundle } from './helpers.js';
import { namePattern } from '../../src/dialog/extract/extractors.js';

function refWithinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

type WordPattern = Phrase['words'][number];
function refWordMatches(pattern: WordPattern, token: string): number {
  switch (pattern.kind) {
    case 'number': {
      const n = numberValue(token);
      return n !== undefined && n >= 1 ? 2 : 0;
    }
    case 'exact':
      if (token === pattern.word) return 2;
      return pattern.word.length >= 6 && refWithinOneEdit(token, pattern.word) ? 1 : 0;
    case 'prefix': {
      const { stem } = pattern;
      if (token.startsWith(stem)) return 2;
      if (stem.length < 6) return 0;
      for (const len of [stem.length - 1, stem.length, stem.length + 1]) {
        if (len <= token.length && refWithinOneEdit(token.slice(0, len), stem)) return 1;
      }
      return 0;
    }
  }
}

const NEGATIONS = new Set(['not', 'no', 'never', 't', 'ei', 'pole', 'ara', 'не', 'нет', 'ни']);
function refTypos(phrase: Phrase, toks: readonly string[]): number | undefined {
  const [first, ...rest] = phrase.words;
  if (!first) return undefined;
  let best: number | undefined;
  for (let start = 0; start < toks.length; start++) {
    const q = refWordMatches(first, toks[start]!);
    if (q === 0) continue;
    let typos = q === 1 ? 1 : 0;
    let at = start;
    let ok = true;
    for (const w of rest) {
      const next = at + 1 < toks.length ? refWordMatches(w, toks[at + 1]!) : 0;
      const skip =
        at + 2 < toks.length && !NEGATIONS.has(toks[at + 1]!)
          ? refWordMatches(w, toks[at + 2]!)
          : 0;
      if (next > 0) {
        at += 1;
        if (next === 1) typos += 1;
      } else if (skip > 0) {
        at += 2;
        if (skip === 1) typos += 1;
      } else {
        ok = false;
        break;
      }
    }
    if (ok && (best === undefined || typos < best)) best = typos;
    if (best === 0) return 0;
  }
  return best;
}

function refAll(values: [string, Phrase[]][], toks: readonly string[]) {
  return values
    .map(([value, phrases]) => {
      let weight = 0;
      for (const p of phrases) {
        const typos = refTypos(p, toks);
        if (typos !== undefined) weight = Math.max(weight, p.weight - 3 * typos, 0.5);
      }
      return { value, weight };
    })
    .filter((m) => m.weight > 0)
    .sort((a, b) => b.weight - a.weight);
}

function refPick(values: [string, Phrase[]][], toks: readonly string[]) {
  const all = refAll(values, toks);
  const [best, second] = all;
  return best && second?.weight === best.weight ? undefined : best;
}

/** Every `path.value: "phrases"` entry of the conversation namespaces, per lexicon. */
function lexiconEntries(): { name: string; entries: [string, string][]; stem: boolean }[] {
  const resources = realBundle().resources;
  const at = (tree: JsonTree, path: string): JsonTree => {
    let node = tree;
    for (const part of path.split('.')) {
      const next = node[part];
      if (typeof next !== 'object') return {};
      node = next;
    }
    return node;
  };
  const out = [];
  for (const [path, stem] of [
    ['emergency.words', false],
    ['ask', false],
    ['terms', true],
    ['cues', false],
    ['topics', true],
  ] as const) {
    const entries: [string, string][] = [];
    for (const lang of LANGS) {
      for (const [value, spec] of Object.entries(at(resources[lang].conversation, path))) {
        if (typeof spec === 'string') entries.push([value, spec]);
      }
    }
    out.push({ name: path, entries, stem });
  }
  const glossary: [string, string][] = [];
  for (const lang of LANGS) {
    for (const [id, entry] of Object.entries(resources[lang].glossary)) {
      if (typeof entry === 'object' && typeof entry.words === 'string')
        glossary.push([id, entry.words]);
    }
  }
  out.push({ name: 'glossary', entries: glossary, stem: false });
  // The extractors' lexicons (extract.<name>.<value>) and the municipality names.
  const extract = new Map<string, [string, string][]>();
  for (const lang of LANGS) {
    for (const [name, values] of Object.entries(at(resources[lang].conversation, 'extract'))) {
      if (typeof values !== 'object') continue;
      const list = extract.get(name) ?? [];
      for (const [value, spec] of Object.entries(values))
        if (typeof spec === 'string') list.push([value, spec]);
      extract.set(name, list);
    }
  }
  expect(extract.size).toBeGreaterThan(5);
  for (const [name, entries] of extract)
    out.push({ name: `extract.${name}`, entries, stem: false });
  const municipalities = realBundle()
    .municipalities.filter((m) => m.id !== 'all')
    .flatMap((m) => LANGS.map((l): [string, string] => [m.id, namePattern(m.name[l])]));
  out.push({ name: 'municipalities', entries: municipalities, stem: false });
  return out;
}

/** Every text one edit away from the word: a letter dropped, doubled, replaced, swapped, added. */
function oneEdits(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= word.length; i++) {
    out.push(`${word.slice(0, i)}x${word.slice(i)}`);
    if (i < word.length) {
      out.push(word.slice(0, i) + word.slice(i + 1));
      out.push(`${word.slice(0, i)}q${word.slice(i + 1)}`);
      out.push(word.slice(0, i) + word[i]! + word.slice(i));
    }
    if (i + 1 < word.length)
      out.push(word.slice(0, i) + word[i + 1]! + word[i]! + word.slice(i + 2));
  }
  return out;
}

function referenceOf(entries: [string, string][], stem: boolean): [string, Phrase[]][] {
  const merged = new Map<string, Phrase[]>();
  for (const [value, spec] of entries)
    merged.set(value, [...(merged.get(value) ?? []), ...compilePhrases(spec, { stem })]);
  return [...merged];
}

function messages(): string[] {
  const dir = 'intents/test';
  return readdirSync(dir).flatMap((f) =>
    readFileSync(`${dir}/${f}`, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as { text: string }).text),
  );
}

/** One typo per word, deterministic: a letter dropped, doubled, swapped or replaced in turn. */
function withTypos(text: string, seed: number): string {
  return text
    .split(' ')
    .map((w, i) => {
      if (w.length < 3) return w;
      const at = (seed + i * 7) % (w.length - 1);
      switch ((seed + i) % 4) {
        case 0:
          return w.slice(0, at) + w.slice(at + 1);
        case 1:
          return w.slice(0, at) + w[at]! + w.slice(at);
        case 2:
          return w.slice(0, at) + w[at + 1]! + w[at]! + w.slice(at + 2);
        default:
          return `${w.slice(0, at)}x${w.slice(at + 1)}`;
      }
    })
    .join(' ');
}

describe('lexicon index', () => {
  it('answers what trying every phrase everywhere answers, on the real lexicons', () => {
    // Every fifth message (the reference is slow); with and without typos.
    const texts = messages().filter((_, i) => i % 5 === 0);
    expect(texts.length).toBeGreaterThan(250);
    let matched = 0;
    for (const { entries, stem } of lexiconEntries()) {
      const lexicon = new Lexicon(entries, { stem });
      const merged = new Map<string, Phrase[]>();
      for (const [value, spec] of entries)
        merged.set(value, [...(merged.get(value) ?? []), ...compilePhrases(spec, { stem })]);
      const values = [...merged];
      texts.forEach((text, i) => {
        for (const variant of [text, withTypos(text, i)]) {
          const toks = tokens(variant);
          const all = lexicon.all(toks);
          expect(all).toEqual(refAll(values, toks));
          expect(lexicon.pick(toks)).toEqual(refPick(values, toks));
          if (all.length > 0) matched++;
        }
      });
    }
    // The comparison is not vacuous: many messages match something.
    expect(matched).toBeGreaterThan(300);
  }, 60_000);

  it('finds every word of every phrase with each one-edit typo as the definition does', () => {
    // The index keys typo-tolerant words by pairs of their first three letters; every edit at
    // every position of every word, alone and inside a sentence, must still find what trying
    // every phrase finds.
    let typoMatches = 0;
    for (const { entries, stem } of lexiconEntries()) {
      const lexicon = new Lexicon(entries, { stem });
      const values = referenceOf(entries, stem);
      const words = new Set<string>();
      for (const [, phrases] of values)
        for (const p of phrases)
          for (const w of p.words)
            words.add(w.kind === 'exact' ? w.word : w.kind === 'prefix' ? `${w.stem}ab` : '3');
      for (const word of words) {
        for (const variant of [word, ...oneEdits(word)]) {
          for (const toks of [[variant], ['see', 'on', variant, 'ka']]) {
            const all = lexicon.all(toks);
            expect(all).toEqual(refAll(values, toks));
            if (toks.length === 1 && variant !== word && all.length > 0) typoMatches++;
          }
        }
      }
    }
    expect(typoMatches).toBeGreaterThan(1000);
  }, 120_000);

  it('answers each token alone once per message as asking about it alone does', () => {
    const texts = messages().filter((_, i) => i % 7 === 0);
    for (const { entries, stem } of lexiconEntries()) {
      const lexicon = new Lexicon(entries, { stem });
      for (const text of texts) {
        const toks = tokens(text);
        const perToken = lexicon.perToken(toks);
        expect(perToken).toHaveLength(toks.length);
        toks.forEach((tok, i) => expect(perToken[i]).toEqual(lexicon.all([tok])));
        // The same frozen list again gives the same answers (remembered, not recomputed wrong).
        expect(lexicon.perToken(tokens(text))).toBe(perToken);
        expect(lexicon.all(tokens(text))).toEqual(lexicon.all([...toks]));
      }
    }
  }, 60_000);

  it('answers the same after the shared token numbering starts over', () => {
    // Lexicons keep what a token matched by its number in one vocabulary of all tokens, which
    // starts over when full (16,384 tokens); what they kept must not answer for other tokens.
    const { entries, stem } = lexiconEntries().find((l) => l.name === 'terms')!;
    const lexicon = new Lexicon(entries, { stem });
    const other = new Lexicon([['x', 'zz']]);
    const values = referenceOf(entries, stem);
    // Every eleventh message, one that names a service first.
    const texts = messages().filter((_, i) => i % 11 === 0);
    const first = texts.findIndex((t) => refAll(values, tokens(t)).length > 0);
    texts.unshift(...texts.splice(first, 1));
    let fresh = 0;
    /** New tokens, numbered through the other lexicon, until the vocabulary starts over. */
    const startOver = () => {
      for (let size = vocabularySize(); ; size = vocabularySize()) {
        other.all(Object.freeze(Array.from({ length: 100 }, () => `uus${fresh++}`)));
        if (vocabularySize() < size) return;
      }
    };
    const check = (shift: number) => {
      // A few new tokens first, so the messages' tokens get other numbers than last time.
      other.all(Object.freeze(Array.from({ length: shift }, () => `uus${fresh++}`)));
      let matched = 0;
      for (const text of texts) {
        const toks = tokens(text);
        const all = lexicon.all(toks);
        expect(all).toEqual(refAll(values, toks));
        if (all.length > 0) matched++;
        lexicon
          .perToken(toks)
          .forEach((said, i) => expect(said).toEqual(refAll(values, [toks[i]!])));
      }
      expect(matched).toBeGreaterThan(20);
    };
    startOver();
    check(0);
    startOver();
    check(37);
    // A message's list numbered before the start-over is numbered again, not trusted: its old
    // numbers now belong to other messages' tokens.
    const toks = tokens(texts[0]!);
    startOver();
    lexicon.all(toks);
    startOver();
    for (const text of texts.slice(1)) lexicon.all(tokens(text));
    expect(lexicon.all(toks)).toEqual(refAll(values, toks));
    expect(refAll(values, toks).length).toBeGreaterThan(0);
  }, 60_000);

  it('gives the same tokens for the same text, frozen', () => {
    const a = tokens('Mu laps sündis eile Tallinnas');
    expect(tokens('Mu laps sündis eile Tallinnas')).toBe(a);
    expect(a).toEqual(['mu', 'laps', 'sundis', 'eile', 'tallinnas']);
    expect(Object.isFrozen(a)).toBe(true);
    // Many other texts later it is folded again, to the same words.
    for (let i = 0; i < 1000; i++) tokens(`tekst ${i}`);
    expect(tokens('Mu laps sündis eile Tallinnas')).toEqual(a);
  });

  it('checks one edit character by character as the slicing definition does', () => {
    const words = [
      'abielu',
      'abiellu',
      'baielu',
      'abielu',
      'abieluu',
      'bielu',
      'a',
      '',
      'ab',
      'ba',
    ];
    const extra = ['пособие', 'пособи', 'поосбие', 'пособиеь', 'особие', 'registry', 'regsitry'];
    const all = [...words, ...extra];
    for (const a of all)
      for (const b of all) expect(withinOneEdit(a, b)).toBe(refWithinOneEdit(a, b));
  });
});
