/**
 * The top items of a CPU profile of the app server (`npm run bench -- --profile DIR`) or of
 * `scripts/profile-turns.ts`: self time and inclusive time per function, as shares of the
 * thread's busy time (idle left out). For a server profile only the samples from the first to
 * the last turn count (those with `runTurn` on the stack), so start-up and training do not.
 *
 *   npx tsx scripts/profile-top.ts FILE.cpuprofile [--top N] [--within FUNCTION]
 *
 * `--within step` keeps the samples with `step` on the stack (the assistant alone). The
 * profiles of tsx-run code carry no line numbers (each file is one line); the function names
 * and files are what to read.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, within: { type: 'string' } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: npx tsx scripts/profile-top.ts FILE.cpuprofile [--top N] [--within FN]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = Number(values.top);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const name = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(src|node_modules|scripts)\//, '$1/')}`.trim();
const onStack = (id: number, fn: string) => {
  for (let c: number | undefined = id; c !== undefined; c = parent.get(c))
    if (byId.get(c)?.callFrame.functionName === fn) return true;
  return false;
};

// The window: first to last sample of a turn (all samples when there is no turn in it).
let first = profile.samples.findIndex((id) => onStack(id, 'runTurn'));
let last = profile.samples.findLastIndex((id) => onStack(id, 'runTurn'));
if (first < 0) [first, last] = [0, profile.samples.length - 1];

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let busy = 0;
for (let i = first; i <= last; i++) {
  const id = profile.samples[i]!;
  const node = byId.get(id)!;
  if (node.callFrame.functionName === '(idle)') continue;
  if (values.within && !onStack(id, values.within)) continue;
  const t = profile.timeDeltas[i] ?? 0;
  busy += t;
  self.set(name(node), (self.get(name(node)) ?? 0) + t);
  const seen = new Set<string>();
  for (let c: number | undefined = id; c !== undefined; c = parent.get(c)) {
    const k = name(byId.get(c)!);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + t);
  }
}

const show = (title: string, m: Map<string, number>) => {
  console.log(`--- ${title}`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${((100 * t) / busy).toFixed(1).padStart(5)}%  ${k}`);
};
console.log(
  `busy ${(busy / 1e6).toFixed(2)} s${values.within ? ` within ${values.within}` : ''} (samples ${first}–${last})`,
);
show('self', self);
show('inclusive', inclusive);
