/**
 * CPU per turn of this tree's assistant against another checkout's (`--base`), in one process:
 * the turn profile's stream (scripts/profile-turns.ts) for each, run in alternating blocks, so
 * a machine whose load changes over minutes disturbs both sides alike. A side's figure per block
 * is process.cpuUsage (user + system) over its turns; the minimum and median of the blocks are
 * printed, and the ratio own/base of the medians of the pairs.
 *
 *   npx tsx scripts/ab-turns.ts --base DIR [--block N] [--blocks B] [--warmup N]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Assistant } from '../src/core/assistant.js';
import { heldOutTexts } from './held-out-texts.js';
import { CTX, LANG_OF, twoKits } from './two-checkouts.js';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    block: { type: 'string', default: '1000' },
    blocks: { type: 'string', default: '12' },
    warmup: { type: 'string', default: '3000' },
    conversations: { type: 'string', default: '200' },
  },
});
if (!values.base) {
  console.error('usage: npx tsx scripts/ab-turns.ts --base DIR [--block N] [--blocks B]');
  process.exit(2);
}

const TEXTS = heldOutTexts();
const kits = await twoKits(resolve(values.base));

/** One side's conversations going through the stream, as profile-turns.ts runs it. */
function side(assistant: Assistant<unknown>): (n: number) => number {
  const conversations = Array.from({ length: Number(values.conversations) }, (_, i) => ({
    state: assistant.step(assistant.initial(LANG_OF[i % 3]!), { type: 'start' }, CTX).state,
    next: (i * 37) % TEXTS.length,
  }));
  let turnNo = 0;
  return (n) => {
    const before = process.cpuUsage();
    for (let k = 0; k < n; k++) {
      const c = conversations[turnNo++ % conversations.length]!;
      const text = TEXTS[c.next++ % TEXTS.length]!;
      c.state = assistant.step(c.state, { type: 'text', text }, CTX).state;
    }
    const used = process.cpuUsage(before);
    return (used.user + used.system) / n;
  };
}

const runs = { base: side(kits.base.assistant), own: side(kits.own.assistant) };
runs.base(Number(values.warmup));
runs.own(Number(values.warmup));
const figures: Record<'base' | 'own', number[]> = { base: [], own: [] };
const block = Number(values.block);
for (let b = 0; b < Number(values.blocks); b++) {
  // Which side goes first alternates too.
  const order = b % 2 === 0 ? (['base', 'own'] as const) : (['own', 'base'] as const);
  for (const name of order) figures[name].push(runs[name](block));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ratios = figures.own.map((o, i) => o / figures.base[i]!);
for (const name of ['base', 'own'] as const) {
  console.log(
    JSON.stringify({
      side: name,
      blocks: figures[name].map(Math.round),
      minCpuUsPerTurn: Math.round(Math.min(...figures[name])),
      medianCpuUsPerTurn: Math.round(median(figures[name])),
    }),
  );
}
console.log(JSON.stringify({ medianRatioOwnToBase: Number(median(ratios).toFixed(3)) }));
