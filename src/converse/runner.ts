/** Runs a scripted conversation against a driver and checks each step's expectations. */
import type { Block, ReplyFrame } from '../protocol/frames.js';
import type { ConversationDriver, Turn } from './driver.js';
import type { Expect, LoadedScript } from './script.js';

export interface StepFailure {
  step: number;
  line: number;
  action: string;
  problems: string[];
  /** What the assistant sent in that turn. */
  actual: {
    text: string;
    options: string[];
    services: string[];
    intent?: string;
    lifeEvent?: string;
  };
}

export interface ScriptResult {
  name: string;
  file: string;
  passed: boolean;
  failure?: StepFailure;
  /** Every turn's replies, greeting first (for coverage). */
  turns: Turn[];
}

export function summarize(replies: ReplyFrame[]) {
  const blocks: Block[] = replies.flatMap((r) => r.blocks);
  const options = blocks.flatMap((b) => (b.type === 'options' ? b.options : []));
  const services = new Set<string>();
  const deadlines: string[] = [];
  for (const b of blocks) {
    if (b.type === 'services') b.services.forEach((s) => s.deadline && deadlines.push(s.deadline));
    if (b.type === 'checklist') b.items.forEach((i) => i.deadline && deadlines.push(i.deadline));
    if (b.type === 'services') b.services.forEach((s) => services.add(s.id));
    if (b.type === 'checklist') b.items.forEach((i) => i.serviceId && services.add(i.serviceId));
    if (b.type === 'status') b.items.forEach((i) => services.add(i.serviceId));
  }
  const metas = replies.map((r) => r.meta).filter((m) => m !== undefined);
  const lifeEvents = metas.map((m) => m.lifeEvent).filter((l) => l !== undefined);
  const intent = metas.find((m) => m.intent !== undefined)?.intent;
  const lifeEvent = lifeEvents.at(-1);
  return {
    text: replies.map((r) => r.text).join('\n'),
    options,
    services: [...services],
    deadlines,
    ...(intent !== undefined && { intent }),
    ...(lifeEvent !== undefined && { lifeEvent }),
    // Qualified as `lifeEvent/node`, like the coverage universe.
    answered: metas.map((m) => m.answered).filter((a) => a !== undefined),
    nodes: metas.flatMap((m) => [
      ...(m.visited ?? []),
      ...(m.node !== undefined ? [m.lifeEvent ? `${m.lifeEvent}/${m.node}` : m.node] : []),
    ]),
  };
}

export function checkExpect(expect: Expect, turn: Turn): string[] {
  const s = summarize(turn.replies);
  const text = s.text.toLowerCase();
  const problems: string[] = [];
  if (expect.intent !== undefined && s.intent !== expect.intent) {
    problems.push(`expected intent ${expect.intent}, got ${s.intent ?? '(none)'}`);
  }
  if (expect.lifeEvent !== undefined && s.lifeEvent !== expect.lifeEvent) {
    problems.push(`expected life event ${expect.lifeEvent}, got ${s.lifeEvent ?? '(none)'}`);
  }
  for (const want of expect.says ?? []) {
    if (!text.includes(want.toLowerCase())) problems.push(`expected the reply to say "${want}"`);
  }
  for (const not of expect.notSays ?? []) {
    if (text.includes(not.toLowerCase())) problems.push(`expected the reply not to say "${not}"`);
  }
  for (const want of expect.options ?? []) {
    const w = want.toLowerCase();
    if (!s.options.some((o) => o.label.toLowerCase().includes(w) || o.id === want)) {
      problems.push(`expected an option "${want}"`);
    }
  }
  for (const want of expect.services ?? []) {
    if (!s.services.includes(want)) problems.push(`expected service ${want} to be shown`);
  }
  const deadlines = s.deadlines.map((d) => d.toLowerCase());
  for (const want of expect.deadlines ?? []) {
    if (!deadlines.some((d) => d.includes(want.toLowerCase())))
      problems.push(
        `expected a card's deadline to say "${want}" (got: ${s.deadlines.join(' | ')})`,
      );
  }
  for (const not of expect.notDeadlines ?? []) {
    if (deadlines.some((d) => d.includes(not.toLowerCase())))
      problems.push(`expected no card's deadline to say "${not}"`);
  }
  return problems;
}

/** Finds the offered option a `choose` step means: by id, else by label substring. */
export function findOption(replies: ReplyFrame[], wanted: string) {
  const options = summarize(replies).options;
  const w = wanted.toLowerCase();
  return (
    options.find((o) => o.id === wanted) ?? options.find((o) => o.label.toLowerCase().includes(w))
  );
}

export async function runScript(
  script: LoadedScript,
  driver: ConversationDriver,
): Promise<ScriptResult> {
  const turns: Turn[] = [];
  const result = (failure?: StepFailure): ScriptResult => ({
    name: script.name,
    file: script.file,
    passed: failure === undefined,
    ...(failure && { failure }),
    turns,
  });
  try {
    turns.push(
      await driver.start({
        lang: script.lang,
        ...(script.identity !== undefined && { identity: script.identity }),
        ...(script.statusPanel !== undefined && { statusPanel: script.statusPanel }),
      }),
    );
    for (const [i, step] of script.steps.entries()) {
      const line = script.stepLines[i] ?? 0;
      const fail = (action: string, problems: string[], turn: Turn) => {
        const s = summarize(turn.replies);
        return result({
          step: i + 1,
          line,
          action,
          problems,
          actual: {
            text: s.text,
            options: s.options.map((o) => o.label),
            services: s.services,
            ...(s.intent !== undefined && { intent: s.intent }),
            ...(s.lifeEvent !== undefined && { lifeEvent: s.lifeEvent }),
          },
        });
      };
      let turn: Turn;
      let action: string;
      if ('user' in step) {
        action = `user: ${step.user}`;
        turn = await driver.say(step.user);
      } else {
        action = `choose: ${step.choose}`;
        const previous = turns.at(-1) ?? { replies: [] };
        const option = findOption(previous.replies, step.choose);
        if (!option) return fail(action, [`no offered option matches "${step.choose}"`], previous);
        turn = await driver.choose(option.id);
      }
      turns.push(turn);
      const problems = step.expect ? checkExpect(step.expect, turn) : [];
      if (turn.replies.length === 0) problems.push('the assistant sent no reply');
      if (problems.length > 0) return fail(action, problems, turn);
    }
    return result();
  } catch (err) {
    return result({
      step: 0,
      line: 0,
      action: 'run',
      problems: [err instanceof Error ? err.message : String(err)],
      actual: { text: '', options: [], services: [] },
    });
  } finally {
    await driver.close();
  }
}

/** The human-readable report of one failing script. */
export function formatFailure(r: ScriptResult): string {
  const f = r.failure;
  if (!f) return '';
  const lines = [
    `  step ${f.step}${f.line ? ` (${r.file}:${f.line})` : ''} ${f.action}`,
    ...f.problems.map((p) => `    ✗ ${p}`),
    `    assistant said: ${JSON.stringify(f.actual.text.slice(0, 400))}`,
  ];
  if (f.actual.intent || f.actual.lifeEvent) {
    lines.push(
      `    understood: intent ${f.actual.intent ?? '-'}, life event ${f.actual.lifeEvent ?? '-'}`,
    );
  }
  if (f.actual.options.length)
    lines.push(`    offered: ${f.actual.options.map((o) => JSON.stringify(o)).join(', ')}`);
  if (f.actual.services.length) lines.push(`    services: ${f.actual.services.join(', ')}`);
  return lines.join('\n');
}
