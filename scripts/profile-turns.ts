/**
 * CPU per turn of the assistant core, in process: the held-out NLU messages (intents/test, the
 * same ~2,300 the load benchmark sends, without those asking for a person) pushed through
 * `assistant.step` by C conversations in turn, each starting at its own place in the list as in
 * `npm run bench`. No sockets, no session layer, no transcripts: the part of a turn that the
 * dialog engine and the NLU spend, measured with process.cpuUsage (user + system), which a
 * busy machine disturbs much less than turns per second.
 *
 *   npx tsx scripts/profile-turns.ts [--turns N] [--warmup N] [--conversations C] [--runs R]
 *   node --cpu-prof --import tsx scripts/profile-turns.ts      (a profile of the same turns)
 *
 * Prints one JSON line per run (`cpuUsPerTurn`), then the median and the minimum of the runs
 * (on a busy machine the minimum is the least disturbed run).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAssistantKit } from '../src/assistant-kit.js';
import type { Lang } from '../src/protocol/frames.js';
import { heldOutTexts } from './held-out-texts.js';

const { values } = parseArgs({
  options: {
    turns: { type: 'string', default: '8000' },
    warmup: { type: 'string', default: '3000' },
    conversations: { type: 'string', default: '200' },
    runs: { type: 'string', default: '3' },
  },
});

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TEXTS = heldOutTexts();

const { assistant } = createAssistantKit(ROOT);
const LANG_OF: Lang[] = ['et', 'en', 'ru'];
// A fixed clock: the same dates are extracted in every run.
const NOW = Date.UTC(2026, 11, 1, 12);

interface Conversation {
  state: unknown;
  next: number;
}

let opened = 0;
function openConversation(): Conversation {
  const lang = LANG_OF[opened % 3]!;
  const start = assistant.step(
    assistant.initial(lang),
    { type: 'start' },
    { signedIn: false, now: NOW },
  );
  return { state: start.state, next: (opened++ * 37) % TEXTS.length };
}

const conversations = Array.from({ length: Number(values.conversations) }, openConversation);
let turnNo = 0;

/** `n` turns, the conversations taking turns; returns the replies' count (kept live). */
function run(n: number): number {
  let replies = 0;
  for (let k = 0; k < n; k++) {
    const c = conversations[turnNo++ % conversations.length]!;
    const text = TEXTS[c.next++ % TEXTS.length]!;
    const turn = assistant.step(c.state, { type: 'text', text }, { signedIn: false, now: NOW });
    c.state = turn.state;
    replies += turn.replies.length;
  }
  return replies;
}

run(Number(values.warmup));
const results: number[] = [];
for (let r = 0; r < Number(values.runs); r++) {
  const n = Number(values.turns);
  const before = process.cpuUsage();
  const replies = run(n);
  const used = process.cpuUsage(before);
  const cpuUsPerTurn = Math.round((used.user + used.system) / n);
  results.push(cpuUsPerTurn);
  console.log(JSON.stringify({ run: r + 1, turns: n, replies, cpuUsPerTurn }));
}
const sorted = [...results].sort((a, b) => a - b);
console.log(
  JSON.stringify({
    messages: TEXTS.length,
    conversations: conversations.length,
    medianCpuUsPerTurn: sorted[Math.floor(sorted.length / 2)],
    // On a shared machine the fastest run is the least disturbed one.
    minCpuUsPerTurn: sorted[0],
  }),
);
