/**
 * Seeds synthetic transcripts and measures the back office's list, filter, search and
 * analytics queries at that size (docs/benchmarks.md, "Back office").
 *
 *   npm run seed:transcripts -- [--count 100000] [--postgres] [--bench] [--keep]
 *
 * Without --postgres it writes to a fresh SQLite file in a temporary folder (or DATA_DIR with
 * --keep); with --postgres it creates a temporary database next to TEST_POSTGRES_URL
 * (postgres://postgres@127.0.0.1:5432/postgres) and drops it afterwards unless --keep.
 * Bounded: at most 1,000,000 conversations. Output: a markdown table on stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { LIFE_EVENTS } from '../src/nlu/types.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type StoreDb } from '../src/store/database.js';
import type { NewMessage } from '../src/store/schema.js';
import {
  createTranscriptStore,
  type ConversationDelta,
  type ConversationFilter,
} from '../src/store/transcript-store.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    postgres: { type: 'boolean', default: false },
    bench: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
  process.stderr.write('--count must be a whole number from 1 to 1000000\n');
  process.exit(2);
}

const PHRASES: Record<string, string[]> = {
  et: [
    'tahan abielluda',
    'kuidas lahutada',
    'laps sündis, mida teha',
    'isa suri, mis nüüd',
    'millal saan pensionile',
    'kolisin Eestisse',
    'ajateenistus kutse',
    'lapse puue toetus',
    'kus on minu taotlus',
    'aitäh',
    'tere',
  ],
  en: [
    'I want to get married',
    'how do I divorce',
    'we had a baby',
    'my father died',
    'when can I retire',
    'I moved to Estonia',
    'conscription notice',
    'disabled child allowance',
    'where is my application',
    'thanks',
    'hello',
  ],
  ru: [
    'хочу пожениться',
    'как развестись',
    'у нас родился ребёнок',
    'умер отец',
    'когда на пенсию',
    'переехал в Эстонию',
    'повестка в армию',
    'пособие на ребёнка-инвалида',
    'где моё заявление',
    'спасибо',
    'здравствуйте',
  ],
};
const UNKNOWN = [
  'what is the weather',
  'kas homme sajab',
  'какая погода',
  'car registration',
  'passport photo',
  'parking fine',
  'dog licence',
  'tax return',
];
const OUTCOMES = [
  'resolved',
  'resolved',
  'resolved',
  'handed-over',
  'abandoned',
  undefined,
] as const;

// A fixed-seed generator, so every run seeds the same data.
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

async function seedStore(store: StoreDb): Promise<number> {
  const transcripts = createTranscriptStore(store);
  const end = Date.UTC(2025, 5, 1);
  const span = 180 * 86_400_000;
  let messagesWritten = 0;
  const started = performance.now();
  for (let done = 0; done < count; done += 1000) {
    const conversations: ConversationDelta[] = [];
    const messages: NewMessage[] = [];
    for (let i = done; i < Math.min(count, done + 1000); i++) {
      const lang = pick(['et', 'et', 'et', 'en', 'ru', 'ru'] as const);
      const le = Math.floor(rand() * LIFE_EVENTS.length);
      const startedAt = end - Math.floor(rand() * span);
      const turns = 1 + Math.floor(rand() * 4);
      let fallbacks = 0;
      let seq = 1;
      messages.push({
        conversation_id: `c${i}`,
        seq: seq++,
        role: 'assistant',
        text: 'Tere! Millega saan aidata?',
        intent: null,
        confidence: null,
        node: 'start',
        life_event: null,
        created_at: startedAt,
        corrected_intent: null,
        corrected_by: null,
        corrected_at: null,
      });
      for (let t = 0; t < turns; t++) {
        const unknown = rand() < 0.12;
        if (unknown) fallbacks++;
        const text = unknown
          ? pick(UNKNOWN)
          : `${PHRASES[lang]?.[le] ?? ''} ${Math.floor(rand() * 1000)}`;
        messages.push({
          conversation_id: `c${i}`,
          seq: seq++,
          role: 'citizen',
          text,
          intent: unknown ? 'out-of-scope' : (LIFE_EVENTS[le] ?? null),
          confidence: unknown ? 0.3 : 0.9,
          node: null,
          life_event: null,
          created_at: startedAt + t * 20_000,
          corrected_intent: null,
          corrected_by: null,
          corrected_at: null,
        });
        messages.push({
          conversation_id: `c${i}`,
          seq: seq++,
          role: 'assistant',
          text: `Vastus teemal ${LIFE_EVENTS[le] ?? ''}: vaata eesti.ee`,
          intent: null,
          confidence: null,
          node: `${LIFE_EVENTS[le] ?? ''}.intro`,
          life_event: LIFE_EVENTS[le] ?? null,
          created_at: startedAt + t * 20_000 + 100,
          corrected_intent: null,
          corrected_by: null,
          corrected_at: null,
        });
      }
      const outcome = pick(OUTCOMES);
      conversations.push({
        id: `c${i}`,
        startedAt,
        lastActivityAt: startedAt + turns * 20_000,
        lang,
        channel: 'web',
        outcome,
        endedAt: outcome ? startedAt + turns * 20_000 : undefined,
        handedOver: outcome === 'handed-over',
        rating: rand() < 0.3 ? 1 + Math.floor(rand() * 5) : undefined,
        messages: 1 + turns * 2,
        classified: turns,
        fallbacks,
        lifeEvents: [LIFE_EVENTS[le] ?? 'marriage'],
      });
    }
    await transcripts.writeBatch({ conversations, messages, intents: [] });
    messagesWritten += messages.length;
  }
  process.stderr.write(
    `seeded ${count} conversations, ${messagesWritten} messages in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return messagesWritten;
}

async function time(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  await fn(); // warm-up: caches and query plans
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

async function bench(store: StoreDb): Promise<void> {
  const transcripts = createTranscriptStore(store);
  const end = Date.UTC(2025, 5, 1);
  const week: ConversationFilter = { from: end - 7 * 86_400_000, to: end };
  let deepCursor: string | undefined;
  for (let i = 0; i < 20; i++)
    deepCursor = (await transcripts.list({}, { limit: 50, cursor: deepCursor })).nextCursor;
  const cases: [string, () => Promise<unknown>][] = [
    ['list, first page (50)', () => transcripts.list({}, { limit: 50 })],
    ['list, page 21 by cursor', () => transcripts.list({}, { limit: 50, cursor: deepCursor })],
    ['filter: language ru', () => transcripts.list({ lang: 'ru' }, { limit: 50 })],
    ['filter: life event divorce', () => transcripts.list({ lifeEvent: 'divorce' }, { limit: 50 })],
    ['filter: handed over', () => transcripts.list({ handedOver: true }, { limit: 50 })],
    ['filter: rating 1', () => transcripts.list({ rating: 1 }, { limit: 50 })],
    ['filter: last 7 days', () => transcripts.list(week, { limit: 50 })],
    [
      'filter: 7 days + divorce + ru + abandoned',
      () =>
        transcripts.list(
          { ...week, lifeEvent: 'divorce', lang: 'ru', outcome: 'abandoned' },
          { limit: 50 },
        ),
    ],
    ['search: common word ("pension")', () => transcripts.list({ q: 'pension' }, { limit: 50 })],
    [
      'search: rare words ("parking fine")',
      () => transcripts.list({ q: 'parking fine' }, { limit: 50 }),
    ],
    ['search: no match', () => transcripts.list({ q: 'zzzyx' }, { limit: 50 })],
    [
      'search + 7 days + ru',
      () => transcripts.list({ ...week, lang: 'ru', q: 'погода' }, { limit: 50 }),
    ],
    // For comparison, what a plain substring scan costs (not used by the back office).
    [
      'LIKE %word% scan, no match (not used)',
      () =>
        sql`select distinct conversation_id from messages where text like ${'%zzzyx%'} limit 51`.execute(
          store.db,
        ),
    ],
    [
      'LIKE %word% scan, common word (not used)',
      () =>
        sql`select count(distinct conversation_id) from messages where text like ${'%pension%'}`.execute(
          store.db,
        ),
    ],
    ['count: life event divorce', () => transcripts.count({ lifeEvent: 'divorce' })],
    [
      'analytics: last 30 days',
      () => transcripts.analytics({ from: end - 30 * 86_400_000, to: end }),
    ],
    ['analytics: all 180 days', () => transcripts.analytics({ from: 0, to: end })],
  ];
  process.stdout.write(
    `| query (${store.dialect}, ${count.toLocaleString('en')} conversations) | median ms |\n| --- | ---: |\n`,
  );
  for (const [name, fn] of cases)
    process.stdout.write(`| ${name} | ${(await time(fn)).toFixed(1)} |\n`);
}

async function main() {
  let cleanup = async () => {};
  let store: StoreDb;
  if (values.postgres) {
    const admin = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `seed_${Date.now().toString(36)}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`create database ${name}`);
    await c.end();
    const url = new URL(admin);
    url.pathname = `/${name}`;
    store = await openDatabase({ databaseUrl: url.toString() });
    if (!values.keep)
      cleanup = async () => {
        const d = new pg.Client({ connectionString: admin });
        await d.connect();
        await d.query(`drop database if exists ${name} with (force)`);
        await d.end();
      };
    else process.stderr.write(`database kept: ${url.toString()}\n`);
  } else {
    const dir = values.keep
      ? (process.env.DATA_DIR ?? './data')
      : mkdtempSync(join(tmpdir(), 'seed-'));
    store = await openDatabase({ dataDir: dir });
    if (!values.keep)
      cleanup = () => Promise.resolve(rmSync(dir, { recursive: true, force: true }));
  }
  try {
    await seedStore(store);
    if (store.dialect === 'postgres') await sql`analyze`.execute(store.db);
    else await sql`analyze`.execute(store.db);
    if (values.bench) await bench(store);
  } finally {
    await store.close();
    await cleanup();
  }
}

await main();
