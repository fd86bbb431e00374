/**
 * npm run chat [-- --lang et] [--identity ID] [--url ws://127.0.0.1:3000/ws]
 * Interactive terminal chat for dialog authors. Numbers pick quick replies; /debug, /restart,
 * /lang ru, /save path.yaml (record the session as a scripted conversation), /quit.
 */
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { createAssistantKit } from '../assistant-kit.js';
import { ROOT_DIR } from '../paths.js';
import {
  createInProcessDriver,
  createWsDriver,
  type ConversationDriver,
  type Turn,
} from '../converse/driver.js';
import { summarize } from '../converse/runner.js';
import { renderReply } from '../converse/render-text.js';
import type { Expect, Script, Step } from '../converse/script.js';
import { createLogger } from '../logger.js';
import { createScriptStatus } from '../converse/script-status.js';
import { LANGS, type Lang } from '../protocol/frames.js';

const { values } = parseArgs({
  options: {
    lang: { type: 'string' },
    identity: { type: 'string' },
    url: { type: 'string' },
  },
});

const isLang = (v: string | undefined): v is Lang => (LANGS as readonly string[]).includes(v ?? '');

async function main(): Promise<void> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY,
  });
  const print = (s: string) => process.stdout.write(`${s}\n`);
  // Lines are queued as they come, so piped input is not lost while a turn is running.
  const queue: string[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  rl.on('line', (l) => {
    queue.push(l);
    wake?.();
  });
  rl.on('close', () => {
    closed = true;
    wake?.();
  });
  const ask = async (prompt: string): Promise<string | undefined> => {
    process.stdout.write(prompt);
    while (queue.length === 0 && !closed) await new Promise<void>((r) => (wake = r));
    const line = queue.shift();
    if (line !== undefined && !process.stdin.isTTY) process.stdout.write(`${line}\n`);
    return line;
  };
  let lang: Lang | undefined = isLang(values.lang) ? values.lang : undefined;
  while (!lang) {
    const answer = await ask('Language (et/en/ru) [et]: ');
    if (answer === undefined) return;
    if (isLang(answer.trim() || 'et')) lang = (answer.trim() || 'et') as Lang;
  }
  // Asked only in a fully interactive start; `--lang` alone means signed out.
  const identity =
    values.identity ??
    (values.lang === undefined
      ? (await ask('Demo identity (empty: signed out): '))?.trim() || undefined
      : undefined);

  const kit = values.url ? undefined : createAssistantKit(ROOT_DIR);
  const logger = createLogger(process.env.LOG_LEVEL ?? 'error');
  const newDriver = (): ConversationDriver =>
    values.url || !kit
      ? createWsDriver({ url: values.url ?? '' })
      : createInProcessDriver({
          assistant: kit.assistant,
          classifier: kit.classifier,
          logger,
          status: createScriptStatus(ROOT_DIR, logger),
        });

  const startLang: Lang = lang;
  let debug = false;
  let driver = newDriver();
  let steps: Step[] = [];
  let last: Turn = { replies: [] };
  const show = (turn: Turn) => {
    last = turn;
    for (const r of turn.replies) print(renderReply(r, debug));
  };
  const start = async () => {
    steps = [];
    show(await driver.start({ lang: lang ?? 'et', ...(identity && { identity }) }));
  };
  /** What the session did, as expectations a regression script can keep. */
  const expectOf = (turn: Turn): Expect => {
    const s = summarize(turn.replies);
    const expect: Expect = {};
    if (s.intent) expect.intent = s.intent;
    if (s.lifeEvent) expect.lifeEvent = s.lifeEvent;
    if (s.options.length) expect.options = s.options.slice(0, 3).map((o) => o.label);
    if (s.services.length) expect.services = s.services;
    return expect;
  };

  print('Type a message, a number to pick a quick reply, or /help.');
  await start();
  for (;;) {
    const input = await ask('you> ');
    if (input === undefined) break;
    const line = input.trim();
    if (!line) continue;
    if (line === '/quit' || line === '/exit') break;
    if (line === '/help') {
      print(
        '/debug  toggle understanding details\n/restart  new conversation\n/lang et|en|ru  switch language\n/save FILE.yaml  save this session as a script\n/quit',
      );
      continue;
    }
    if (line === '/debug') {
      debug = !debug;
      print(`debug ${debug ? 'on' : 'off'}`);
      continue;
    }
    if (line === '/restart') {
      await driver.close();
      driver = newDriver();
      await start();
      continue;
    }
    if (line.startsWith('/lang')) {
      const next = line.split(/\s+/)[1];
      if (!isLang(next)) {
        print('usage: /lang et|en|ru');
        continue;
      }
      lang = next;
      show(await driver.setLang(next));
      continue;
    }
    if (line.startsWith('/save')) {
      const file = line.split(/\s+/)[1];
      if (!file) {
        print('usage: /save path.yaml');
        continue;
      }
      // Scripts start in one language; a /lang switch during the session is not replayed.
      const script: Script = {
        name: `recorded ${new Date().toISOString().slice(0, 16)}`,
        lang: startLang,
        steps,
      };
      if (identity) script.identity = identity;
      writeFileSync(file, stringify(script));
      print(`saved ${steps.length} steps to ${file}`);
      continue;
    }
    if (line.startsWith('/')) {
      print(`unknown command ${line}; /help lists them`);
      continue;
    }
    const options = summarize(last.replies).options;
    const picked = /^\d+$/.test(line) ? options[Number(line) - 1] : undefined;
    if (/^\d+$/.test(line) && !picked) {
      print(`no option ${line}`);
      continue;
    }
    try {
      const turn = picked ? await driver.choose(picked.id) : await driver.say(line);
      show(turn);
      const expect = expectOf(turn);
      // A label that is part of another option's label would pick the wrong one: use the id.
      const labelIsUnique =
        picked &&
        options.filter((o) => o.label.toLowerCase().includes(picked.label.toLowerCase())).length ===
          1;
      const step: Step = picked
        ? { choose: labelIsUnique ? picked.label : picked.id }
        : { user: line };
      if (Object.keys(expect).length) step.expect = expect;
      steps.push(step);
    } catch (err) {
      print(`error: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  await driver.close();
  rl.close();
}

await main();
