/**
 * Whether two trees' assistants answer alike: this tree's and another checkout's (`--base`,
 * e.g. a `git worktree add --detach ../base main`) are given the same events and every turn's
 * output is compared: replies, effects, turn info, language and the next state. For changes
 * that must not change any reply (speed work on the dialog step).
 *
 *   npx tsx scripts/same-replies.ts --base DIR [--turns N] [--mixed N] [--scripts DIR]
 *
 * Three streams: the turn profile's own (scripts/profile-turns.ts: the held-out messages, C
 * conversations in turn, `--turns` of them); a mixed one (`--mixed` turns, seeded) where
 * conversations also pick offered quick replies, get status answers and switch language; and
 * the scripted conversations (`--scripts`, default test/conversations) through the in-process
 * session layer. Prints the first differences and a summary; exits 1 when any turn differs.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Assistant, AssistantEvent, AssistantTurn } from '../src/core/assistant.js';
import type { StatusLookup } from '../src/core/status.js';
import { createInProcessDriver } from '../src/converse/driver.js';
import { runScript } from '../src/converse/runner.js';
import { loadScript } from '../src/converse/script.js';
import { createScriptStatus } from '../src/converse/script-status.js';
import { createLogger } from '../src/logger.js';
import { seededRandom } from '../src/nlu/softmax-regression.js';
import { heldOutTexts } from './held-out-texts.js';
import { CTX, LANG_OF, ROOT, twoKits } from './two-checkouts.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    turns: { type: 'string', default: '30000' },
    mixed: { type: 'string', default: '30000' },
    conversations: { type: 'string', default: '200' },
    scripts: { type: 'string' },
    show: { type: 'string', default: '5' },
  },
});
if (!values.base) {
  console.error(
    'usage: npx tsx scripts/same-replies.ts --base DIR [--turns N] [--mixed N] [--scripts DIR]',
  );
  process.exit(2);
}

const SCRIPTS = resolve(values.scripts ?? join(ROOT, 'test/conversations'));
const SHOW = Number(values.show);
const TEXTS = heldOutTexts();
const kits = await twoKits(resolve(values.base));
const sides = { base: kits.base.assistant, own: kits.own.assistant };

interface Conversation {
  base: unknown;
  own: unknown;
  next: number;
  /** What the last turn offered and asked for (the same on both sides while they agree). */
  last?: AssistantTurn<unknown>;
}

let compared = 0;
let differing = 0;
/** Compares one turn's outputs; returns whether they are the same. */
function same(
  where: string,
  event: AssistantEvent,
  a: AssistantTurn<unknown>,
  b: AssistantTurn<unknown>,
): boolean {
  compared++;
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  if (sa === sb) return true;
  differing++;
  if (differing <= SHOW) {
    console.log(`--- ${where}: ${JSON.stringify(event)}`);
    console.log(`base ${sa}`);
    console.log(`own  ${sb}`);
  }
  return false;
}

/** Steps both sides; the conversation goes on from base's state (so one difference is one). */
function step(c: Conversation, event: AssistantEvent, where: string): void {
  const a = sides.base.step(c.base, event, CTX);
  const b = sides.own.step(c.own, event, CTX);
  same(where, event, a, b);
  c.base = a.state;
  c.own = JSON.parse(JSON.stringify(a.state)) as unknown;
  c.last = a;
}

function open(i: number): Conversation {
  const lang = LANG_OF[i % 3]!;
  const c: Conversation = {
    base: sides.base.initial(lang),
    own: sides.own.initial(lang),
    next: (i * 37) % TEXTS.length,
  };
  step(c, { type: 'start' }, `conversation ${i} start`);
  return c;
}

/** The turn profile's stream: every conversation in turn sends its next held-out message. */
function profileStream(turns: number): void {
  const conversations = Array.from({ length: Number(values.conversations) }, (_, i) => open(i));
  for (let k = 0; k < turns; k++) {
    const i = k % conversations.length;
    const c = conversations[i]!;
    const text = TEXTS[c.next++ % TEXTS.length]!;
    step(c, { type: 'text', text }, `profile turn ${k} (conversation ${i})`);
  }
}

const LOOKUPS: StatusLookup[] = [
  { type: 'signed-out' },
  { type: 'unavailable' },
  { type: 'found', status: { lifeEvents: [], offers: [] } },
];

/** Messages, quick replies, status answers and language switches, seeded. */
function mixedStream(turns: number): void {
  const rnd = seededRandom(14);
  const conversations = Array.from({ length: 50 }, (_, i) => open(i));
  for (let k = 0; k < turns; k++) {
    const i = Math.floor(rnd() * conversations.length);
    const c = conversations[i]!;
    const options =
      c.last?.replies.flatMap((r) =>
        r.blocks.flatMap((b) => (b.type === 'options' ? b.options : [])),
      ) ?? [];
    const lookup = c.last?.effects.some((e) => e.type === 'status-lookup');
    const r = rnd();
    let event: AssistantEvent;
    if (lookup) event = { type: 'status', lookup: LOOKUPS[Math.floor(rnd() * LOOKUPS.length)]! };
    else if (options.length > 0 && r < 0.45)
      event = { type: 'choose', optionId: options[Math.floor(rnd() * options.length)]!.id };
    else if (r < 0.47) event = { type: 'set-lang', lang: LANG_OF[Math.floor(rnd() * 3)]! };
    else if (r < 0.48) event = { type: 'start' };
    else event = { type: 'text', text: TEXTS[Math.floor(rnd() * TEXTS.length)]! };
    step(c, event, `mixed turn ${k} (conversation ${i})`);
  }
}

/** An assistant that keeps every turn it took, for comparing the scripted conversations. */
function recording(assistant: Assistant<unknown>, log: AssistantTurn<unknown>[]) {
  return {
    ...assistant,
    step(state: unknown, event: AssistantEvent, ctx: { signedIn: boolean; now: number }) {
      const turn = assistant.step(state, event, { ...ctx, now: CTX.now });
      log.push(turn);
      return turn;
    },
  } satisfies Assistant<unknown>;
}

async function scripted(): Promise<void> {
  const logger = createLogger('silent');
  const status = createScriptStatus(ROOT, logger);
  const files = readdirSync(SCRIPTS, { recursive: true })
    .map(String)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  for (const file of files) {
    const script = loadScript(join(SCRIPTS, file));
    const logs: Record<'base' | 'own', AssistantTurn<unknown>[]> = { base: [], own: [] };
    for (const side of ['base', 'own'] as const) {
      const kit = kits[side];
      const driver = createInProcessDriver({
        assistant: recording(kit.assistant, logs[side]),
        classifier: kit.classifier,
        logger,
        status,
      });
      await runScript(script, driver);
    }
    const n = Math.max(logs.base.length, logs.own.length);
    for (let t = 0; t < n; t++) {
      const a = logs.base[t];
      const b = logs.own[t];
      if (!a || !b) {
        compared++;
        differing++;
        console.log(`--- ${file}: ${logs.base.length} turns on base, ${logs.own.length} own`);
        break;
      }
      same(`${file} turn ${t}`, { type: 'text', text: '(script)' }, a, b);
    }
  }
}

const t0 = performance.now();
profileStream(Number(values.turns));
const profiled = compared;
mixedStream(Number(values.mixed));
const mixed = compared - profiled;
await scripted();
console.log(
  JSON.stringify({
    profileTurns: profiled,
    mixedTurns: mixed,
    scriptTurns: compared - profiled - mixed,
    differing,
    seconds: Math.round((performance.now() - t0) / 1000),
  }),
);
process.exitCode = differing > 0 ? 1 : 0;
